"""Charts drawn on the server as SVG: each an image with a title and a text description.

Colours are GOV.UK Design System colours; lines and bars also differ in shape or dash
so that no chart relies on colour alone. Only presentation attributes are used, because
the pages' Content-Security-Policy forbids inline styles.
"""

from markupsafe import Markup, escape

from app.report.figures import MET, NOT_MET, SCHEDULED
from app.report.publish import SMALL, WITHHELD, display

WIDTH, HEIGHT = 640, 320
INK, GRID = "#0b0c0c", "#b1b4b6"
ANSWER_STYLE = (
    ("met", MET, "#00703c"),
    ("scheduled", SCHEDULED, "#1d70b8"),
    ("not_met", NOT_MET, "#d4351c"),
    ("no_answer", "No answer", "#505a5f"),
)
HIDDEN_FILL = "#ffffff"


def _hidden(value):
    """Tell whether a published value is suppressed or missing."""
    return value in (SMALL, WITHHELD) or value is None


def svg_image(name, title, desc, body, height=HEIGHT):
    """Wrap chart elements in an accessible SVG image."""
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{name}-title {name}-desc" focusable="false" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif">'
        f'<title id="{name}-title">{escape(title)}</title>'
        f'<desc id="{name}-desc">{escape(desc)}</desc>{body}</svg>'
    )


def svg_text(x, y, text, anchor="start", size=14):
    """Return an SVG text element."""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{INK}" '
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


def trend(columns):
    """Return a line chart of the met and share rates per round (hidden values leave gaps)."""
    rounds = [c for c in columns if c != "all"]
    left, right, top, bottom = 60, WIDTH - 30, 20, HEIGHT - 70
    step = (right - left) / max(len(rounds) - 1, 1)

    def y_of(pct):
        return bottom - (bottom - top) * pct / 100

    body = []
    for pct in range(0, 101, 25):
        y = y_of(pct)
        body.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(svg_text(left - 8, y + 5, f"{pct}%", "end"))
    for n, column in enumerate(rounds):
        body.append(svg_text(left + n * step, bottom + 22, f"Round {column}", "middle"))
    for shape, (key, label, colour, dash) in enumerate(TREND):
        values = [columns[c][key] for c in rounds]
        points = [None if _hidden(v) else (left + n * step, y_of(v)) for n, v in enumerate(values)]
        body.extend(_series(points, colour, dash, shape))
        body.append(_legend(left + shape * 160, HEIGHT - 20, colour, dash, shape, f"{label} (%)"))
    desc = "; ".join(
        f"Round {c}: met {display(columns[c]['met_pct'], 'pct')}, "
        f"shared {display(columns[c]['shared_pct'], 'pct')}"
        for c in rounds
    )
    return svg_image("trend", "Met and share rates per round", desc, "".join(body))


def _segments(cells):
    """Return (label, colour, share of the bar) for a round's answers; hidden ones merged."""
    base = cells["people_in_groups"]
    shown = [(label, colour, cells[key]) for key, label, colour in ANSWER_STYLE]
    parts = [(label, colour, v / base) for label, colour, v in shown if not _hidden(v)]
    rest = base - sum(v for _, _, v in shown if not _hidden(v))
    if rest:
        parts.append(("Not shown (small numbers)", HIDDEN_FILL, rest / base))
    return parts


def answers(columns):
    """Return stacked bars of each round's check-in answers, as shares of people in groups."""
    rounds = [c for c in columns if c != "all"]
    left, right, row = 100, WIDTH - 20, 36
    height = 30 + row * len(rounds) + 80
    body = []
    for n, column in enumerate(rounds):
        y = 20 + n * row
        body.append(svg_text(left - 10, y + 19, f"Round {column}", "end"))
        if _hidden(columns[column]["people_in_groups"]):
            body.append(svg_text(left, y + 19, "fewer than 5 people in groups"))
            continue
        x = left
        for _, colour, share in _segments(columns[column]):
            width = (right - left) * share
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="26" fill="{colour}" '
                f'stroke="{INK if colour == HIDDEN_FILL else "#ffffff"}" stroke-width="1"/>'
            )
            x += width
    styles = ANSWER_STYLE + ((None, "Not shown (small numbers)", HIDDEN_FILL),)
    for n, (_, label, colour) in enumerate(styles):
        lx, ly = left + (n % 3) * 180, height - 60 + (n // 3) * 26
        body.append(
            f'<rect x="{lx}" y="{ly}" width="16" height="16" fill="{colour}" stroke="{INK}"/>'
        )
        body.append(svg_text(lx + 24, ly + 13, label))
    desc = "; ".join(
        f"Round {c}: "
        + ", ".join(
            f"{label} {display(columns[c][key], 'count')}" for key, label, _ in ANSWER_STYLE
        )
        + f" of {display(columns[c]['people_in_groups'], 'count')} people in groups"
        for c in rounds
    )
    return svg_image("answers", "Check-in answers per round", desc, "".join(body), height)
