"""The pool to draw: people in id order, what pairing any two costs, and who may be odd one."""

from collections import Counter

# One repeat outweighs any number of same-organisation pairs, so minimising the
# total cost minimises (repeats, same-organisation pairs) lexicographically; an
# avoided pair outweighs every repeat a swap between two groups could save.
AVOID = 1 << 48
REPEAT = 1 << 32
SAME_ORG = 1


def normalise(organisation):
    """Return the organisation as compared: case-folded, whitespace collapsed."""
    return " ".join(organisation.split()).casefold()


def _both_ways(people, index, field):
    """Return, per index, the indexes named by either side of each pair in a field of ids."""
    named = [set() for _ in people]
    for n, person in enumerate(people):
        for other in getattr(person, field):
            m = index.get(other)
            if m is not None and m != n:
                named[n].add(m)
                named[m].add(n)
    return named


class Pool:
    """People indexed 0..n-1 in id order, with symmetric history, avoidances and organisations."""

    def __init__(self, people, avoid_same_org):
        self.people = people
        self.ids = [person.id for person in people]
        self.orgs = [normalise(person.organisation) for person in people]
        self.avoid_same_org = avoid_same_org
        index = {pid: n for n, pid in enumerate(self.ids)}
        # Either person's record counts: history and "never pair me with" read both ways.
        self.met = _both_ways(people, index, "past_partners")
        self.avoid = _both_ways(people, index, "avoid")
        self.named = frozenset(n for n, avoided in enumerate(self.avoid) if avoided)

    def cost(self, a, b):
        """Return the cost of grouping people a and b (by index)."""
        cost = REPEAT if b in self.met[a] else 0
        if self.avoid_same_org and self.orgs[a] == self.orgs[b]:
            cost += SAME_ORG
        if b in self.avoid[a]:
            cost += AVOID
        return cost

    def allowed(self, a, b):
        """Say whether a and b (by index) may share a group: neither avoids the other."""
        return b not in self.avoid[a]

    def any_allowed(self):
        """Say whether any two people in the pool may share a group."""
        return any(len(avoided) < len(self.ids) - 1 for avoided in self.avoid)

    def is_repeat(self, a, b):
        """Say whether a and b (by index) have been grouped before."""
        return b in self.met[a]

    def is_same_org(self, a, b):
        """Say whether a and b (by index) work for the same organisation."""
        return self.orgs[a] == self.orgs[b]


def _last(person):
    """Return the latest round in which this person had the odd role, or None."""
    return person.odd_roles[-1] if person.odd_roles else None


def odd_ranks(people):
    """Return each person's place in the queue for the odd role (sit out or join the trio).

    Place 0 is due it now. Nobody takes it twice in a row while anyone else is
    available; then the fewest times so far wins, then the longest since last
    time (never counts as longest ago). The draw picks among the ties (by cost,
    then at random); later places serve only when avoidances rule out the earlier.
    """
    lasts = [_last(person) for person in people]
    latest = max((last for last in lasts if last is not None), default=None)
    keys = [
        (last is not None and last == latest, len(person.odd_roles), last is not None, last or 0)
        for person, last in zip(people, lasts, strict=True)
    ]
    places = {key: place for place, key in enumerate(sorted(set(keys)))}
    return [places[key] for key in keys]


def cost_floor(pool, candidates, odd):
    """Return a lower bound on any draw's cost: the same-organisation pairs a majority forces."""
    if not pool.avoid_same_org:
        return 0
    org, largest = Counter(pool.orgs).most_common(1)[0]
    others = len(pool.orgs) - largest
    if odd == "trio" and others == 0:
        return SAME_ORG * ((largest + 3) // 2)  # a trio of colleagues holds three such pairs
    excess = largest - others
    if odd == "sit_out":
        # The best sitter for the bound is a colleague from the largest organisation.
        excess += -1 if any(pool.orgs[n] == org for n in candidates) else 1
    # Each colleague beyond everyone else needs a colleague partner; a trio rounds it up.
    return SAME_ORG * max(0, (excess + 1) // 2)
