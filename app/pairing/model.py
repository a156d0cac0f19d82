"""The draw's plain data: the people in the pool, the rules, and the plan drawn."""

from dataclasses import dataclass
from typing import NamedTuple

ODD_CHOICES = ("trio", "sit_out")
SAME_ORG_CHOICES = ("avoid", "allow")


class PoolTooSmall(ValueError):
    """Raised when fewer than two people are in the pool, so there is nothing to draw."""


@dataclass(frozen=True)
class Person:
    """One person in the pool and their history.

    `past_partners` holds the ids of everyone they have been grouped with in any
    earlier round (ids outside the pool are ignored). `odd_roles` holds the round
    numbers in which they sat out or joined a trio; the count and the latest of
    them decide who takes the odd role next. `avoid` holds the ids on their own
    "never pair me with" list: the draw never groups two people when either
    names the other (ids outside the pool are ignored).
    """

    id: int
    organisation: str
    past_partners: frozenset[int] = frozenset()
    odd_roles: tuple[int, ...] = ()
    avoid: frozenset[int] = frozenset()

    def __post_init__(self):
        # Callers hand over sets and lists from queries; keep the frozen shapes.
        object.__setattr__(self, "past_partners", frozenset(self.past_partners))
        object.__setattr__(self, "odd_roles", tuple(sorted(self.odd_roles)))
        object.__setattr__(self, "avoid", frozenset(self.avoid))


@dataclass(frozen=True)
class Policy:
    """The programme's settings for a draw: what to do with an odd count, and colleagues."""

    odd: str = "trio"
    same_org: str = "avoid"

    def __post_init__(self):
        if self.odd not in ODD_CHOICES:
            raise ValueError(f"policy odd must be 'trio' or 'sit_out', not {self.odd!r}")
        if self.same_org not in SAME_ORG_CHOICES:
            raise ValueError(f"policy same_org must be 'avoid' or 'allow', not {self.same_org!r}")


@dataclass(frozen=True)
class Bend:
    """A rule the draw had to bend, the pairs that break it, and why."""

    rule: str  # "no_repeat" or "different_org"
    pairs: tuple[tuple[int, int], ...]
    reason: str


class Outcome(NamedTuple):
    """What a search hands back: groups and odd one by index, and how sure it is."""

    groups: list
    odd_one: int | None
    proven: bool  # no draw has fewer repeats or same-organisation pairs
    settled: bool  # the search ran until no move it knows improves the draw
    unplaced: tuple = ()  # indexes left out because avoidances leave no draw with them


@dataclass(frozen=True)
class Plan:
    """One round's draw: groups in card order, the odd one out, and the rules that bent.

    `groups` are pairs of ids, lowest first; a trio lists the person who joined
    it (`odd_one`) last. `search` is "exhaustive" (small pools: counts minimal,
    draw uniform among the optimal ones) or "swaps" (big pools: best effort).
    `proven` says the repeat and same-organisation counts are known minimal.
    `unplaced` lists, in id order, the people who wait this round because the
    avoidances leave no draw that includes them (empty otherwise); it never
    says why, and nothing in a Plan says who avoids whom.
    """

    groups: tuple[tuple[int, ...], ...]
    sits_out: int | None
    odd_one: int | None
    bent: tuple[Bend, ...]
    repeats: tuple[tuple[int, int], ...]
    same_org_pairs: tuple[tuple[int, int], ...]
    search: str
    proven: bool
    policy: Policy
    round_number: int | None = None
    unplaced: tuple[int, ...] = ()

    @property
    def pairs(self):
        """Every pair of people who share a group (three for a trio), lowest id first."""
        return tuple(
            (min(a, b), max(a, b))
            for group in self.groups
            for n, a in enumerate(group)
            for b in group[n + 1 :]
        )

    def partners_of(self, person_id):
        """Return the ids grouped with this person (empty when they sit out or are absent)."""
        for group in self.groups:
            if person_id in group:
                return tuple(other for other in group if other != person_id)
        return ()
