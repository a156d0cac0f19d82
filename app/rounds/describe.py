"""The text a round writes on the board: round card name and description, partner lines, and
the rules a draw had to bend, said as sentences for organisers."""

import re

from app.pairing.bends import PROVEN_LEAD
from app.trello.card_text import plain
from app.vocabulary import long_date

DESC_LIMIT = 16384  # Trello's limit on a card description, in characters
BENDS_SHOWN = 12  # pairs named per bent rule on the card, so the pairs' links still fit
RULE_TEXT = {
    "trio": "an odd count makes one group of three",
    "sit_out": "with an odd count one person sits out",
    "avoid": "people from the same organisation are not paired while another draw exists",
    "allow": "people from the same organisation may be paired",
}


def round_card_name(round_, pairs):
    """Return `Round N · 30 December 2026 · <k> pairs`, and `· closed` once an organiser or
    its date closed it."""
    counted = f"{pairs} pair" if pairs == 1 else f"{pairs} pairs"
    name = f"Round {round_.number} · {long_date(round_.round_date)} · {counted}"
    return f"{name} · closed" if round_.closed_at is not None else name


def round_card_names(round_, pairs):
    """Return the names a round card may have: today's, and the one with the date as digits
    it was written with before (a run that died then left it so; the next write renames it)."""
    earlier = f"Round {round_.number} · {round_.round_date.isoformat()} · {pairs} pairs"
    return (round_card_name(round_, pairs), earlier)


def pair_count(round_):
    """Return how many groups of two or more a round drew (re-matches not counted)."""
    return sum(1 for g in round_.groups if g.kind == "drawn" and len(g.members) >= 2)


def round_card_desc(round_, groups, short_urls, organisations=None):
    """Return the round card's description: seed (for `flask pair --seed`), rules, the rules
    that had to bend as sentences, and the pairs as links. organisations ({person id: name})
    lets a sentence name the organisation two colleagues share."""
    lines = [
        f"Seed: {round_.seed}",
        meet_by_line(round_),
        "",
        "Rules: pairs of two; nobody is paired with an earlier partner while another draw "
        f"exists; {RULE_TEXT[round_.policy['same_org']]}; {RULE_TEXT[round_.policy['odd']]}.",
    ]
    organisations = organisations or {}
    for bend in round_.bent or []:
        lines += bend_sentences(
            bend,
            lambda pid: short_urls.get(pid) or "(card missing)",
            organisations.get,
            escape=plain,
            limit=BENDS_SHOWN,
        )
    lines += ["", "Pairs:"]
    budget = DESC_LIMIT - len("\n".join(lines)) - 100
    for number, ids in enumerate(groups, start=1):
        links = " + ".join(short_urls.get(pid, "(card missing)") for pid in ids)
        line = f"{number}. {links}"
        budget -= len(line) + 1
        if budget < 0:
            # Trello refuses longer descriptions; every member card still links its partner.
            lines.append(f"…and {len(groups) - number + 1} more: each card links its partner.")
            break
        lines.append(line)
    return "\n".join(lines)


def meet_by_line(round_):
    """Return the round card's meet-by line."""
    return f"Meet by: {long_date(round_.meet_by)}"


def with_meet_by(desc, round_):
    """Return a round card's description with its meet-by line written as today's code writes
    it (cards written before dates were in words said "Meet by: 2026-12-30")."""
    lines = (desc or "").splitlines()
    return "\n".join(
        meet_by_line(round_) if line.startswith("Meet by: ") else line for line in lines
    )


# After "<n> repeated pairs: " or "<n> same-organisation pair: " a Bend's reason says why.
WHY = re.compile(r"\d+ (?:repeated|same-organisation) pairs?: ")


def bend_sentences(bend, name_of, organisation_of, escape=str, limit=None):
    """Return sentences telling an organiser who had to be paired against a rule, and why:
    "Ada Lovelace and Tom Reid meet again: there was no other way." Nothing in them says who
    avoids whom (never-pair lists are private). bend is a pairing Bend or its stored dict;
    name_of and organisation_of take a person id; escape makes typed text safe where it goes
    (names from name_of are used as given); limit caps the pairs named."""
    rule, pairs, reason = (
        (bend["rule"], bend["pairs"], bend["reason"])
        if isinstance(bend, dict)
        else (bend.rule, bend.pairs, bend.reason)
    )
    # Only a proven minimum may say "no other way"; a best-effort search says what it found.
    tail = (
        "there was no other way" if reason.startswith(PROVEN_LEAD) else "no better draw was found"
    )
    said = []
    for a, b in pairs[:limit]:
        both = f"{name_of(a)} and {name_of(b)}"
        organisation = escape(organisation_of(a) or "")
        if rule == "no_repeat":
            said.append(f"{both} meet again: {tail}.")
        elif organisation:
            said.append(f"Two people from {organisation} had to be paired, {both}: {tail}.")
        else:
            said.append(f"{both}, from the same organisation, had to be paired: {tail}.")
    if limit is not None and len(pairs) > limit:
        said.append(f"And {len(pairs) - limit} more pairs like these: their cards link each other.")
    found = WHY.search(reason)
    why = escape(reason[found.end() :]) if found else ""
    if why:
        said.append(f"{why[0].upper()}{why[1:]}.")
    return said
