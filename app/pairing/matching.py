"""Maximum matching of the pairs avoidances allow (Edmonds' blossoms), grown from a given one.

Big pools hold few avoidances, so the graph of allowed pairs is nearly complete:
neighbours are every index not avoided, and a search from a person left unpaired
usually ends within a scan or two. A search that fails proves its whole tree
cannot gain (a Hungarian tree), so those people are set aside for later searches.
Only a search that fails is slow (it may sweep the pool once per person it
reaches), and only people who avoid nearly everyone make one fail; work, a
one-item list of looks left, caps that, after which the matching may fall short.
"""

from collections import deque


class _Search:
    """One search for an augmenting path from an unpaired root, contracting odd cycles."""

    def __init__(self, pool, match, dead, start, work):
        self.avoid, self.match, self.dead, self.work = pool.avoid, match, dead, work
        n = len(match)
        self.order = [*range(start, n), *range(start)]  # a random start spreads who re-pairs
        self.base, self.parent, self.even = list(range(n)), [-1] * n, [False] * n
        self.members = {}  # base -> everyone shrunk into it, so a blossom costs its own size
        self.queue = deque()

    def run(self, root):
        """Return the unpaired end of an augmenting path from root, or None (marking the tree)."""
        self.even[root] = True
        self.queue.append(root)
        while self.queue:
            v = self.queue.popleft()
            self.work[0] -= len(self.order)
            if self.work[0] < 0:
                return None  # out of work: the tree proves nothing, so nobody is set aside
            for u in self.order:
                end = self._step(root, v, u)
                if end is not None:
                    return end
        for n in range(len(self.match)):
            if self.even[n] or self.parent[n] != -1:
                self.dead[n] = True
        return None

    def _step(self, root, v, u):
        """Look along the edge v-u: grow the tree, contract a blossom, or find the path's end."""
        match, base = self.match, self.base
        if u == v or self.dead[u] or u in self.avoid[v] or base[v] == base[u] or match[v] == u:
            return None
        if u == root or (match[u] != -1 and self.parent[match[u]] != -1):
            self._contract(v, u)
        elif self.parent[u] == -1:
            self.parent[u] = v
            if match[u] == -1:
                return u
            self.even[match[u]] = True
            self.queue.append(match[u])
        return None

    def _common(self, a, b):
        """Return the base of the blossom where the tree paths from a and b meet."""
        seen = set()
        while True:
            a = self.base[a]
            seen.add(a)
            if self.match[a] == -1:
                break
            a = self.parent[self.match[a]]
        while self.base[b] not in seen:
            b = self.parent[self.match[self.base[b]]]
        return self.base[b]

    def _contract(self, v, u):
        """Shrink the odd cycle closed by edge v-u into its base; its members become even."""
        top = self._common(v, u)
        inside = set()
        for a, b in ((v, u), (u, v)):
            while self.base[a] != top:
                inside.update((self.base[a], self.base[self.match[a]]))
                self.parent[a] = b
                b = self.match[a]
                a = self.parent[b]
        gathered = self.members.setdefault(top, [top])
        for shrunk in inside - {top}:
            for n in self.members.pop(shrunk, [shrunk]):
                self.base[n] = top
                gathered.append(n)
                if not self.even[n]:
                    self.even[n] = True
                    self.queue.append(n)


def _choices(pool, root, dead):
    """Return up to two people still in play whom root may meet."""
    found = []
    for u in range(len(dead)):
        if u != root and not dead[u] and u not in pool.avoid[root]:
            found.append(u)
            if len(found) == 2:
                break
    return found


def _force(match, dead, unpaired, root, choices):
    """Pair root with its only choice, if any, and set both aside (some maximum matching does)."""
    if choices:
        (u,) = choices
        if match[u] != -1:
            match[match[u]] = -1
            unpaired.append(match[u])  # freed: they search later
        match[root], match[u] = u, root
        dead[u] = True
    dead[root] = True


def maximise(pool, match, rng, work, leave_out=()):
    """Grow match (partner index or -1 per person) in place into a maximum matching.

    People in leave_out stay out of it. The most avoided go first: someone with one
    choice left takes it and someone with none waits, without a search, and the
    others' few choices are found at once rather than after a sweep of the pool.
    """
    dead = [n in leave_out for n in range(len(match))]
    unpaired = [n for n, m in enumerate(match) if m == -1 and not dead[n]]
    unpaired.sort(key=lambda n: -len(pool.avoid[n]))
    for root in unpaired:  # grows as forced pairs free people
        if match[root] != -1 or dead[root]:
            continue
        if sum(match[n] == -1 and not dead[n] for n in unpaired) < 2 or work[0] < 0:
            break  # nobody left to pair the root with, or no work left
        choices = _choices(pool, root, dead)
        if len(choices) < 2:
            _force(match, dead, unpaired, root, choices)
            continue
        search = _Search(pool, match, dead, rng.randrange(len(match)), work)
        end = search.run(root)
        while end is not None:  # flip the path: every unmatched edge on it becomes matched
            before = search.parent[end]
            after = match[before]
            match[end], match[before] = before, end
            end = after if after != -1 else None
    return match


def exposable(pool, match, rng, work):
    """Return everyone some maximum matching leaves unpaired, given a maximum matching.

    They are the even people of the failed searches from those unpaired now (the
    Gallai-Edmonds set D); any trio that places one more person lies among them.
    """
    dead, found = [False] * len(match), set()
    for root, partner in enumerate(match):
        if partner == -1 and not dead[root]:
            search = _Search(pool, match, dead, rng.randrange(len(match)), work)
            search.run(root)  # finds no path, the matching being maximum
            found.update(n for n, even in enumerate(search.even) if even)
    return found
