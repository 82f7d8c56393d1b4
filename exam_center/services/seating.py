"""Seats, admission numbers and invigilators: the seating library on the exam's data.

Only eligible candidates are seated (the others are reported, never dropped silently).
A plan is validated by the library's independent checker before it is stored; re-seating
after answer sheets were printed needs `force` and a reason, and is audited.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, delete, select

import seating
from exam_center.db.models import (
    Candidate,
    Invigilator,
    InvigilatorDuty,
    PrintRun,
    Room,
    Seat,
    SeatPlanRecord,
    Team,
)
from exam_center.domain.eligibility import check_eligibility
from exam_center.domain.errors import NotAllowed, PlanInfeasible
from exam_center.services import audit
from exam_center.services.exams import current_exam, current_exam_id, exam_definition
from exam_center.services.permissions import actor_name, require
from exam_center.services.register_facts import facts_by_candidate
from exam_center.services.registration import facts_of


@dataclass(frozen=True)
class SeatingOutcome:
    seed: int
    fingerprint: str
    rooms_used: int
    seated: int
    not_seated: tuple[str, ...]  # ineligible candidates, by name and team
    fallbacks: tuple[str, ...]
    invigilators: int
    reprint_needed: bool


def active_plan(session: Session) -> SeatPlanRecord | None:
    return session.exec(
        select(SeatPlanRecord).where(
            SeatPlanRecord.exam_id == current_exam_id(session), col(SeatPlanRecord.active)
        )
    ).first()


def sheets_printed_for(session: Session, plan: SeatPlanRecord | None) -> PrintRun | None:
    if plan is None:
        return None
    return session.exec(
        select(PrintRun).where(PrintRun.plan_id == plan.id, PrintRun.kind == "sheets")
    ).first()


def seat_exam(
    *,
    session: Session,
    seed: int | None = None,
    force: bool = False,
    reason: str = "",
) -> SeatingOutcome:
    """Assign seats, admission numbers and invigilators, replacing any earlier plan."""
    require(session, "seating.assign")
    exam = current_exam(session)
    exam_id = current_exam_id(session)
    policy = exam_definition(session).policy
    previous = active_plan(session)
    printed = sheets_printed_for(session, previous)
    if printed is not None and not (force and reason.strip()):
        raise NotAllowed(
            f"当前座位的答题卡已于 {printed.created_at:%Y-%m-%d %H:%M} 打印，重新编座将使其作废；"
            "如仍要重排，请给出 --force 和 --reason，之后须重新打印答题卡 "
            f"(answer sheets were printed for the current seating on "
            f"{printed.created_at:%Y-%m-%d %H:%M}; re-seating would void them. "
            "To re-seat anyway give --force and --reason; the sheets must then be printed again.)"
        )
    seed = secrets.randbelow(10**6) if seed is None else seed

    teams = {t.id: t.name for t in session.exec(select(Team).where(Team.exam_id == exam_id))}
    eligible: list[Candidate] = []
    not_seated: list[str] = []
    register = facts_by_candidate(session)
    for c in session.exec(
        select(Candidate).where(Candidate.exam_id == exam_id).order_by(col(Candidate.id))
    ):
        if check_eligibility(facts_of(c, register.get(c.id or -1, ()))).eligible:
            eligible.append(c)
        else:
            not_seated.append(f"{c.name}（{teams[c.team_id]}）")
    if not eligible:
        raise NotAllowed(
            "没有可编座的符合条件考生，请先导入名单 "
            "(no eligible candidates to seat: import the rosters first)"
        )
    rooms = list(session.exec(select(Room).where(Room.exam_id == exam_id)))
    people = list(session.exec(select(Invigilator).where(Invigilator.exam_id == exam_id)))
    if not rooms:
        raise NotAllowed(
            "尚无考场，请先导入 exam-center rooms import FILE (no rooms: import them first)"
        )

    rules = seating.SeatingRules(
        admission_prefix=exam.admission_prefix,
        invigilators_per_room=policy.invigilators_per_room,
    )
    lib_candidates = [seating.SeatCandidate(str(c.id), teams[c.team_id], c.unit) for c in eligible]
    lib_rooms = [
        seating.Room(r.code, r.rows, r.cols, frozenset(r.unusable), r.building) for r in rooms
    ]
    lib_people = [seating.Invigilator(p.staff_id, p.name, p.team, p.unit) for p in people]
    try:
        plan = seating.assign_seats(lib_candidates, lib_rooms, rules, seed)
    except seating.SeatingError as exc:
        raise PlanInfeasible("seating", [d.to_dict() for d in exc.diagnostics]) from exc
    try:
        plan = seating.assign_invigilators(plan, lib_people, rules, seed)
    except seating.SeatingError as exc:
        raise PlanInfeasible("invigilation", [d.to_dict() for d in exc.diagnostics]) from exc
    violations = seating.validate(plan, lib_candidates, lib_rooms, rules, lib_people)
    if violations:  # the library validates too; this is the service's own guard
        raise PlanInfeasible(
            "seating", [{"code": str(v.code), "message": str(v)} for v in violations]
        )

    if previous is not None:
        previous.active = False
        session.add(previous)
        session.execute(delete(Seat).where(col(Seat.exam_id) == exam_id))
        session.execute(delete(InvigilatorDuty).where(col(InvigilatorDuty.exam_id) == exam_id))
        session.flush()
    record = SeatPlanRecord(
        exam_id=exam_id,
        seed=plan.seed,
        fingerprint=plan.fingerprint,
        algorithm=plan.algorithm,
        neighbourhood=plan.neighbourhood,
        plan=plan.to_dict(),
        created_at=datetime.now(UTC),
        created_by=actor_name(session),
        reason=reason,
    )
    session.add(record)
    session.flush()
    room_ids = {r.code: r.id for r in rooms}
    person_ids = {p.staff_id: p.id for p in people}
    for rp in plan.rooms:
        for s in rp.seats:
            session.add(
                Seat(
                    exam_id=exam_id,
                    plan_id=record.id,  # type: ignore[arg-type]
                    candidate_id=int(s.candidate_id),
                    room_id=room_ids[rp.code],  # type: ignore[arg-type]
                    seat=s.seat,
                    row=s.row,
                    col=s.col,
                    admission_no=s.admission_no,
                )
            )
        for inv in rp.invigilators:
            session.add(
                InvigilatorDuty(
                    exam_id=exam_id,
                    plan_id=record.id,  # type: ignore[arg-type]
                    room_id=room_ids[rp.code],  # type: ignore[arg-type]
                    invigilator_id=person_ids[inv.id],  # type: ignore[arg-type]
                    chief=inv.chief,
                )
            )
    audit.record(
        session,
        action="seating.assign",
        seed=plan.seed,
        fingerprint=plan.fingerprint,
        rooms=len(plan.rooms),
        seated=plan.candidate_count,
        not_seated=len(not_seated),
        fallbacks=[f.to_dict() for f in plan.fallbacks],
        replaced_plan=previous.id if previous else None,
        forced=bool(printed),
        reason=reason,
    )
    return SeatingOutcome(
        seed=plan.seed,
        fingerprint=plan.fingerprint,
        rooms_used=len(plan.rooms),
        seated=plan.candidate_count,
        not_seated=tuple(not_seated),
        fallbacks=tuple(f.message for f in plan.fallbacks),
        invigilators=sum(len(r.invigilators) for r in plan.rooms),
        reprint_needed=printed is not None,
    )


@dataclass(frozen=True)
class SeatView:
    seat: int
    row: int
    col: int
    admission_no: str
    candidate_id: int
    name: str
    team: str
    id_number: str
    unit: str


@dataclass(frozen=True)
class DutyView:
    staff_id: str
    name: str
    team: str
    unit: str
    phone: str
    chief: bool


@dataclass(frozen=True)
class RoomView:
    code: str
    building: str
    rows: int
    cols: int
    unusable: tuple[int, ...]
    seats: tuple[SeatView, ...]
    invigilators: tuple[DutyView, ...] = field(default=())


@dataclass(frozen=True)
class SeatingView:
    seed: int
    fingerprint: str
    neighbourhood: int
    created_at: datetime
    created_by: str
    fallbacks: tuple[dict[str, Any], ...]
    rooms: tuple[RoomView, ...]


def seating_view(*, session: Session) -> SeatingView | None:
    """The active plan as it stands in the database, room by room in plan order."""
    plan = active_plan(session)
    if plan is None:
        return None
    exam_id = current_exam_id(session)
    rooms = {r.id: r for r in session.exec(select(Room).where(Room.exam_id == exam_id))}
    teams = {t.id: t.name for t in session.exec(select(Team).where(Team.exam_id == exam_id))}
    seats: dict[int, list[SeatView]] = {}
    for s, c in session.exec(
        select(Seat, Candidate)
        .join(Candidate, col(Candidate.id) == col(Seat.candidate_id))
        .where(Seat.exam_id == exam_id)
        .order_by(col(Seat.room_id), col(Seat.seat))
    ):
        seats.setdefault(s.room_id, []).append(
            SeatView(
                s.seat,
                s.row,
                s.col,
                s.admission_no,
                s.candidate_id,
                c.name,
                teams[c.team_id],
                c.id_number,
                c.unit,
            )
        )
    duties: dict[int, list[DutyView]] = {}
    for d, p in session.exec(
        select(InvigilatorDuty, Invigilator)
        .join(Invigilator, col(Invigilator.id) == col(InvigilatorDuty.invigilator_id))
        .where(InvigilatorDuty.exam_id == exam_id)
        .order_by(col(InvigilatorDuty.room_id), col(InvigilatorDuty.chief).desc())
    ):
        duties.setdefault(d.room_id, []).append(
            DutyView(p.staff_id, p.name, p.team, p.unit, p.phone, d.chief)
        )
    order = [r["code"] for r in plan.plan["rooms"]]
    by_code = {r.code: r for r in rooms.values()}
    views = []
    for code in order:
        room = by_code[code]
        assert room.id is not None
        views.append(
            RoomView(
                room.code,
                room.building,
                room.rows,
                room.cols,
                tuple(room.unusable),
                tuple(seats.get(room.id, [])),
                tuple(duties.get(room.id, [])),
            )
        )
    return SeatingView(
        plan.seed,
        plan.fingerprint,
        plan.neighbourhood,
        plan.created_at,
        plan.created_by,
        tuple(plan.plan.get("fallbacks", [])),
        tuple(views),
    )


def seating_json(view: SeatingView) -> dict[str, Any]:
    """The `seat --json` contract (row 1 is the front; column 1 is the door side)."""
    return {
        "seed": view.seed,
        "fingerprint": view.fingerprint,
        "neighbourhood": view.neighbourhood,
        "fallbacks": list(view.fallbacks),
        "rooms": [
            {
                "code": r.code,
                "building": r.building,
                "rows": r.rows,
                "cols": r.cols,
                "unusable": list(r.unusable),
                "seats": [
                    {
                        "seat": s.seat,
                        "row": s.row,
                        "col": s.col,
                        "admission_no": s.admission_no,
                        "candidate_id": s.candidate_id,
                        "team": s.team,
                        "name": s.name,
                    }
                    for s in r.seats
                ],
                "invigilators": [
                    {"id": p.staff_id, "name": p.name, "team": p.team, "chief": p.chief}
                    for p in r.invigilators
                ],
            }
            for r in view.rooms
        ],
    }
