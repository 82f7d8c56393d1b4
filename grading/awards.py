"""Individual provincial awards by rank (RULES-2022), with the prior-honour rule and ties.

Contract: `award_individuals(ranking, ...)` gives each award of `specs` (default: the
2022 notice: 江苏省人社知识通 ranks 1-10; 江苏省五一劳动奖章 rank 1, nominated;
江苏省技术能手 ranks 1-2; 江苏省五一创新能手 ranks 1-3) to the ranked candidates in rank
order. Whoever holds that same honour from a year of `policy.prior_years` (2019-2021)
is not given it again: their slot passes to the next in rank (依次顺延) or lapses, by
`policy.prior_honour`. An award boundary inside a tie is returned as a `PendingTie`
and nobody of that group gets the award until a matching `TieDecision` is supplied;
then the result is exact. Without pending ties each award has exactly
min(slots, candidates available) winners (fewer under LAPSE, by the lapsed slots).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from grading.allocation import Lapse, PendingTie, TieDecision, Tier, allocate
from grading.policy import AwardPolicy, PriorHonourRule
from grading.ranking import Ranking

PROVINCIAL_EXPERT = "江苏省人社知识通"
MAY_DAY_MEDAL = "江苏省五一劳动奖章"
TECHNICAL_EXPERT = "江苏省技术能手"
MAY_DAY_INNOVATOR = "江苏省五一创新能手"
NATIONAL_EXPERT = "全国人社知识通"
NATIONAL_STAR = "全国岗位练兵明星"

NOTE_NOMINATED = "按程序申报"
NOTE_PASSED_DOWN = "依次顺延"
NOTE_DECIDED = "并列，按记录的决定"


@dataclass(frozen=True)
class AwardSpec:
    award: str
    slots: int
    nomination: bool = False  # nominated (按程序申报) rather than awarded by the department


PROVINCIAL_AWARDS_2022: tuple[AwardSpec, ...] = (
    AwardSpec(PROVINCIAL_EXPERT, 10),
    AwardSpec(MAY_DAY_MEDAL, 1, nomination=True),
    AwardSpec(TECHNICAL_EXPERT, 2),
    AwardSpec(MAY_DAY_INNOVATOR, 3),
)


@dataclass(frozen=True)
class HonourRecord:
    """An honour a person already holds (the 能手库 register), by year."""

    candidate_id: str
    honour: str
    year: int


@dataclass(frozen=True)
class AwardGrant:
    award: str
    candidate_id: str
    rank: int
    nomination: bool = False
    passed_down: bool = False  # reached by 依次顺延 past an excluded holder
    by_decision: bool = False  # a recorded tie decision placed this candidate
    note: str = ""


class ExclusionReason(StrEnum):
    PRIOR_HONOUR = "prior_honour"  # received it in one of the prior years (2019-2021)
    AWARDED_THIS_YEAR = "awarded_this_year"  # already given it at the provincial stage
    NATIONAL_EXPERT = "national_expert"  # 全国岗位练兵明星 passes over a 全国人社知识通


@dataclass(frozen=True)
class Exclusion:
    """A candidate passed over for `award`; `years` are the prior years they received it."""

    award: str
    candidate_id: str
    rank: int
    years: tuple[int, ...]
    lapsed: bool  # True under LAPSE: their slot went to nobody
    reason: ExclusionReason = ExclusionReason.PRIOR_HONOUR


@dataclass(frozen=True)
class IndividualAwards:
    grants: tuple[AwardGrant, ...]
    pending: tuple[PendingTie, ...]
    exclusions: tuple[Exclusion, ...]
    lapses: tuple[Lapse, ...]  # slots nobody receives (LAPSE policy), with their holders
    unused_decisions: tuple[TieDecision, ...]
    policy: AwardPolicy

    @property
    def decided(self) -> bool:
        return not self.pending

    def winners(self, award: str) -> tuple[str, ...]:
        return tuple(g.candidate_id for g in self.grants if g.award == award)

    def awards_of(self, candidate_id: str) -> tuple[str, ...]:
        return tuple(g.award for g in self.grants if g.candidate_id == candidate_id)


def prior_holders(
    records: Iterable[HonourRecord], honour: str, years: Iterable[int]
) -> dict[str, tuple[int, ...]]:
    """candidate id -> the years (among `years`) they received `honour`."""
    wanted = set(years)
    out: dict[str, list[int]] = {}
    for r in records:
        if r.honour == honour and r.year in wanted:
            out.setdefault(r.candidate_id, []).append(r.year)
    return {c: tuple(sorted(set(ys))) for c, ys in out.items()}


def ranking_groups(ranking: Ranking) -> Iterator[tuple[int, list[str]]]:
    """(rank, candidate ids) per tie group, best first; ids sorted within a group so that
    nothing downstream depends on row order."""
    for rank, rows in ranking.groups():
        yield rank, sorted(ranking.candidate_id(int(r)) for r in rows)


def note_for(*, nomination: bool, passed_down: bool, by_decision: bool) -> str:
    parts = [
        text
        for flag, text in (
            (nomination, NOTE_NOMINATED),
            (passed_down, NOTE_PASSED_DOWN),
            (by_decision, NOTE_DECIDED),
        )
        if flag
    ]
    return "；".join(parts)


def exclusions_from(
    award: str,
    skipped: Sequence[tuple[str, int]],
    lapses: Sequence[Lapse],
    holders: dict[str, tuple[int, ...]],
) -> list[Exclusion]:
    out = [Exclusion(award, c, rank, holders.get(c, ()), False) for c, rank in skipped]
    for lapse in lapses:
        out.extend(
            Exclusion(award, c, lapse.rank, holders.get(c, ()), True) for c in lapse.candidate_ids
        )
    return out


def award_individuals(
    ranking: Ranking,
    *,
    specs: Sequence[AwardSpec] = PROVINCIAL_AWARDS_2022,
    prior_honours: Iterable[HonourRecord] = (),
    policy: AwardPolicy | None = None,
    decisions: Iterable[TieDecision] = (),
) -> IndividualAwards:
    """Every award of `specs`, by rank; see the module contract."""
    policy = policy or AwardPolicy()
    prior = tuple(prior_honours)
    decisions = tuple(decisions)
    grants: list[AwardGrant] = []
    pending: list[PendingTie] = []
    exclusions: list[Exclusion] = []
    lapses: list[Lapse] = []
    used: set[TieDecision] = set()
    for spec in specs:
        holders = prior_holders(prior, spec.award, policy.prior_years)
        result = allocate(
            ranking_groups(ranking),
            [Tier(spec.award, spec.slots)],
            excluded=holders.keys(),
            rule=policy.prior_honour,
            decisions=[d for d in decisions if d.award == spec.award],
        )
        used.update(result.used_decisions)
        pending.extend(result.pending)
        lapses.extend(result.lapses)
        exclusions.extend(exclusions_from(spec.award, result.skipped, result.lapses, holders))
        for p in result.placements:
            # Reached only because a holder above was passed over: without exclusions this
            # candidate's group would not fit wholly within the slots.
            passed = (
                policy.prior_honour is PriorHonourRule.PASS_DOWN
                and p.rank - 1 + p.group_size > spec.slots
                and any(rank <= p.rank for _, rank in result.skipped)
            )
            grants.append(
                AwardGrant(
                    award=spec.award,
                    candidate_id=p.candidate_id,
                    rank=p.rank,
                    nomination=spec.nomination,
                    passed_down=passed,
                    by_decision=p.by_decision,
                    note=note_for(
                        nomination=spec.nomination, passed_down=passed, by_decision=p.by_decision
                    ),
                )
            )
    return IndividualAwards(
        grants=tuple(grants),
        pending=tuple(pending),
        exclusions=tuple(exclusions),
        lapses=tuple(lapses),
        unused_decisions=tuple(d for d in decisions if d not in used),
        policy=policy,
    )
