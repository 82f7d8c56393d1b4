"""Results: scores, ranking, awards, teams and the national list, computed by the
grading library from what the database holds (newest key, review decisions, marks,
absences, tie decisions). Nothing here is stored until finalising, so a key correction
or a review decision re-scores everyone at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from sqlmodel import Session, col, select

import grading
from exam_center.eligibility import check_eligibility
from exam_center.models import (
    Absence,
    Candidate,
    NationalDrawRecord,
    NationalResultRecord,
    OrganisationAward,
    RegisterFact,
    ReviewDecision,
    ReviewItem,
    ScannedPage,
    Seat,
    SubjectiveMark,
    Team,
    TieDecisionRecord,
)
from exam_center.services.change_stamp import Stamp, change_stamp
from exam_center.services.exams import current_exam_id, exam_definition
from exam_center.services.grading_model import grading_paper, grading_policy
from exam_center.services.marking import latest_key
from exam_center.services.page_answers import letters_mask, store_for
from exam_center.services.register_facts import facts_by_candidate
from exam_center.services.registration import facts_of

T = TypeVar("T")


@dataclass
class Roster:
    """Everyone registered, in a fixed order (by candidate id): the rows of every array."""

    candidates: list[Candidate]
    teams: dict[int, Team]
    admission: dict[int, str]  # candidate id -> admission number (seated only)
    eligible: npt.NDArray[np.bool_]
    absent: npt.NDArray[np.bool_]  # confirmed absent
    no_sheet: npt.NDArray[np.bool_]  # seated, not confirmed absent, nothing scanned
    # What the 能手库 register held for each candidate when it was read into the exam.
    register: dict[int, list[RegisterFact]] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [str(c.id) for c in self.candidates]

    def row_of(self, candidate_id: int) -> int:
        return self._rows[candidate_id]

    def __post_init__(self) -> None:
        self._rows = {c.id: i for i, c in enumerate(self.candidates) if c.id is not None}


@dataclass
class Computation:
    roster: Roster
    paper: grading.Paper
    policy: grading.GradingPolicy
    key: grading.AnswerKey | None
    key_version: int | None
    responses: npt.NDArray[np.uint8]
    unresolved: npt.NDArray[np.bool_]
    scores: grading.ScoreMatrix | None
    marks: grading.SubjectiveScores | None
    totals: grading.Totals | None
    ranking: grading.Ranking | None
    individual: grading.IndividualAwards | None
    teams: grading.TeamResults | None
    national: grading.NationalList | None
    draw: grading.NationalDraw
    honours: grading.NationalHonours | None
    problems: list[str]

    def digest(self) -> str:
        assert self.ranking is not None
        return grading.results_digest(
            self.ranking,
            policy=self.policy,
            individual=self.individual,
            teams=self.teams,
            national=self.national,
            draw=self.draw,
            honours=self.honours,
        )


def load_roster(session: Session) -> Roster:
    exam_id = current_exam_id(session)
    candidates = list(
        session.exec(
            select(Candidate).where(Candidate.exam_id == exam_id).order_by(col(Candidate.id))
        )
    )
    teams = {
        t.id: t
        for t in session.exec(select(Team).where(Team.exam_id == exam_id))
        if t.id is not None
    }
    admission = {
        candidate_id: admission_no
        for candidate_id, admission_no in session.exec(
            select(Seat.candidate_id, Seat.admission_no).where(Seat.exam_id == exam_id)
        )
    }
    absent_ids = set(session.exec(select(Absence.candidate_id).where(Absence.exam_id == exam_id)))
    scanned = set(
        session.exec(
            select(ScannedPage.candidate_id).where(
                ScannedPage.exam_id == exam_id, col(ScannedPage.current)
            )
        )
    )
    register = facts_by_candidate(session)
    eligible = np.array(
        [check_eligibility(facts_of(c, register.get(c.id or -1, ()))).eligible for c in candidates],
        dtype=bool,
    )
    absent = np.array([c.id in absent_ids for c in candidates], dtype=bool)
    no_sheet = np.array(
        [c.id in admission and c.id not in absent_ids and c.id not in scanned for c in candidates],
        dtype=bool,
    )
    return Roster(candidates, teams, admission, eligible, absent, no_sheet, register)


def _responses(
    session: Session, roster: Roster, paper: grading.Paper
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """Each candidate's marks (current scans, review decisions on top) and the cells that
    are not final: a question flagged and undecided, or every question of a candidate
    with no sheet or a scan waiting for a decision."""
    exam_id = current_exam_id(session)
    n, q = len(roster.candidates), paper.objective_count
    responses = np.zeros((n, q), dtype=np.uint8)
    flagged = np.zeros((n, q), dtype=bool)
    pages = session.exec(
        select(ScannedPage.id, ScannedPage.page_no, ScannedPage.candidate_id).where(
            ScannedPage.exam_id == exam_id,
            col(ScannedPage.current),
            col(ScannedPage.candidate_id).is_not(None),
        )
    ).all()
    answers = store_for(session).answers(session, ((i, no) for i, no, _ in pages if i))
    for page_id, _no, candidate_id in pages:
        if page_id is None or candidate_id is None:  # filtered out; for the type checker
            continue
        row, answer = roster.row_of(candidate_id), answers[page_id]
        columns = answer.numbers.astype(np.intp) - 1
        responses[row, columns] = answer.masks
        flagged[row, columns] = answer.doubtful
    for d in session.exec(
        select(ReviewDecision)
        .where(ReviewDecision.exam_id == exam_id, ReviewDecision.kind == "question")
        .order_by(col(ReviewDecision.id))
    ):
        if d.candidate_id is None or d.question is None:
            continue
        row = roster.row_of(d.candidate_id)
        responses[row, d.question - 1] = letters_mask(d.marks)
        flagged[row, d.question - 1] = False
    # A candidate waiting for a conflict or an admission decision is not final either.
    waiting = set(
        session.exec(
            select(ScannedPage.candidate_id)
            .join(ReviewItem, col(ReviewItem.page_id) == col(ScannedPage.id))
            .where(
                ReviewItem.exam_id == exam_id, col(ReviewItem.open), ReviewItem.kind != "question"
            )
        )
    )
    flagged[roster.no_sheet] = True
    for cid in waiting:
        if cid is not None:
            flagged[roster.row_of(cid)] = True
    return responses, flagged


def _subjective(
    session: Session, roster: Roster, paper: grading.Paper
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    n, s = len(roster.candidates), paper.subjective_count
    rounds = np.full((3, n, s), np.nan)
    column = {qq.number: i for i, qq in enumerate(paper.subjective_questions)}
    for round_, candidate_id, question, score in session.exec(
        select(
            SubjectiveMark.round,
            SubjectiveMark.candidate_id,
            SubjectiveMark.question,
            SubjectiveMark.score,
        ).where(SubjectiveMark.exam_id == current_exam_id(session))
    ):
        rounds[round_ - 1, roster.row_of(candidate_id), column[question]] = score
    return rounds[0], rounds[1], rounds[2]


def _decisions(session: Session, scope: str) -> list[grading.TieDecision]:
    return [
        grading.TieDecision(d.award, d.rank, frozenset(d.tied), frozenset(d.winners))
        for d in session.exec(
            select(TieDecisionRecord)
            .where(
                TieDecisionRecord.exam_id == current_exam_id(session),
                TieDecisionRecord.scope == scope,
            )
            .order_by(col(TieDecisionRecord.id))
        )
    ]


# The last computation of each database, with the stamp it was computed at: the TUI's
# results screen, a tie decision and an export all ask again while nothing changed.
_computed: dict[str, tuple[Stamp, Computation]] = {}
_computed_lock = threading.Lock()


def compute(session: Session) -> Computation:
    """Everything from scores to the national honours, as the database stands now:
    computed once per change of the database and kept (read it, never change it)."""
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    stamp = (current_exam_id(session), *change_stamp(session))
    with _computed_lock:
        kept = _computed.get(url)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    c = compute_now(session)
    if url not in ("sqlite://", "sqlite:///:memory:"):  # a new database with each engine
        with _computed_lock:
            _computed[url] = (stamp, c)
    return c


def compute_now(session: Session) -> Computation:
    """`compute` without the kept results (for benchmarks and tests of the computing)."""
    exam_id = current_exam_id(session)
    definition = exam_definition(session)
    roster = load_roster(session)
    paper = grading_paper(session)
    policy = grading_policy(session)
    stored_key = latest_key(session)
    responses, unresolved_cells = _responses(session, roster, paper)
    unresolved: npt.NDArray[np.bool_] = np.asarray(unresolved_cells.any(axis=1), dtype=bool)
    problems: list[str] = []
    empty = Computation(
        roster,
        paper,
        policy,
        None,
        None,
        responses,
        unresolved,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        grading.NO_DRAW,
        None,
        problems,
    )
    if stored_key is None:
        problems.append("尚无答案 no answer key yet: exam-center key import FILE")
        return empty
    key = grading.AnswerKey.from_letters(
        {int(q): a for q, a in stored_key.answers.items()}, voided=stored_key.voided
    )
    skip = roster.absent | ~roster.eligible
    responses[skip] = 0
    unresolved_cells[skip] = False
    scores = grading.score_objective(responses, key, paper, policy.scoring, unresolved_cells)
    first, second, third = _subjective(session, roster, paper)
    marks = grading.resolve_subjective(
        paper, first, second, third, policy=policy.subjective, skip=skip
    )
    totals = grading.combine_totals(
        scores, marks, candidate_ids=roster.ids, absent=roster.absent, ineligible=~roster.eligible
    )
    ranking = grading.rank_candidates(totals, policy.ranking)
    # The prior-honour rule reads the roster's 既往荣誉 and the register alike.
    held = {
        (c.id, str(h["honour"]), int(h["year"])) for c in roster.candidates for h in c.prior_honours
    } | {
        (cid, f.name, f.year)
        for cid, facts in roster.register.items()
        for f in facts
        if f.kind == "honour"
    }
    honours = [grading.HonourRecord(str(cid), name, year) for cid, name, year in sorted(held)]
    individual = _stage(
        problems,
        "个人奖项 individual awards",
        lambda: grading.award_individuals(
            ranking,
            prior_honours=honours,
            policy=policy.awards,
            decisions=_decisions(session, "individual"),
        ),
    )
    team_names = [roster.teams[c.team_id].name for c in roster.candidates]
    org = [
        a.team
        for a in session.exec(select(OrganisationAward).where(OrganisationAward.exam_id == exam_id))
    ]
    teams = _stage(
        problems,
        "团体奖项 team awards",
        lambda: grading.team_results(
            totals,
            team_names,
            ranked_teams=definition.teams.ranked,
            non_teams=definition.teams.unranked,
            policy=policy.teams,
            decisions=_decisions(session, "team"),
            organisation_awards=org,
        ),
    )
    ineligible = [
        str(c.id) for c, ok in zip(roster.candidates, roster.eligible, strict=True) if not ok
    ]
    national = _stage(
        problems,
        "全国比试名单 national list",
        lambda: grading.national_list(
            ranking,
            policy=policy.national,
            ineligible=ineligible,
            decisions=_decisions(session, "national"),
        ),
    )
    draw_record = session.exec(
        select(NationalDrawRecord)
        .where(NationalDrawRecord.exam_id == exam_id)
        .order_by(col(NationalDrawRecord.id).desc())
    ).first()
    draw = grading.NO_DRAW
    if draw_record is not None and national is not None and national.decided:
        try:
            if draw_record.kind == "ministry":
                draw = grading.record_ministry_draw(
                    national, draw_record.drawn, policy=policy.national
                )
            else:
                draw = grading.simulate_draw(
                    national, draw_record.seed or 0, policy=policy.national
                )
        except grading.GradingError as exc:
            # A draw recorded while the list was different (a rehearsal before ranking
            # was complete, say): it blocks finalising, named, instead of every command.
            kind = "演练抽取" if draw_record.kind == "simulation" else "部里抽取名单"
            problems.append(
                f"已记录的全国比试{kind}与当前名单不符，请在名单确定后重新抽取或导入 "
                f"(the national draw on record no longer fits the list: {exc})"
            )
    results = [
        grading.NationalResult(str(r.candidate_id), r.national_rank, r.knowledge_title)
        for r in session.exec(
            select(NationalResultRecord).where(NationalResultRecord.exam_id == exam_id)
        )
    ]
    national_honours = None
    if results and national is not None:
        try:
            national_honours = grading.national_honours(
                results,
                contestants=contestants(national, draw),
                prior_honours=honours,
                provincial=individual,
                policy=policy.national,
                award_policy=policy.awards,
                decisions=_decisions(session, "honours"),
            )
        except grading.GradingError as exc:
            # Results stored before the list or the draw changed: no honours from them,
            # and finalising is blocked until they are imported again.
            problems.append(
                f"全国比试成绩与当前名单不符，请重新导入 (national results no longer match "
                f"the delegation: {exc})"
            )
    return Computation(
        roster,
        paper,
        policy,
        key,
        stored_key.version,
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
        national_honours,
        problems,
    )


def _stage(problems: list[str], what: str, run: Callable[[], T]) -> T | None:
    """One step of the awards; a grading error in it (a recorded decision that no longer
    fits, say) is a problem that blocks finalising, named, not a crash of every command."""
    try:
        return run()
    except grading.GradingError as exc:
        problems.append(f"{what} 无法计算，需先处理 (cannot be computed: {exc})")
        return None


def contestants(national: grading.NationalList, draw: grading.NationalDraw) -> tuple[str, ...]:
    """Who may have a national result: the chosen and the drawn; before any draw is on
    record, the chosen and everyone the ministry could draw (the recommended)."""
    if draw.kind is grading.DrawKind.NONE:
        return national.selected + national.recommended
    return grading.delegation(national, draw)


def points(value: Fraction | int) -> float:
    return float(value)


def status_label(standing: int) -> str:
    return grading.Standing(standing).label
