"""Properties of the draw on generated pools: everyone placed once, and no better draw exists."""

import random
from dataclasses import replace

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from app.pairing import EXACT_LIMIT, Person, Policy, plan_round
from tests.test_pairing_reference import (
    avoided,
    best_counts,
    best_draws,
    counts,
    due_odd_role,
    fewest_waiting,
    keeps_apart,
    normalised,
    odd_queue,
)

# Spellings that must compare equal once case and spacing are normalised.
ORGANISATIONS = ["Acme", "ACME ", "Beta  Co", "beta co", "Gamma", "Delta"]
POLICIES = st.builds(
    Policy, st.sampled_from(["trio", "sit_out"]), st.sampled_from(["avoid", "allow"])
)


def settled(examples):
    """Return deterministic hypothesis settings: fixed examples, no deadline."""
    return settings(max_examples=examples, deadline=None, derandomize=True)


@st.composite
def pools(draw, min_size=2, max_size=9, organisations=ORGANISATIONS):
    """Draw a pool: unique ids, mixed-spelling organisations, one-sided history, odd roles."""
    n = draw(st.integers(min_size, max_size))
    ids = draw(st.lists(st.integers(1, 10**6), min_size=n, max_size=n, unique=True))
    met = draw(st.sets(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=3 * n))
    people = []
    for pid in ids:
        people.append(
            Person(
                id=pid,
                organisation=draw(st.sampled_from(organisations)),
                # Only one side records each meeting: the draw must read both ways.
                past_partners=frozenset(b for a, b in met if a == pid and b != pid),
                odd_roles=tuple(draw(st.sets(st.integers(1, 6), max_size=3))),
            )
        )
    return people


def _check_everyone_placed_once(people, policy, plan):
    """Assert the plan's groups cover the pool exactly once, in the sizes the policy asks for."""
    placed = [pid for group in plan.groups for pid in group]
    sizes = sorted(len(group) for group in plan.groups)
    everyone = sorted(p.id for p in people)
    if len(people) % 2 == 0:
        assert sizes == [2] * (len(people) // 2) and plan.odd_one is None
    elif policy.odd == "trio":
        assert sizes == [2] * (len(people) // 2 - 1) + [3] and plan.sits_out is None
        assert plan.odd_one in next(g for g in plan.groups if len(g) == 3)
    else:
        assert sizes == [2] * (len(people) // 2) and plan.sits_out == plan.odd_one
        placed.append(plan.sits_out)
    assert sorted(placed) == everyone


@settled(150)
@given(pools(max_size=40), POLICIES, st.integers(0, 2**63 - 1))
def test_everyone_is_placed_exactly_once_in_groups_of_two_and_at_most_one_three(
    people, policy, seed
):
    plan = plan_round(people, policy, random.Random(seed))
    _check_everyone_placed_once(people, policy, plan)


@settled(200)
@given(pools(), POLICIES, st.integers(0, 2**63 - 1))
def test_small_draws_have_the_fewest_repeats_then_the_fewest_colleagues_of_any_draw(
    people, policy, seed
):
    plan = plan_round(people, policy, random.Random(seed))
    best = best_counts(people, policy.odd)
    got = counts(people, plan.groups)
    assert (len(plan.repeats), len(plan.same_org_pairs)) == got
    if policy.same_org == "avoid":
        assert got == best
    else:
        assert got[0] == best[0]
    if len(people) % 2:
        assert plan.odd_one in due_odd_role(people)
    assert plan.search == "exhaustive" and plan.proven


@settled(200)
@given(pools(), POLICIES, st.integers(0, 2**63 - 1))
def test_every_bend_names_exactly_the_pairs_that_break_its_rule(people, policy, seed):
    plan = plan_round(people, policy, random.Random(seed))
    org = {p.id: normalised(p.organisation) for p in people}
    bent = {bend.rule: bend.pairs for bend in plan.bent}
    assert bent.get("no_repeat", ()) == plan.repeats
    assert all(org[a] == org[b] for a, b in plan.same_org_pairs)
    if policy.same_org == "avoid":
        assert bent.get("different_org", ()) == plan.same_org_pairs
    else:
        assert "different_org" not in bent


def _optimum(people):
    """Return networkx's (repeats, same-organisation pairs) minimum for an even pool."""
    graph = nx.Graph()
    for n, a in enumerate(people):
        for b in people[n + 1 :]:
            repeats, colleagues = counts(people, [(a.id, b.id)])
            graph.add_edge(a.id, b.id, weight=10**6 - (1000 * repeats + colleagues))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    return counts(people, [tuple(pair) for pair in matching])


@settled(40)
@given(
    pools(min_size=EXACT_LIMIT + 2, max_size=40, organisations=["A", "B", "C", "a", "B "]),
    st.integers(0, 2**63 - 1),
)
def test_big_even_draws_reach_the_minimum_a_blossom_matching_finds(people, seed):
    people = people[: len(people) // 2 * 2]
    plan = plan_round(people, Policy(), random.Random(seed))
    assert plan.search == "swaps"
    assert counts(people, plan.groups) == _optimum(people)


# Never pair me with

OUTSIDE = 0  # an id no generated pool holds


@st.composite
def avoiding(draw, pool, density=2.0):
    """Add avoidances to a drawn pool: each on one side's list only, some naming outsiders."""
    people = draw(pool)
    ids = [p.id for p in people]
    lists = st.tuples(st.sampled_from(ids), st.sampled_from([*ids, OUTSIDE]))
    # Choose the count first: a bare list strategy seldom grows long enough to block a draw.
    count = draw(st.integers(0, int(density * len(ids))))
    named = draw(st.lists(lists, min_size=count, max_size=count))
    return [replace(p, avoid=frozenset(b for a, b in named if a == p.id)) for p in people]


def _check_placed_once_with_waiting(people, policy, plan):
    """Assert groups, the one sitting out and those waiting cover the pool exactly once."""
    placed = [n for group in plan.groups for n in group]
    out = [plan.sits_out] if plan.sits_out is not None else []
    assert sorted(placed + out + list(plan.unplaced)) == sorted(p.id for p in people)
    assert list(plan.unplaced) == sorted(plan.unplaced)
    sizes = sorted(len(group) for group in plan.groups)
    assert sizes in ([2] * len(sizes), [2] * (len(sizes) - 1) + [3])
    assert (plan.odd_one is not None) == (len(placed + out) % 2 == 1)
    if plan.odd_one is not None and policy.odd == "trio":
        assert plan.odd_one in next(g for g in plan.groups if len(g) == 3)


@settled(300)
@given(avoiding(pools(max_size=8), density=3), POLICIES, st.integers(0, 2**63 - 1))
def test_small_draws_keep_every_avoidance_and_leave_the_fewest_waiting(people, policy, seed):
    plan = plan_round(people, policy, random.Random(seed))
    waiting, _ = fewest_waiting(people, policy.odd)
    assert keeps_apart(people, plan.groups)
    assert len(plan.unplaced) == waiting  # none at all whenever a draw of everyone exists
    assert set(plan.unplaced) <= {n for pair in avoided(people) for n in pair}
    _check_placed_once_with_waiting(people, policy, plan)
    best, _ = best_draws(people, policy)
    queue = odd_queue(people)
    place = queue[plan.odd_one] if plan.odd_one is not None else ()
    repeats, colleagues = len(plan.repeats), len(plan.same_org_pairs)
    assert (place, repeats, colleagues if policy.same_org == "avoid" else 0) == best
    assert plan.search == "exhaustive" and plan.proven


@settled(150)
@given(avoiding(pools(max_size=8)), POLICIES, st.integers(0, 2**63 - 1))
def test_a_draw_is_the_same_whichever_side_named_each_avoidance(people, policy, seed):
    # Turning every list around (b names a instead of a naming b) must not change the
    # plan: nothing in it can tell who avoids whom.
    ids = {p.id for p in people}
    turned = [
        replace(p, avoid=frozenset(q.id for q in people if p.id in q.avoid) | (p.avoid - ids))
        for p in people
    ]
    plan = plan_round(people, policy, random.Random(seed))
    assert plan_round(turned, policy, random.Random(seed)) == plan
    shuffled = people[::-1]
    random.Random(seed).shuffle(shuffled)
    assert plan_round(shuffled, policy, random.Random(seed)) == plan
