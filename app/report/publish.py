"""Disclosure control: private counts under 5 are hidden, and so is whatever would give them away.

Figures about the draw (people, pairs, organisations, rules bent) and about outputs (public
posts, listed by the feed and /outputs) are published as they are. The private figures are the
check-in's: what people answered about their own meeting (met or not, the challenge rating, a new
connection). Each of the three questions makes a table: a row per round and one for all rounds,
a column per answer. Its published relations are that a row adds up to the row's people in
groups (public) and that a column's rounds add up to its all-rounds cell.

A private count from 1 to 4 is hidden (primary suppression). Then, while any hidden cell is
still fixed by those relations (its value the only one that non-negative whole numbers can take
given everything shown), one more cell in its row or column is hidden (complementary
suppression), the smallest count first (a zero too: the marker never says which hidden cells
are small, so a hidden zero protects as well as any other). Whether a cell is fixed is decided
exactly: the table is a flow network (rows send their people to the answers' columns), so a value
is possible exactly when a flow carries it (checked on the network's cuts), and a cell is fixed
when neither its value minus one nor plus one is possible. Every hidden cell is published the
same way, HIDDEN, so the marker tells nothing about which cells are the small ones. A percentage
of a hidden count is hidden with it.
"""

from app.report.figures import BY_KEY, PARTITIONS, RATES, figures_for

THRESHOLD = 5
HIDDEN = "hidden"
NOTHING = "none to measure"
# How the page and the terminal write a hidden figure.
HIDDEN_TEXT = "hidden to protect privacy"
# No-answer counts also bound each other (no check-in: no rating either), so they are hidden
# last of all.
_LAST = ("no_answer", "challenged_no_answer", "new_connection_no_answer")
_TRIALS = 8
# The hidden cells of the last few sets of figures: the page, CSV and JSON ask for the same ones.
_CACHE, _CACHE_SIZE = {}, 16


def is_hidden(value):
    """Tell whether a published value is hidden."""
    return value == HIDDEN


class _Table:
    """One check-in question's cells: {(column, answer key): count}, the rows' totals, and which
    cells are hidden."""

    def __init__(self, columns, keys, threshold):
        self.rounds = [column for column in columns if column != "all"]
        self.keys = keys
        self.value = {(c, k): columns[c][k] for c in columns for k in keys}
        self.total = {c: columns[c]["people_in_groups"] for c in columns}
        self.hidden = {cell for cell, v in self.value.items() if 0 < v < threshold}

    def _shown(self, cell):
        return cell not in self.hidden

    def possible(self, fixed, value):
        """Tell whether the cells hidden (fixed set to value) can take non-negative whole values
        that agree with every shown cell and total."""
        if value < 0:
            return False
        known = {cell: v for cell, v in self.value.items() if self._shown(cell)}
        known[fixed] = value
        free = self.hidden - {fixed}
        rows = {
            r: self.total[r] - sum(known.get((r, k), 0) for k in self.keys) for r in self.rounds
        }
        ends, pool = {}, self.total["all"]
        for k in self.keys:
            below = sum(known.get((r, k), 0) for r in self.rounds)
            if ("all", k) in known:
                ends[k] = known[("all", k)] - below
                pool -= known[("all", k)]
            else:
                pool -= below  # the hidden all-rounds cell: what its hidden rounds add to it
        if min([*rows.values(), *ends.values(), pool]) < 0:
            return False
        supply = sum(rows.values())
        if supply != sum(ends.values()) + pool:
            return False
        # Each round's remaining people must go to answers whose cell in that round is hidden:
        # to an answer's own remainder when its all-rounds cell is shown, else to the pool of the
        # hidden all-rounds cells. The sinks are numbered 0 (the pool), 1, 2, … (the answers).
        sinks = {k: (n + 1 if k in ends else 0) for n, k in enumerate(self.keys)}
        demand = [pool] + [ends.get(k, 0) for k in self.keys]
        reach = dict.fromkeys(self.rounds, 0)
        for r, k in free:
            if r != "all":
                reach[r] |= 1 << sinks[k]
        return _transportable([(rows[r], reach[r]) for r in self.rounds if rows[r]], demand)

    def fixed(self, cell):
        """Tell whether a hidden cell's value is the only one the shown figures allow."""
        value = self.value[cell]
        return not self.possible(cell, value - 1) and not self.possible(cell, value + 1)

    def _candidates(self, cell):
        """Return the shown cells in the cell's row and column, best to hide first."""
        column, key = cell
        near = [(column, k) for k in self.keys] + [(c, key) for c in (*self.rounds, "all")]
        shown = [c for c in dict.fromkeys(near) if self._shown(c)]
        if not shown:
            shown = [c for c in self.value if self._shown(c)]
        return sorted(shown, key=lambda c: (c[1] in _LAST, self.value[c], c))

    def complete(self):
        """Hide more cells until no hidden cell is fixed; return the hidden cells.

        Hiding a cell only takes a relation away, so a cell once found free stays free: each is
        checked until it is.
        """
        free = set()
        while True:
            exposed = None
            for cell in sorted(self.hidden - free):
                if self.fixed(cell):
                    exposed = cell
                    break
                free.add(cell)
            if exposed is None:
                return self.hidden
            candidates = self._candidates(exposed)
            if not candidates:  # everything hidden: nothing can be worked out (never reached)
                return self.hidden
            chosen = candidates[0]
            # The best few are tried (all of them would be slow with many rounds): if none frees
            # the cell alone, the best is hidden and the next pass goes on from there.
            for candidate in candidates[:_TRIALS]:
                self.hidden.add(candidate)
                undone = not self.fixed(exposed)
                self.hidden.discard(candidate)
                if undone:
                    chosen = candidate
                    break
            self.hidden.add(chosen)


def _transportable(supplies, demand):
    """Tell whether every supply (amount, bit mask of the sinks it may go to) can be shipped so
    that each sink gets exactly its demand, given that the totals are equal.

    By the max-flow min-cut theorem (edges from supplies to sinks unbounded), it can exactly when
    for every set X of sinks, the demand of X plus the supplies that reach a sink outside X is at
    least the whole: the cuts are those sets. There are at most 2**7 of them.
    """
    whole = sum(amount for amount, _ in supplies)
    by_reach = {}
    for amount, reach in supplies:
        by_reach[reach] = by_reach.get(reach, 0) + amount
    sinks = len(demand)
    everything = (1 << sinks) - 1
    for chosen in range(1 << sinks):
        cut = sum(demand[n] for n in range(sinks) if chosen >> n & 1)
        cut += sum(a for reach, a in by_reach.items() if reach & (everything ^ chosen))
        if cut < whole:
            return False
    return True


def hidden_cells(columns, threshold=THRESHOLD):
    """Return the (column, key) cells to hide: primary and complementary, question by question."""
    keys = ("people_in_groups", *(key for part in PARTITIONS for key in part))
    signature = (threshold, tuple((c, tuple(columns[c][k] for k in keys)) for c in columns))
    if signature not in _CACHE:
        hidden = set()
        for part in PARTITIONS:
            hidden |= _Table(columns, part, threshold).complete()
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[signature] = frozenset(hidden)
    return set(_CACHE[signature])


def publish(columns, threshold=THRESHOLD):
    """Return {column: {figure key: number, None (nothing to measure) or HIDDEN}} from raw
    figures."""
    hidden = hidden_cells(columns, threshold) if "all" in columns else set()
    cells = {}
    for column, raw in columns.items():
        cells[column] = {}
        for figure in figures_for(column):
            if figure.kind == "count":
                hide = (column, figure.key) in hidden
                cells[column][figure.key] = HIDDEN if hide else raw[figure.key]
        for key, (numerator, base) in RATES.items():
            cells[column][key] = _rate(cells[column], raw, numerator, base)
        cells[column]["median_days_to_output"] = _days(raw["median_days_to_output"])
    return {column: {f.key: cells[column][f.key] for f in figures_for(column)} for column in cells}


def _rate(cells, raw, numerator, base):
    """Return a percentage to one decimal place, HIDDEN when a count it is built from is hidden
    (a rate and its base give the count back), None when its base is 0."""
    if any(is_hidden(cells[key]) for key in (numerator, *base)):
        return HIDDEN
    whole = sum(raw[key] for key in base)
    return round(100 * raw[numerator] / whole, 1) if whole else None


def _days(value):
    """Return a median number of days as a whole number or one decimal place (None: no output)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


def display(value, kind):
    """Return a published value as the page and the terminal show it."""
    if is_hidden(value):
        return HIDDEN_TEXT
    if value is None:
        return NOTHING
    if kind == "pct":
        return f"{value:.1f}%"
    return f"{value:g}" if kind == "days" else str(value)


def kind_of(key):
    """Return the kind of a figure key."""
    return BY_KEY[key].kind
