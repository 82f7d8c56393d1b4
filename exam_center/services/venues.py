"""Rooms and invigilators, imported from CSV/XLSX the same all-or-nothing way."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from exam_center.db.models import Invigilator, Room
from exam_center.domain.errors import ImportRejected, RowProblem
from exam_center.io.tables import (
    Column,
    map_columns,
    parse_id_text,
    parse_int,
    parse_int_list,
    parse_rows,
    parse_text,
    read_table,
)
from exam_center.services import audit
from exam_center.services.exams import current_exam, current_exam_id
from exam_center.services.permissions import require

ROOM_COLUMNS = (
    Column("code", ("考场号", "考场", "room"), parse=parse_text),
    Column("building", ("楼宇", "考点", "地点"), required=False, parse=parse_text, default=""),
    Column("rows", ("行数",), parse=parse_int),
    Column("cols", ("列数", "columns"), parse=parse_int),
    Column(
        "unusable",
        ("不可用座位", "unusable_seats"),
        required=False,
        parse=parse_int_list,
        default=[],
    ),
)

INVIGILATOR_COLUMNS = (
    Column("staff_id", ("工号", "编号", "id", "证件号"), parse=parse_id_text),
    Column("name", ("姓名",), parse=parse_text),
    Column("team", ("设区市", "所属设区市", "city"), required=False, parse=parse_text, default=""),
    Column("unit", ("单位", "工作单位"), required=False, parse=parse_text, default=""),
    Column(
        "phone", ("手机", "手机号", "联系电话"), required=False, parse=parse_id_text, default=""
    ),
)

MAX_ROOM_SIDE = 40


@dataclass(frozen=True)
class VenueImport:
    source: str
    imported: int
    dry_run: bool


def import_rooms(path: Path, *, session: Session, dry_run: bool = False) -> VenueImport:
    require(session, "rooms.import")
    exam = current_exam(session)
    exam_id = current_exam_id(session)
    table = read_table(path)
    index = map_columns(table, ROOM_COLUMNS)
    existing = set(session.exec(select(Room.code).where(Room.exam_id == exam.id)).all())
    seen: dict[str, int] = {}
    problems: list[RowProblem] = []
    rooms: list[Room] = []
    for row_no, rec, row_problems in parse_rows(table, ROOM_COLUMNS):
        problems.extend(row_problems)
        code = rec["code"]
        if code in seen:
            problems.append(
                RowProblem(row_no, table.headers[index["code"]], f"{code} repeats row {seen[code]}")
            )
        elif code in existing:
            problems.append(
                RowProblem(row_no, table.headers[index["code"]], f"room {code} already exists")
            )
        seen.setdefault(code, row_no)
        for key in ("rows", "cols"):
            if isinstance(rec[key], int) and not 1 <= rec[key] <= MAX_ROOM_SIDE:
                problems.append(
                    RowProblem(row_no, table.headers[index[key]], f"must be 1–{MAX_ROOM_SIDE}")
                )
        if not row_problems and rec["rows"] and rec["cols"]:
            seats = rec["rows"] * rec["cols"]
            bad = [s for s in rec["unusable"] if not 1 <= s <= seats]
            if bad:
                problems.append(
                    RowProblem(row_no, "不可用座位", f"seats {bad} are outside 1–{seats}")
                )
        if not problems:
            rooms.append(
                Room(
                    exam_id=exam_id,
                    code=code,
                    building=rec["building"],
                    rows=rec["rows"],
                    cols=rec["cols"],
                    unusable=sorted(set(rec["unusable"])),
                )
            )
    if problems:
        raise ImportRejected(table.source, problems)
    if not dry_run:
        session.add_all(rooms)
        audit.record(session, action="rooms.import", file=str(path), rows=len(rooms))
    return VenueImport(table.source, 0 if dry_run else len(rooms), dry_run)


def import_invigilators(path: Path, *, session: Session, dry_run: bool = False) -> VenueImport:
    require(session, "invigilators.import")
    exam = current_exam(session)
    exam_id = current_exam_id(session)
    table = read_table(path)
    index = map_columns(table, INVIGILATOR_COLUMNS)
    existing = set(
        session.exec(select(Invigilator.staff_id).where(Invigilator.exam_id == exam.id)).all()
    )
    seen: dict[str, int] = {}
    problems: list[RowProblem] = []
    people: list[Invigilator] = []
    for row_no, rec, row_problems in parse_rows(table, INVIGILATOR_COLUMNS):
        problems.extend(row_problems)
        sid = rec["staff_id"]
        header = table.headers[index["staff_id"]]
        if sid in seen:
            problems.append(RowProblem(row_no, header, f"{sid} repeats row {seen[sid]}"))
        elif sid in existing:
            problems.append(RowProblem(row_no, header, f"invigilator {sid} already exists"))
        seen.setdefault(sid, row_no)
        if not problems:
            people.append(Invigilator(exam_id=exam_id, **rec))
    if problems:
        raise ImportRejected(table.source, problems)
    if not dry_run:
        session.add_all(people)
        audit.record(
            session,
            action="invigilators.import",
            file=str(path),
            rows=len(people),
        )
    return VenueImport(table.source, 0 if dry_run else len(people), dry_run)


@dataclass(frozen=True)
class RoomRow:
    code: str
    building: str
    rows: int
    cols: int
    unusable: tuple[int, ...]

    @property
    def capacity(self) -> int:
        return self.rows * self.cols - len(self.unusable)


def list_rooms(*, session: Session) -> list[RoomRow]:
    exam = current_exam(session)
    rooms = session.exec(select(Room).where(Room.exam_id == exam.id).order_by(col(Room.code)))
    return [RoomRow(r.code, r.building, r.rows, r.cols, tuple(r.unusable)) for r in rooms]


@dataclass(frozen=True)
class InvigilatorRow:
    staff_id: str
    name: str
    team: str
    unit: str


def list_invigilators(*, session: Session) -> list[InvigilatorRow]:
    exam = current_exam(session)
    people = session.exec(
        select(Invigilator)
        .where(Invigilator.exam_id == exam.id)
        .order_by(col(Invigilator.staff_id))
    )
    return [InvigilatorRow(p.staff_id, p.name, p.team, p.unit) for p in people]
