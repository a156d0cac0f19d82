"""Reconcile the round's follow-up: read the board in two requests and repair drift both ways.

Outputs added while the service was down are recorded (once: the same URL counts once);
hand moves it missed are understood as the webhook would have; cards whose list or progress lines
differ from the database are queued to be rewritten.
"""

from collections import Counter, defaultdict

from sqlalchemy import select

from app.db import db
from app.followup.hand_moves import back_to_pool, marked_shared, paused_by_hand
from app.followup.output_urls import is_output_url, urls_in
from app.followup.outputs import record_board_output
from app.models import OutboxEntry, Person
from app.rounds.cards import card_changes, queue_sync
from app.rounds.membership import latest_round, round_people
from app.rounds.tally import queue_tally, round_card_changes
from app.trello.gateway import get_gateway


def unapplied_round(programme):
    """Return the latest round if it is not applied to the board yet (reconcile waits), or None."""
    round_ = latest_round(programme.id)
    return round_ if round_ is not None and round_.status != "applied" else None


def reconcile_round(programme):
    """Bring the current round's cards and the database into agreement; return counts."""
    round_ = latest_round(programme.id)
    if round_ is None or round_.status != "applied":
        # A round still being applied: its own queued writes bring the board in line, and
        # repairs queued now would race them (a restarted worker reconciles before resuming).
        return {}
    gateway = get_gateway()
    cards = {card["id"]: card for card in gateway.board_state().get("cards", [])}
    since = round_.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    comments = defaultdict(list)
    for action in reversed(gateway.board_actions("commentCard", since=since)):
        comments[((action.get("data") or {}).get("card") or {}).get("id")].append(action)
    counts = Counter()
    card_urls = {card_id: card.get("shortUrl") for card_id, card in cards.items()}
    ids = round_people(round_)
    for person in db.session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)):
        card = cards.get(person.trello_card_id or "")
        if card is None or person.status == "left":
            continue
        counts.update(
            _repair_card(programme, round_, person, card, comments[card["id"]], card_urls)
        )
    round_card = cards.get(round_.round_card_id or "")
    if round_card and round_card_changes(round_, round_card):
        counts["round card re-queued"] += bool(queue_tally(programme, round_))
    db.session.commit()
    return {outcome: n for outcome, n in counts.items() if n}


def _repair_card(programme, round_, person, card, comments, card_urls):
    """Record what one card shows that the database missed, then queue the card if it differs."""
    counts = Counter()
    found = [(a.get("url"), "attachment", None) for a in card.get("attachments") or []]
    for action in comments:
        text = str((action.get("data") or {}).get("text") or "")
        found += [(url, "comment", action.get("id")) for url in urls_in(text)]
    for url, source, action_id in found:
        if is_output_url(url) and record_board_output(person, url, source, action_id):
            counts["outputs recorded"] += 1
    in_list = card.get("idList")
    if _writes_pending(person):
        pass  # a queued move of the service's own is still on its way: the board is behind
    elif in_list == programme.list_id("shared"):
        counts["marked shared by hand"] += bool(marked_shared(person))
    elif in_list == programme.list_id("paused"):
        counts["paused by hand"] += paused_by_hand(programme, person)
    elif in_list == programme.list_id("signups"):
        counts["back in the pool by hand"] += back_to_pool(programme, person)
    if not counts and card_changes(programme, person, card, card_urls=card_urls):
        counts["cards re-queued"] += bool(queue_sync(programme, person))
    return counts


def _writes_pending(person):
    """Tell whether card writes or mails about the person still wait in the outbox."""
    query = select(OutboxEntry.id).where(
        OutboxEntry.person_id == person.id,
        OutboxEntry.waiting(),
        OutboxEntry.operation != "mail.send",
    )
    return db.session.scalar(query.limit(1)) is not None
