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
    cells are hidden.

    floor and cap ({round: bound}) bound the question's no-answer cell in each round: the other
    questions, at their true values, allow only those (see _bounds)."""

    def __init__(self, columns, keys, threshold, floor=None, cap=None):
        self.rounds = [column for column in columns if column != "all"]
        self.keys = keys
        self.value = {(c, k): columns[c][k] for c in columns for k in keys}
        self.total = {c: columns[c]["people_in_groups"] for c in columns}
        self.hidden = {cell for cell, v in self.value.items() if 0 < v < threshold}
        self.last = next((k for k in keys if k in _LAST), None)
        self.floor, self.cap = floor or {}, cap or {}
        # The other questions' tables that bound this one (set by hidden_cells).
        self.partners = ()
        self.free = set()
        self._sums = (None, None)

    def _shown(self, cell):
        return cell not in self.hidden

    def possible(self, fixed=None, value=0, floor=None, cap=None):
        """Tell whether the cells hidden (fixed, if given, set to value) can take non-negative
        whole values that agree with every shown cell and total, and with the no-answer bounds
        (the table's own unless others are given)."""
        floor = self.floor if floor is None else floor
        cap = self.cap if cap is None else cap
        if value < 0:
            return False
        known, rows, sums = self._shown_sums()
        known, rows, sums = dict(known), dict(rows), dict(sums)
        if fixed is not None:
            known[fixed] = value
            if fixed[0] != "all":
                rows[fixed[0]] -= value
                sums[fixed[1]] += value
        for r in self.rounds:
            if (r, self.last) in known:
                had = known[(r, self.last)]
                if not floor.get(r, 0) <= had <= cap.get(r, had):
                    return False
        free = self.hidden - {fixed}
        # A hidden no-answer cell with a floor holds at least that many: take them out first.
        lifted = 0
        for r, k in free:
            if k == self.last and r in floor:
                rows[r] -= floor[r]
                lifted += floor[r]
        ends, pool = {}, self.total["all"]
        for k in self.keys:
            below = sums[k]
            if k == self.last:
                below += lifted
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
        # A hidden no-answer cell with a cap is an edge that carries at most the cap.
        reach, capped = dict.fromkeys(self.rounds, 0), {}
        for r, k in free:
            if r == "all":
                continue
            if k == self.last and r in cap:
                capped[r] = (sinks[k], cap[r])
            else:
                reach[r] |= 1 << sinks[k]
        supplies = []
        for r in self.rounds:
            edge = capped.get(r)
            if edge and reach[r] >> edge[0] & 1:
                edge = None  # another hidden cell of the row reaches the same sink, uncapped
            if rows[r]:
                supplies.append((rows[r], reach[r], edge))
        return _transportable(supplies, demand)

    def _shown_sums(self):
        """Return the shown cells, each round's people not in a shown cell, and each answer's
        shown rounds' sum (kept while the hidden cells stay the same)."""
        signature = frozenset(self.hidden)
        if self._sums[0] != signature:
            known = {cell: v for cell, v in self.value.items() if self._shown(cell)}
            rows = {
                r: self.total[r] - sum(known.get((r, k), 0) for k in self.keys) for r in self.rounds
            }
            sums = {k: sum(known.get((r, k), 0) for r in self.rounds) for k in self.keys}
            self._sums = (signature, (known, rows, sums))
        return self._sums[1]

    def fixed(self, cell):
        """Tell whether a hidden cell's value is the only one the shown figures allow, as far as
        this table shows it: with the other questions at their true values, or (when that fixes
        it) with the no-answer bound of the cell's round eased by one, if the other questions can
        take that.

        A cell found free is free in the three tables together (the values found for each table
        keep the inequalities between them); one found fixed may not be, which only hides more.
        """
        value = self.value[cell]
        if self.possible(cell, value - 1) or self.possible(cell, value + 1):
            return False
        return not self._eased(cell, value)

    def _eased(self, cell, value):
        """Tell whether the cell can be one more or less once its round's no-answer bound is
        eased by one, the other questions still agreeing."""
        r = cell[0]
        if r not in self.rounds or not self.partners:
            return False
        if self.cap:  # the check-in: its no answer may be one more if both others can be
            bound = {**self.cap, r: self.cap[r] + 1}
            if not all(other.possible(floor=bound) for other in self.partners):
                return False
            tried = {"cap": bound}
        else:  # a rating question: its no answer may be one less if the check-in's can be
            if self.floor.get(r, 0) == 0:
                return False
            bound = {**self.floor, r: self.floor[r] - 1}
            check_in = self.partners[0]
            own = {s: check_in.value[(s, check_in.last)] for s in self.rounds}
            if not check_in.possible(cap={**own, r: bound[r]}):
                return False
            tried = {"floor": bound}
        return self.possible(cell, value - 1, **tried) or self.possible(cell, value + 1, **tried)

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

        Hiding a cell only takes a relation away (here or in a partner table), so a cell once
        found free stays free: each is checked until it is, also over calls.
        """
        free = self.free
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
    """Tell whether every supply (amount, bit mask of the sinks it may go to without limit, and
    None or (sink, cap): one more sink it may send at most cap to) can be shipped so that each
    sink gets exactly its demand, given that the totals are equal.

    By the max-flow min-cut theorem, it can exactly when for every set X of sinks, the demand of
    X plus what the supplies can send to sinks outside X (all of a supply that reaches one
    without limit, else at most its cap) is at least the whole: the cuts are those sets. There
    are at most 2**7 of them.
    """
    whole = sum(amount for amount, _, _ in supplies)
    grouped = {}
    for amount, reach, edge in supplies:
        key = (reach, edge[0] if edge else None)
        total, limited = grouped.get(key, (0, 0))
        grouped[key] = (total + amount, limited + (min(amount, edge[1]) if edge else 0))
    sinks = len(demand)
    everything = (1 << sinks) - 1
    for chosen in range(1 << sinks):
        cut = sum(demand[n] for n in range(sinks) if chosen >> n & 1)
        for (reach, sink), (total, limited) in grouped.items():
            if reach & (everything ^ chosen):
                cut += total
            elif sink is not None and not chosen >> sink & 1:
                cut += limited
        if cut < whole:
            return False
    return True


def _bounds(columns):
    """Return the no-answer bounds that tie the three questions: {question's no-answer key:
    (floor, cap)}, each {round: bound}.

    Someone who gave no check-in gave no rating and no new-connection answer, so in each round
    no_answer is at most challenged_no_answer and new_connection_no_answer: the published
    figures tie the questions by these inequalities (and by nothing else: a person who checked
    in may skip either question). Each question is checked with the other two at their true
    values, which the inequalities then turn into bounds on its own no-answer cells: the
    check-in's at most the smaller of the other two, the others' at least the check-in's. So a
    value a question's check allows is one that all three tables together allow (a cell found
    free is free). It may find a cell fixed that changing two questions at once would free: that
    only hides more.
    """
    rounds = [c for c in columns if c != "all"]
    smallest = {r: min(columns[r][k] for k in _LAST[1:]) for r in rounds}
    least = {r: columns[r][_LAST[0]] for r in rounds}
    return {_LAST[0]: ({}, smallest), _LAST[1]: (least, {}), _LAST[2]: (least, {})}


def hidden_cells(columns, threshold=THRESHOLD):
    """Return the (column, key) cells to hide: primary and complementary, question by question,
    each checked against the bounds the other two put on it."""
    if "all" not in columns:
        raise ValueError("the figures have no all-rounds column, so nothing can be hidden safely")
    keys = ("people_in_groups", *(key for part in PARTITIONS for key in part))
    signature = (threshold, tuple((c, tuple(columns[c][k] for k in keys)) for c in columns))
    if signature not in _CACHE:
        bounds = _bounds(columns)
        tables = []
        for part in PARTITIONS:
            last = next(k for k in part if k in _LAST)
            tables.append(_Table(columns, part, threshold, *bounds[last]))
        tables[0].partners = tuple(tables[1:])
        for table in tables[1:]:
            table.partners = (tables[0],)
        # A round's three no-answer cells are hidden together (a shown one would bound a hidden
        # one), then each table is completed; until that hides no further no-answer cell.
        while True:
            for table in tables:
                table.complete()
            tied = False
            for r in tables[0].rounds:
                if any((r, t.last) in t.hidden for t in tables):
                    for table in tables:
                        tied |= (r, table.last) not in table.hidden
                        table.hidden.add((r, table.last))
            if not tied:
                break
        hidden = set().union(*(table.hidden for table in tables))
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[signature] = frozenset(hidden)
    return set(_CACHE[signature])


def publish(columns, threshold=THRESHOLD):
    """Return {column: {figure key: number, None (nothing to measure) or HIDDEN}} from raw
    figures."""
    hidden = hidden_cells(columns, threshold)
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
