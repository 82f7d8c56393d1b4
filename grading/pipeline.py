"""The whole grading chain in one call: `grade(inputs) -> GradingResults`.

objective scores -> double marking -> totals -> ranking -> individual awards -> team
awards -> the national list -> the draw on record -> the national honours. Every caller
(the exam centre's results service, the pipeline test, the benchmark) runs this one
wiring. A step whose recorded decisions or draw no longer fit raises `GradingError`
inside the library; here that step's result is None and the failure is returned, named
by its stage, so one stale decision blocks finalising instead of every command.

Rows are candidates in the order of `inputs.candidate_ids`; nothing is read from or
written to anything but the arrays and records given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from grading.allocation import TieDecision
from grading.awards import HonourRecord, IndividualAwards, award_individuals
from grading.digest import results_digest
from grading.errors import GradingError
from grading.key import AnswerKey
from grading.national import (
    NO_DRAW,
    DrawKind,
    NationalDraw,
    NationalHonours,
    NationalList,
    NationalResult,
    delegation,
    national_honours,
    national_list,
    record_ministry_draw,
    simulate_draw,
)
from grading.paper import Paper
from grading.policy import GradingPolicy
from grading.ranking import Ranking, rank_candidates
from grading.scoring import ScoreMatrix, score_objective
from grading.subjective import SubjectiveScores, resolve_subjective
from grading.teams import TeamResults, team_results
from grading.totals import Totals, combine_totals

T = TypeVar("T")
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]


class Stage(StrEnum):
    """The steps after the ranking that can fail on a recorded decision or draw."""

    INDIVIDUAL = "individual"
    TEAMS = "teams"
    NATIONAL = "national"
    DRAW = "draw"
    HONOURS = "honours"


@dataclass(frozen=True)
class StageFailure:
    stage: Stage
    error: GradingError


@dataclass(frozen=True)
class DrawRecord:
    """The draw on record: the ministry's names, or a rehearsal's seed."""

    kind: DrawKind  # MINISTRY or SIMULATION
    drawn: tuple[str, ...] = ()
    seed: int = 0


@dataclass(frozen=True)
class TieDecisions:
    """Recorded decisions of ties at award boundaries, by the step they settle."""

    individual: tuple[TieDecision, ...] = ()
    team: tuple[TieDecision, ...] = ()
    national: tuple[TieDecision, ...] = ()
    honours: tuple[TieDecision, ...] = ()


@dataclass(frozen=True, eq=False)
class GradingInputs:
    """Everything the chain reads. `responses` (n x objective questions, bitmasks) and
    `unresolved` (the cells not final) are not changed; absent and ineligible rows are
    scored as empty. `subjective` is the three markings (n x subjective questions, NaN
    for no mark), or None for a paper graded on its objective part alone. Without a key
    only the responses come back."""

    paper: Paper
    policy: GradingPolicy
    key: AnswerKey | None
    candidate_ids: Sequence[str]
    responses: npt.NDArray[np.uint8]
    unresolved: BoolArray | None = None
    subjective: tuple[FloatArray, FloatArray, FloatArray] | None = None
    absent: BoolArray | None = None
    eligible: BoolArray | None = None
    teams: Sequence[str] | None = None  # each row's team; None: no team awards
    ranked_teams: Sequence[str] | None = None
    non_teams: Sequence[str] = ()
    organisation_awards: Sequence[str] = ()
    prior_honours: Sequence[HonourRecord] = ()
    decisions: TieDecisions = field(default_factory=TieDecisions)
    draw: DrawRecord | None = None
    national_results: Sequence[NationalResult] = ()


@dataclass(frozen=True, eq=False)
class GradingResults:
    responses: npt.NDArray[np.uint8]  # as scored: absent and ineligible rows emptied
    unresolved: BoolArray  # per candidate: any cell not final (before emptying)
    scores: ScoreMatrix | None = None
    marks: SubjectiveScores | None = None
    totals: Totals | None = None
    ranking: Ranking | None = None
    individual: IndividualAwards | None = None
    teams: TeamResults | None = None
    national: NationalList | None = None
    draw: NationalDraw = NO_DRAW
    honours: NationalHonours | None = None
    failures: tuple[StageFailure, ...] = ()

    def digest(self, policy: GradingPolicy) -> str:
        assert self.ranking is not None
        return results_digest(
            self.ranking,
            policy=policy,
            individual=self.individual,
            teams=self.teams,
            national=self.national,
            draw=self.draw,
            honours=self.honours,
        )


def contestants(national: NationalList, draw: NationalDraw) -> tuple[str, ...]:
    """Who may have a national result: the chosen and the drawn; before any draw is on
    record, the chosen and everyone the ministry could draw (the recommended)."""
    if draw.kind is DrawKind.NONE:
        return national.selected + national.recommended
    return delegation(national, draw)


def grade(inputs: GradingInputs) -> GradingResults:
    """Score, rank, award, and list for the national test, as the inputs stand."""
    n = len(inputs.candidate_ids)
    responses = inputs.responses
    cells = inputs.unresolved
    unresolved: BoolArray = (
        np.zeros(n, dtype=bool) if cells is None else np.asarray(cells.any(axis=1), dtype=bool)
    )
    if inputs.key is None:
        return GradingResults(responses, unresolved)
    absent = np.zeros(n, dtype=bool) if inputs.absent is None else inputs.absent
    eligible = np.ones(n, dtype=bool) if inputs.eligible is None else inputs.eligible
    policy = inputs.policy
    skip = absent | ~eligible
    if skip.any():  # scored as empty; the caller's arrays are left as they are
        responses = responses.copy()
        responses[skip] = 0
        if cells is not None:
            cells = cells.copy()
            cells[skip] = False
    scores = score_objective(responses, inputs.key, inputs.paper, policy.scoring, cells)
    marks = None
    if inputs.subjective is not None:
        first, second, third = inputs.subjective
        marks = resolve_subjective(
            inputs.paper, first, second, third, policy=policy.subjective, skip=skip
        )
    totals = combine_totals(
        scores, marks, candidate_ids=inputs.candidate_ids, absent=absent, ineligible=~eligible
    )
    ranking = rank_candidates(totals, policy.ranking)
    failures: list[StageFailure] = []

    def stage(which: Stage, run: Callable[[], T]) -> T | None:
        try:
            return run()
        except GradingError as exc:
            failures.append(StageFailure(which, exc))
            return None

    decisions = inputs.decisions
    individual = stage(
        Stage.INDIVIDUAL,
        lambda: award_individuals(
            ranking,
            prior_honours=inputs.prior_honours,
            policy=policy.awards,
            decisions=decisions.individual,
        ),
    )
    teams = None
    if inputs.teams is not None:
        team_names = inputs.teams
        teams = stage(
            Stage.TEAMS,
            lambda: team_results(
                totals,
                team_names,
                ranked_teams=inputs.ranked_teams,
                non_teams=inputs.non_teams,
                policy=policy.teams,
                decisions=decisions.team,
                organisation_awards=inputs.organisation_awards,
            ),
        )
    ineligible = [inputs.candidate_ids[int(i)] for i in np.flatnonzero(~eligible)]
    national = stage(
        Stage.NATIONAL,
        lambda: national_list(
            ranking, policy=policy.national, ineligible=ineligible, decisions=decisions.national
        ),
    )
    draw = NO_DRAW
    record = inputs.draw
    if record is not None and national is not None and national.decided:
        listed = national
        drawn = stage(
            Stage.DRAW,
            lambda: (
                record_ministry_draw(listed, record.drawn, policy=policy.national)
                if record.kind is DrawKind.MINISTRY
                else simulate_draw(listed, record.seed, policy=policy.national)
            ),
        )
        draw = drawn if drawn is not None else NO_DRAW
    honours = None
    if inputs.national_results and national is not None:
        who = contestants(national, draw)
        honours = stage(
            Stage.HONOURS,
            lambda: national_honours(
                inputs.national_results,
                contestants=who,
                prior_honours=inputs.prior_honours,
                provincial=individual,
                policy=policy.national,
                award_policy=policy.awards,
                decisions=decisions.honours,
            ),
        )
    return GradingResults(
        responses,
        unresolved,
        scores,
        marks,
        totals,
        ranking,
        individual,
        teams,
        national,
        draw,
        honours,
        tuple(failures),
    )


def decisions_by_scope(records: Mapping[str, Sequence[TieDecision]]) -> TieDecisions:
    """`TieDecisions` from decisions grouped by scope name (individual, team, national,
    honours), each in the order recorded."""
    return TieDecisions(
        tuple(records.get("individual", ())),
        tuple(records.get("team", ())),
        tuple(records.get("national", ())),
        tuple(records.get("honours", ())),
    )
