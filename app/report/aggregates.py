"""The report's raw figures: pure functions over plain rows of rounds, check-ins and outputs."""

from collections import defaultdict
from statistics import median
from typing import NamedTuple

from app.report.figures import ADDITIVE, PARTITIONS
from app.report.orgtypes import organisation_type


class RoundRow(NamedTuple):
    """A round as the report needs it: groups of person ids, who sat out, which rules bent when
    it was drawn, and whether its draw avoided same-organisation pairs (the organisers' setting)."""

    number: int
    round_date: object
    groups: tuple
    sit_out: int | None = None
    bent: tuple = ()
    avoid_same_org: bool = True


class CheckInRow(NamedTuple):
    """One person's check-in for one round."""

    round_number: int
    person_id: int
    answer: str
    challenged: int | None = None
    new_connection: bool | None = None


class OutputRow(NamedTuple):
    """One output, by the round it follows (None: between rounds), the date it was shared and
    its link (never published: it only tells one output from another)."""

    round_number: int | None
    person_id: int
    shared_on: object
    url: str = ""


def _org_pairs(groups, orgs):
    """Return the set of unordered pairs of different organisations that shared a group."""
    found = set()
    for group in groups:
        names = sorted({orgs[pid] for pid in group})
        found.update((a, b) for n, a in enumerate(names) for b in names[n + 1 :])
    return found


def _bent(round_, rule):
    """Return how many pairs broke a rule in a round, as recorded when it was drawn."""
    return sum(len(b["pairs"]) for b in round_.bent if b["rule"] == rule)


def _same_org_pairs(round_, orgs):
    """Return how many pairs in a round's groups (a trio has three) are of one organisation by
    its canonical name now, so a merge counts in earlier rounds too, as every other figure does;
    none when the round's draw allowed such pairs (no rule bent). The round card keeps what the
    draw knew."""
    if not round_.avoid_same_org:
        return 0
    return sum(
        1
        for group in round_.groups
        for n, a in enumerate(group)
        for b in group[n + 1 :]
        if orgs[a] and orgs[a] == orgs[b]
    )


_NEW = {True: "new_connection_yes", False: "new_connection_no"}


def _answers(members, check_ins):
    """Count check-in answers, challenge ratings and new connections of the people in groups."""
    mine = {c.person_id: c for c in check_ins if c.person_id in members}
    counts = defaultdict(int)
    for pid in members:
        check_in = mine.get(pid)
        counts[check_in.answer if check_in else "no_answer"] += 1
        rating = check_in.challenged if check_in else None
        counts[f"challenged_{rating}" if rating in range(1, 6) else "challenged_no_answer"] += 1
        new = check_in.new_connection if check_in else None
        counts[_NEW.get(new, "new_connection_no_answer")] += 1
    return counts


def _days_to_first_output(round_, members, outputs):
    """Return, per sharer in the round's groups, the days from the round to their first output."""
    first = {}
    for output in outputs:
        if output.round_number == round_.number and output.person_id in members:
            days = (output.shared_on - round_.round_date).days
            first[output.person_id] = min(days, first.get(output.person_id, days))
    return first


def round_figures(round_, orgs, check_ins, outputs):
    """Return one round's raw figures; orgs maps person id to organisation name."""
    members = {pid for group in round_.groups for pid in group}
    answers = _answers(members, [c for c in check_ins if c.round_number == round_.number])
    days = _days_to_first_output(round_, members, outputs)
    figures = {
        "people_in_pool": len(members) + (round_.sit_out is not None),
        "pairs": len(round_.groups),
        "people_in_groups": len(members),
        "organisations": len({orgs[pid] for pid in members}),
        "organisation_types": len({organisation_type(orgs[pid]) for pid in members}),
        "organisation_pairs": len(_org_pairs(round_.groups, orgs)),
        "shared": len(days),
        "median_days_to_output": median(days.values()) if days else None,
        "repeat_pairs": _bent(round_, "no_repeat"),
        "same_org_pairs": _same_org_pairs(round_, orgs),
        "sit_outs": int(round_.sit_out is not None),
        # Kept (not published) so the all-rounds median is over every sharer, not of medians.
        "_days": list(days.values()),
    }
    figures.update({key: answers[key] for part in PARTITIONS for key in part})
    return figures


def overall_figures(rounds, per_round, orgs):
    """Return the figures over all rounds from each round's figures (and the rounds for sets)."""
    total = {key: sum(f[key] for f in per_round) for key in ADDITIVE}
    pool = {pid for r in rounds for g in r.groups for pid in g}
    pool |= {r.sit_out for r in rounds if r.sit_out is not None}
    members = {pid for r in rounds for g in r.groups for pid in g}
    days = [d for f in per_round for d in f["_days"]]
    total.update(
        people_in_pool=len(pool),
        organisations=len({orgs[pid] for pid in members}),
        organisation_types=len({organisation_type(orgs[pid]) for pid in members}),
        organisation_pairs=len(set().union(*(_org_pairs(r.groups, orgs) for r in rounds))),
        median_days_to_output=median(days) if days else None,
        _days=days,
    )
    return total


def between_rounds_figures(outputs):
    """Return the count of outputs that belong to no round and of the people who shared them.

    A link the person also has in a round (given later through that round's email link, say)
    counts in that round only, so no link is counted twice.
    """
    in_rounds = {(o.person_id, o.url) for o in outputs if o.round_number is not None}
    between = {(o.person_id, o.url) for o in outputs if o.round_number is None} - in_rounds
    return {
        "outputs_between_rounds": len(between),
        "sharers_between_rounds": len({pid for pid, _ in between}),
    }


def all_figures(rounds, orgs, check_ins, outputs):
    """Return {column: raw figures}: "1", "2", … for each round, then "all" (which alone has
    the outputs shared between rounds)."""
    per_round = [round_figures(r, orgs, check_ins, outputs) for r in rounds]
    columns = {str(r.number): f for r, f in zip(rounds, per_round, strict=True)}
    columns["all"] = {
        **overall_figures(rounds, per_round, orgs),
        **between_rounds_figures(outputs),
    }
    return columns
