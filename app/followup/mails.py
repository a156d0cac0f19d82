"""The follow-up's mails: a partner's output, the midway nudge, the end-of-window check-in."""

from app.links import checkin_urls, output_url
from app.people.mail import queue_person_mail


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


def queue_nudge(programme, round_, person, partners):
    """Remind one person, midway through the window, to meet their partners."""
    return queue_person_mail(
        programme,
        person,
        "nudge",
        f"UnMentoring round {round_.number}: have you met yet?",
        dedupe_key=f"round:{round_.id}:nudge:{person.id}",
        partners=partners,
        round=round_,
        checkin_urls=checkin_urls(person, round_),
    )


def queue_check_in(programme, round_, person, partners):
    """Ask one person, at the end of the window, whether they met: one click per answer."""
    return queue_person_mail(
        programme,
        person,
        "check_in",
        f"UnMentoring round {round_.number}: did you meet?",
        dedupe_key=f"round:{round_.id}:check_in:{person.id}",
        partners=partners,
        round=round_,
        checkin_urls=checkin_urls(person, round_),
        output_url=output_url(person, round_),
    )
