"""Organisers' hand moves on the board, understood from webhook actions.

A card moved to Shared marks its person shared; to Paused pauses them; back to Sign-ups
returns them to the pool; archived or deleted takes them out of the current round. The
service's own moves arrive too: each rule first asks whether the database already explains
the move (the service only moves a card to match the database), and then does nothing.
"""

from datetime import timedelta

from app.db import db, utcnow
from app.followup.outputs import record_output
from app.models import Output, person_for_card
from app.rounds import taking_part
from app.rounds.membership import current_round_for
from app.rounds.stranding import leave_open_round
from app.webhooks.routing import Router

router = Router()

# An organiser's pause has no date of its own; the person comes back after this, or sooner
# from their page.
ORGANISER_PAUSE = timedelta(weeks=12)
DELETED_KEY = "cards_deleted_by_hand"


def marked_shared(person, action_id=None):
    """An organiser put the card in Shared: record that the person shared, if not known yet."""
    round_ = current_round_for(person)
    if round_ is None or _has_output(person, round_):
        return None
    return record_output(person, round_, "", "organiser", action_id)


def paused_by_hand(programme, person):
    """An organiser put the card in Paused: pause an active person (the service moves only
    people it has paused already)."""
    if person.status != "active":
        return False
    until = (utcnow() + ORGANISER_PAUSE).date()
    taking_part.pause(programme, person, until, reason="organiser", move_card=False)
    return True


def back_to_pool(programme, person):
    """An organiser put the card back in Sign-ups: a paused person is active again."""
    if person.status != "paused":
        return False
    taking_part.resume(programme, person, move_card=False)
    return True


def out_of_round(programme, person, deleted=False):
    """The card was archived or deleted: take the person out of the current round."""
    leave_open_round(programme, person)
    if deleted:
        # Reconcile must not make the card again: the organiser removed it on purpose.
        person.trello_card_id = None
        settings = dict(programme.settings or {})
        settings[DELETED_KEY] = sorted(set(settings.get(DELETED_KEY, [])) | {person.id})
        programme.settings = settings


def _has_output(person, round_):
    """Tell whether the person has any output in the round."""
    query = db.select(Output.id).where(Output.person_id == person.id, Output.round_id == round_.id)
    return db.session.scalar(query.limit(1)) is not None


@router.register("updateCard")
def card_changed(programme, event):
    """Understand a move between lists, or an archive, of a participant's card."""
    data = event.payload.get("data") or {}
    person = person_for_card(programme, (data.get("card") or {}).get("id"))
    if person is None or person.status == "left":
        return
    if (data.get("card") or {}).get("closed") is True and (data.get("old") or {}).get(
        "closed"
    ) is False:
        out_of_round(programme, person)
        return
    after = (data.get("listAfter") or {}).get("id")
    if not after or after == (data.get("listBefore") or {}).get("id"):
        return
    if after == programme.list_id("shared"):
        marked_shared(person, event.action_id)
    elif after == programme.list_id("paused"):
        paused_by_hand(programme, person)
    elif after == programme.list_id("signups"):
        back_to_pool(programme, person)


@router.register("deleteCard")
def card_deleted(programme, event):
    """A participant's card was deleted: out of the round, and no new card made for it."""
    card_id = ((event.payload.get("data") or {}).get("card") or {}).get("id")
    person = person_for_card(programme, card_id)
    if person is not None and person.status != "left":
        out_of_round(programme, person, deleted=True)
