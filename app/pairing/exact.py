"""Exact draw for small pools: count every optimal draw over bitmasks, pick one uniformly."""

import math

from app.pairing.model import Outcome

EXACT_LIMIT = 16  # people; the trio search grows fast beyond this (0.1 s at 15)


def _weighted(options, rng):
    """Return the item of one (weight, item) option, chosen in proportion to its weight."""
    pick = rng.randrange(sum(weight for weight, _ in options))
    for weight, item in options:
        if pick < weight:
            return item
        pick -= weight
    raise AssertionError("weights changed while choosing")


class _Search:
    """Dynamic programme over sets of people still to place, lowest index first."""

    def __init__(self, pool, candidates, odd):
        n = len(pool.ids)
        self.n = n
        self.cost = [[pool.cost(a, b) for b in range(n)] for a in range(n)]
        self.candidates = frozenset(candidates)
        self.odd = odd
        self.memo = {}

    def moves(self, mask, slot):
        """Yield (group, odd one, cost, mask left, slot left) for each way to place the lowest."""
        low = (mask & -mask).bit_length() - 1
        rest = mask ^ (1 << low)
        others = [b for b in range(low + 1, self.n) if rest >> b & 1]
        cost = self.cost[low]
        for b in others:
            yield (low, b), None, cost[b], rest ^ (1 << b), slot
        if not slot:
            return
        if self.odd == "sit_out" and low in self.candidates:
            yield (), low, 0, rest, False
        if self.odd == "trio":
            yield from self._trios(low, others, rest)

    def _trios(self, low, others, rest):
        """Yield every trio holding the lowest person, once per candidate who could join it."""
        for n, b in enumerate(others):
            for c in others[n + 1 :]:
                cost = self.cost[low][b] + self.cost[low][c] + self.cost[b][c]
                left = rest ^ (1 << b) ^ (1 << c)
                for odd_one in (low, b, c):
                    if odd_one in self.candidates:
                        group = tuple(x for x in (low, b, c) if x != odd_one) + (odd_one,)
                        yield group, odd_one, cost, left, False

    def best(self, mask, slot):
        """Return (lowest cost, number of draws reaching it) for placing everyone in mask."""
        if mask == 0:
            return (math.inf, 0) if slot else (0, 1)
        key = (mask, slot)
        if key not in self.memo:
            lowest, ways = math.inf, 0
            for _, _, cost, left, slot_left in self.moves(mask, slot):
                sub, count = self.best(left, slot_left)
                if count and cost + sub < lowest:
                    lowest, ways = cost + sub, count
                elif count and cost + sub == lowest:
                    ways += count
            self.memo[key] = (lowest, ways)
        return self.memo[key]

    def sample(self, rng):
        """Walk down the programme choosing each step in proportion to its optimal draws."""
        mask, slot = (1 << self.n) - 1, self.n % 2 == 1
        groups, odd_one = [], None
        while mask:
            target = self.best(mask, slot)[0]
            options = []
            for move in self.moves(mask, slot):
                sub, count = self.best(move[3], move[4])
                if count and move[2] + sub == target:
                    options.append((count, move))
            move = _weighted(options, rng)
            group, chosen, _, mask, slot = move
            odd_one = chosen if chosen is not None else odd_one
            if group:
                groups.append(group)
        return groups, odd_one


def exact_draw(pool, candidates, odd, rng):
    """Return the Outcome: a uniformly random draw among the cheapest, proven so."""
    groups, odd_one = _Search(pool, candidates, odd).sample(rng)
    return Outcome(groups, odd_one, proven=True, settled=True)
