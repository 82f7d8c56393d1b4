"""The national online test (全国统一在线比试): the province's list, the draw, the results.

Contract:
- `national_list(ranking)`: the top `selected` (15) eligible candidates by provincial
  rank are chosen, the next `recommended` (100) eligible ones are recommended;
  candidates in `ineligible` are passed over (the next in rank moves up). A list
  boundary inside a tie is a `PendingTie` until a `TieDecision` settles it.
- The ministry draws `drawn` (35) of the recommended: `record_ministry_draw` records
  its imported names after checking them; `simulate_draw` makes a seeded,
  reproducible rehearsal draw that is labelled as a simulation.
- `national_honours(results)`: from the imported national ranks, 全国人社知识通
  (national top 50, or as the import says), 全国岗位练兵明星 (the province's top 3 by
  national rank, passing down past anyone who is 全国人社知识通, 依次顺延), and the
  provincial honours that follow: national top 3 -> nominated 江苏省五一劳动奖章;
  全国人社知识通 or 全国岗位练兵明星 -> 江苏省技术能手; a holder of that honour from the
  prior years (2019-2021) is not given it again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import groupby

import numpy as np

from grading.allocation import PendingTie, TieDecision, Tier, allocate
from grading.awards import (
    MAY_DAY_MEDAL,
    NATIONAL_EXPERT,
    NATIONAL_STAR,
    TECHNICAL_EXPERT,
    AwardGrant,
    Exclusion,
    ExclusionReason,
    HonourRecord,
    IndividualAwards,
    note_for,
    prior_holders,
    ranking_groups,
)
from grading.errors import NationalListError
from grading.policy import AwardPolicy, NationalPolicy, PriorHonourRule
from grading.ranking import Ranking

SELECTED = "全国统一在线比试·自主确定"
RECOMMENDED = "全国统一在线比试·推荐名单"
MINISTRY_LABEL = "人社部抽取（导入）"
SIMULATION_LABEL = "模拟抽取（演练用，不是人社部的抽取结果）"


@dataclass(frozen=True)
class NationalList:
    selected: tuple[str, ...]  # in provincial rank order
    recommended: tuple[str, ...]  # in provincial rank order
    pending: tuple[PendingTie, ...]
    passed_over: tuple[str, ...]  # ineligible candidates skipped on the way
    unused_decisions: tuple[TieDecision, ...]
    policy: NationalPolicy

    @property
    def decided(self) -> bool:
        return not self.pending


def national_list(
    ranking: Ranking,
    *,
    policy: NationalPolicy | None = None,
    ineligible: Collection[str] = (),
    decisions: Iterable[TieDecision] = (),
) -> NationalList:
    """The 15 chosen and the 100 recommended, by provincial rank; see the module contract."""
    policy = policy or NationalPolicy()
    alloc = allocate(
        ranking_groups(ranking),
        [Tier(SELECTED, policy.selected), Tier(RECOMMENDED, policy.recommended)],
        excluded=frozenset(ineligible),
        rule=PriorHonourRule.PASS_DOWN,
        decisions=decisions,
    )
    return NationalList(
        selected=tuple(p.candidate_id for p in alloc.placements if p.tier == 0),
        recommended=tuple(p.candidate_id for p in alloc.placements if p.tier == 1),
        pending=alloc.pending,
        passed_over=tuple(c for c, _ in alloc.skipped),
        unused_decisions=alloc.unused_decisions,
        policy=policy,
    )


class DrawKind(StrEnum):
    MINISTRY = "ministry"
    SIMULATION = "simulation"
    NONE = "none"


@dataclass(frozen=True)
class NationalDraw:
    kind: DrawKind
    drawn: tuple[str, ...]  # in provincial rank order
    seed: int | None
    label: str

    @property
    def is_simulation(self) -> bool:
        return self.kind is DrawKind.SIMULATION


NO_DRAW = NationalDraw(DrawKind.NONE, (), None, "")


def _drawable(national: NationalList, policy: NationalPolicy) -> None:
    if national.pending:
        ids = [c for p in national.pending for c in p.candidate_ids]
        raise NationalListError("the national list has undecided ties", ids)
    if len(national.recommended) < policy.drawn:
        raise NationalListError(
            f"{len(national.recommended)} recommended, fewer than the {policy.drawn} to draw"
        )


def record_ministry_draw(
    national: NationalList, drawn: Sequence[str], *, policy: NationalPolicy | None = None
) -> NationalDraw:
    """The ministry's imported draw, checked: `drawn` names, all distinct, all recommended."""
    policy = policy or national.policy
    _drawable(national, policy)
    names = [str(c) for c in drawn]
    dupes = sorted(c for c, k in Counter(names).items() if k > 1)
    if dupes:
        raise NationalListError("the draw names a candidate twice", dupes)
    recommended = set(national.recommended)
    outside = [c for c in names if c not in recommended]
    if outside:
        raise NationalListError("drawn candidates who are not on the recommended list", outside)
    if len(names) != policy.drawn:
        raise NationalListError(f"the draw has {len(names)} names, expected {policy.drawn}")
    chosen = set(names)
    in_order = tuple(c for c in national.recommended if c in chosen)
    return NationalDraw(DrawKind.MINISTRY, in_order, None, MINISTRY_LABEL)


def simulate_draw(
    national: NationalList, seed: int, *, policy: NationalPolicy | None = None
) -> NationalDraw:
    """A rehearsal draw: the same seed and list always give the same names. Not the ministry's."""
    policy = policy or national.policy
    _drawable(national, policy)
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(national.recommended), size=policy.drawn, replace=False))
    drawn = tuple(national.recommended[int(i)] for i in picked)
    return NationalDraw(DrawKind.SIMULATION, drawn, seed, SIMULATION_LABEL)


def delegation(national: NationalList, draw: NationalDraw) -> tuple[str, ...]:
    """Who represents the province: the chosen, then the drawn."""
    return national.selected + draw.drawn


@dataclass(frozen=True)
class NationalResult:
    """One contestant's imported national result; `knowledge_title` None means "derive it
    from the rank" (top `knowledge_top`), True/False is the ministry's own list."""

    candidate_id: str
    national_rank: int
    knowledge_title: bool | None = None


@dataclass(frozen=True)
class NationalHonours:
    """`rank` in these grants is the national rank."""

    knowledge: tuple[AwardGrant, ...]  # 全国人社知识通
    stars: tuple[AwardGrant, ...]  # 全国岗位练兵明星
    may_day: tuple[AwardGrant, ...]  # nominated 江苏省五一劳动奖章
    technical: tuple[AwardGrant, ...]  # 江苏省技术能手
    pending: tuple[PendingTie, ...]
    exclusions: tuple[Exclusion, ...]
    unused_decisions: tuple[TieDecision, ...]

    @property
    def decided(self) -> bool:
        return not self.pending

    @property
    def grants(self) -> tuple[AwardGrant, ...]:
        return self.knowledge + self.stars + self.may_day + self.technical


def _check_results(results: Sequence[NationalResult], team: Collection[str] | None) -> None:
    ids = [r.candidate_id for r in results]
    dupes = sorted(c for c, k in Counter(ids).items() if k > 1)
    if dupes:
        raise NationalListError("national results list a candidate twice", dupes)
    bad = [r.candidate_id for r in results if r.national_rank < 1]
    if bad:
        raise NationalListError("national ranks start at 1", bad)
    if team is not None:
        members = set(team)
        outside = [c for c in ids if c not in members]
        if outside:
            raise NationalListError("results for candidates outside the delegation", outside)


def _criterion_grants(
    award: str,
    winners: Sequence[NationalResult],
    *,
    holders: dict[str, tuple[int, ...]],
    this_year: Collection[str],
    nomination: bool,
) -> tuple[list[AwardGrant], list[Exclusion]]:
    """An honour given to everyone meeting a criterion: no slots, so nothing passes down."""
    grants: list[AwardGrant] = []
    excl: list[Exclusion] = []
    for r in winners:
        c, rank = r.candidate_id, r.national_rank
        if c in holders:
            excl.append(Exclusion(award, c, rank, holders[c], False))
        elif c in this_year:
            excl.append(Exclusion(award, c, rank, (), False, ExclusionReason.AWARDED_THIS_YEAR))
        else:
            note = note_for(nomination=nomination, passed_down=False, by_decision=False)
            grants.append(AwardGrant(award, c, rank, nomination=nomination, note=note))
    return grants, excl


def national_honours(
    results: Sequence[NationalResult],
    *,
    contestants: Collection[str] | None = None,
    prior_honours: Iterable[HonourRecord] = (),
    provincial: IndividualAwards | None = None,
    policy: NationalPolicy | None = None,
    award_policy: AwardPolicy | None = None,
    decisions: Iterable[TieDecision] = (),
) -> NationalHonours:
    """The national titles and the provincial honours that follow; see the module contract."""
    policy = policy or NationalPolicy()
    award_policy = award_policy or AwardPolicy()
    results = sorted(results, key=lambda r: (r.national_rank, r.candidate_id))
    _check_results(results, contestants)
    prior = tuple(prior_honours)
    years = award_policy.prior_years
    exclusions: list[Exclusion] = []

    def holders_of(award: str, applies: bool) -> dict[str, tuple[int, ...]]:
        return prior_holders(prior, award, years) if applies else {}

    national_prior = policy.exclude_prior_for_national_titles
    is_expert = [
        r
        for r in results
        if (
            r.knowledge_title
            if r.knowledge_title is not None
            else r.national_rank <= policy.knowledge_top
        )
    ]
    knowledge, excl = _criterion_grants(
        NATIONAL_EXPERT,
        is_expert,
        holders=holders_of(NATIONAL_EXPERT, national_prior),
        this_year=(),
        nomination=False,
    )
    exclusions += excl
    experts = {g.candidate_id for g in knowledge}
    # Whoever is 全国人社知识通, this year or (against eligibility rule 4) before, is passed over.
    already_expert = experts | {h.candidate_id for h in prior if h.honour == NATIONAL_EXPERT}

    # The province's own ranking is its contestants in national-rank order.
    star_prior = holders_of(NATIONAL_STAR, national_prior)
    groups = [
        (rank, [r.candidate_id for r in grp])
        for rank, grp in groupby(results, key=lambda r: r.national_rank)
    ]
    decisions = tuple(decisions)
    alloc = allocate(
        groups,
        [Tier(NATIONAL_STAR, policy.star_count)],
        excluded=already_expert | set(star_prior),
        rule=PriorHonourRule.PASS_DOWN,
        decisions=decisions,
    )
    stars: list[AwardGrant] = []
    for p in alloc.placements:
        passed = any(rank <= p.rank for _, rank in alloc.skipped)
        note = note_for(nomination=False, passed_down=passed, by_decision=p.by_decision)
        stars.append(
            AwardGrant(
                NATIONAL_STAR,
                p.candidate_id,
                p.rank,
                passed_down=passed,
                by_decision=p.by_decision,
                note=note,
            )
        )
    for c, rank in alloc.skipped:
        if c in already_expert:
            exclusions.append(
                Exclusion(NATIONAL_STAR, c, rank, (), False, ExclusionReason.NATIONAL_EXPERT)
            )
        else:
            exclusions.append(Exclusion(NATIONAL_STAR, c, rank, star_prior[c], False))

    def given_this_year(award: str) -> set[str]:
        if provincial is None or not policy.once_per_year:
            return set()
        return set(provincial.winners(award))

    may_day, excl = _criterion_grants(
        MAY_DAY_MEDAL,
        [r for r in results if r.national_rank <= policy.may_day_top],
        holders=holders_of(MAY_DAY_MEDAL, True),
        this_year=given_this_year(MAY_DAY_MEDAL),
        nomination=True,
    )
    exclusions += excl
    star_ids = {g.candidate_id for g in stars}
    technical, excl = _criterion_grants(
        TECHNICAL_EXPERT,
        [r for r in results if r.candidate_id in experts | star_ids],
        holders=holders_of(TECHNICAL_EXPERT, True),
        this_year=given_this_year(TECHNICAL_EXPERT),
        nomination=False,
    )
    exclusions += excl
    return NationalHonours(
        knowledge=tuple(knowledge),
        stars=tuple(stars),
        may_day=tuple(may_day),
        technical=tuple(technical),
        pending=alloc.pending,
        exclusions=tuple(exclusions),
        unused_decisions=alloc.unused_decisions,
    )
