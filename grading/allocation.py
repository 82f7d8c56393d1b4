"""Handing out ranked slots (awards, tiers, lists) without ever breaking a tie by row order.

Contract: `allocate(groups, tiers, ...)` walks tie groups best first and fills
consecutive tiers (e.g. 特等奖 1, 一等奖 2, ...: a tier's slots follow the previous
tier's). A group that fits inside a tier is placed whole. A group that straddles a
tier boundary is placed only by a matching recorded `TieDecision` (same award, same
tied candidates, as many winners as slots); otherwise it is returned as a
`PendingTie` and none of its members is placed at or after that boundary. Groups
wholly below it are still placed exactly: positions do not depend on who wins a tie.

Excluded candidates (prior honours, ineligibility) either give up their place to
the next in rank (PASS_DOWN: they are skipped before positions are counted) or keep
their place while their slot lapses (LAPSE).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from grading.errors import TieDecisionError
from grading.policy import PriorHonourRule


@dataclass(frozen=True)
class Tier:
    award: str
    slots: int

    def __post_init__(self) -> None:
        if self.slots < 0:
            raise ValueError(f"tier {self.award!r}: slots must be >= 0")


@dataclass(frozen=True)
class TieDecision:
    """An officer's recorded decision: of the tied candidates, `winners` take the slots of
    `award` at `rank`. Who decided, when and why is recorded by the caller."""

    award: str
    rank: int
    tied: frozenset[str]
    winners: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "tied", frozenset(self.tied))
        object.__setattr__(self, "winners", frozenset(self.winners))
        if len(self.tied) < 2:
            raise TieDecisionError(
                f"{self.award} rank {self.rank}: a tie has at least 2 candidates"
            )
        outsiders = sorted(self.winners - self.tied)
        if outsiders:
            raise TieDecisionError(
                f"{self.award} rank {self.rank}: winners not among the tied: {', '.join(outsiders)}"
            )
        if not 0 < len(self.winners) < len(self.tied):
            raise TieDecisionError(
                f"{self.award} rank {self.rank}: a decision names 1..{len(self.tied) - 1} winners"
            )


@dataclass(frozen=True)
class PendingTie:
    """An award boundary inside a tie: `slots_left` slots of `award` for the tied
    `candidate_ids` (sharing `rank`), undecided until a TieDecision is supplied."""

    award: str
    rank: int
    candidate_ids: tuple[str, ...]
    slots_left: int

    def decide(self, winners: Iterable[str]) -> TieDecision:
        w = frozenset(winners)
        if len(w) != self.slots_left:
            raise TieDecisionError(
                f"{self.award} rank {self.rank}: {self.slots_left} winner(s) needed, got {len(w)}"
            )
        return TieDecision(self.award, self.rank, frozenset(self.candidate_ids), w)


@dataclass(frozen=True)
class Placement:
    candidate_id: str
    rank: int
    tier: int  # index into the tiers
    by_decision: bool  # the candidate's tie group was settled by a recorded decision
    group_size: int  # how many shared the rank (before any exclusion)


@dataclass(frozen=True)
class Lapse:
    """Slots of `award` that nobody receives: held by excluded candidates under LAPSE."""

    award: str
    rank: int
    candidate_ids: tuple[str, ...]
    slots: int


@dataclass(frozen=True)
class Allocation:
    placements: tuple[Placement, ...]
    pending: tuple[PendingTie, ...]
    lapses: tuple[Lapse, ...]
    skipped: tuple[tuple[str, int], ...]  # (excluded candidate, rank) passed over (PASS_DOWN)
    used_decisions: tuple[TieDecision, ...]
    unused_decisions: tuple[TieDecision, ...] = field(default=())

    @property
    def decided(self) -> bool:
        return not self.pending


def allocate(
    groups: Iterable[tuple[int, Sequence[str]]],
    tiers: Sequence[Tier],
    *,
    excluded: Collection[str] = frozenset(),
    rule: PriorHonourRule = PriorHonourRule.PASS_DOWN,
    decisions: Iterable[TieDecision] = (),
) -> Allocation:
    """Fill `tiers` from `groups` ((rank, candidate ids) best first); see the module contract."""
    bounds: list[int] = []
    for tier in tiers:
        bounds.append((bounds[-1] if bounds else 0) + tier.slots)
    end_of_awards = bounds[-1] if bounds else 0
    excluded = frozenset(excluded)
    decisions = tuple(decisions)
    by_key: dict[tuple[str, frozenset[str]], TieDecision] = {}
    for d in decisions:
        other = by_key.setdefault((d.award, d.tied), d)
        if other != d:
            raise TieDecisionError(
                f"{d.award} rank {d.rank}: two different decisions for the same tie"
            )
    used: list[TieDecision] = []
    placements: list[Placement] = []
    pending: list[PendingTie] = []
    lapses: list[Lapse] = []
    skipped: list[tuple[str, int]] = []

    def place(ids: Sequence[str], rank: int, tier: int, by_decision: bool, size: int) -> None:
        kept = [c for c in ids if c not in excluded]
        placements.extend(Placement(c, rank, tier, by_decision, size) for c in kept)
        gone = tuple(c for c in ids if c in excluded)  # only under LAPSE
        for c in gone:
            lapses.append(Lapse(tiers[tier].award, rank, (c,), 1))

    pos = 0
    for rank, ids in groups:
        if pos >= end_of_awards:
            break
        members = [str(c) for c in ids]
        size = len(members)
        if rule is PriorHonourRule.PASS_DOWN:
            skipped.extend((c, rank) for c in members if c in excluded)
            members = [c for c in members if c not in excluded]
        if not members:
            continue
        start, end = pos, pos + len(members)
        pos = end
        t = next(i for i, b in enumerate(bounds) if start < b)
        if all(c in excluded for c in members):  # LAPSE, and nobody here can receive anything
            p = start
            while t < len(tiers) and p < end:
                n = min(end, bounds[t]) - p
                lapses.append(Lapse(tiers[t].award, rank, tuple(members), n))
                p += n
                t += 1
            continue
        pool, p, decided = members, start, False
        while pool:
            while t < len(tiers) and bounds[t] <= p:  # a tier of 0 slots
                t += 1
            if t == len(tiers):
                break
            if end <= bounds[t]:
                place(pool, rank, t, decided, size)
                break
            n = bounds[t] - p
            decision = by_key.get((tiers[t].award, frozenset(pool)))
            if decision is None or len(decision.winners) != n:
                pending.append(PendingTie(tiers[t].award, rank, tuple(pool), n))
                break
            used.append(decision)
            decided = True
            place([c for c in pool if c in decision.winners], rank, t, True, size)
            pool = [c for c in pool if c not in decision.winners]
            p, t = bounds[t], t + 1
    used_set = set(used)
    return Allocation(
        placements=tuple(placements),
        pending=tuple(pending),
        lapses=tuple(lapses),
        skipped=tuple(skipped),
        used_decisions=tuple(used),
        unused_decisions=tuple(d for d in decisions if d not in used_set),
    )
