"""Introductions: one mail per grouped person, with only what their partners chose to share."""

from app.links import checkin_urls, output_url
from app.people.notify import queue_person_mail
from app.vocabulary import shared_contacts

PROMPTS = (
    "Think: what is one problem in your work you keep coming back to?",
    "Do: what have you tried lately that worked, or didn't?",
    "Share: what will you each write about afterwards, in a tweet, weeknote or blog post?",
)


def queue_introductions(programme, round_, preview, leads):
    """Queue each grouped person's introduction and the odd one out's note, in this transaction."""
    people = preview.people
    for position, ids in enumerate(preview.plan.groups):
        lead = leads[position]
        for pid in ids:
            partners = [people[other] for other in ids if other != pid]
            subject = f"{programme.title} round {round_.number}: meet " + " and ".join(
                p.full_name for p in partners
            )
            _queue(
                programme,
                round_,
                people[pid],
                "introduction",
                subject,
                partners=partners,
                lead=people[lead],
            )
    if preview.plan.sits_out is not None:
        subject = f"{programme.title} round {round_.number}: you are first in line next time"
        _queue(programme, round_, people[preview.plan.sits_out], "sit_out", subject)


def queue_rescue_introductions(programme, round_, group, people, lead, days):
    """Queue each re-matched person's introduction: the same mail, saying why and how many days
    are left."""
    for person in people:
        partners = [p for p in people if p.id != person.id]
        subject = f"{programme.title} round {round_.number}: meet " + " and ".join(
            p.full_name for p in partners
        )
        _queue(
            programme,
            round_,
            person,
            "introduction",
            subject,
            dedupe_key=f"round:{round_.id}:rescue:{group.id}:{person.id}",
            partners=partners,
            lead=lead,
            rescue=True,
            days_left=days,
        )


def _queue(programme, round_, person, template, subject, dedupe_key=None, **context):
    """Queue one round mail in text and HTML, with the person's check-in and output links."""
    queue_person_mail(
        programme,
        person,
        template,
        subject,
        html=True,
        dedupe_key=dedupe_key or f"round:{round_.id}:{template}:{person.id}",
        round=round_,
        prompts=PROMPTS,
        shared_contacts=shared_contacts,
        # The round has its id now, so its links can name it.
        checkin_urls=checkin_urls(person, round_),
        output_url=output_url(person, round_),
        **context,
    )
