"""The exam's pipeline at a glance, for the dashboard: what is done, and the next step."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from exam_center.db.models import (
    Absence,
    AnswerKeyVersion,
    Candidate,
    Exam,
    Invigilator,
    PrintRun,
    ReviewItem,
    Room,
    ScannedPage,
    Seat,
    SubjectiveMark,
)
from exam_center.domain.eligibility import check_eligibility
from exam_center.services.exams import exam_definition
from exam_center.services.register_facts import facts_by_candidate
from exam_center.services.registration import facts_of


@dataclass(frozen=True)
class PipelineStatus:
    exam_code: str | None
    exam_title: str = ""
    registered: int = 0
    eligible: int = 0
    rooms: int = 0
    invigilators: int = 0
    seated: int = 0
    sheets_printed: bool = False
    pages_expected: int = 0
    pages_read: int = 0
    review_open: int = 0
    key_loaded: bool = False
    scores_complete: bool = False
    finalised: bool = False
    next_action: str = ""
    next_step: str = ""  # a code for the UI: init, register, rooms, … , finalise, done
    notes: tuple[str, ...] = field(default=())


def _count(session: Session, model: type, *where: object) -> int:
    return int(session.exec(select(func.count()).select_from(model).where(*where)).one())  # type: ignore[arg-type]


def pipeline_status(*, session: Session) -> PipelineStatus:
    exam = session.exec(select(Exam)).first()
    if exam is None:
        return PipelineStatus(
            None, next_action="create the exam: exam-center init EXAM.toml", next_step="init"
        )
    eid = exam.id
    candidates = list(session.exec(select(Candidate).where(Candidate.exam_id == eid)))
    register = facts_by_candidate(session)
    eligible = sum(
        check_eligibility(facts_of(c, register.get(c.id or -1, ()))).eligible for c in candidates
    )
    rooms = _count(session, Room, Room.exam_id == eid)
    people = _count(session, Invigilator, Invigilator.exam_id == eid)
    seated = _count(session, Seat, Seat.exam_id == eid)
    printed = _count(session, PrintRun, PrintRun.exam_id == eid, PrintRun.kind == "sheets") > 0
    absent = _count(session, Absence, Absence.exam_id == eid)
    read = _count(
        session,
        ScannedPage,
        ScannedPage.exam_id == eid,
        col(ScannedPage.current),
        col(ScannedPage.candidate_id).is_not(None),
    )
    review = _count(session, ReviewItem, ReviewItem.exam_id == eid, col(ReviewItem.open))
    key = _count(session, AnswerKeyVersion, AnswerKeyVersion.exam_id == eid) > 0
    marks = _count(session, SubjectiveMark, SubjectiveMark.exam_id == eid)
    definition = exam_definition(session)
    subjective_questions = sum(s.count for s in definition.paper.sections if s.kind == "subjective")
    scores_complete = marks >= 2 * subjective_questions * max(seated - absent, 0) and seated > 0
    steps = [
        (not candidates, "register", "import the candidates' rosters"),
        (not rooms, "rooms", "import the rooms"),
        (not people, "invigilators", "import the invigilators"),
        (not seated, "seat", "assign seats and invigilators"),
        (not printed, "print", "print the answer sheets"),
        (
            read + absent < seated,
            "scan",
            f"scan the sheets ({seated - read - absent} not yet read)",
        ),
        (review > 0, "review", f"settle {review} review item(s)"),
        (not key, "key", "import the answer key"),
        (not scores_complete, "scores", "import the case-analysis scores"),
        (exam.finalised_at is None, "finalise", "check ties and finalise the results"),
    ]
    step, action = next(
        ((code, text) for todo, code, text in steps if todo), ("done", "export the results")
    )
    return PipelineStatus(
        exam.code,
        exam.title,
        registered=len(candidates),
        eligible=eligible,
        rooms=rooms,
        invigilators=people,
        seated=seated,
        sheets_printed=printed,
        pages_expected=seated,
        pages_read=read,
        review_open=review,
        key_loaded=key,
        scores_complete=scores_complete,
        finalised=exam.finalised_at is not None,
        next_action=action,
        next_step=step,
    )
