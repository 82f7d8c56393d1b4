"""Team totals, team ranking and team awards (特等奖 1, 一等奖 2, 二等奖 3, 三等奖 4).

Contract: `team_results(totals, teams, ...)` takes each candidate's team label (the
prefecture city, or county; None for no team). Teams named in `non_teams` (省厅本级)
sit the exam but are not ranked. A team's total follows `policy.total`: the sum of
its members' combined scores (default), the sum of its best N, or the mean; an absent
(or ineligible) member counts 0. A team with a member whose total is not final yet is
not ranked (`complete` False). Equal totals share a rank (1, 2, 2, 4); an award
boundary inside a tie is a `PendingTie` until a `TieDecision` settles it. Team totals
are exact Fractions. 岗位练兵优秀组织奖 is the officers' decision, carried through as given.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from grading.allocation import PendingTie, TieDecision, Tier, allocate
from grading.errors import TeamError
from grading.policy import TeamPolicy, TeamTotalRule
from grading.totals import Standing, Totals

TEAM_AWARDS_2022: tuple[Tier, ...] = (
    Tier("特等奖", 1),
    Tier("一等奖", 2),
    Tier("二等奖", 3),
    Tier("三等奖", 4),
)
ORGANISATION_AWARD = "岗位练兵优秀组织奖"


@dataclass(frozen=True)
class TeamStanding:
    team: str
    members: int  # registered members
    present: int  # members with a final total (not absent, not ineligible)
    counted: int  # members whose scores make the total (best N counts at most N)
    total: Fraction
    rank: int | None
    award: str | None
    pending: bool  # in a tie at an award boundary, not decided yet
    by_decision: bool
    complete: bool  # every member's total is final
    organisation_award: bool


@dataclass(frozen=True)
class TeamResults:
    standings: tuple[TeamStanding, ...]  # ranked teams best first, then unranked ones
    pending: tuple[PendingTie, ...]
    unused_decisions: tuple[TieDecision, ...]
    policy: TeamPolicy

    @property
    def decided(self) -> bool:
        return not self.pending

    @property
    def complete(self) -> bool:
        return all(s.complete for s in self.standings)

    def standing(self, team: str) -> TeamStanding:
        for s in self.standings:
            if s.team == team:
                return s
        raise TeamError("no such team", [team])


def _codes(
    labels: Sequence[str | None], ranked_teams: Sequence[str] | None, non_teams: Collection[str]
) -> tuple[npt.NDArray[np.int64], list[str]]:
    non = set(non_teams)
    seen: dict[str, int] = {}
    raw = np.fromiter(
        (-1 if not lab else seen.setdefault(str(lab), len(seen)) for lab in labels),
        dtype=np.int64,
        count=len(labels),
    )
    if ranked_teams is not None:
        known = set(ranked_teams) | non
        unknown = sorted(set(seen) - known)
        if unknown:
            raise TeamError(
                "candidates belong to teams that are not in the exam's team list", unknown
            )
        names = [t for t in ranked_teams if t not in non]
    else:
        names = [t for t in seen if t not in non]
    # Without a team list a misspelt non-team would silently become a ranked team.
    stray = sorted(non - set(seen)) if ranked_teams is None else []
    if stray:
        raise TeamError("non-teams that are neither a team label nor a listed team", stray)
    index = {t: i for i, t in enumerate(names)}
    remap = np.array([index.get(t, -1) for t in seen] + [-1], dtype=np.int64)
    return remap[raw], names  # -1 (no team) indexes the trailing -1


def _team_sums(
    codes: npt.NDArray[np.int64], values: npt.NDArray[np.int64], n_teams: int, best_n: int | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Per team: the sum of values (of the best N when given), and how many were summed."""
    rows = np.flatnonzero(codes >= 0)
    c, v = codes[rows], values[rows]
    if best_n is not None:
        order = np.lexsort((-v, c))
        c, v = c[order], v[order]
        first = np.searchsorted(c, np.arange(n_teams))
        within = np.arange(c.shape[0]) - first[c]
        keep = within < best_n
        c, v = c[keep], v[keep]
    sums = np.zeros(n_teams, dtype=np.int64)
    np.add.at(sums, c, v)
    return sums, np.bincount(c, minlength=n_teams).astype(np.int64)


def team_results(
    totals: Totals,
    teams: Sequence[str | None],
    *,
    ranked_teams: Sequence[str] | None = None,
    non_teams: Collection[str] = (),
    policy: TeamPolicy | None = None,
    tiers: Sequence[Tier] = TEAM_AWARDS_2022,
    decisions: Iterable[TieDecision] = (),
    organisation_awards: Collection[str] = (),
) -> TeamResults:
    """Team totals, ranks and awards; see the module contract.

    `teams[i]` is row i's team label. `ranked_teams`, when given, is the exam's list of
    teams: every label must be in it (or in `non_teams`), and a team without candidates
    still appears with total 0."""
    policy = policy or TeamPolicy()
    if len(teams) != totals.n_candidates:
        raise TeamError(f"{totals.n_candidates} candidates but {len(teams)} team labels")
    codes, names = _codes(teams, ranked_teams, non_teams)
    unknown_org = sorted(set(organisation_awards) - set(names))
    if unknown_org:
        raise TeamError(f"{ORGANISATION_AWARD} for names that are not teams", unknown_org)
    n_teams = len(names)
    standing = totals.standing
    final = standing == Standing.RANKED
    contribution = np.where(final, totals.total, 0)
    on_team = codes >= 0
    members = np.bincount(codes[on_team], minlength=n_teams)
    present = np.bincount(codes[on_team & final], minlength=n_teams)
    waiting = (standing == Standing.UNRESOLVED) | (standing == Standing.INCOMPLETE)
    incomplete = np.bincount(codes[on_team & waiting], minlength=n_teams) > 0
    best_n = policy.best_n if policy.total is TeamTotalRule.BEST_N else None
    sums, counted = _team_sums(codes, contribution, n_teams, best_n)

    team_total: list[Fraction] = []
    for i in range(n_teams):
        if policy.total is TeamTotalRule.MEAN:
            divisor = int(members[i] if policy.absent_counts_as_zero else present[i])
            team_total.append(
                Fraction(int(sums[i]), totals.scale * divisor) if divisor else Fraction(0)
            )
        else:
            team_total.append(Fraction(int(sums[i]), totals.scale))

    ranked = sorted(
        (i for i in range(n_teams) if not incomplete[i]), key=lambda i: (-team_total[i], names[i])
    )
    rank_of: dict[int, int] = {}
    for pos, i in enumerate(ranked):
        prev = ranked[pos - 1] if pos else None
        same = prev is not None and team_total[prev] == team_total[i]
        rank_of[i] = rank_of[prev] if same and prev is not None else pos + 1
    groups: list[tuple[int, list[str]]] = []
    for i in ranked:
        if groups and groups[-1][0] == rank_of[i]:
            groups[-1][1].append(names[i])
        else:
            groups.append((rank_of[i], [names[i]]))
    decisions = tuple(decisions)
    alloc = allocate(groups, tiers, decisions=decisions)
    placed = {p.candidate_id: p for p in alloc.placements}
    waiting_teams = {t for tie in alloc.pending for t in tie.candidate_ids}

    def standing_of(i: int) -> TeamStanding:
        name = names[i]
        p = placed.get(name)
        return TeamStanding(
            team=name,
            members=int(members[i]),
            present=int(present[i]),
            counted=int(counted[i]),
            total=team_total[i],
            rank=rank_of.get(i),
            award=tiers[p.tier].award if p else None,
            pending=name in waiting_teams,
            by_decision=bool(p and p.by_decision),
            complete=not bool(incomplete[i]),
            organisation_award=name in organisation_awards,
        )

    unranked = [i for i in range(n_teams) if incomplete[i]]
    return TeamResults(
        standings=tuple(standing_of(i) for i in ranked + unranked),
        pending=alloc.pending,
        unused_decisions=alloc.unused_decisions,
        policy=policy,
    )
