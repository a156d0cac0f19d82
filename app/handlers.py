"""Who handles what: each Trello action the board sends, and each outbox operation the worker
carries out. Each feature declares its own handlers on its own Router or Operations; this is the
one place they are put together. The tables below are the result (tests/test_architecture.py
keeps them true), so one read here answers "what happens when Trello sends updateCard?".

Trello actions, each with its handlers in the order they run:

createCard
  - signup.board_events.card_created
    A card added to Sign-ups may be a hand-made sign-up (its text is not in the action).
updateCard
  - signup.board_events.card_updated
    An Email: line written into a Sign-ups card's description makes it a sign-up.
  - followup.hand_moves.card_changed
    Understand a move between lists, or an archive, of a participant's card.
  - afterwards, signup.board_events.scrub_contact_lines
    Keep no contact details in the recorded action: its descriptions lose those lines.
deleteCard
  - followup.hand_moves.card_deleted
    A participant's card was deleted: out of the round, and no new card made for it.
addAttachmentToCard
  - followup.outputs.attachment_added
    An external link attached to a participant's card is their output.
commentCard
  - followup.outputs.comment_added
    An external link in a comment on a participant's card is their output.
disablePlugin
  - powerup_api.removal.power_up_removed
    The UnMentoring Power-Up was removed from the board: its programme stops.

Outbox operations:

trello.update_card: trello.writes.update_card
    Apply one queued card update in a single request.
trello.create_card: trello.writes.create_card
    Create a card and, for a person, remember its id in the same commit as the entry.
trello.comment: trello.writes.comment
    Add a queued comment to a card.
trello.attach_url: trello.writes.attach_url
    Attach a queued link to a card.
mail.send: mail.send_mail
    Send one queued mail now; raises so the outbox retries when the server is unreachable.
people.update_card: people.cards.update_person_card
    Apply a queued change to a person's card, whose id may be known only now.
people.refresh_card: people.cards.refresh_person_card
    Rewrite a card's name and description lines from the person's current record.
signup.import_card: signup.board_events.import_card_now
    Read a card queued by a webhook action and import it, in the entry's transaction.
round.apply: rounds.apply.apply_round
    Bring the board in line with one stored round; safe to run again at any point.
followup.refresh_card: rounds.cards.sync_card
    Write a person's card as the database says: description, and list when due.
rounds.sync_card: rounds.cards.sync_card
    Write a person's card as the database says: description, and list when due.
round.close: rounds.closing.write_closed_round
    Write a closed round's final tally on its card, archive the card of the round before
followup.round_tally: rounds.tally.update_tally
    Rewrite the round card's tally line, e.g. "2 of 2 shared", from the database.
"""

from app import mail
from app.followup import hand_moves, outputs
from app.outbox import Operations
from app.people import cards
from app.powerup_api import removal
from app.rounds import apply, closing, tally
from app.rounds import cards as round_cards
from app.signup import board_events
from app.trello import writes
from app.webhooks.routing import Router

WEBHOOKS = Router(board_events.router, hand_moves.router, outputs.router, removal.router)
OPERATIONS = Operations(
    writes.operations,
    mail.operations,
    cards.operations,
    board_events.operations,
    apply.operations,
    round_cards.operations,
    closing.operations,
    tally.operations,
)


def describe():
    """Return the tables of the module's docstring as the routers make them, to check it by."""
    lines = ["Trello actions, each with its handlers in the order they run:", ""]
    for action_type in {**WEBHOOKS.handlers, **WEBHOOKS.scrubbers}:
        lines.append(action_type)
        lines += [_entry("  - ", fn) for fn in WEBHOOKS.handlers_for(action_type)]
        lines += [_entry("  - afterwards, ", fn) for fn in WEBHOOKS.scrubbers_for(action_type)]
    lines += ["", "Outbox operations:", ""]
    for name, fn in OPERATIONS.handlers.items():
        lines.append(_entry(f"{name}: ", fn))
    return "\n".join(lines)


def _entry(prefix, fn):
    """Return a function's place (module below app, and name) and its docstring's first line."""
    where = f"{fn.__module__.removeprefix('app.')}.{fn.__name__}"
    summary = (fn.__doc__ or "").strip().splitlines()[0]
    return f"{prefix}{where}\n    {summary}"


def init_app(app):
    """Give the receiver its Router and the outbox its Operations."""
    app.extensions["webhook_router"] = WEBHOOKS
    app.extensions["outbox_operations"] = OPERATIONS
