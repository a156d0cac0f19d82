"""plan_round: people, history, rules and a Random in; the round's groups out."""

from app.pairing.bends import bends, ids
from app.pairing.exact import EXACT_LIMIT, exact_draw
from app.pairing.model import Outcome, Plan, PoolTooSmall
from app.pairing.pool import Pool, odd_ranks
from app.pairing.swaps import swap_draw


def _checked(people):
    """Return the people sorted by id, refusing duplicates and pools too small to pair."""
    people = sorted(people, key=lambda person: person.id)
    if len(people) < 2:
        raise PoolTooSmall(f"a round needs at least 2 people to pair; the pool has {len(people)}")
    for before, after in zip(people, people[1:], strict=False):
        if before.id == after.id:
            raise ValueError(f"person {after.id} appears twice in the pool")
    return people


def plan_round(people, policy, rng, round_number=None):
    """Draw a round: pairs, plus a trio or one sitting out when the count is odd.

    Hard rule first: two people never share a group when either avoids the other
    (Person.avoid). When that leaves no draw of everyone, the fewest possible
    wait (Plan.unplaced); only people named in an avoidance ever wait, and the
    odd count is handled among the people drawn. Where no two people may meet
    at all (two who avoid each other, say) the Plan has no groups and everyone
    waits; PoolTooSmall is raised only for a pool of fewer than two people.

    Then, in order: the odd role goes to whoever is due it (see odd_ranks; the
    next most due only when avoidances rule them out); then the fewest repeated
    pairs; then the fewest same-organisation pairs (a trio counts all three of
    its pairs); then chance. Up to EXACT_LIMIT people the search is exhaustive:
    the counts are minimal and the draw is uniform over every draw reaching them.
    Above it the search is best effort: a uniformly random draw is repaired by
    swaps between groups and chains of re-pairings until none helps, it meets a
    proven lower bound, or a work limit is hit (restarted a few times for
    mid-size pools); avoided pairs it cannot repair are settled by a maximum
    matching of the pairs allowed. That draw is random but not provably uniform
    over the optimal ones. The same people (in any order), policy and seed give
    the same plan.
    """
    people = _checked(people)
    pool = Pool(people, avoid_same_org=policy.same_org == "avoid")
    search = "exhaustive" if len(people) <= EXACT_LIMIT else "swaps"
    if pool.any_allowed():
        draw = exact_draw if search == "exhaustive" else swap_draw
        outcome = draw(pool, odd_ranks(people), policy.odd, rng)
    else:
        everyone = tuple(range(len(people)))
        outcome = Outcome([], None, proven=True, settled=True, unplaced=everyone)
    groups = [_tidy(group, outcome.odd_one) for group in outcome.groups]
    rng.shuffle(groups)  # the order cards are placed in, so nobody is always first
    return _plan(pool, outcome._replace(groups=groups), search, policy, round_number)


def _tidy(group, odd_one):
    """Order a group's indexes: lowest first, except that whoever joined a trio comes last."""
    rest = sorted(n for n in group if n != odd_one)
    return (*rest, odd_one) if len(group) == 3 else tuple(sorted(group))


def _plan(pool, outcome, search, policy, round_number):
    """Turn index groups into the Plan of ids, with its repeats, colleagues and bends."""
    groups, odd_one = outcome.groups, outcome.odd_one
    pairs = [(a, b) for group in groups for n, a in enumerate(group) for b in group[n + 1 :]]
    repeats = [pair for pair in pairs if pool.is_repeat(*pair)]
    colleagues = [pair for pair in pairs if pool.is_same_org(*pair)]
    drawn = sorted(n for group in groups for n in group)
    sits_out = policy.odd == "sit_out" and odd_one is not None
    return Plan(
        groups=tuple(tuple(pool.ids[n] for n in group) for group in groups),
        sits_out=pool.ids[odd_one] if sits_out else None,
        odd_one=pool.ids[odd_one] if odd_one is not None else None,
        bent=bends(pool, drawn, (repeats, colleagues), outcome),
        repeats=ids(pool, repeats),
        same_org_pairs=ids(pool, colleagues),
        search=search,
        proven=outcome.proven,
        policy=policy,
        round_number=round_number,
        unplaced=tuple(pool.ids[n] for n in sorted(outcome.unplaced)),
    )
