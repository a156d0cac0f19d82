"""The pool to draw: people in id order, what pairing any two costs, and who may be odd one."""

from collections import Counter

# One repeat outweighs any number of same-organisation pairs, so minimising the
# total cost minimises (repeats, same-organisation pairs) lexicographically.
REPEAT = 1 << 32
SAME_ORG = 1


def normalise(organisation):
    """Return the organisation as compared: case-folded, whitespace collapsed."""
    return " ".join(organisation.split()).casefold()


class Pool:
    """People indexed 0..n-1 in id order, with symmetric history and organisation keys."""

    def __init__(self, people, avoid_same_org):
        self.people = people
        self.ids = [person.id for person in people]
        self.orgs = [normalise(person.organisation) for person in people]
        self.avoid_same_org = avoid_same_org
        index = {pid: n for n, pid in enumerate(self.ids)}
        self.met = [set() for _ in people]
        # History is read from both sides: either person's record of the pair counts.
        for n, person in enumerate(people):
            for other in person.past_partners:
                m = index.get(other)
                if m is not None and m != n:
                    self.met[n].add(m)
                    self.met[m].add(n)

    def cost(self, a, b):
        """Return the cost of grouping people a and b (by index)."""
        cost = REPEAT if b in self.met[a] else 0
        if self.avoid_same_org and self.orgs[a] == self.orgs[b]:
            cost += SAME_ORG
        return cost

    def is_repeat(self, a, b):
        """Say whether a and b (by index) have been grouped before."""
        return b in self.met[a]

    def is_same_org(self, a, b):
        """Say whether a and b (by index) work for the same organisation."""
        return self.orgs[a] == self.orgs[b]


def _last(person):
    """Return the latest round in which this person had the odd role, or None."""
    return person.odd_roles[-1] if person.odd_roles else None


def odd_candidates(people):
    """Return the indexes of the people due the odd role (sit out or join the trio).

    Nobody takes it twice in a row while anyone else is available; then the
    fewest times so far wins, then the longest since last time. The draw picks
    among the remaining ties (by cost, then at random).
    """
    lasts = [_last(person) for person in people]
    latest = max((last for last in lasts if last is not None), default=None)
    order = range(len(people))
    rested = [n for n in order if latest is None or lasts[n] != latest] or list(order)
    fewest = min(len(people[n].odd_roles) for n in rested)
    due = [n for n in rested if len(people[n].odd_roles) == fewest]
    # Never having had the role counts as longest ago.
    earliest = min((lasts[n] is not None, lasts[n] or 0) for n in due)
    return [n for n in due if (lasts[n] is not None, lasts[n] or 0) == earliest]


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
