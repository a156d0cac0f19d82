"""Drawing big rounds: plan_round beside networkx's blossom matching (Yelp's Beans method)."""

import functools
import math
import random
import statistics
import time
from dataclasses import replace

import networkx as nx

from app.pairing import Person, Policy, normalise, plan_round

ORGANISATIONS = [f"Organisation {n}" for n in range(40)]
ZIPF = [1 / (n + 1) for n in range(len(ORGANISATIONS))]
NX_LIMIT = 60.0  # seconds; networkx runs only where its estimated time fits
DRAW_LIMIT = 3.0  # seconds for plan_round at 10,000 people
AVOID_LIMIT = 1.0  # seconds for plan_round at 10,000 people with "never pair me with" lists


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
# (family, organisations, rounds of history, size, share keeping a list, how many avoid everyone)
# Someone who avoids everyone else must wait, and sends the draw through its exact settling step.
AVOIDING = [
    ("skewed orgs, 20 rounds", skewed, 20, 10000, 0.01, 0),
    ("skewed orgs, 20 rounds", skewed, 20, 10000, 0.05, 0),
    ("one org 60%, 20 rounds", majority, 20, 10000, 0.05, 0),
    ("skewed orgs, 20 rounds", skewed, 20, 10000, 0.05, 3),
]


@functools.cache  # the avoidance scenarios reuse the pools the comparison built
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


def _avoiding(people, share, everyone, seed=3):
    """Return the people with a share avoiding one to three others, and a few avoiding all."""
    rng = random.Random(seed)
    ids = [p.id for p in people]
    holders = set(rng.sample(ids, round(share * len(ids))))
    lists = {pid: set(rng.sample(ids, rng.randint(1, 3))) for pid in holders}
    lists |= {pid: set(ids) for pid in rng.sample(ids, everyone)}
    return [replace(p, avoid=frozenset(lists.get(p.id, ())) - {p.id}) for p in people]


def _broken(people, plan):
    """Return how many of a plan's pairs hold two people of whom one avoids the other."""
    avoid = {p.id: p.avoid for p in people}
    return sum(b in avoid[a] or a in avoid[b] for a, b in plan.pairs)


def _timed(people):
    """Time three draws; return (median seconds, first plan, avoided pairs broken in all three)."""
    times, plans = [], []
    for seed in (2026, 2027, 2028):
        started = time.perf_counter()
        plans.append(plan_round(people, Policy(), random.Random(seed)))
        times.append(time.perf_counter() - started)
    return statistics.median(times), plans[0], sum(_broken(people, plan) for plan in plans)


def _avoid_row(name, label, seconds, plan, extra=None):
    """Return one row for an avoidance scenario: its figures, and what broke or waited."""
    counts = f"{len(plan.repeats)} repeats, {len(plan.same_org_pairs)} same-org pairs"
    proven = " (proven minimal)" if plan.proven else ""
    lead = (
        "" if extra is None else f"{extra['broken']} of {extra['avoided']} avoided pairs broken, "
    )
    waiting = "" if extra is None else f", {len(plan.unplaced)} waiting"
    return {
        "scenario": f"{name}, {label}, plan_round: {lead}{counts}{waiting}{proven}",
        "seconds": round(seconds, 3),
        "method": "plan_round" if extra is None else "plan_round with avoidances",
        "repeats": len(plan.repeats),
        "same_org_pairs": len(plan.same_org_pairs),
        "proven": plan.proven,
        **({} if extra is None else {**extra, "waiting": len(plan.unplaced)}),
    }


def _with_avoidances():
    """Draw each big pool with and without avoidances; return (rows, all kept and fast, line)."""
    rows, ok, slowest = [], True, 0.0
    for family, organisations, rounds, size, share, everyone in AVOIDING:
        name = f"{size} people, {family}"
        people = _pool(organisations, size, rounds)
        seconds, plan, _ = _timed(people)
        rows.append(_avoid_row(name, "no avoidances (baseline)", seconds, plan))
        avoiding = _avoiding(people, share, everyone)
        avoided = len({frozenset((p.id, q)) for p in avoiding for q in p.avoid})
        seconds, plan, broken = _timed(avoiding)
        label = f"{share:.0%} keeping a list of 1-3" + f", {everyone} avoiding all" * bool(everyone)
        rows.append(_avoid_row(name, label, seconds, plan, {"avoided": avoided, "broken": broken}))
        for row in rows[-2:]:
            print(f"  {row['scenario']} in {row['seconds']:.3f} s", flush=True)
        # Only those who avoid everyone may wait: anyone else can be drawn.
        kept = broken == 0 and len(plan.unplaced) == everyone
        ok = ok and kept and seconds < AVOID_LIMIT
        slowest = max(slowest, seconds)
    line = (
        f"with 1-5% of {size} people avoiding 1-3 others: at most {slowest:.3f} s "
        f"(limit {AVOID_LIMIT} s), no avoided pair drawn, only those avoiding all waiting"
    )
    return rows, ok, line


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
    summary = _summary(rows)
    avoiding, kept, line = _with_avoidances()
    verdict = (
        f"plan_round: {big['scenario']} in {big['seconds']} s (limit {DRAW_LIMIT} s); "
        f"never worse than networkx where networkx ran; {line}"
    )
    return {"rows": rows + avoiding, "ok": ok and kept, "verdict": verdict, "summary": summary}
