"""Work side by side: a thread per programme with work due, so that boards share the API key.

One thread carrying out every board's entries in turn runs one Trello call at a time: a
board's 200-card round holds the thread for as long as its token's 100 requests per 10 s
allow, and every other board waits behind it. A thread per programme lets each board's
calls wait only for its own token and its fair share of the key (app/trello/throttle.py).
"""

import threading
from collections import Counter

from flask import current_app

from app.db import db

POLL = 0.2  # seconds between looks for programmes whose work became due meanwhile


def side_by_side(due, run, threads, poll=POLL):
    """Call run(key) in a thread of its own, in an app context of its own, for every key that
    due() names, one thread per key and at most threads at once, until due() names none that
    is not running and every thread has finished; return their counts added up.

    due() is asked again every poll seconds, so work that becomes due for another programme
    meanwhile starts at once rather than after the longest one. A thread's error is raised
    once the others have finished, and no more threads start after it."""
    app = current_app._get_current_object()
    running, totals, errors = {}, Counter(), []
    lock = threading.Lock()

    def work(key):
        """Run one key's work in this thread and keep its counts or its error."""
        with app.app_context():
            try:
                counts = run(key)
                with lock:
                    totals.update(counts)
            except Exception as exc:  # noqa: BLE001 - raised in the calling thread below
                errors.append(exc)
            finally:
                db.session.remove()

    while True:
        for key in due() if not errors else ():
            if key not in running and len(running) < threads:
                running[key] = threading.Thread(
                    target=work, args=(key,), name=f"outbox-{key}", daemon=True
                )
                running[key].start()
        if not running:
            break
        next(iter(running.values())).join(poll)
        running = {key: thread for key, thread in running.items() if thread.is_alive()}
    if errors:
        raise errors[0]
    return dict(totals)
