"""Suppression: small counts and the rates and medians built on them are never published.

A count from 1 to 4 is published as SMALL (zero identifies nobody and stays, so a round
nobody has answered yet reads 0). Where hiding one count could be undone by
subtraction (the parts of a total, or the rounds of an "all rounds" figure), the smallest
published part is WITHHELD as well. A rate or median is published only when every count
it is built from is.
"""

from app.report.figures import ADDITIVE, BY_KEY, PARTITIONS, RATES, figures_for

THRESHOLD = 5
SMALL = "fewer than 5"
WITHHELD = "withheld"
NOTHING = "none to measure"


def _hidden(cells, key):
    """Tell whether a cell is not published."""
    return cells[key] in (SMALL, WITHHELD)


def _constraints(columns):
    """Return (total cell, part cells): sums in which one hidden part could be worked out."""
    found = []
    for column in columns:
        for parts in PARTITIONS:
            found.append(((column, "people_in_groups"), [(column, key) for key in parts]))
    rounds = [column for column in columns if column != "all"]
    if "all" in columns:
        for key in ADDITIVE:
            found.append((("all", key), [(column, key) for column in rounds]))
    return found


def _withhold_one_more(cells, total, parts):
    """Withhold the smallest published part when exactly one part is hidden; True if changed."""
    column, key = total
    hidden = [cell for cell in parts if _hidden(cells[cell[0]], cell[1])]
    shown = [cell for cell in parts if not _hidden(cells[cell[0]], cell[1])]
    if _hidden(cells[column], key) or len(hidden) != 1 or not shown:
        return False
    column, key = min(shown, key=lambda cell: (cells[cell[0]][cell[1]], cell))
    cells[column][key] = WITHHELD
    return True


def publish(columns, threshold=THRESHOLD):
    """Return {column: {figure key: number or SMALL or WITHHELD}} from raw figures."""
    cells = {
        column: {
            f.key: (SMALL if 0 < raw[f.key] < threshold else raw[f.key])
            for f in figures_for(column)
            if f.kind == "count"
        }
        for column, raw in columns.items()
    }
    constraints = _constraints(columns)
    while any(_withhold_one_more(cells, *constraint) for constraint in constraints):
        pass
    for column, raw in columns.items():
        for key, (numerator, base) in RATES.items():
            cells[column][key] = _rate(cells[column], raw, numerator, base)
        sharers = cells[column]["shared"]
        median = raw["median_days_to_output"]
        cells[column]["median_days_to_output"] = (
            sharers if _hidden(cells[column], "shared") else _days(median)
        )
    return {column: {f.key: cells[column][f.key] for f in figures_for(column)} for column in cells}


def _rate(cells, raw, numerator, base):
    """Return a percentage to one decimal place, or why it is hidden."""
    for key in (numerator, *base):
        if _hidden(cells, key):
            return cells[key]
    whole = sum(raw[key] for key in base)
    return round(100 * raw[numerator] / whole, 1) if whole else None


def _days(value):
    """Return a median number of days as a whole number or one decimal place (None: no output)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 1)


def display(value, kind):
    """Return a published value as the page and the terminal show it."""
    if value in (SMALL, WITHHELD):
        return value
    if value is None:
        return NOTHING
    if kind == "pct":
        return f"{value:.1f}%"
    return f"{value:g}" if kind == "days" else str(value)


def kind_of(key):
    """Return the kind of a figure key."""
    return BY_KEY[key].kind
