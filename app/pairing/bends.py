"""Say which rules a draw had to bend, with the pairs involved and the reason no draw could."""

from collections import Counter

from app.pairing.model import Bend

PROVEN_LEAD = "every possible draw"  # how a reason opens when no draw could do better


def _plural(count, word):
    """Return '1 pair' or '3 pairs'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def _history(pool, drawn):
    """Describe how much of the pool has already met."""
    met = sum(1 for n, a in enumerate(drawn) for b in drawn[n + 1 :] if pool.is_repeat(a, b))
    possible = len(drawn) * (len(drawn) - 1) // 2
    return f"{met} of the {possible} possible pairs among these {len(drawn)} people have met before"


def _organisations(pool, drawn, proven):
    """Describe why colleagues had to meet: a majority organisation, or history."""
    counts = Counter(pool.orgs[n] for n in drawn)
    org, count = counts.most_common(1)[0]
    if count * 2 > len(drawn):
        name = next(pool.people[n].organisation.strip() for n in drawn if pool.orgs[n] == org)
        return f"{name} has {count} of the {len(drawn)} people drawn"
    if proven:
        return "every other split across organisations would repeat an earlier pair"
    return "no split across organisations was found that repeats no more earlier pairs"


def _lead(outcome, drawn, at_least):
    """Open the reason: a proven minimum, or the best a best-effort search found."""
    if outcome.proven:
        return f"{PROVEN_LEAD}{at_least} has at least"
    if outcome.settled:
        why = "no swap between groups or chain of re-pairings improves it"
    else:
        why = "the search stopped at its work limit"
    return f"the best draw found (best-effort search over {len(drawn)} people: {why}) has"


def bends(pool, drawn, bad_pairs, outcome):
    """Return the Bend records for a draw's repeated and same-organisation index pairs."""
    repeats, colleagues = bad_pairs
    found = []
    if repeats:
        count = _plural(len(repeats), "repeated pair")
        reason = f"{_lead(outcome, drawn, '')} {count}: {_history(pool, drawn)}"
        found.append(Bend("no_repeat", ids(pool, repeats), reason))
    if colleagues and pool.avoid_same_org:
        count = _plural(len(colleagues), "same-organisation pair")
        lead = _lead(outcome, drawn, " with the fewest repeats")
        reason = f"{lead} {count}: {_organisations(pool, drawn, outcome.proven)}"
        found.append(Bend("different_org", ids(pool, colleagues), reason))
    return tuple(found)


def ids(pool, pairs):
    """Return index pairs as id pairs, lowest id first, in id order."""
    return tuple(sorted(tuple(sorted((pool.ids[a], pool.ids[b]))) for a, b in pairs))
