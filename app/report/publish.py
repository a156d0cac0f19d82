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
is possible exactly when a flow carries it, and a cell is fixed when neither its value minus one
nor plus one is possible. Every hidden cell is published the same way, HIDDEN, so the marker
tells nothing about which cells are the small ones. A percentage of a hidden count is hidden
with it.
"""

from collections import deque

from app.report.figures import BY_KEY, PARTITIONS, RATES, figures_for

THRESHOLD = 5
HIDDEN = "hidden"
NOTHING = "none to measure"
# How the page and the terminal write a hidden figure.
HIDDEN_TEXT = "hidden to protect privacy"
# No-answer counts also bound each other (no check-in: no rating either), so they are hidden
# last of all.
_LAST = ("no_answer", "challenged_no_answer", "new_connection_no_answer")


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
        edges = [("source", ("row", r), rows[r]) for r in self.rounds]
        edges += [(("row", r), ("key", k), supply) for r, k in free if r != "all"]
        for k in self.keys:
            to = "sink" if k in ends else "pool"
            edges.append((("key", k), to, ends.get(k, supply)))
        edges.append(("pool", "sink", pool))
        return _max_flow(edges) == supply

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
        """Hide more cells until no hidden cell is fixed; return the hidden cells."""
        while True:
            exposed = next((c for c in sorted(self.hidden) if self.fixed(c)), None)
            if exposed is None:
                return self.hidden
            candidates = self._candidates(exposed)
            if not candidates:  # everything hidden: nothing can be worked out (never reached)
                return self.hidden
            chosen = candidates[0]
            for candidate in candidates:
                self.hidden.add(candidate)
                undone = not self.fixed(exposed)
                self.hidden.discard(candidate)
                if undone:
                    chosen = candidate
                    break
            self.hidden.add(chosen)


def _max_flow(edges):
    """Return the maximum flow from "source" to "sink" over (from, to, capacity) edges."""
    capacity, links = {}, {}
    for a, b, cap in edges:
        capacity[(a, b)] = capacity.get((a, b), 0) + cap
        capacity.setdefault((b, a), 0)
        links.setdefault(a, set()).add(b)
        links.setdefault(b, set()).add(a)
    flow = 0
    while True:
        back, queue = {"source": None}, deque(["source"])
        while queue and "sink" not in back:
            node = queue.popleft()
            for nxt in links.get(node, ()):
                if nxt not in back and capacity[(node, nxt)] > 0:
                    back[nxt] = node
                    queue.append(nxt)
        if "sink" not in back:
            return flow
        path, node = [], "sink"
        while back[node] is not None:
            path.append((back[node], node))
            node = back[node]
        push = min(capacity[edge] for edge in path)
        for a, b in path:
            capacity[(a, b)] -= push
            capacity[(b, a)] += push
        flow += push


def hidden_cells(columns, threshold=THRESHOLD):
    """Return the (column, key) cells to hide: primary and complementary, question by question."""
    hidden = set()
    for keys in PARTITIONS:
        hidden |= _Table(columns, keys, threshold).complete()
    return hidden


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
