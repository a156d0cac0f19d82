"""Which organisations have been connected: nodes big enough to name, and the pairs between them.

An organisation is named only when at least 5 different people from it have been in a
group; smaller ones are pooled by type ("Other local authorities"), and pools that are
still under 5 people into "Other organisations", so no node points at one person.
"""

import math
from collections import Counter, defaultdict

from app.report.charts import INK, WIDTH, chart, svg_text
from app.report.orgtypes import PLURALS, organisation_type
from app.report.publish import THRESHOLD

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
    """Return (nodes, edges): [(name, people)] and [(name, name, groups)].

    The draw is public, so the counts are given as they are. A group (pair or trio) adds one to
    each two different nodes it joins; a group whose people are all in one node adds one to that
    node's own line (name, name, groups): the groups "within" it. So every group drawn is on at
    least one line, and a trio from three nodes is on three.
    """
    members = {pid for r in rounds for g in r.groups for pid in g}
    names = node_names({pid: orgs[pid] for pid in members}, threshold)
    people = Counter(names[orgs[pid]] for pid in members)
    links = Counter()
    for round_ in rounds:
        for group in round_.groups:
            ends = sorted({names[orgs[pid]] for pid in group})
            if len(ends) == 1:
                links[(ends[0], ends[0])] += 1
            links.update((a, b) for n, a in enumerate(ends) for b in ends[n + 1 :])
    nodes = [(name, people[name]) for name in sorted(people, key=_order)]
    edges = [(a, b, n) for (a, b), n in sorted(links.items())]
    return nodes, edges


def _order(name):
    """Sort named organisations first, pools after, "Other organisations" last."""
    return (name == OTHERS, name.startswith("Other "), name)


def _positions(names, cx, cy, radius):
    """Place nodes evenly on a circle, the first at the top; a lone node in the middle."""
    if len(names) == 1:
        return {names[0]: (cx, cy)}
    step = 2 * math.pi / max(len(names), 1)
    return {
        name: (cx + radius * math.sin(n * step), cy - radius * math.cos(n * step))
        for n, name in enumerate(names)
    }


def _groups(count):
    return f"{count} group{'' if count == 1 else 's'}"


def edge_words(a, b, count):
    """Return one line of the network in words: "A and B: 3 groups" or "within A: 1 group"."""
    where = f"Within {a}" if a == b else f"{a} and {b}"
    return f"{where}: {_groups(count)}"


def network_caption(nodes, edges, groups_drawn, trios):
    """Return the network's words: the groups drawn, and each line's count."""
    if not groups_drawn:
        return "No groups have been drawn yet."
    kinds = f" ({trios} of them trios)" if trios else ""
    head = (
        f"{_groups(groups_drawn)} drawn over all rounds{kinds}, between "
        f"{len(nodes)} organisation{'' if len(nodes) == 1 else 's'} or pools of organisations. "
    )
    lines = "; ".join(edge_words(a, b, n) for a, b, n in edges)
    across = (
        " A trio from three organisations is counted on each of its three lines." if trios else ""
    )
    return f"{head}{lines}.{across}"


def network_chart(nodes, edges, groups_drawn=None, trios=0):
    """Return the network as a Chart: organisations on a circle, a line for each connection
    (thicker for more groups), and a loop at a node for the groups within it."""
    if groups_drawn is None:
        groups_drawn = sum(n for *_, n in edges)
    height, cx, cy, radius = 460, WIDTH / 2, 230, 150
    if len(nodes) == 1:  # one node (everyone pooled, say): no circle to go round
        height, cy = 200, 110
    at = _positions([name for name, _ in nodes], cx, cy, radius)
    widest = max([n for *_, n in edges] or [1])
    body = []
    for a, b, count in edges:
        width = 1.5 + 6 * count / widest
        (x1, y1), (x2, y2) = at[a], at[b]
        if a == b:
            # A loop on the inner side of the node (above a lone node): the groups within it.
            dx, dy = (cx - x1, cy - y1) if len(nodes) > 1 else (0, -1)
            size = math.hypot(dx, dy) or 1
            lx, ly = x1 + 28 * dx / size, y1 + 28 * dy / size
            body.append(
                f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="20" fill="none" stroke="#1d70b8" '
                f'stroke-width="{width:.1f}"/>'
            )
            body.append(svg_text(lx, ly + 5, str(count), "middle", 13))
            if len(nodes) == 1:
                body.append(svg_text(lx + 30, ly + 5, f"{_groups(count)} within it"))
            continue
        body.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#1d70b8" '
            f'stroke-width="{width:.1f}"/>'
        )
    for name, people in nodes:
        x, y = at[name]
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{INK}"/>')
        anchor = "middle" if abs(x - cx) < 1 else ("start" if x > cx else "end")
        lx = x + (0 if anchor == "middle" else 14 if anchor == "start" else -14)
        ly = y + (-16 if y < cy - radius / 2 else 26 if y > cy + radius / 2 else 5)
        if len(nodes) == 1:
            ly = y + 30
        body.append(svg_text(lx, ly, f"{name} ({people})", anchor))
    title = "Organisations connected by the groups drawn"
    caption = network_caption(nodes, edges, groups_drawn, trios)
    return chart("network", title, caption, "".join(body), height)
