"""Properties of the draw on generated pools: everyone placed once, and no better draw exists."""

import random
from dataclasses import replace

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from app.pairing import EXACT_LIMIT, Person, Policy, plan_round
from app.pairing.matching import maximise
from app.pairing.pool import Pool
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


# The matching behind big draws


@st.composite
def crowded(draw, min_size=EXACT_LIMIT + 1, max_size=24, chances=(0.2, 0.5, 0.7, 0.85, 0.95)):
    """Draw a pool where each two avoid each other with a drawn chance, so some may wait."""
    people = draw(pools(min_size=min_size, max_size=max_size))
    chance = draw(st.sampled_from(chances))
    rng = random.Random(draw(st.integers(0, 2**32)))
    ids = [p.id for p in people]
    pairs = [(a, b) for n, a in enumerate(ids) for b in ids[n + 1 :] if rng.random() < chance]
    sides = [pair if rng.random() < 0.5 else pair[::-1] for pair in pairs]
    return [replace(p, avoid=frozenset(b for a, b in sides if a == p.id)) for p in people]


def _allowed_graph(people):
    """Return the networkx graph of the pairs that may meet."""
    bad = avoided(people)
    graph = nx.Graph()
    graph.add_nodes_from(p.id for p in people)
    graph.add_edges_from(
        (a.id, b.id)
        for n, a in enumerate(people)
        for b in people[n + 1 :]
        if frozenset((a.id, b.id)) not in bad
    )
    return graph


def _size(graph):
    """Return the size of a maximum matching (networkx)."""
    return len(nx.max_weight_matching(graph, maxcardinality=True))


@settled(400)
@given(crowded(min_size=2, max_size=14, chances=(0.5, 0.65, 0.75)), st.integers(0, 2**63 - 1))
def test_the_matching_grown_from_any_start_is_maximum(people, seed):
    pool = Pool(sorted(people, key=lambda p: p.id), avoid_same_org=True)
    rng = random.Random(seed)
    match = [-1] * len(people)
    order = list(range(len(people)))
    rng.shuffle(order)
    for a, b in zip(order[::2], order[1::2], strict=False):
        if pool.allowed(a, b) and rng.random() < 0.7:
            match[a], match[b] = b, a
    maximise(pool, match, rng, [10**9])
    assert all(m == -1 or (match[m] == n and pool.allowed(n, m)) for n, m in enumerate(match))
    assert sum(m != -1 for m in match) == 2 * _size(_allowed_graph(people))


def test_the_matching_grows_through_an_odd_cycle():
    # From the pair 0-2, reaching everyone needs a path through the cycle 0-3-4 (a blossom).
    edges = {(0, 2), (0, 3), (0, 4), (1, 2), (2, 5), (3, 4), (3, 5)}
    people = [
        Person(a, "A", avoid=frozenset(b for b in range(6) if (min(a, b), max(a, b)) not in edges))
        for a in range(6)
    ]
    pool = Pool(people, avoid_same_org=True)
    for seed in range(30):
        match = maximise(pool, [2, -1, 0, -1, -1, -1], random.Random(seed), [10**9])
        assert sorted(match) == list(range(6)) and all(
            (min(a, b), max(a, b)) in edges for a, b in enumerate(match)
        )


# Big pools keep avoidances too


@settled(60)
@given(
    avoiding(pools(min_size=EXACT_LIMIT + 1, max_size=60), density=0.2),
    POLICIES,
    st.integers(0, 2**63 - 1),
)
def test_big_draws_never_break_a_sparse_avoidance(people, policy, seed):
    plan = plan_round(people, policy, random.Random(seed))
    assert plan.search == "swaps" and keeps_apart(people, plan.groups)
    _check_placed_once_with_waiting(people, policy, plan)
    degree = max(sum(n in pair for pair in avoided(people)) for n in (p.id for p in people))
    if degree < len(people) / 2 - 2:
        # Everyone then has more than half the pool to meet: a draw of everyone exists
        # with anyone in the odd role (Dirac), so nobody waits and the due one is odd.
        assert plan.unplaced == ()
        if len(people) % 2:
            assert plan.odd_one in due_odd_role(people)


def _allowed_optimum(people):
    """Return networkx's (repeats, same-organisation pairs) minimum over allowed pairs only."""
    bad = avoided(people)
    graph = nx.Graph()
    for n, a in enumerate(people):
        for b in people[n + 1 :]:
            if frozenset((a.id, b.id)) not in bad:
                repeats, colleagues = counts(people, [(a.id, b.id)])
                graph.add_edge(a.id, b.id, weight=10**6 - (1000 * repeats + colleagues))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    assert 2 * len(matching) == len(people)  # sparse: a draw of everyone exists
    return counts(people, [tuple(pair) for pair in matching])


@settled(30)
@given(
    avoiding(
        pools(min_size=EXACT_LIMIT + 2, max_size=40, organisations=["A", "B", "C", "a", "B "]),
        density=0.3,
    ),
    st.integers(0, 2**63 - 1),
)
def test_big_even_draws_with_avoidances_reach_the_minimum_a_blossom_matching_finds(people, seed):
    people = people[: len(people) // 2 * 2]
    plan = plan_round(people, Policy(), random.Random(seed))
    assert plan.unplaced == () and keeps_apart(people, plan.groups)
    assert counts(people, plan.groups) == _allowed_optimum(people)


def _trio_adds_one(graph, pairs):
    """Say whether a trio can place one more than pairs alone: some triangle costs one pair."""
    for a, b in graph.edges:
        for c in set(graph[a]) & set(graph[b]):
            if _size(graph.subgraph(set(graph) - {a, b, c})) == pairs - 1:
                return True
    return False


@settled(80)
@given(crowded(), POLICIES, st.integers(0, 2**63 - 1))
def test_big_draws_leave_as_few_waiting_as_a_blossom_matching_proves_possible(people, policy, seed):
    plan = plan_round(people, policy, random.Random(seed))
    assert keeps_apart(people, plan.groups)
    _check_placed_once_with_waiting(people, policy, plan)
    graph = _allowed_graph(people)
    pairs = _size(graph)
    left = len(people) - 2 * pairs
    if not pairs:
        expected = len(people)
    elif policy.odd == "sit_out":
        expected = max(0, left - 1)
    else:
        expected = left - 1 if left and _trio_adds_one(graph, pairs) else left
    assert len(plan.unplaced) == expected
    assert set(plan.unplaced) <= {n for pair in avoided(people) for n in pair}
