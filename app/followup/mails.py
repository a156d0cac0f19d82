"""The follow-up's mails: a partner's output, the midway nudge, the end-of-window check-in."""

from app.links import checkin_urls, output_url
from app.people.mail import queue_person_mail

# Each timed reminder: its subject after "UnMentoring round N: ", and whether it carries the
# output link (at the end of the window, meeting and sharing are both due).
REMINDERS = {
    "nudge": ("have you met yet?", False),
    "check_in": ("did you meet?", True),
}


def queue_partner_mail(programme, round_, output, sharer, partner):
    """Tell a partner what the sharer shared, with their own link to add theirs."""
    return queue_person_mail(
        programme,
        partner,
        "output_shared",
        f"UnMentoring: {sharer.full_name} shared what they learned",
        dedupe_key=f"output:{output.id}:{partner.id}",
        sharer=sharer,
        url=output.url,
        round=round_,
        output_url=output_url(partner, round_),
    )


def queue_reminder(programme, round_, person, partners, kind):
    """Remind one person of their round: midway, to meet ("nudge"); at the end, whether they
    met, one click per answer ("check_in")."""
    subject, with_output = REMINDERS[kind]
    links = {"output_url": output_url(person, round_)} if with_output else {}
    return queue_person_mail(
        programme,
        person,
        kind,
        f"UnMentoring round {round_.number}: {subject}",
        dedupe_key=f"round:{round_.id}:{kind}:{person.id}",
        partners=partners,
        round=round_,
        checkin_urls=checkin_urls(person, round_),
        **links,
    )
