"""What the report measures: each figure's key, label, kind and meaning, in table order."""

from typing import NamedTuple

from app.vocabulary import ANSWER_KEYS, BY_ANSWER


class Figure(NamedTuple):
    """One row of the report: "count" of people or pairs, "pct" of a base, or "days"; a figure
    that is not per_round is measured over all rounds only."""

    key: str
    label: str
    kind: str
    meaning: str
    per_round: bool = True


# The check-in's answers, and the report's own category for people who gave none.
ANSWERS = (*ANSWER_KEYS, "no_answer")
MET, SCHEDULED, NOT_MET = (BY_ANSWER[key].status for key in ANSWER_KEYS)
CHALLENGE = ("challenged_1", "challenged_2", "challenged_3", "challenged_4", "challenged_5")
BASE = "people in groups"
BETWEEN_ROUNDS = (
    "links added to a card after the person's round had closed and before their next one"
)

FIGURES = (
    Figure(
        "people_in_pool",
        "People in the pool",
        "count",
        "people drawn: in a group or sitting out (all rounds: different people)",
    ),
    Figure("pairs", "Pairs", "count", "groups drawn; a trio counts as one"),
    Figure(
        "people_in_groups",
        "People in groups",
        "count",
        "people in a pair or trio (all rounds: once per round); the base of every rate",
    ),
    Figure("organisations", "Organisations", "count", "different organisations in groups"),
    Figure(
        "organisation_types",
        "Organisation types",
        "count",
        "different organisation types in groups",
    ),
    Figure(
        "organisation_pairs",
        "Organisations connected",
        "count",
        "different pairs of organisations that shared a group",
    ),
    Figure("met", MET, "count", f"{BASE} who answered that they met"),
    Figure("met_pct", f"{MET} (%)", "pct", f"met, as a percentage of {BASE}"),
    Figure("scheduled", SCHEDULED, "count", f"{BASE} who answered that a meeting is booked"),
    Figure("scheduled_pct", f"{SCHEDULED} (%)", "pct", f"scheduled, as a percentage of {BASE}"),
    Figure("not_met", NOT_MET, "count", f"{BASE} who answered that they did not meet"),
    Figure("not_met_pct", f"{NOT_MET} (%)", "pct", f"could not meet, as a percentage of {BASE}"),
    Figure("no_answer", "No answer", "count", f"{BASE} who did not answer the check-in"),
    Figure("no_answer_pct", "No answer (%)", "pct", f"no answer, as a percentage of {BASE}"),
    Figure("shared", "Shared an output", "count", f"{BASE} with at least one output"),
    Figure("shared_pct", "Share rate (%)", "pct", f"shared, as a percentage of {BASE}"),
    Figure(
        "median_days_to_output",
        "Median days to first output",
        "days",
        "median days from the round's date to each sharer's first output",
    ),
    *(
        Figure(
            key,
            f"Challenged my thinking: {key[-1]} of 5",
            "count",
            f"{BASE} who rated the conversation {key[-1]} (1 not at all, 5 a lot)",
        )
        for key in CHALLENGE
    ),
    Figure(
        "challenged_no_answer",
        "Challenged my thinking: no answer",
        "count",
        f"{BASE} who did not answer that question",
    ),
    Figure(
        "new_connection_yes",
        "Met someone new: yes",
        "count",
        f"{BASE} who would not otherwise have met their partner",
    ),
    Figure(
        "new_connection_no",
        "Met someone new: no",
        "count",
        f"{BASE} who would have met their partner anyway",
    ),
    Figure(
        "new_connection_no_answer",
        "Met someone new: no answer",
        "count",
        f"{BASE} who did not answer that question",
    ),
    Figure(
        "new_connection_pct",
        "New-connection rate (%)",
        "pct",
        "yes, as a percentage of those who answered yes or no",
    ),
    Figure(
        "repeat_pairs",
        "Rule bent: repeated pairs",
        "count",
        "pairs who had met in an earlier round",
    ),
    Figure(
        "same_org_pairs",
        "Rule bent: same-organisation pairs",
        "count",
        "pairs of people from the same organisation",
    ),
    Figure("sit_outs", "Sat out", "count", "people left without a partner (odd count)"),
    # Outputs that belong to no round, so they have no round's column (last, so the CSV's
    # earlier columns keep their places).
    Figure(
        "outputs_between_rounds",
        "Outputs shared between rounds",
        "count",
        BETWEEN_ROUNDS,
        per_round=False,
    ),
    Figure(
        "sharers_between_rounds",
        "People who shared between rounds",
        "count",
        "different people with at least one output shared between rounds",
        per_round=False,
    ),
)
BY_KEY = {figure.key: figure for figure in FIGURES}
# Each rate: (numerator, the counts that add up to its base).
RATES = {
    "met_pct": ("met", ("people_in_groups",)),
    "scheduled_pct": ("scheduled", ("people_in_groups",)),
    "not_met_pct": ("not_met", ("people_in_groups",)),
    "no_answer_pct": ("no_answer", ("people_in_groups",)),
    "shared_pct": ("shared", ("people_in_groups",)),
    "new_connection_pct": ("new_connection_yes", ("new_connection_yes", "new_connection_no")),
}
# Counts that add up to people in groups, so one hidden part could be worked out from the rest.
PARTITIONS = (
    ANSWERS,
    (*CHALLENGE, "challenged_no_answer"),
    ("new_connection_yes", "new_connection_no", "new_connection_no_answer"),
)
# Private figures: what people answered at the check-in, about their own meeting. Everything
# else describes the draw (who was put in a group with whom, by organisation) or outputs, which
# are public posts: those are published as they are. See docs/report.md.
PRIVATE_COUNTS = tuple(key for part in PARTITIONS for key in part)
PRIVATE = frozenset(
    (*PRIVATE_COUNTS, "met_pct", "scheduled_pct", "not_met_pct", "no_answer_pct")
    + ("new_connection_pct",)
)
# Counts whose "all rounds" figure is the sum of the rounds' figures.
ADDITIVE = (
    "pairs",
    "people_in_groups",
    *ANSWERS,
    "shared",
    *PARTITIONS[1],
    *PARTITIONS[2],
    "repeat_pairs",
    "same_org_pairs",
    "sit_outs",
)


def figures_for(column):
    """Return the figures a column carries: every one over all rounds, per-round ones in a round."""
    return tuple(figure for figure in FIGURES if figure.per_round or column == "all")
