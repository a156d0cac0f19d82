"""Exact draw for small pools: count every optimal draw over bitmasks, pick one uniformly."""

import math

from app.pairing.model import Outcome

EXACT_LIMIT = 16  # people; the trio search grows fast beyond this (0.1 s at 15)
# Weights for the second search, used only when avoidances rule out drawing everyone with
# someone due the odd role: one more person waiting outweighs any place in the odd-role
# queue, and one place in the queue outweighs every repeat and colleague a draw can hold.
WAIT = 1 << 48
PLACE = 1 << 40


def _weighted(options, rng):
    """Return the item of one (weight, item) option, chosen in proportion to its weight."""
    pick = rng.randrange(sum(weight for weight, _ in options))
    for weight, item in options:
        if pick < weight:
            return item
        pick -= weight
    raise AssertionError("weights changed while choosing")


class _Search:
    """Dynamic programme over sets of people still to place, lowest index first.

    places maps whoever may take the odd role to their place in its queue; may_wait
    holds whoever may be left out. Pairs that avoid each other are never grouped.
    """

    def __init__(self, pool, places, odd, may_wait):
        n = len(pool.ids)
        self.n = n
        self.cost = [
            [pool.cost(a, b) if pool.allowed(a, b) else None for b in range(n)] for a in range(n)
        ]
        self.places, self.odd, self.may_wait = places, odd, may_wait
        self.memo = {}

    def moves(self, mask, slot):
        """Yield (group, odd one, cost, mask left, slot left) for each way to place the lowest.

        A group of one is someone left out (waiting); an empty group is someone sitting out.
        """
        low = (mask & -mask).bit_length() - 1
        rest = mask ^ (1 << low)
        others = [b for b in range(low + 1, self.n) if rest >> b & 1]
        cost = self.cost[low]
        for b in others:
            if cost[b] is not None:
                yield (low, b), None, cost[b], rest ^ (1 << b), slot
        if low in self.may_wait:
            yield (low,), None, WAIT, rest, slot
        if not slot:
            return
        if self.odd == "sit_out" and low in self.places:
            yield (), low, PLACE * self.places[low], rest, False
        if self.odd == "trio":
            yield from self._trios(low, others, rest)

    def _trios(self, low, others, rest):
        """Yield every trio holding the lowest person, once per candidate who could join it."""
        cost = self.cost
        for n, b in enumerate(others):
            for c in others[n + 1 :] if cost[low][b] is not None else ():
                if cost[low][c] is None or cost[b][c] is None:
                    continue
                total = cost[low][b] + cost[low][c] + cost[b][c]
                left = rest ^ (1 << b) ^ (1 << c)
                for odd_one in (low, b, c):
                    if odd_one in self.places:
                        group = tuple(x for x in (low, b, c) if x != odd_one) + (odd_one,)
                        yield group, odd_one, total + PLACE * self.places[odd_one], left, False

    def best(self, mask, slot):
        """Return (lowest cost, number of draws reaching it) for placing everyone in mask."""
        if mask == 0:
            # Parity keeps this honest: with nobody waiting, an odd pool always uses the slot.
            return (0, 1)
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

    def sample(self, rng, slot):
        """Walk down the programme choosing each step in proportion to its optimal draws."""
        mask = (1 << self.n) - 1
        groups, odd_one, waiting = [], None, []
        while mask:
            target = self.best(mask, slot)[0]
            options = []
            for move in self.moves(mask, slot):
                sub, count = self.best(move[3], move[4])
                if count and move[2] + sub == target:
                    options.append((count, move))
            group, chosen, _, mask, slot = _weighted(options, rng)
            odd_one = chosen if chosen is not None else odd_one
            if len(group) == 1:
                waiting.append(group[0])
            elif group:
                groups.append(group)
        return groups, odd_one, waiting


def exact_draw(pool, ranks, odd, rng):
    """Return the Outcome: a uniformly random draw among the best, proven so.

    First everyone is drawn, the odd role going to someone due it. Only when
    avoidances make that impossible does a second search let people named in an
    avoidance wait and anyone take the odd role: the fewest wait, then the odd
    role goes as far up its queue as it can, then the usual costs decide.
    """
    n = len(pool.ids)
    whole = odd if n % 2 else None
    due = {m: 0 for m, rank in enumerate(ranks) if rank == 0} if whole else {}
    search, slot = _Search(pool, due, whole, frozenset()), whole is not None
    if not search.best((1 << n) - 1, slot)[1]:
        search, slot = _Search(pool, dict(enumerate(ranks)), odd, pool.named), True
    groups, odd_one, waiting = search.sample(rng, slot)
    return Outcome(groups, odd_one, proven=True, settled=True, unplaced=tuple(waiting))
