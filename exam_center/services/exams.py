"""Creating the exam from its definition, and reading it back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, col, select

from exam_center.db.models import Exam, Section, Team
from exam_center.domain.definition import ExamDefinition, load_definition, parse_definition
from exam_center.domain.errors import ExamExists, NoExam
from exam_center.services import audit
from exam_center.services.permissions import require
from exam_center.services.workspace_key import workspace_key


@dataclass(frozen=True)
class ExamSummary:
    code: str
    title: str
    exam_date: date
    venue: str
    teams: int
    sections: int
    objective_questions: int
    max_score: float
    finalised: bool


def init_exam(path: Path, *, session: Session) -> ExamSummary:
    """Validate EXAM.toml and create the exam, its teams and paper (its QR secret is in the
    workspace key file)."""
    require(session, "exam.init")
    definition = load_definition(path)
    if session.exec(select(Exam)).first() is not None:
        raise ExamExists(
            "此工作区已有考试，另一场考试请用新的 --workspace "
            "(this workspace already holds an exam; use a new --workspace for another)"
        )
    info = definition.exam
    # The key (with the QR secret) first: it lives in the workspace's key file, not here.
    workspace_key(session)
    exam = Exam(
        code=info.code,
        title=info.title,
        exam_date=info.date,
        venue=info.venue,
        eligibility_date=definition.eligibility_date,
        admission_prefix=info.admission_prefix,
        definition_toml=path.read_text(encoding="utf-8"),
        policy=definition.policy.model_dump(),
        secret_hex="",
        created_at=datetime.now(UTC),
    )
    session.add(exam)
    session.flush()
    assert exam.id is not None
    for i, name in enumerate(definition.teams.ranked + definition.teams.unranked):
        session.add(
            Team(exam_id=exam.id, name=name, position=i, ranked=i < len(definition.teams.ranked))
        )
    number = 1
    for i, s in enumerate(definition.paper.sections):
        session.add(
            Section(
                exam_id=exam.id,
                position=i,
                name=s.name,
                kind=s.kind,
                count=s.count,
                options=s.options if s.kind != "subjective" else 0,
                points=s.points,
                first_number=number,
                scoring=s.scoring,
                partial_fraction=s.partial_fraction,
            )
        )
        number += s.count
    audit.record(
        session,
        action="exam.init",
        exam=info.code,
        source=str(path),
        policy=definition.policy.model_dump(),
    )
    return exam_summary(session=session)


def current_exam(session: Session) -> Exam:
    exam = session.exec(select(Exam)).first()
    if exam is None:
        raise NoExam()
    return exam


def current_exam_id(session: Session) -> int:
    exam_id = current_exam(session).id
    assert exam_id is not None
    return exam_id


def exam_definition(session: Session) -> ExamDefinition:
    return parse_definition(current_exam(session).definition_toml, "stored exam definition")


def teams(session: Session) -> list[Team]:
    exam = current_exam(session)
    return list(
        session.exec(select(Team).where(Team.exam_id == exam.id).order_by(col(Team.position)))
    )


def exam_summary(*, session: Session) -> ExamSummary:
    exam = current_exam(session)
    definition = exam_definition(session)
    sections = definition.paper.sections
    return ExamSummary(
        code=exam.code,
        title=exam.title,
        exam_date=exam.exam_date,
        venue=exam.venue,
        teams=len(definition.teams.ranked) + len(definition.teams.unranked),
        sections=len(sections),
        objective_questions=sum(s.count for s in sections if s.kind != "subjective"),
        max_score=sum(s.count * s.points for s in sections),
        finalised=exam.finalised_at is not None,
    )
