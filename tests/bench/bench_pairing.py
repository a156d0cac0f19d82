"""Drawing big rounds: plan_round beside networkx's blossom matching (Yelp's Beans method)."""

import math
import random
import statistics
import time

import networkx as nx

from app.pairing import Person, Policy, normalise, plan_round

ORGANISATIONS = [f"Organisation {n}" for n in range(40)]
ZIPF = [1 / (n + 1) for n in range(len(ORGANISATIONS))]
NX_LIMIT = 60.0  # seconds; networkx runs only where its estimated time fits
DRAW_LIMIT = 3.0  # seconds for plan_round at 10,000 people


def skewed(rng, size):
    """Return organisations for size people: 40 organisations of Zipf-like sizes."""
    return rng.choices(ORGANISATIONS, ZIPF, k=size)


def majority(rng, size):
    """Return organisations where one has 60% of the people and 39 share the rest."""
    return [
        ORGANISATIONS[0] if rng.random() < 0.6 else rng.choice(ORGANISATIONS[1:])
        for _ in range(size)
    ]


# (family, organisations, rounds of history, sizes)
SCENARIOS = [
    ("skewed orgs, 20 rounds", skewed, 20, (100, 300, 1000, 10000)),
    ("one org 60%, 20 rounds", majority, 20, (300, 10000)),
    ("skewed orgs, 45 rounds", skewed, 45, (60,)),
]


def _pool(organisations, size, rounds, seed=1):
    """Return people with the given organisations and rounds of history drawn by plan_round."""
    rng = random.Random(seed)
    people = [Person(n, org) for n, org in enumerate(organisations(rng, size), start=1)]
    for number in range(1, rounds + 1):
        plan = plan_round(people, Policy(), random.Random(seed * 1000 + number), number)
        people = [
            Person(p.id, p.organisation, p.past_partners | set(plan.partners_of(p.id)))
            for p in people
        ]
    return people


def _counts(people, pairs):
    """Return (repeated pairs, same-organisation pairs) among pairs of people."""
    repeats = sum(b.id in a.past_partners or a.id in b.past_partners for a, b in pairs)
    return repeats, sum(normalise(a.organisation) == normalise(b.organisation) for a, b in pairs)


def _with_plan_round(people):
    """Time three draws with plan_round; return (median seconds, first plan's pairs, proven)."""
    by_id, times, plans = {p.id: p for p in people}, [], []
    for seed in (2026, 2027, 2028):
        started = time.perf_counter()
        plans.append(plan_round(people, Policy(), random.Random(seed)))
        times.append(time.perf_counter() - started)
    pairs = [(by_id[a], by_id[b]) for a, b in plans[0].pairs]
    return statistics.median(times), pairs, plans[0].proven


def _with_networkx(people):
    """Time a maximum-weight perfect matching on weights big - cost; return (seconds, pairs)."""
    started = time.perf_counter()
    repeat = len(people)  # outweighs every same-organisation pair a draw can hold
    orgs = {p.id: normalise(p.organisation) for p in people}
    graph = nx.Graph()
    for n, a in enumerate(people):
        for b in people[n + 1 :]:
            cost = repeat * (b.id in a.past_partners) + (orgs[a.id] == orgs[b.id])
            graph.add_edge(a, b, weight=2 * repeat - cost)
    pairs = list(nx.max_weight_matching(graph, maxcardinality=True))
    return time.perf_counter() - started, pairs


def _row(name, method, seconds, counts, note="", proven=None):
    """Return one summary row; the runner's table shows scenario and seconds."""
    label = note or f"{counts[0]} repeats, {counts[1]} same-org pairs"
    label += " (proven minimal)" if proven else ""
    return {
        "scenario": f"{name}, {method}: {label}",
        "seconds": "" if seconds is None else round(seconds, 3),
        "method": method,
        "repeats": None if counts is None else counts[0],
        "same_org_pairs": None if counts is None else counts[1],
        "proven": proven,
        "note": note,
    }


def _estimate(size, timings):
    """Return networkx's likely seconds at size, growing as fitted to the two largest runs."""
    runs = sorted(dict(sorted(timings)).items())  # the slowest run of each size
    if not runs:
        return 0.0
    big, big_seconds = runs[-1]
    growth = 3.0
    if len(runs) > 1:
        # Building the complete graph is quadratic; the blossom search at most cubic.
        small, small_seconds = runs[-2]
        fitted = math.log(big_seconds / small_seconds) / math.log(big / small)
        growth = min(3.0, max(2.0, fitted))
    return big_seconds * (size / big) ** growth


def _compare(name, people, timings):
    """Draw one pool both ways; return (rows, plan_round is no worse, its seconds)."""
    seconds, pairs, proven = _with_plan_round(people)
    mine = _counts(people, pairs)
    rows = [_row(name, "plan_round", seconds, mine, proven=proven)]
    estimate = _estimate(len(people), timings)
    if estimate > NX_LIMIT:
        note = f"skipped, about {estimate:.0f} s extrapolated from {max(timings)[0]} people"
        return rows + [_row(name, "networkx", None, None, note)], True, seconds
    theirs_seconds, theirs = _with_networkx(people)
    timings.append((len(people), theirs_seconds))
    best = _counts(people, theirs)
    return rows + [_row(name, "networkx", theirs_seconds, best)], mine <= best, seconds


def _summary(rows):
    """Set plan_round beside networkx on the largest pool networkx drew too."""
    pairs = list(zip(rows[::2], rows[1::2], strict=True))
    ran = [(m, t) for m, t in pairs if t["seconds"] != ""]
    mine, theirs = max(
        ran, key=lambda pair: (int(pair[0]["scenario"].split()[0]), pair[1]["seconds"])
    )
    return {
        "measure": mine["scenario"].split(",")[0] + " drawn",
        "ours": f"{mine['seconds']} s, {mine['repeats']} repeats",
        "baseline": f"networkx blossom: {theirs['seconds']} s, {theirs['repeats']} repeats",
    }


def run():
    """Draw each pool with both methods; plan_round must be fast and never worse."""
    rows, ok, timings, big = [], True, [], None
    for family, organisations, rounds, sizes in SCENARIOS:
        for size in sizes:
            name = f"{size} people, {family}"
            people = _pool(organisations, size, rounds)
            found, no_worse, seconds = _compare(name, people, timings)
            print(f"  {found[0]['scenario']} in {seconds:.3f} s", flush=True)
            print(f"  {found[1]['scenario']} {found[1]['seconds']}", flush=True)
            rows += found
            ok = ok and no_worse and (size < 10000 or seconds < DRAW_LIMIT)
            big = found[0] if size == 10000 and big is None else big
    verdict = (
        f"plan_round: {big['scenario']} in {big['seconds']} s (limit {DRAW_LIMIT} s); "
        "never worse than networkx where networkx ran"
    )
    summary = _summary(rows)
    return {"rows": rows, "ok": ok, "verdict": verdict, "summary": summary}
