"""Receiving Trello's webhooks: check each delivery's signature and shape, record the action
once, and later, in the worker, run the handlers app.handlers composes for its type.

signature: Trello's HMAC · payloads: what a delivery must look like · early_drop: which actions
can matter at all · receiver: the HEAD and POST endpoint, one insert per action · routing: the
Router each feature declares its handlers on · dispatch: running them in one transaction ·
queue: the worker's pass over the received actions.
"""

from app import web
from app.webhooks import receiver


def init_app(app):
    """Serve the receiver: no CSRF (Trello signs each delivery) and no rate limit (a 429 would
    only make Trello deliver the burst again, from the few addresses it sends from)."""
    app.register_blueprint(receiver.bp)
    web.csrf.exempt(receiver.bp)
    web.limiter(app).exempt(receiver.bp)
