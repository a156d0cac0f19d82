"""The text a round writes on the board: round card name and description, partner lines."""

from app.trello.card_text import plain

DESC_LIMIT = 16384  # Trello's limit on a card description, in characters
RULE_TEXT = {
    "trio": "an odd count makes one group of three",
    "sit_out": "with an odd count one person sits out",
    "avoid": "people from the same organisation are not paired while another draw exists",
    "allow": "people from the same organisation may be paired",
}


def round_card_name(round_, pairs):
    """Return `Round N · <date> · <k> pairs`, and `· closed` once an organiser or its date
    closed it."""
    name = f"Round {round_.number} · {round_.round_date.isoformat()} · {pairs} pairs"
    return f"{name} · closed" if round_.closed_at is not None else name


def pair_count(round_):
    """Return how many groups of two or more a round drew (re-matches not counted)."""
    return sum(1 for g in round_.groups if g.kind == "drawn" and len(g.members) >= 2)


def round_card_desc(round_, groups, short_urls):
    """Return the round card's description: seed, rules, rules that bent, and the pairs as links."""
    lines = [
        f"Seed: {round_.seed}",
        f"Meet by: {round_.meet_by.isoformat()}",
        "",
        "Rules: pairs of two; nobody is paired with an earlier partner while another draw "
        f"exists; {RULE_TEXT[round_.policy['same_org']]}; {RULE_TEXT[round_.policy['odd']]}.",
    ]
    for bend in round_.bent or []:
        lines.append(f"Had to bend ({bend['rule']}): {plain(bend['reason'])}")
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
