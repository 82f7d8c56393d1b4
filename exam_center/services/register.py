"""The 能手库 register (notice 七(三)3): winners since 2019 and their contest
participations, kept across years in a SQLite file of its own (default beside the
workspaces; `EXAM_CENTER_REGISTER_FILE` or `register --file` elsewhere), read by later
years' registration and eligibility.

Each person is keyed by resident ID; each entry (an honour or a contest taken part in,
by year) is held once and records its source: a file imported (`register import`), an
exam finalised, or an exam's national results. The tables are plain SQLAlchemy on a
metadata of their own, so they never enter an exam database or its migrations."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    delete,
    insert,
    select,
)

from exam_center.domain.errors import ImportRejected, RowProblem, WorkspaceError
from exam_center.domain.honours import KNOWN_HONOURS
from exam_center.domain.resident_id import id_problem, normalise_id
from exam_center.io.tables import Column as FileColumn
from exam_center.io.tables import parse_id_text, parse_int, parse_rows, parse_text, read_table

SCHEMA_VERSION = "1"
HONOUR, CONTEST = "honour", "contest"
KINDS = {HONOUR: "荣誉", CONTEST: "参赛"}
# The contests of eligibility rule 五(二)2 as the register names them, with the roster
# flag each one stands for; the others are kept for the record only.
INVITATIONAL, REGIONAL, NATIONAL_CONTEST = "省际邀请赛", "区域赛", "全国赛"
LAW_CONTEST_2019 = "2019年度全国人社法治知识竞赛"
ONLINE_TEST, PROVINCIAL_CONTEST = "全国统一在线比试", "全省选拔赛"
CONTEST_FLAGS = {
    INVITATIONAL: "prior_invitational",
    REGIONAL: "prior_regional",
    NATIONAL_CONTEST: "prior_national",
    LAW_CONTEST_2019: "law_contest_2019",
}
KNOWN_CONTESTS = (*CONTEST_FLAGS, ONLINE_TEST, PROVINCIAL_CONTEST)

metadata = MetaData()
meta = Table(
    "register_meta",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("value", String(200), nullable=False),
)
person = Table(
    "person",
    metadata,
    Column("id_number", String(18), primary_key=True),
    Column("name", String(50), nullable=False),
    Column("team", String(50), nullable=False, default=""),
    Column("unit", String(200), nullable=False, default=""),
)
entry = Table(
    "entry",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("id_number", String(18), ForeignKey("person.id_number"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # honour | contest
    Column("name", String(100), nullable=False),
    Column("year", Integer, nullable=False),
    Column("origin", String(16), nullable=False),  # import | exam | national
    Column("source", String(300), nullable=False),  # the file and row, or the exam
    Column("exam_code", String(32), nullable=True),
    Column("recorded_at", DateTime, nullable=False),
    Column("recorded_by", String(100), nullable=False),
    UniqueConstraint("id_number", "kind", "name", "year"),
)


@dataclass(frozen=True)
class Entry:
    id_number: str
    kind: str
    name: str
    year: int
    origin: str
    source: str
    exam_code: str | None
    recorded_at: datetime
    recorded_by: str

    def label(self) -> str:
        return f"{self.name}{self.year}"


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    team: str
    unit: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Grant:
    """An entry to add: who (resident ID, with name, team, unit) holds what, which year."""

    id_number: str
    name: str
    team: str
    unit: str
    kind: str
    award: str
    year: int


@dataclass(frozen=True)
class RegisterImport:
    source: str
    rows: int
    added: int
    already: int  # entries the register held already (each is kept once)
    dry_run: bool


class Register:
    """One register file. Opening it creates it (empty) if it does not exist."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(f"sqlite:///{self.path.resolve()}")
            metadata.create_all(engine)
            with engine.begin() as conn:
                version = conn.execute(select(meta.c.value).where(meta.c.key == "schema")).scalar()
                if version is None:
                    conn.execute(insert(meta).values(key="schema", value=SCHEMA_VERSION))
                elif version != SCHEMA_VERSION:
                    engine.dispose()
                    raise WorkspaceError(
                        f"能手库 {self.path} 的格式版本为 {version}，本程序只认识 {SCHEMA_VERSION} "
                        "(written by another version of exam-center)"
                    )
            self._engine = engine
        return self._engine

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # -- reading ----------------------------------------------------------------------

    def entries_of(self, id_numbers: Iterable[str]) -> dict[str, list[Entry]]:
        wanted = sorted(set(id_numbers))
        out: dict[str, list[Entry]] = {}
        if not wanted or not self.path.exists():
            return out
        with self.begin() as conn:
            for i in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
                rows = conn.execute(
                    select(entry)
                    .where(entry.c.id_number.in_(wanted[i : i + 500]))
                    .order_by(entry.c.year, entry.c.id)
                )
                for r in rows:
                    out.setdefault(r.id_number, []).append(_entry(r))
        return out

    def people(self, search: str | None = None) -> list[Person]:
        with self.begin() as conn:
            query = select(person).order_by(person.c.team, person.c.name)
            if search:
                like = f"%{search}%"
                query = query.where(person.c.name.like(like) | person.c.id_number.like(like))
            found = list(conn.execute(query))
        entries = self.entries_of(p.id_number for p in found)
        return [
            Person(p.id_number, p.name, p.team, p.unit, tuple(entries.get(p.id_number, [])))
            for p in found
        ]

    def person(self, id_number: str) -> Person | None:
        found = [p for p in self.people(normalise_id(id_number)) if p.id_number == id_number]
        return found[0] if found else None

    # -- writing ----------------------------------------------------------------------

    def add(
        self,
        grants: Sequence[Grant],
        *,
        origin: str,
        source: str,
        operator: str,
        exam_code: str | None = None,
        replace: bool = False,
        sources: Sequence[str] | None = None,
    ) -> tuple[int, int]:
        """Add each grant once; (added, already held). `replace` first removes what this
        exam added before from the same origin (a re-finalised exam's awards may differ).
        `sources`, when given, is each grant's own source (a file's row)."""
        now = datetime.now(UTC)
        added = already = 0
        with self.begin() as conn:
            if replace and exam_code:
                conn.execute(
                    delete(entry).where(entry.c.exam_code == exam_code, entry.c.origin == origin)
                )
            known = {
                r.id_number for r in conn.execute(select(person.c.id_number))
            }  # small: one row per winner since 2019
            wanted = {g.id_number for g in grants}
            # What those people hold already, in one read (not one query per grant:
            # finalising 10,000 candidates adds ~20,000 entries).
            held = {
                (r.id_number, r.kind, r.name, r.year)
                for r in conn.execute(
                    select(entry.c.id_number, entry.c.kind, entry.c.name, entry.c.year)
                )
                if r.id_number in wanted
            }
            people: list[dict[str, object]] = []
            entries: list[dict[str, object]] = []
            for i, g in enumerate(grants):
                if g.id_number not in known:
                    people.append(
                        {"id_number": g.id_number, "name": g.name, "team": g.team, "unit": g.unit}
                    )
                    known.add(g.id_number)
                if (g.id_number, g.kind, g.award, g.year) in held:
                    already += 1
                    continue
                held.add((g.id_number, g.kind, g.award, g.year))
                entries.append(
                    {
                        "id_number": g.id_number,
                        "kind": g.kind,
                        "name": g.award,
                        "year": g.year,
                        "origin": origin,
                        "source": sources[i] if sources is not None else source,
                        "exam_code": exam_code,
                        "recorded_at": now,
                        "recorded_by": operator,
                    }
                )
                added += 1
            if people:
                conn.execute(insert(person), people)
            if entries:
                conn.execute(insert(entry), entries)
        return added, already

    def import_file(self, path: Path, *, operator: str, dry_run: bool = False) -> RegisterImport:
        """The ministry's or the province's list: one row per honour or contest taken
        part in. Every error is reported by row; all rows or none."""
        table = read_table(path)
        problems: list[RowProblem] = []
        grants: list[Grant] = []
        sources: list[str] = []
        names: dict[str, tuple[str, int]] = {}
        with self.begin() as conn:
            registered = {r.id_number: r.name for r in conn.execute(select(person))}
        for row_no, rec, row_problems in parse_rows(table, REGISTER_COLUMNS):
            problems.extend(row_problems)
            id_number = normalise_id(rec["id_number"] or "")
            if id_number and not row_problems:
                why = id_problem(id_number)
                if why:
                    problems.append(RowProblem(row_no, "身份证号", why))
                elif id_number in registered and registered[id_number] != rec["name"]:
                    problems.append(
                        RowProblem(
                            row_no,
                            "姓名",
                            f"{rec['name']} 与能手库中的姓名 {registered[id_number]} 不符",
                        )
                    )
                elif id_number in names and names[id_number][0] != rec["name"]:
                    first_name, first_row = names[id_number]
                    problems.append(
                        RowProblem(
                            row_no, "姓名", f"{rec['name']} 与第{first_row}行的 {first_name} 不符"
                        )
                    )
                names.setdefault(id_number, (rec["name"], row_no))
            honour, contest = rec["honour"], rec["contest"]
            if bool(honour) == bool(contest):
                problems.append(
                    RowProblem(row_no, "荣誉", "每行填写一项：荣誉或参赛 (one honour or contest)")
                )
            elif honour and honour not in KNOWN_HONOURS:
                problems.append(
                    RowProblem(row_no, "荣誉", f"{honour!r} 不是 {'、'.join(KNOWN_HONOURS)} 之一")
                )
            elif contest and contest not in KNOWN_CONTESTS:
                problems.append(
                    RowProblem(row_no, "参赛", f"{contest!r} 不是 {'、'.join(KNOWN_CONTESTS)} 之一")
                )
            year = rec["year"]
            if isinstance(year, int) and not 2000 <= year <= 2100:
                problems.append(RowProblem(row_no, "年度", f"{year} is not a year"))
            if problems:
                continue
            grants.append(
                Grant(
                    id_number,
                    rec["name"],
                    rec["team"],
                    rec["unit"],
                    HONOUR if honour else CONTEST,
                    honour or contest,
                    year,
                )
            )
            note = f"；{rec['note']}" if rec["note"] else ""
            sources.append(f"{Path(table.source).name} 第{row_no}行{note}")
        if problems:
            raise ImportRejected(table.source, problems)
        if dry_run:
            return RegisterImport(table.source, len(table.rows), 0, 0, True)
        added, already = self.add(
            grants, origin="import", source=table.source, operator=operator, sources=sources
        )
        return RegisterImport(table.source, len(table.rows), added, already, False)

    def export(self, out: Path) -> int:
        """Every entry, one row each, in the columns `import_file` reads (csv or xlsx)."""
        rows: list[list[Any]] = []
        for p in self.people():
            for e in p.entries:
                rows.append(
                    [
                        p.name,
                        p.id_number,
                        p.team,
                        p.unit,
                        e.name if e.kind == HONOUR else "",
                        e.name if e.kind == CONTEST else "",
                        e.year,
                        e.source,
                        f"{e.recorded_at:%Y-%m-%d %H:%M} {e.recorded_by}",
                    ]
                )
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            wb = Workbook(write_only=True)
            sheet = wb.create_sheet("能手库")
            sheet.append(EXPORT_HEADERS)
            for r in rows:
                sheet.append(r)
            wb.save(out)
        else:
            with out.open("w", newline="", encoding="utf-8-sig") as f:
                w = csv.writer(f)
                w.writerow(EXPORT_HEADERS)
                w.writerows(rows)
        return len(rows)


REGISTER_COLUMNS = (
    FileColumn("name", ("姓名",), parse=parse_text),
    FileColumn("id_number", ("身份证号", "身份证号码", "公民身份号码"), parse=parse_id_text),
    FileColumn("team", ("设区市", "代表队"), required=False, parse=parse_text, default=""),
    FileColumn("unit", ("单位", "工作单位"), required=False, parse=parse_text, default=""),
    FileColumn(
        "honour", ("荣誉", "获奖", "荣誉称号"), required=False, parse=parse_text, default=""
    ),
    FileColumn("contest", ("参赛", "参加赛事"), required=False, parse=parse_text, default=""),
    FileColumn("year", ("年度", "年份"), parse=parse_int),
    FileColumn("note", ("来源", "备注"), required=False, parse=parse_text, default=""),
)
EXPORT_HEADERS = ["姓名", "身份证号", "设区市", "单位", "荣誉", "参赛", "年度", "来源", "记录"]


def _entry(r: Any) -> Entry:
    return Entry(
        r.id_number,
        r.kind,
        r.name,
        r.year,
        r.origin,
        r.source,
        r.exam_code,
        r.recorded_at,
        r.recorded_by,
    )
