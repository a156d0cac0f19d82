"""Which organisations have been connected: nodes big enough to name, and the pairs between them.

An organisation is named only when at least 5 different people from it have been in a
group; smaller ones are pooled by type ("Other local authorities"), and pools that are
still under 5 people into "Other organisations", so no node points at one person.
"""

import math
from collections import Counter, defaultdict

from app.report.charts import INK, WIDTH, svg_image, svg_text
from app.report.orgtypes import PLURALS, organisation_type
from app.report.publish import SMALL, THRESHOLD, display

OTHERS = "Other organisations"


def node_names(people_orgs, threshold=THRESHOLD):
    """Return {organisation: node name} for the organisations of the given people."""
    sizes = Counter(people_orgs.values())
    pooled = defaultdict(int)
    for org, size in sizes.items():
        if size < threshold:
            pooled[organisation_type(org)] += size
    names = {}
    for org, size in sizes.items():
        if size >= threshold:
            names[org] = org
        elif pooled[organisation_type(org)] >= threshold:
            names[org] = f"Other {PLURALS[organisation_type(org)]}"
        else:
            names[org] = OTHERS
    return names


def network(rounds, orgs, threshold=THRESHOLD):
    """Return (nodes, edges): [(name, people)] and [(name, name, pairs)], counts suppressed."""
    members = {pid for r in rounds for g in r.groups for pid in g}
    names = node_names({pid: orgs[pid] for pid in members}, threshold)
    people = Counter(names[orgs[pid]] for pid in members)
    links = Counter()
    for round_ in rounds:
        for group in round_.groups:
            ends = sorted({names[orgs[pid]] for pid in group})
            links.update((a, b) for n, a in enumerate(ends) for b in ends[n + 1 :])
    nodes = [(name, _count(people[name], threshold)) for name in sorted(people, key=_order)]
    edges = [(a, b, _count(n, threshold)) for (a, b), n in sorted(links.items())]
    return nodes, edges


def _order(name):
    """Sort named organisations first, pools after, "Other organisations" last."""
    return (name == OTHERS, name.startswith("Other "), name)


def _count(value, threshold):
    """Return a count, or SMALL under the threshold."""
    return SMALL if value < threshold else value


def _positions(names, cx, cy, radius):
    """Place nodes evenly on a circle, the first at the top."""
    step = 2 * math.pi / max(len(names), 1)
    return {
        name: (cx + radius * math.sin(n * step), cy - radius * math.cos(n * step))
        for n, name in enumerate(names)
    }


def network_chart(nodes, edges):
    """Return the network as an SVG: organisations on a circle, a line for each connection."""
    height, cx, cy, radius = 460, WIDTH / 2, 230, 150
    at = _positions([name for name, _ in nodes], cx, cy, radius)
    widest = max([n for *_, n in edges if n != SMALL] or [1])
    body = []
    for a, b, count in edges:
        (x1, y1), (x2, y2) = at[a], at[b]
        width = 1.5 if count == SMALL else 1.5 + 6 * count / widest
        dash = ' stroke-dasharray="4 4"' if count == SMALL else ""
        body.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#1d70b8" '
            f'stroke-width="{width:.1f}"{dash}/>'
        )
    for name, _ in nodes:
        x, y = at[name]
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{INK}"/>')
        anchor = "middle" if abs(x - cx) < 1 else ("start" if x > cx else "end")
        lx = x + (0 if anchor == "middle" else 14 if anchor == "start" else -14)
        ly = y + (-16 if y < cy - radius / 2 else 26 if y > cy + radius / 2 else 5)
        body.append(svg_text(lx, ly, name, anchor))
    desc = "; ".join(f"{a} and {b}: {display(n, 'count')} pairs" for a, b, n in edges)
    title = "Organisations connected by the pairs drawn"
    return svg_image("network", title, desc or "No pairs yet", "".join(body), height)
