"""The exam's pipeline at a glance, for the dashboard and `exam-center status`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from exam_center.eligibility import check_eligibility
from exam_center.models import Candidate, Exam, Invigilator, Room
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
    scores_complete: bool = False
    finalised: bool = False
    next_action: str = ""
    notes: tuple[str, ...] = field(default=())


def pipeline_status(*, session: Session) -> PipelineStatus:
    exam = session.exec(select(Exam)).first()
    if exam is None:
        return PipelineStatus(None, next_action="create the exam: exam-center init EXAM.toml")
    candidates = list(session.exec(select(Candidate).where(Candidate.exam_id == exam.id)))
    eligible = sum(check_eligibility(facts_of(c)).eligible for c in candidates)
    rooms = session.exec(
        select(func.count()).select_from(Room).where(Room.exam_id == exam.id)
    ).one()
    people = session.exec(
        select(func.count()).select_from(Invigilator).where(Invigilator.exam_id == exam.id)
    ).one()
    if not candidates:
        step = "import the candidates' rosters"
    elif not rooms:
        step = "import the rooms"
    elif not people:
        step = "import the invigilators"
    else:
        step = "assign seats and invigilators"
    return PipelineStatus(
        exam.code,
        exam.title,
        registered=len(candidates),
        eligible=eligible,
        rooms=rooms,
        invigilators=people,
        finalised=exam.finalised_at is not None,
        next_action=step,
    )
