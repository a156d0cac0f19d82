"""An attacker's view of the report: every published figure, the relations between them, and an
exact search for hidden private counts that only one value fits.

Written apart from app/report/publish.py (which decides with a flow network) so that the test
does not check the code with itself. The method: the unknowns are the hidden cells, each a whole
number from 0 up; the published relations are equations with coefficients +1 and -1:

- in each column (a round, or all rounds), each check-in question's answers add up to
  people_in_groups;
- each count's all-rounds figure is the sum of its rounds' figures;
- a published percentage of a hidden count, with its base, pins the count (the whole numbers
  that round to that percentage: when only one does, it is an equation); the new-connection rate
  is of yes and no together, whose sum is people in groups less that question's no answer, and a
  rate with nothing to measure says that sum is 0;
- the three questions bound each other: someone who gave no check-in gave no rating and no
  new-connection answer either, so in each column `no_answer` is at most `challenged_no_answer`
  and at most `new_connection_no_answer` (inequalities, which the bounds propagation tightens
  one way only). Nothing else ties them (a person who checked in may skip either question), so these
  with the equalities above are every relation between the private cells.

Upper bounds (no cell above its column's people in groups) follow from the equations and the
unknowns being non-negative.

A hidden cell is disclosed when every whole-number solution gives it the same value. That is
decided exactly: search (bounds propagation, then splitting a domain in two, depth first) for a
solution in which the cell is below its true value, then for one above it. If neither exists, the
cell is recovered. The search is complete because every domain is finite (0 to the largest
published total).
"""

from itertools import count

ANSWERS = ("met", "scheduled", "not_met", "no_answer")
CHALLENGE = tuple(f"challenged_{n}" for n in range(1, 6)) + ("challenged_no_answer",)
NEW = ("new_connection_yes", "new_connection_no", "new_connection_no_answer")
FAMILIES = (ANSWERS, CHALLENGE, NEW)
PRIVATE = (*ANSWERS, *CHALLENGE, *NEW)
# Counts whose all-rounds figure is the sum of the rounds' (as docs/report.md says).
SUMMED = (*PRIVATE, "people_in_groups", "pairs", "shared", "sit_outs")
RATES = {
    "met_pct": "met",
    "scheduled_pct": "scheduled",
    "not_met_pct": "not_met",
    "no_answer_pct": "no_answer",
}
# Every way the report's pages and files have written a hidden figure, this version or before.
HIDDEN_WORDS = ("hidden", "hidden to protect privacy", "fewer than 5", "withheld")


def is_hidden(text):
    """Tell whether a published value (as text) is hidden."""
    return str(text).strip().lower() in HIDDEN_WORDS


class System:
    """Integer unknowns with bounds, and equations sum(coefficient * unknown) = constant."""

    def __init__(self):
        self.bounds, self.equations = {}, []
        # A known solution (the true figures): the search looks near it first, which finds a
        # solution quickly when there is one; it changes nothing about what is found.
        self.hint = {}

    def unknown(self, name, high):
        self.bounds.setdefault(name, (0, high))

    def equation(self, terms, constant, exact=True):
        """Add sum(c * x for x, c in terms) + (known parts moved to constant) = constant (or,
        not exact, <= constant)."""
        self.equations.append((tuple(terms), constant, exact))

    def _propagate(self, bounds):
        """Tighten bounds until nothing changes; return them, or None when no solution is left."""
        bounds = dict(bounds)
        changed = True
        while changed:
            changed = False
            for terms, constant, exact in self.equations:
                # The least and most the whole left side can be; each unknown's share taken out.
                low = sum(c * bounds[x][0 if c > 0 else 1] for x, c in terms)
                high = sum(c * bounds[x][1 if c > 0 else 0] for x, c in terms)
                if low > constant or (exact and high < constant):
                    return None
                for name, coefficient in terms:
                    lo, hi = bounds[name]
                    own_low = coefficient * (lo if coefficient > 0 else hi)
                    own_high = coefficient * (hi if coefficient > 0 else lo)
                    # coefficient * x lies within constant - (rest's most .. rest's least); an
                    # inequality gives only the upper end
                    b = constant - (low - own_low)
                    a = constant - (high - own_high) if exact else own_low
                    if coefficient < 0:
                        a, b = -b, -a
                    new = (max(lo, a), min(hi, b))
                    if new[0] > new[1]:
                        return None
                    if new != (lo, hi):
                        bounds[name], changed = new, True
                        low = sum(c * bounds[x][0 if c > 0 else 1] for x, c in terms)
                        high = sum(c * bounds[x][1 if c > 0 else 0] for x, c in terms)
        return bounds

    def solvable(self, bounds, budget):
        """Tell whether some whole-number solution lies within bounds (depth-first search)."""
        bounds = self._propagate(bounds)
        if bounds is None:
            return False
        if next(budget) > 200_000:
            raise RuntimeError("the search took too long to decide")
        open_ = [(hi - lo, name) for name, (lo, hi) in bounds.items() if hi > lo]
        if not open_:
            return all(
                sum(c * bounds[x][0] for x, c in terms) == constant
                for terms, constant, exact in self.equations
                if exact
            ) and all(
                sum(c * bounds[x][0] for x, c in terms) <= constant
                for terms, constant, exact in self.equations
                if not exact
            )
        _, name = min(open_)
        lo, hi = bounds[name]
        middle = (lo + hi) // 2
        halves = [(lo, middle), (middle + 1, hi)]
        if self.hint.get(name, lo) > middle:
            halves.reverse()
        return any(self.solvable({**bounds, name: half}, budget) for half in halves)

    def recovered(self, name, true_value):
        """Tell whether every solution gives the unknown its true value."""
        lo, hi = self.bounds[name]
        for other in ((lo, true_value - 1), (true_value + 1, hi)):
            if other[0] <= other[1] and self.solvable({**self.bounds, name: other}, count()):
                return False
        return True


def _number(text):
    """Return a published value as a number, None when hidden or empty."""
    text = str(text).strip().rstrip("%")
    if is_hidden(text) or text in ("", "None", "none to measure"):
        return None
    return float(text)


def _pinned_by_rate(pct, base, high):
    """Return the whole numbers n from 0 to high that a percentage of base could have come from."""
    return [n for n in range(high + 1) if base and round(100 * n / base, 1) == pct]


def build_system(published, columns, families=FAMILIES):
    """Return (System, {unknown: (column, key)}) from published {(column, key): text}."""
    rounds = [c for c in columns if c != "all"]
    system, names = System(), {}
    value = {cell: _number(text) for cell, text in published.items()}
    # No count is above the largest published one (people in groups over all rounds); a margin
    # keeps the bound loose, so it never tells the search anything.
    top = int(max([v for v in value.values() if v is not None] + [0])) + 5

    def term(cell):
        """Return (unknown name, None) for a hidden cell or (None, its value)."""
        if value.get(cell) is None:
            name = f"{cell[0]}:{cell[1]}"
            system.unknown(name, top)
            names[name] = cell
            return name, None
        return None, int(value[cell])

    def add(plus, minus, constant=0, at_most=False):
        """Add sum(plus) - sum(minus) = constant (or <= constant when at_most)."""
        terms, rest = [], constant
        for sign, cells in ((1, plus), (-1, minus)):
            for cell in cells:
                name, known = term(cell)
                if name is None:
                    rest -= sign * known
                else:
                    terms.append((name, sign))
        if terms:
            system.equation(terms, rest, exact=not at_most)

    for column in columns:
        for family in families:
            add([(column, k) for k in family], [(column, "people_in_groups")])
    if all(family in families for family in (ANSWERS, CHALLENGE, NEW)):
        for column in columns:
            for other in ("challenged_no_answer", "new_connection_no_answer"):
                add([(column, "no_answer")], [(column, other)], at_most=True)
    if "all" in columns:
        for key in SUMMED:
            if ("all", key) in published and all((r, key) in published for r in rounds):
                add([(r, key) for r in rounds], [("all", key)])
    for column in columns:
        base = value.get((column, "people_in_groups"))
        for rate, key in RATES.items():
            pct = value.get((column, rate))
            if pct is not None and base is not None and value.get((column, key)) is None:
                fits = _pinned_by_rate(pct, int(base), top)
                if len(fits) == 1:
                    add([(column, key)], [], fits[0])
        pct = value.get((column, "new_connection_pct"))
        yes, no = (
            value.get((column, "new_connection_yes")),
            value.get((column, "new_connection_no")),
        )
        answered = [(column, "new_connection_yes"), (column, "new_connection_no")]
        if (column, "new_connection_pct") in published and pct is None and None in (yes, no):
            if not is_hidden(published[(column, "new_connection_pct")]):
                add(answered, [])  # nothing to measure: nobody answered yes or no
        if pct is not None and yes is None and no is None:
            # yes and no both hidden: the rate pins yes when their sum is known (people in
            # groups less the question's no answer); otherwise it is a relation this search
            # cannot write, so it says so rather than miss it.
            rest = value.get((column, "new_connection_no_answer"))
            if base is None or rest is None:
                raise NotImplementedError(f"a shown new-connection rate in {column} over hidden")
            fits = _pinned_by_rate(pct, int(base - rest), top)
            if len(fits) == 1:
                add([(column, "new_connection_yes")], [], fits[0])
        if pct is not None and (yes is None) != (no is None):
            known = int(yes if yes is not None else no)
            other = "new_connection_no" if yes is not None else "new_connection_yes"
            fits = [
                n
                for n in range(top + 1)
                if (y := (known if yes is not None else n)) + (known if no is not None else n)
                and round(100 * y / (y + (known if no is not None else n)), 1) == pct
            ]
            if len(fits) == 1:
                add([(column, other)], [], fits[0])
    return system, names


def recovered_cells(published, columns, truth, families=FAMILIES):
    """Return the hidden private cells whose true value the published figures force."""
    system, names = build_system(published, columns, families)
    true = {name: (truth[cell], truth[cell]) for name, cell in names.items()}
    system.hint = {name: truth[cell] for name, cell in names.items()}
    assert system.solvable(true, count()), "the relations do not hold for the true figures"
    found = []
    for name, cell in names.items():
        if cell[1] in PRIVATE and system.recovered(name, truth[cell]):
            found.append((cell, truth[cell]))
    return found
