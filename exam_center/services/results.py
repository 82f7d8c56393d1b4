"""Results: scores, ranking, awards, teams and the national list, computed by
`grading.grade` from what the database holds (newest key, review decisions, marks,
absences, tie decisions, the draw and the national results). This module only loads
those inputs (one read of each table, the exam and its definition read once) and keeps
the results with the ids and names they belong to. Nothing here is stored until
finalising, so a key correction or a review decision re-scores everyone at once."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlmodel import Session, col, select

import grading
from exam_center.db.models import (
    Absence,
    AnswerKeyVersion,
    Candidate,
    Exam,
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
from exam_center.domain.definition import ExamDefinition, parse_definition
from exam_center.domain.eligibility import check_eligibility
from exam_center.domain.errors import NoExam
from exam_center.services.change_stamp import Stamp, change_stamp
from exam_center.services.grading_model import paper_of, policy_of, policy_record
from exam_center.services.page_answers import letters_mask, store_for
from exam_center.services.registration import FACT_COLUMNS, facts_of


@dataclass(frozen=True)
class Entrant:
    """One registered candidate as the results name them (not the database row)."""

    id: int
    name: str
    team: str
    unit: str


@dataclass
class Roster:
    """Everyone registered, in a fixed order (by candidate id): the rows of every array."""

    candidates: list[Entrant]
    admission: dict[int, str]  # candidate id -> admission number (seated only)
    eligible: npt.NDArray[np.bool_]
    absent: npt.NDArray[np.bool_]  # confirmed absent
    no_sheet: npt.NDArray[np.bool_]  # seated, not confirmed absent, nothing scanned

    @property
    def ids(self) -> list[str]:
        return [str(c.id) for c in self.candidates]

    def row_of(self, candidate_id: int) -> int:
        return self._rows[candidate_id]

    def __post_init__(self) -> None:
        self._rows = {c.id: i for i, c in enumerate(self.candidates)}


@dataclass
class Computation:
    """The graded results with what they were computed from: the roster (ids, names,
    admission numbers), the paper and policy, the key version, and the problems that
    block finalising, in words."""

    roster: Roster
    paper: grading.Paper
    policy: grading.GradingPolicy
    policy_record: dict[str, dict[str, Any]]  # as the definition states it
    key: grading.AnswerKey | None
    key_version: int | None
    graded: grading.GradingResults
    problems: list[str]
    # What is derived from these results once, kept with them (the read models, the item
    # analysis): a screen shown again while nothing changed builds nothing again.
    derived: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def responses(self) -> npt.NDArray[np.uint8]:
        return self.graded.responses

    @property
    def unresolved(self) -> npt.NDArray[np.bool_]:
        return self.graded.unresolved

    @property
    def scores(self) -> grading.ScoreMatrix | None:
        return self.graded.scores

    @property
    def marks(self) -> grading.SubjectiveScores | None:
        return self.graded.marks

    @property
    def totals(self) -> grading.Totals | None:
        return self.graded.totals

    @property
    def ranking(self) -> grading.Ranking | None:
        return self.graded.ranking

    @property
    def individual(self) -> grading.IndividualAwards | None:
        return self.graded.individual

    @property
    def teams(self) -> grading.TeamResults | None:
        return self.graded.teams

    @property
    def national(self) -> grading.NationalList | None:
        return self.graded.national

    @property
    def draw(self) -> grading.NationalDraw:
        return self.graded.draw

    @property
    def honours(self) -> grading.NationalHonours | None:
        return self.graded.honours

    def digest(self) -> str:
        return self.graded.digest(self.policy)


def _exam(session: Session) -> Exam:
    exam = session.exec(select(Exam)).first()
    if exam is None or exam.id is None:
        raise NoExam()
    return exam


def _roster(session: Session, exam_id: int) -> tuple[Roster, list[grading.HonourRecord]]:
    """The roster, and the prior honours of the roster's 既往荣誉 and the register."""
    # The columns on their own, not Candidate rows: 10,000 ORM objects were most of it.
    columns = [col(getattr(Candidate, name)) for name in ("id", "name", "team_id", "unit")]
    columns += [col(getattr(Candidate, name)) for name in FACT_COLUMNS]
    candidates = session.exec(
        select(*columns).where(Candidate.exam_id == exam_id).order_by(col(Candidate.id))
    ).all()
    team_names = {
        t_id: name
        for t_id, name in session.exec(select(Team.id, Team.name).where(Team.exam_id == exam_id))
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
    register: dict[int, list[RegisterFact]] = {}
    for f in session.exec(
        select(RegisterFact).where(RegisterFact.exam_id == exam_id).order_by(col(RegisterFact.id))
    ):
        register.setdefault(f.candidate_id, []).append(f)
    eligible = np.array(
        [check_eligibility(facts_of(c, register.get(c.id, ()))).eligible for c in candidates],
        dtype=bool,
    )
    ids = [c.id for c in candidates]
    absent = np.array([i in absent_ids for i in ids], dtype=bool)
    no_sheet = np.array(
        [i in admission and i not in absent_ids and i not in scanned for i in ids], dtype=bool
    )
    entrants = [Entrant(c.id, c.name, team_names[c.team_id], c.unit) for c in candidates]
    held = {
        (c.id, str(h["honour"]), int(h["year"])) for c in candidates for h in c.prior_honours
    } | {
        (cid, f.name, f.year)
        for cid, facts in register.items()
        for f in facts
        if f.kind == "honour"
    }
    honours = [grading.HonourRecord(str(cid), name, year) for cid, name, year in sorted(held)]
    return Roster(entrants, admission, eligible, absent, no_sheet), honours


def _responses(
    session: Session, exam_id: int, roster: Roster, paper: grading.Paper
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.bool_]]:
    """Each candidate's marks (current scans, review decisions on top) and the cells that
    are not final: a question flagged and undecided, or every question of a candidate
    with no sheet or a scan waiting for a decision."""
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
    for candidate_id, question, marks in session.exec(
        select(ReviewDecision.candidate_id, ReviewDecision.question, ReviewDecision.marks)
        .where(ReviewDecision.exam_id == exam_id, ReviewDecision.kind == "question")
        .order_by(col(ReviewDecision.id))
    ):
        if candidate_id is None or question is None:
            continue
        row = roster.row_of(candidate_id)
        responses[row, question - 1] = letters_mask(marks)
        flagged[row, question - 1] = False
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
    session: Session, exam_id: int, roster: Roster, paper: grading.Paper
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
        ).where(SubjectiveMark.exam_id == exam_id)
    ):
        rounds[round_ - 1, roster.row_of(candidate_id), column[question]] = score
    return rounds[0], rounds[1], rounds[2]


def _decisions(session: Session, exam_id: int) -> grading.TieDecisions:
    """Every recorded tie decision in one read, by scope, in the order recorded."""
    by_scope: dict[str, list[grading.TieDecision]] = defaultdict(list)
    for d in session.exec(
        select(TieDecisionRecord)
        .where(TieDecisionRecord.exam_id == exam_id)
        .order_by(col(TieDecisionRecord.id))
    ):
        by_scope[d.scope].append(
            grading.TieDecision(d.award, d.rank, frozenset(d.tied), frozenset(d.winners))
        )
    return grading.decisions_by_scope(by_scope)


def _draw(session: Session, exam_id: int) -> grading.DrawRecord | None:
    record = session.exec(
        select(NationalDrawRecord)
        .where(NationalDrawRecord.exam_id == exam_id)
        .order_by(col(NationalDrawRecord.id).desc())
    ).first()
    if record is None:
        return None
    if record.kind == "ministry":
        return grading.DrawRecord(grading.DrawKind.MINISTRY, tuple(record.drawn))
    return grading.DrawRecord(grading.DrawKind.SIMULATION, (), record.seed or 0)


# The last computation of each database, with the stamp it was computed at: the TUI's
# results screen, a tie decision and an export all ask again while nothing changed.
_computed: dict[str, tuple[Stamp, Computation]] = {}
_computed_lock = threading.Lock()


def results_stamp(session: Session) -> Stamp:
    """What the results are computed from, as a stamp: equal stamps, equal results."""
    return (_exam(session).id, *change_stamp(session))


def compute(session: Session) -> Computation:
    """Everything from scores to the national honours, as the database stands now:
    computed once per change of the database and kept (read it, never change it)."""
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    exam = _exam(session)
    stamp = (exam.id, *change_stamp(session))
    with _computed_lock:
        kept = _computed.get(url)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    c = _compute(session, exam)
    if url not in ("sqlite://", "sqlite:///:memory:"):  # a new database with each engine
        with _computed_lock:
            _computed[url] = (stamp, c)
    return c


def compute_now(session: Session) -> Computation:
    """`compute` without the kept results (for benchmarks and tests of the computing)."""
    return _compute(session, _exam(session))


def _compute(session: Session, exam: Exam) -> Computation:
    exam_id = exam.id
    assert exam_id is not None
    definition: ExamDefinition = parse_definition(exam.definition_toml, "stored exam definition")
    roster, prior_honours = _roster(session, exam_id)
    paper = paper_of(definition)
    record = policy_record(definition.policy)
    policy = policy_of(record)
    stored_key = session.exec(
        select(AnswerKeyVersion)
        .where(AnswerKeyVersion.exam_id == exam_id)
        .order_by(col(AnswerKeyVersion.version).desc())
    ).first()
    responses, unresolved_cells = _responses(session, exam_id, roster, paper)
    problems: list[str] = []
    if stored_key is None:
        problems.append("尚无答案 no answer key yet: exam-center key import FILE")
        graded = grading.grade(
            grading.GradingInputs(
                paper, policy, None, roster.ids, responses, unresolved=unresolved_cells
            )
        )
        return Computation(roster, paper, policy, record, None, None, graded, problems)
    key = grading.AnswerKey.from_letters(
        {int(q): a for q, a in stored_key.answers.items()}, voided=stored_key.voided
    )
    draw = _draw(session, exam_id)
    inputs = grading.GradingInputs(
        paper,
        policy,
        key,
        roster.ids,
        responses,
        unresolved=unresolved_cells,
        subjective=_subjective(session, exam_id, roster, paper),
        absent=roster.absent,
        eligible=roster.eligible,
        teams=[c.team for c in roster.candidates],
        ranked_teams=definition.teams.ranked,
        non_teams=definition.teams.unranked,
        organisation_awards=list(
            session.exec(select(OrganisationAward.team).where(OrganisationAward.exam_id == exam_id))
        ),
        prior_honours=prior_honours,
        decisions=_decisions(session, exam_id),
        draw=draw,
        national_results=[
            grading.NationalResult(str(cid), rank, title)
            for cid, rank, title in session.exec(
                select(
                    NationalResultRecord.candidate_id,
                    NationalResultRecord.national_rank,
                    NationalResultRecord.knowledge_title,
                ).where(NationalResultRecord.exam_id == exam_id)
            )
        ],
    )
    graded = grading.grade(inputs)
    problems += [_problem(f, draw) for f in graded.failures]
    return Computation(roster, paper, policy, record, key, stored_key.version, graded, problems)


STAGE_NAMES = {
    grading.Stage.INDIVIDUAL: "个人奖项 individual awards",
    grading.Stage.TEAMS: "团体奖项 team awards",
    grading.Stage.NATIONAL: "全国比试名单 national list",
}


def _problem(failure: grading.StageFailure, draw: grading.DrawRecord | None) -> str:
    """A step that could not be computed, in the words that block finalising."""
    exc = failure.error
    if failure.stage is grading.Stage.DRAW:
        # A draw recorded while the list was different (a rehearsal before ranking
        # was complete, say): it blocks finalising, named, instead of every command.
        simulated = draw is not None and draw.kind is grading.DrawKind.SIMULATION
        kind = "演练抽取" if simulated else "部里抽取名单"
        return (
            f"已记录的全国比试{kind}与当前名单不符，请在名单确定后重新抽取或导入 "
            f"(the national draw on record no longer fits the list: {exc})"
        )
    if failure.stage is grading.Stage.HONOURS:
        # Results stored before the list or the draw changed: no honours from them,
        # and finalising is blocked until they are imported again.
        return (
            f"全国比试成绩与当前名单不符，请重新导入 (national results no longer match "
            f"the delegation: {exc})"
        )
    return f"{STAGE_NAMES[failure.stage]} 无法计算，需先处理 (cannot be computed: {exc})"


def contestants(national: grading.NationalList, draw: grading.NationalDraw) -> tuple[str, ...]:
    """Who may have a national result (see `grading.contestants`)."""
    return grading.contestants(national, draw)


@dataclass(frozen=True)
class MarkingIssueRow:
    admission_no: str | None
    name: str
    question: int
    reason: str  # missing_mark, out_of_range, off_step, third_marking_required, …
    marker: int | None
    detail: str
    blocking: bool


def marking_issues(*, session: Session) -> list[MarkingIssueRow]:
    """Double-marking problems as the grading library sees them (e.g. a third marking
    required where the two markers differ by more than the tolerance)."""
    c = compute(session)
    if c.marks is None:
        return []
    out = []
    for issue in c.marks.issues:
        cand = c.roster.candidates[issue.row]
        out.append(
            MarkingIssueRow(
                c.roster.admission.get(cand.id),
                cand.name,
                issue.question,
                str(issue.reason),
                issue.marker,
                issue.detail,
                issue.blocking,
            )
        )
    return out
