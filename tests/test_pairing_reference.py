"""Slow, obviously-correct references for the pairing tests (the rules by brute force), tested."""

import math

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
