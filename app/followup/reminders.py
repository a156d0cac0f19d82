"""Timed mails that follow every pair: one nudge midway, one check-in at the end of the window.

A GroupReminder row is written before a group's mails are queued, in the same transaction,
and its unique (group, kind) makes each mail happen once however many workers run.
"""

from datetime import timedelta

from sqlalchemy import select

from app.db import db, insert_once
from app.links import checkin_urls, output_url
from app.models import CheckIn, GroupReminder, Person, Round
from app.people.notify import queue_person_mail
from app.rounds.membership import is_open

# Rounds whose window ended longer ago than this get no more reminders (a worker long down).
LATE_LIMIT = timedelta(days=14)
# Each timed reminder: its subject after "<programme> round N: ", and whether it carries the
# output link (at the end of the window, meeting and sharing are both due).
REMINDERS = {
    "nudge": ("have you met yet?", False),
    "check_in": ("did you meet?", True),
}


def due_kind(round_, today):
    """Return which reminder a round's groups are due on a day: 'nudge', 'check_in' or None."""
    if today >= round_.meet_by:
        return "check_in" if today <= round_.meet_by + LATE_LIMIT else None
    midway = round_.round_date + (round_.meet_by - round_.round_date) / 2
    return "nudge" if today >= midway else None


def send_reminders(programme, now):
    """Queue the reminders due now for every applied round; return how many groups got one."""
    query = select(Round).where(
        Round.programme_id == programme.id,
        Round.status == "applied",
        Round.meet_by >= now.date() - LATE_LIMIT,
    )
    sent = 0
    for round_ in db.session.scalars(query):
        kind = due_kind(round_, now.date())
        if kind is None:
            continue
        for group in round_.groups:
            sent += _remind(programme, round_, group, kind, now.date())
    return sent


def _remind(programme, round_, group, kind, today):
    """Claim one group's reminder and queue its mails; return 1 when this call sent it.

    Nobody is reminded to meet a partner they no longer have (a group left with one person:
    stranded, or re-matched elsewhere). The midway nudge is for groups drawn with the round
    while it is open: a re-matched group's introduction already says how many days are left.
    """
    if len(group.person_ids) < 2 or _claimed(group, kind):
        return 0
    if kind == "nudge" and (
        group.kind != "drawn" or not is_open(round_, today) or _anyone_answered(group)
    ):
        return 0
    if insert_once(GroupReminder, ("group_id", "kind"), group_id=group.id, kind=kind) is None:
        return 0  # another worker claimed it a moment ago
    people = list(db.session.scalars(select(Person).where(Person.id.in_(group.person_ids))))
    for person in people:
        if person.status != "left" and person.email:
            partners = [p for p in people if p.id != person.id]
            queue_reminder(programme, round_, person, partners, kind)
    return 1


def queue_reminder(programme, round_, person, partners, kind):
    """Remind one person of their round: midway, to meet ("nudge"); at the end, whether they
    met, one click per answer ("check_in")."""
    subject, with_output = REMINDERS[kind]
    links = {"output_url": output_url(person, round_)} if with_output else {}
    return queue_person_mail(
        programme,
        person,
        kind,
        f"{programme.title} round {round_.number}: {subject}",
        dedupe_key=f"round:{round_.id}:{kind}:{person.id}",
        partners=partners,
        round=round_,
        checkin_urls=checkin_urls(person, round_),
        **links,
    )


def _claimed(group, kind):
    """Tell whether the group's reminder of this kind was already sent."""
    query = select(GroupReminder.id).where(
        GroupReminder.group_id == group.id, GroupReminder.kind == kind
    )
    return db.session.scalar(query) is not None


def _anyone_answered(group):
    """Tell whether anybody in the group has checked in."""
    query = select(CheckIn.id).where(CheckIn.group_id == group.id)
    return db.session.scalar(query.limit(1)) is not None
