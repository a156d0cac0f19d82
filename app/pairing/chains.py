"""Alternating chains: re-pair a bad pair's two people through other pairs, all new pairs cheaper.

This is an augmenting-path search (without blossoms) in the graph of pairs cheaper
than the bad one: it finds improvements that no single swap between two pairs can.
"""

from collections import deque

from app.pairing.pool import AVOID, REPEAT, SAME_ORG

CHAIN_LIMIT = 600  # people; each search may look at every pair of people (quadratic)


def _partners(groups, k):
    """Map each person in a pair other than pair k to that pair's index (trios stay put)."""
    where = {}
    for n, group in enumerate(groups):
        if len(group) == 2 and n != k:
            where[group[0]] = where[group[1]] = n
    return where


def _search(groups, k, cost, rng, work):
    """Return the chain's new pairs, last-first, that re-pair pair k more cheaply, or None."""
    a, b = groups[k]
    # Every new pair must sit in a cheaper tier than the bad one, so the chain saves cost.
    limit = next(tier for tier in (AVOID, REPEAT, SAME_ORG) if cost(a, b) >= tier)
    where = _partners(groups, k)
    unseen = list(where)
    rng.shuffle(unseen)  # explore in random order so the chain found is a random one
    parent, queue = {}, deque([a])
    while queue and work[0] > 0:
        u = queue.popleft()
        work[0] -= len(unseen)
        for v in unseen:
            if v not in parent and cost(u, v) < limit:
                w = next(x for x in groups[where[v]] if x != v)
                parent[v], parent[w] = None, (u, v)
                if cost(w, b) < limit:
                    return _unwind(parent, w, a, b)
                queue.append(w)
        unseen = [v for v in unseen if v not in parent]
    return None


def _unwind(parent, end, a, b):
    """Return the chain's new pairs from its far end back to the start."""
    pairs, here = [(end, b)], end
    while here != a:
        u, v = parent[here]
        pairs.append((u, v))
        here = u
    return pairs


def rechain(groups, k, cost, rng, work):
    """Rewrite the groups along an improving chain from pair k; return the changed indexes.

    work is a one-item list of checks left, shared with the swap search.
    """
    if len(groups[k]) != 2:
        return []
    pairs = _search(groups, k, cost, rng, work)
    if pairs is None:
        return []
    where = _partners(groups, k)
    touched = [k] + [where[v] for _, v in pairs[1:]]
    for index, pair in zip(touched, pairs, strict=True):
        groups[index] = list(pair)
    return touched
