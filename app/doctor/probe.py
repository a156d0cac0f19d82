"""The delivery probe: one harmless action on the board (a label made, then deleted) and a wait
for the web process to have recorded it, which proves that Trello reaches PUBLIC_URL and that
the receiver verified Trello's signature with TRELLO_API_SECRET.

No webhook handler takes label actions (app/handlers.py lists them all), so the recorded
createLabel changes nothing else; the label is deleted again whatever happens.
"""

import time

from sqlalchemy import func, select

from app.db import db
from app.doctor.results import FAIL, OK, WARN, check, not_checked
from app.doctor.trello_checks import NO_TOKEN, WRITERS
from app.models import WebhookEvent
from app.trello.board import callback_url
from app.trello.gateway import TrelloError

LABEL = "UnMentoring doctor check"
POLL_SECONDS = 0.25


@check("Webhook deliveries")
def deliveries(ctx):
    """Make one label, wait for its createLabel delivery to be recorded, delete the label."""
    if ctx.probe_wait is None:
        return WARN, (
            "skipped (--no-probe): whether Trello's deliveries reach the service and pass "
            "the signature check (TRELLO_API_SECRET) was not checked"
        )
    blocker = _blocker(ctx)
    if blocker:
        return not_checked(blocker)
    _remove_leftovers(ctx.gateway)
    after = db.session.scalar(select(func.max(WebhookEvent.id))) or 0
    started, label = time.monotonic(), ctx.gateway.create_label(LABEL)
    try:
        arrived = _wait_for(label["id"], after, ctx.probe_wait)
    finally:
        kept = _delete(ctx.gateway, label["id"])
    if arrived:
        took = time.monotonic() - started
        message = f"a probe label's createLabel reached {callback_url()} in {took:.1f} s, "
        message += "its signature verified and the web process recorded it"
        return (WARN, f"{message}; {kept}") if kept else (OK, message + "; label deleted")
    return FAIL, _not_arrived(ctx) + (f"; {kept}" if kept else "")


def _blocker(ctx):
    """Return why the probe cannot tell anything yet (an earlier check failed), or None."""
    if ctx.me is None:
        return NO_TOKEN
    if ctx.role not in WRITERS:
        return "the token's member cannot write on the board (see above)"
    if ctx.programme is None:
        return "the service records deliveries only for a board set up with setup-board"
    if ctx.hook is None or not ctx.hook.get("active", True):
        return "there is no active webhook to deliver it (see above)"
    return None


def _remove_leftovers(gateway):
    """Delete probe labels a doctor stopped mid-probe (killed, say) left on the board."""
    for label in gateway.labels():
        if label.get("name") == LABEL:
            gateway.delete_label(label["id"])


def _wait_for(label_id, after, seconds):
    """Return True once the web process has recorded the createLabel of this label."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.rollback()  # end the read transaction, so the next query sees new rows
        query = select(WebhookEvent).where(
            WebhookEvent.id > after, WebhookEvent.action_type == "createLabel"
        )
        for event in db.session.scalars(query):
            if ((event.payload or {}).get("data") or {}).get("label", {}).get("id") == label_id:
                return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)


def _delete(gateway, label_id):
    """Delete the probe's label; return what to do if it stayed on the board, else ""."""
    try:
        gateway.delete_label(label_id)
    except TrelloError as exc:
        if exc.status == 404:
            return ""  # already gone: someone deleted it on the board
        return f"the label '{LABEL}' could not be deleted ({exc}): delete it on the board"
    return ""


def _not_arrived(ctx):
    """Return the FAIL message of a probe whose delivery was not recorded in time."""
    message = (
        f"no delivery reached the service within {ctx.probe_wait:g} s: check that PUBLIC_URL "
        f"({ctx.config['PUBLIC_URL']}) reaches the web process, that it uses this command's "
        "database, and that TRELLO_API_SECRET is the API key's secret (not the token)"
    )
    try:
        hook = next(h for h in ctx.gateway.webhooks() if h.get("id") == ctx.hook.get("id"))
    except (TrelloError, StopIteration):
        return message
    failures = hook.get("consecutiveFailures") or 0
    if failures:
        message += (
            f". Trello now counts {failures} failed deliveries in a row: something answers at "
            "PUBLIC_URL but refuses them, as the receiver does (401) when the secret is wrong"
        )
    return message
