"""Settle a big draw the swaps left holding avoided pairs: a maximum matching, then the odd role."""

from itertools import islice

from app.pairing.matching import exposable, maximise

# Trios tried by the last resort before it gives up: each costs a matching repair, and only
# pools where most people avoid most others ever reach it.
TRIO_TRIALS = 500
# Looks at a possible partner (about half a microsecond each) for all the matching searches
# of one draw: enough to sweep a pool of 2,000 once per person, about a second at most.
SETTLE_BUDGET = 4_000_000


def _kept(pool, groups):
    """Return each person's partner from an allowed pair in each group (-1 for everyone else)."""
    match = [-1] * len(pool.ids)
    for group in groups:
        allowed = [
            (a, b) for n, a in enumerate(group) for b in group[n + 1 :] if pool.allowed(a, b)
        ]
        if allowed:
            a, b = allowed[0]
            match[a], match[b] = b, a
    return match


def _host(pool, pairs, x, rng, skip=None):
    """Return the index of a pair (not skip), from a random start, both of whom may meet x."""
    start = rng.randrange(len(pairs))
    for step in range(len(pairs)):
        k = (start + step) % len(pairs)
        if k != skip and pool.allowed(x, pairs[k][0]) and pool.allowed(x, pairs[k][1]):
            return k
    return None


def _joined(pool, pairs, x, rng):
    """Return (groups, odd one) with x joining a pair as a trio, or None."""
    k = _host(pool, pairs, x, rng)
    if k is None:
        return None
    return [*pairs[:k], [*pairs[k], x], *pairs[k + 1 :]], x


def _rejoined(pool, pairs, x, rng):
    """Return (groups, odd one) after pairing x with someone whose partner joins a trio, or None."""
    for k, pair in enumerate(pairs):
        for a, b in (pair, pair[::-1]):
            j = _host(pool, pairs, b, rng, skip=k) if pool.allowed(x, a) else None
            if j is not None:
                groups = list(pairs)
                groups[k], groups[j] = [x, a], [*pairs[j], b]
                return groups, b
    return None


def _without(match, trio):
    """Return a copy of match with the trio's people and their partners unpaired."""
    match = list(match)
    for n in trio:
        if match[n] != -1:
            match[match[n]] = -1
            match[n] = -1
    return match


def _triangles(pool, order):
    """Yield every trio of people who may all meet, each once, led by people in order."""
    for x in order:
        near = [a for a in order if a > x and pool.allowed(x, a)]
        for n, a in enumerate(near):
            yield from ((x, a, b) for b in near[n + 1 :] if pool.allowed(a, b))


def _anywhere(pool, match, ranks, rng, work):
    """Return (groups, odd one) for any trio that costs the matching only one pair, or None.

    The last resort for pools whose avoidances defeat the quick searches: a trio
    places one more person than pairs alone exactly when some trio of people who
    may all meet leaves a matching of the rest only one pair short, and such a
    trio lies among the people some maximum matching leaves unpaired. Exact
    unless TRIO_TRIALS trios are tried in vain.
    """
    size = sum(m != -1 for m in match) // 2
    order = sorted(exposable(pool, match, rng, work), key=ranks.__getitem__)
    for trio in islice(_triangles(pool, order), TRIO_TRIALS):
        rest = maximise(pool, _without(match, trio), rng, work, leave_out=trio)
        if sum(m != -1 for m in rest) // 2 == size - 1:
            odd_one = min(trio, key=ranks.__getitem__)
            others = [n for n in trio if n != odd_one]
            return [*_pairs(rest), [*others, odd_one]], odd_one
    return None


def _paired_off(pool, match):
    """Pair any two left unpaired who may meet: only a search cut short by its budget leaves any."""
    left = [n for n, m in enumerate(match) if m == -1]
    for n, a in enumerate(left):
        b = next((b for b in left[n + 1 :] if match[b] == -1 and pool.allowed(a, b)), None)
        if match[a] == -1 and b is not None:
            match[a], match[b] = b, a
    return match


def _pairs(match):
    """Return the matching's pairs, lowest index first."""
    return [[a, b] for a, b in enumerate(match) if a < b]


def settle(pool, groups, ranks, odd, rng):
    """Return (groups, odd one, waiting): the most people placed without an avoided pair.

    The pairs are a maximum matching of the allowed pairs grown from the draw's
    own, so the fewest are left over. One of them, the most due first, sits out
    or joins a trio (directly, by pairing with someone whose partner joins
    instead, or as a last resort wherever a trio costs only one pair); the rest
    wait. Everyone left over is named in an avoidance: anyone else could pair
    with any other left over. Exact unless SETTLE_BUDGET or TRIO_TRIALS runs
    out, which takes people who avoid nearly everyone in a pool of thousands.
    """
    work = [SETTLE_BUDGET]
    match = _paired_off(pool, maximise(pool, _kept(pool, groups), rng, work))
    pairs = _pairs(match)
    left = [n for n, m in enumerate(match) if m == -1]
    rng.shuffle(left)
    left.sort(key=ranks.__getitem__)  # the most due first, ties in random order
    if not left:
        return pairs, None, []
    if odd == "sit_out":
        return [*pairs, [left[0]]], left[0], left[1:]
    for place in (_joined, _rejoined):
        for x in left:
            placed = place(pool, pairs, x, rng)
            if placed:
                return placed[0], placed[1], [n for n in left if n != x]
    placed = _anywhere(pool, match, ranks, rng, work)
    if placed:
        drawn = {n for group in placed[0] for n in group}
        return placed[0], placed[1], [n for n in range(len(match)) if n not in drawn]
    return pairs, None, left
