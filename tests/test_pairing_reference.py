"""Slow, obviously-correct references for the pairing tests (the rules by brute force), tested."""

import math
from itertools import combinations

from app.pairing import Person


def normalised(organisation):
    """Return an organisation as the rules compare it."""
    return " ".join(organisation.split()).casefold()


def due_odd_role(people):
    """Return the ids the rotation allows to sit out or join the trio."""
    last = {p.id: max(p.odd_roles) if p.odd_roles else -math.inf for p in people}
    latest = max(last.values())
    rested = [p for p in people if latest == -math.inf or last[p.id] != latest] or list(people)
    fewest = min(len(p.odd_roles) for p in rested)
    due = [p for p in rested if len(p.odd_roles) == fewest]
    longest = min(last[p.id] for p in due)
    return {p.id for p in due if last[p.id] == longest}


def matchings(ids):
    """Yield every way to split an even list of ids into pairs."""
    if not ids:
        yield []
        return
    first, rest = ids[0], ids[1:]
    for n, other in enumerate(rest):
        for more in matchings(rest[:n] + rest[n + 1 :]):
            yield [(first, other), *more]


def all_draws(people, odd):
    """Yield (groups, odd one) for every draw the rules allow, before costs."""
    ids = sorted(p.id for p in people)
    if len(ids) % 2 == 0:
        for pairs in matchings(ids):
            yield pairs, None
        return
    for x in sorted(due_odd_role(people)):
        for pairs in matchings([i for i in ids if i != x]):
            if odd == "sit_out":
                yield pairs, x
                continue
            for k in range(len(pairs)):
                yield pairs[:k] + [(*pairs[k], x)] + pairs[k + 1 :], x


def counts(people, groups):
    """Return (repeated pairs, same-organisation pairs) in a draw."""
    met = {(p.id, q) for p in people for q in p.past_partners}
    org = {p.id: normalised(p.organisation) for p in people}
    pairs = [(a, b) for g in groups for n, a in enumerate(g) for b in g[n + 1 :]]
    repeats = sum((a, b) in met or (b, a) in met for a, b in pairs)
    return repeats, sum(org[a] == org[b] for a, b in pairs)


def best_counts(people, odd):
    """Return the lexicographically smallest (repeats, same-organisation pairs) of any draw."""
    return min(counts(people, groups) for groups, _ in all_draws(people, odd))


def avoided(people):
    """Return the pairs of ids, as sets, that may not share a group: named on either list."""
    ids = {p.id for p in people}
    return {frozenset((p.id, q)) for p in people for q in p.avoid if q in ids and q != p.id}


def keeps_apart(people, groups):
    """Say whether no group holds two people when either avoids the other."""
    bad = avoided(people)
    pairs = [(a, b) for g in groups for n, a in enumerate(g) for b in g[n + 1 :]]
    return all(frozenset(pair) not in bad for pair in pairs)


def odd_queue(people):
    """Return each id's sortable place in the odd-role queue: the smallest is due first."""
    last = {p.id: max(p.odd_roles) if p.odd_roles else -math.inf for p in people}
    latest = max(last.values())
    return {p.id: (last[p.id] == latest, len(p.odd_roles), last[p.id]) for p in people}


def draws_of(ids, odd):
    """Yield (groups, odd one) for every draw of exactly these ids, anyone taking the odd role."""
    if len(ids) % 2 == 0:
        for pairs in matchings(ids):
            yield pairs, None
        return
    for x in ids:
        for pairs in matchings([i for i in ids if i != x]):
            if odd == "sit_out" and pairs:
                yield pairs, x
            for k in range(len(pairs) if odd == "trio" else 0):
                yield pairs[:k] + [(*pairs[k], x)] + pairs[k + 1 :], x


def fewest_waiting(people, odd):
    """Return the fewest who must wait and every (groups, odd one, waiting) keeping avoidances."""
    ids = sorted(p.id for p in people)
    for k in range(len(ids) - 1):
        found = [
            (groups, x, waiting)
            for waiting in combinations(ids, k)
            for groups, x in draws_of([i for i in ids if i not in waiting], odd)
            if keeps_apart(people, groups)
        ]
        if found:
            return k, found
    return len(ids), [([], None, tuple(ids))]


def best_draws(people, policy):
    """Return (priority key, draws reaching it) among draws with the fewest waiting.

    The key is the odd one's place in the queue, then repeats, then colleagues
    (when the policy avoids them).
    """
    _, found = fewest_waiting(people, policy.odd)
    queue = odd_queue(people)

    def key(draw):
        repeats, colleagues = counts(people, draw[0])
        place = queue[draw[1]] if draw[1] is not None else ()
        return place, repeats, colleagues if policy.same_org == "avoid" else 0

    best = min(key(draw) for draw in found)
    return best, [draw for draw in found if key(draw) == best]


def chi_square_p(observed, expected):
    """Return the chi-square test's p-value (regularised upper incomplete gamma, by series)."""
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    s, x = (len(observed) - 1) / 2, statistic / 2
    if x == 0:
        return 1.0
    term = total = 1 / s
    k = 0
    while term > total * 1e-15:
        k += 1
        term *= x / (s + k)
        total += term
    return max(0.0, 1 - math.exp(s * math.log(x) - x - math.lgamma(s)) * total)


def test_matchings_lists_every_split_into_pairs_once():
    for n, expected in ((2, 1), (4, 3), (6, 15), (8, 105)):
        splits = [frozenset(pairs) for pairs in matchings(list(range(n)))]
        assert len(splits) == len(set(splits)) == expected


def test_odd_draws_put_a_due_person_in_the_trio_or_out():
    people = [Person(n, "Acme", odd_roles=(1,) if n else ()) for n in range(5)]
    trios = list(all_draws(people, "trio"))
    assert len(trios) == 3 * 2 and {x for _, x in trios} == {0}
    assert all(any(len(g) == 3 and g[-1] == 0 for g in groups) for groups, _ in trios)
    assert len(list(all_draws(people, "sit_out"))) == 3


def test_chi_square_p_matches_published_critical_values():
    # Critical values from standard tables: (statistic, degrees of freedom, p).
    for statistic, dof, p in ((13.816, 2, 0.001), (14.067, 7, 0.05), (42.557, 29, 0.05)):
        # One category off by sqrt(100 * statistic) from an expected 100 gives that statistic.
        observed = [100 + (100 * statistic) ** 0.5] + [100] * dof
        assert math.isclose(chi_square_p(observed, [100] * (dof + 1)), p, rel_tol=1e-3)


def test_fewest_waiting_leaves_out_only_whom_avoidances_force():
    pair = [Person(1, "A", avoid=frozenset({2})), Person(2, "B")]
    assert fewest_waiting(pair, "trio") == (2, [([], None, (1, 2))])
    three = [*pair, Person(3, "C")]
    k, found = fewest_waiting(three, "trio")
    assert k == 1 and sorted(w for _, _, w in found) == [(1,), (2,)]
    # Sitting out is the odd role, not waiting: 1 or 2 sits out and nobody waits.
    k, found = fewest_waiting(three, "sit_out")
    assert k == 0 and sorted(x for _, x, _ in found) == [1, 2]


def test_the_odd_queue_orders_people_as_the_rotation_does():
    roles = {1: (3,), 2: (1,), 3: (), 4: (1, 2)}
    people = [Person(n, "A", odd_roles=roles[n]) for n in roles]
    queue = odd_queue(people)
    assert sorted(queue, key=queue.get) == [3, 2, 4, 1]
    assert {n for n in queue if queue[n] == min(queue.values())} == due_odd_role(people)
