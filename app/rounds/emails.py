"""Introductions: one mail per grouped person, with only what their partners chose to share."""

from flask import current_app, render_template

from app.mail import queue_mail

CHANNELS = (("email", "Email"), ("phone", "Phone"), ("google_id", "Google"), ("skype", "Skype"))
PROMPTS = (
    "Think: what is one problem in your work you keep coming back to?",
    "Do: what have you tried lately that worked, or didn't?",
    "Share: what will you each write about afterwards, in a tweet, weeknote or blog post?",
)


def shared_contacts(person):
    """Return (label, value) for each contact channel the person agreed to share."""
    chosen = set(person.share_channels or [])
    return [
        (label, getattr(person, field))
        for field, label in CHANNELS
        if field in chosen and getattr(person, field)
    ]


def _manage_url(person):
    """Return the person's signed link to their own page."""
    from app.links import make_token

    return f"{current_app.config['PUBLIC_URL']}/me/{make_token(person.id, 'manage')}"


def queue_introductions(programme, round_, preview, leads):
    """Queue each grouped person's introduction and the odd one out's note, in this transaction."""
    people = preview.people
    for position, ids in enumerate(preview.plan.groups):
        lead = leads[position]
        for pid in ids:
            partners = [people[other] for other in ids if other != pid]
            _queue(
                programme, round_, people[pid], "introduction", partners=partners, lead=people[lead]
            )
    if preview.plan.sits_out is not None:
        _queue(programme, round_, people[preview.plan.sits_out], "sit_out")


def _queue(programme, round_, person, template, **context):
    """Render one mail in text and HTML and queue it on the person's mail lane."""
    from app.loop.mails import ANSWER_LABELS, checkin_urls, output_url

    context.update(
        person=person,
        round=round_,
        prompts=PROMPTS,
        shared_contacts=shared_contacts,
        manage_url=_manage_url(person),
        # One-click check-in answers and the output link (app.loop); the round has its id now.
        checkin_urls=checkin_urls(person, round_),
        answer_labels=ANSWER_LABELS,
        output_url=output_url(person, round_),
    )
    text = render_template(f"mail/{template}.txt", **context)
    html = render_template(f"mail/{template}.html", **context)
    subject = (
        f"UnMentoring round {round_.number}: meet "
        + " and ".join(p.full_name for p in context["partners"])
        if template == "introduction"
        else f"UnMentoring round {round_.number}: you are first in line next time"
    )
    queue_mail(
        programme,
        person.email,
        subject,
        text,
        html=html,
        lane=f"person:{person.id}",
        dedupe_key=f"round:{round_.id}:{template}:{person.id}",
    )
