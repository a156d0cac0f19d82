"""Charts drawn on the server as SVG: each an image with a title and a text description.

Colours are GOV.UK Design System colours; lines and bars also differ in shape or dash
so that no chart relies on colour alone. Only presentation attributes are used, because
the pages' Content-Security-Policy forbids inline styles.
"""

from typing import NamedTuple

from markupsafe import Markup, escape

from app.report.figures import MET, NOT_MET, SCHEDULED
from app.report.publish import HIDDEN_TEXT, display, is_hidden
from app.vocabulary import long_date

WIDTH, HEIGHT = 640, 320
INK, GRID, WHITE = "#0b0c0c", "#b1b4b6", "#ffffff"
ANSWER_STYLE = (
    ("met", MET, "#00703c"),
    ("scheduled", SCHEDULED, "#1d70b8"),
    ("not_met", NOT_MET, "#d4351c"),
    ("no_answer", "No answer", "#505a5f"),
)
HIDDEN_FILL = WHITE
HIDDEN_LABEL = "Hidden to protect privacy"


class Chart(NamedTuple):
    """A chart: its SVG, and the sentence that says in words what it shows (its caption)."""

    name: str
    svg: Markup
    caption: str


def _hidden(value):
    """Tell whether a published value is hidden or missing."""
    return is_hidden(value) or value is None


def svg_image(name, title, desc, body, height=HEIGHT):
    """Wrap chart elements in an accessible SVG image, described by its visible caption."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{name}-title" aria-describedby="{name}-caption" '
        f'focusable="false" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif">'
        f'<title id="{name}-title">{escape(title)}</title>'
        f'<desc id="{name}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def chart(name, title, caption, body, height=HEIGHT):
    """Return a Chart whose SVG carries the caption as its description too."""
    return Chart(name, svg_image(name, title, caption, body, height), caption)


def _plural(count, one, many):
    """Return "1 person" or "8 people"."""
    return f"{count} {one if count == 1 else many}"


def svg_text(x, y, text, anchor="start", size=14, fill=INK):
    """Return an SVG text element."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _marker(x, y, colour, shape):
    """Return a point marker: a circle for the first series, a square for the second."""
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
    return f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}"/>'


def _runs(points):
    """Split points (None where hidden) into runs of consecutive shown points."""
    runs, current = [], []
    for point in points:
        if point is None:
            runs, current = runs + [current], []
        else:
            current.append(point)
    return [run for run in runs + [current] if run]


def _series(points, colour, dash, shape):
    """Return the lines and markers of one series; hidden points break the line."""
    parts = []
    for run in _runs(points):
        if len(run) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(
                f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="3" '
                f'stroke-dasharray="{dash}"/>'
            )
        parts.extend(_marker(x, y, colour, shape) for x, y in run)
    return parts


def _legend(x, y, colour, dash, shape, label):
    """Return one legend entry: a line sample with its marker, and its label."""
    sample = (
        f'<line x1="{x}" x2="{x + 30}" y1="{y}" y2="{y}" stroke="{colour}" stroke-width="3" '
        f'stroke-dasharray="{dash}"/>'
    )
    return sample + _marker(x + 15, y, colour, shape) + svg_text(x + 38, y + 5, label)


TREND = (("met_pct", "Met", "#00703c", ""), ("shared_pct", "Shared", "#1d70b8", "8 5"))
TREND_COUNTS = {"met_pct": "met", "shared_pct": "shared"}


def _rate_words(cells, key, verb):
    """Return "5 met (62.5%)", or why the figure is not shown."""
    count, pct = cells[TREND_COUNTS[key]], cells[key]
    if _hidden(count) or _hidden(pct):
        return f"the number who {verb} is {HIDDEN_TEXT}" if is_hidden(pct) else f"0 {verb}"
    return f"{count} {verb} ({display(pct, 'pct')})"


def _round_words(column, cells, dates):
    """Return "Round 1, drawn on 3 March 2026, had 8 people in groups"."""
    drawn = f", drawn on {long_date(dates[column])}," if dates.get(column) else ""
    people = _plural(cells["people_in_groups"], "person", "people")
    return f"Round {column}{drawn} had {people} in groups"


def trend_caption(columns, dates):
    """Return the trend chart's words: each round's met and share figures."""
    rounds = [c for c in columns if c != "all"]
    parts = [
        f"{_round_words(c, columns[c], dates)}: {_rate_words(columns[c], 'met_pct', 'met')}, "
        f"{_rate_words(columns[c], 'shared_pct', 'shared an output')}."
        for c in rounds
    ]
    if len(rounds) == 1:
        head = "The one round so far, as bars (a trend needs two rounds or more). "
    else:
        head = f"Met and share rates over {len(rounds)} rounds, as lines. "
    return head + " ".join(parts)


def _bars(columns, dates):
    """Return one round's met and share rates as two labelled bars (no trend to draw yet)."""
    column = next(c for c in columns if c != "all")
    cells = columns[column]
    left, right, top, bottom = 60, WIDTH - 30, 30, HEIGHT - 70
    body = _percent_grid(left, right, top, bottom)
    width = 120
    for n, (key, label, colour, _) in enumerate(TREND):
        x = left + (right - left) * (n + 1) / 3 - width / 2
        value = cells[key]
        body.append(svg_text(x + width / 2, bottom + 22, label, "middle"))
        if _hidden(value):
            note = HIDDEN_TEXT if is_hidden(value) else "nothing to measure"
            body.append(svg_text(x + width / 2, bottom - 10, note, "middle", 13))
            continue
        height = (bottom - top) * value / 100
        body.append(
            f'<rect x="{x:.1f}" y="{bottom - height:.1f}" width="{width}" height="{height:.1f}" '
            f'fill="{colour}"/>'
        )
        count = cells[TREND_COUNTS[key]]
        words = f"{display(value, 'pct')} ({count})"
        body.append(svg_text(x + width / 2, bottom - height - 8, words, "middle"))
    body.append(svg_text(left, HEIGHT - 20, f"Round {column}: share of people in groups"))
    return body


def _percent_grid(left, right, top, bottom):
    """Return the horizontal grid lines and labels from 0% to 100%."""
    body = []
    for pct in range(0, 101, 25):
        y = bottom - (bottom - top) * pct / 100
        body.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(svg_text(left - 8, y + 5, f"{pct}%", "end"))
    return body


def trend(columns, dates=None):
    """Return the met and share rates: lines over the rounds (hidden values leave gaps), or with
    one round so far, that round's two rates as bars."""
    dates = dates or {}
    rounds = [c for c in columns if c != "all"]
    caption = trend_caption(columns, dates)
    title = "Met and share rates per round"
    if len(rounds) == 1:
        return chart("trend", title, caption, "".join(_bars(columns, dates)))
    left, right, top, bottom = 60, WIDTH - 30, 20, HEIGHT - 70
    step = (right - left) / max(len(rounds) - 1, 1)

    def y_of(pct):
        return bottom - (bottom - top) * pct / 100

    body = _percent_grid(left, right, top, bottom)
    every = max(1, round(len(rounds) / 12))  # room for about 12 round labels
    for n, column in enumerate(rounds):
        if n % every == 0 or n == len(rounds) - 1:
            body.append(svg_text(left + n * step, bottom + 22, f"Round {column}", "middle"))
    for shape, (key, label, colour, dash) in enumerate(TREND):
        values = [columns[c][key] for c in rounds]
        points = [None if _hidden(v) else (left + n * step, y_of(v)) for n, v in enumerate(values)]
        body.extend(_series(points, colour, dash, shape))
        body.append(_legend(left + shape * 160, HEIGHT - 20, colour, dash, shape, f"{label} (%)"))
    if all(_hidden(columns[c]["met_pct"]) for c in rounds):
        body.append(svg_text(WIDTH / 2, top + 30, f"Met: {HIDDEN_TEXT} in every round", "middle"))
    return chart("trend", title, caption, "".join(body))


def _segments(cells):
    """Return (label, colour, count or None, share of the bar) for a round's answers; hidden ones
    are drawn together as one part."""
    base = cells["people_in_groups"]
    shown = [(label, colour, cells[key]) for key, label, colour in ANSWER_STYLE]
    parts = [(label, colour, v, v / base) for label, colour, v in shown if not _hidden(v)]
    rest = base - sum(v for _, _, v in shown if not _hidden(v))
    if rest:
        parts.append((HIDDEN_LABEL, HIDDEN_FILL, None, rest / base))
    return parts


def answers_caption(columns, dates):
    """Return the answers chart's words: each round's answers."""
    rounds = [c for c in columns if c != "all"]
    parts = []
    for c in rounds:
        cells = columns[c]
        said = ", ".join(
            f"{label.lower()} {display(cells[key], 'count')}" for key, label, _ in ANSWER_STYLE
        )
        parts.append(f"{_round_words(c, cells, dates)}: {said}.")
    return "What people in groups answered to “did you meet?”, round by round. " + " ".join(parts)


def answers(columns, dates=None):
    """Return stacked bars of each round's check-in answers, as shares of people in groups."""
    dates = dates or {}
    rounds = [c for c in columns if c != "all"]
    left, right, row = 100, WIDTH - 20, 36
    height = 30 + row * len(rounds) + 80
    body = []
    for n, column in enumerate(rounds):
        y = 20 + n * row
        body.append(svg_text(left - 10, y + 19, f"Round {column}", "end"))
        if not columns[column]["people_in_groups"]:
            body.append(svg_text(left, y + 19, "nobody in groups"))
            continue
        x = left
        for _, colour, count, share in _segments(columns[column]):
            width = (right - left) * share
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="26" fill="{colour}" '
                f'stroke="{INK if colour == HIDDEN_FILL else WHITE}" stroke-width="1"/>'
            )
            if count is not None and width >= 30:
                ink = INK if colour == HIDDEN_FILL else WHITE
                body.append(svg_text(x + width / 2, y + 18, str(count), "middle", 13, ink))
            x += width
    styles = ANSWER_STYLE + ((None, HIDDEN_LABEL, HIDDEN_FILL),)
    for n, (_, label, colour) in enumerate(styles):
        lx, ly = left + (n % 3) * 180, height - 60 + (n // 3) * 26
        body.append(
            f'<rect x="{lx}" y="{ly}" width="16" height="16" fill="{colour}" stroke="{INK}"/>'
        )
        body.append(svg_text(lx + 24, ly + 13, label))
    caption = answers_caption(columns, dates)
    return chart("answers", "Check-in answers per round", caption, "".join(body), height)
