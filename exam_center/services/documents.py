"""Printing the room documents of the active plan (recorded as a print run)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from exam_center.db.models import PrintRun
from exam_center.domain.errors import NotAllowed
from exam_center.io.reports.room_documents import RoomDocuments, write_room_documents
from exam_center.services import audit
from exam_center.services.exams import current_exam, current_exam_id, exam_definition
from exam_center.services.permissions import actor_name, require
from exam_center.services.seating import active_plan, seating_view


def print_room_documents(out: Path, *, session: Session) -> RoomDocuments:
    require(session, "print.rooms")
    view = seating_view(session=session)
    plan = active_plan(session)
    if view is None or plan is None:
        raise NotAllowed("尚未编排座位，请先运行 `exam-center seat` (nobody is seated yet)")
    when = exam_definition(session).exam.when
    docs = write_room_documents(out, current_exam(session).title, view, when=when)
    session.add(
        PrintRun(
            exam_id=current_exam_id(session),
            kind="rooms",
            plan_id=plan.id,
            path=str(out),
            pages=len(view.rooms),
            count=sum(len(r.seats) for r in view.rooms),
            created_at=datetime.now(UTC),
            created_by=actor_name(session),
        )
    )
    audit.record(session, action="print.rooms", out=str(out), plan=plan.fingerprint)
    return docs
