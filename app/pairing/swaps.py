"""Best-effort draw for big pools: random groups, repaired by swapping people between groups."""

from app.pairing.chains import CHAIN_LIMIT, rechain
from app.pairing.model import Outcome
from app.pairing.pool import AVOID, cost_floor
from app.pairing.settle import settle

RESTART_BUDGET = 2000  # people x attempts: many fresh starts for mid-size pools, one at 10,000
# Swap checks per draw (2-3 microseconds each): caps the time, at a few seconds, for pools
# where many costly pairs cannot be improved yet the lower bound cannot prove it.
WORK_BUDGET = 1_000_000


def _random_start(pool, candidates, odd, rng):
    """Return (groups, odd one): random pairs, the odd one due it, joining a trio at least cost."""
    odd_one = rng.choice(candidates) if odd else None
    order = [n for n in range(len(pool.ids)) if n != odd_one]
    rng.shuffle(order)
    groups = [[order[n], order[n + 1]] for n in range(0, len(order), 2)]
    if odd == "trio":
        added = [pool.cost(odd_one, a) + pool.cost(odd_one, b) for a, b in groups]
        least = min(added)
        groups[rng.choice([n for n, extra in enumerate(added) if extra == least])].append(odd_one)
    elif odd == "sit_out":
        groups.append([odd_one])  # a group of one: sitting out costs nothing
    return groups, odd_one


class _Draw:
    """One attempt: groups from a start, then swaps while any lowers the total cost."""

    def __init__(self, pool, candidates, rng, limits, start):
        self.cost, self.rng, self.candidates = pool.cost, rng, frozenset(candidates)
        self.floor, self.work = limits  # work: a one-item list shared by every attempt
        self.groups, self.odd_one = start
        self.costs = [self.group_cost(group) for group in self.groups]
        self.total = sum(self.costs)

    def group_cost(self, group):
        """Return the cost of every pair inside a group."""
        return sum(self.cost(a, b) for n, a in enumerate(group) for b in group[n + 1 :])

    def _unfinished(self):
        """Say whether the draw may still improve: above the floor with work left."""
        return self.total > self.floor and self.work[0] > 0

    def repair(self):
        """Improve until neither a swap nor a chain lowers the cost, or the floor is hit."""
        while self._unfinished() and (self._swap_pass() or self._chain_pass()):
            pass
        return self.total

    def _swap_pass(self):
        """Swap people between groups while that lowers the cost; say whether any did."""
        changed = False
        for k in range(len(self.groups)):
            while self.costs[k] and self._unfinished() and self._improve(k):
                changed = True
        return changed

    def _chain_pass(self):
        """Re-pair each costly pair through a chain of others where one helps (small pools)."""
        if 2 * len(self.groups) > CHAIN_LIMIT:
            return False
        changed = False
        for k in range(len(self.groups)):
            if self.costs[k] and self._unfinished():
                touched = rechain(self.groups, k, self.cost, self.rng, self.work)
                for index in touched:
                    self.costs[index] = self.group_cost(self.groups[index])
                if touched:
                    self.total, changed = sum(self.costs), True
        return changed

    def _improve(self, k):
        """Make the first cost-lowering swap between group k and another, from a random start."""
        size = len(self.groups)
        start = self.rng.randrange(size)
        for step in range(size):
            other = (start + step) % size
            if other != k and self._swap_into(k, other):
                self.work[0] -= step + 1
                return True
        self.work[0] -= size
        return False

    def _swap_into(self, k, other):
        """Swap one member of group k with one of group other if that lowers their cost."""
        group, theirs = self.groups[k], self.groups[other]
        if len(group) == len(theirs) == 2:
            (a, b), (c, d) = group, theirs  # two pairs: try both re-pairings, keep the better
            straight, crossed = ([a, c], [b, d]), ([a, d], [b, c])
            options = [self.cost(*straight[0]) + self.cost(*straight[1]), 0]
            options[1] = self.cost(*crossed[0]) + self.cost(*crossed[1])
            if min(options) >= self.costs[k] + self.costs[other]:
                return False
            return self._apply(k, other, *(straight if options[0] <= options[1] else crossed))
        for i, u in enumerate(group):
            for j, v in enumerate(theirs):
                mine, yours = [*group[:i], v, *group[i + 1 :]], [*theirs[:j], u, *theirs[j + 1 :]]
                if self._may_swap(u, v) and self._apply(k, other, mine, yours, (u, v)):
                    return True
        return False

    def _apply(self, k, other, mine, yours, traded=None):
        """Replace groups k and other if that lowers their cost; say whether it did."""
        mine_cost, your_cost = self.group_cost(mine), self.group_cost(yours)
        before = self.costs[k] + self.costs[other]
        if mine_cost + your_cost >= before:
            return False
        self.groups[k], self.groups[other] = mine, yours
        self.costs[k], self.costs[other] = mine_cost, your_cost
        self.total += mine_cost + your_cost - before
        if traded and self.odd_one in traded:
            self.odd_one = traded[1] if traded[0] == self.odd_one else traded[0]
        return True

    def _may_swap(self, u, v):
        """Say whether u and v may trade places: whoever takes the odd role must be due it."""
        if u == self.odd_one:
            return v in self.candidates
        if v == self.odd_one:
            return u in self.candidates
        return True


def swap_draw(pool, ranks, odd, rng):
    """Return the Outcome: the cheapest of several repaired random draws.

    Proven means the draw meets the lower bound, so no draw has fewer repeats or
    same-organisation pairs; settled means no swap or chain improves it. Avoided
    pairs cost more than anything else, so swaps remove them first; any left are
    settled by a maximum matching (see settle), and the rest repaired again.
    """
    whole = odd if len(pool.ids) % 2 else None
    due = [n for n, rank in enumerate(ranks) if rank == 0]
    candidates = due if whole else []
    floor, work, best = cost_floor(pool, candidates, whole), [WORK_BUDGET], None
    for _ in range(max(1, min(20, RESTART_BUDGET // len(pool.ids)))):
        start = _random_start(pool, candidates, whole, rng)
        attempt = _Draw(pool, candidates, rng, (floor, work), start)
        total = attempt.repair()
        if best is None or total < best.total:
            best = attempt
        if total <= floor or work[0] <= 0:
            break
    waiting = []
    if best.total >= AVOID:
        groups, odd_one, waiting = settle(pool, best.groups, ranks, odd, rng)
        # The bound assumed everyone drawn, the odd one due it: claim only a perfect draw.
        floor = 0
        best = _Draw(pool, due, rng, (floor, work), (groups, odd_one))
        best.repair()
    groups = [group for group in best.groups if len(group) > 1]
    proven = best.total <= floor
    return Outcome(groups, best.odd_one, proven, settled=work[0] > 0, unplaced=tuple(waiting))
