"""Registration: candidates from CSV/XLSX rosters, all-or-nothing, and eligibility."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from exam_center.db.models import Candidate, Team
from exam_center.domain.eligibility import EligibilityFacts, RuleFailure, check_eligibility
from exam_center.domain.errors import ImportRejected, RowProblem
from exam_center.domain.honours import NATIONAL_EXPERT, parse_honours
from exam_center.domain.resident_id import gender_of, id_problem, mask_id, normalise_id
from exam_center.io.tables import (
    Cell,
    Column,
    map_columns,
    parse_bool,
    parse_id_text,
    parse_int,
    parse_rows,
    parse_text,
    read_table,
)
from exam_center.services import audit
from exam_center.services.exams import current_exam, exam_definition, teams
from exam_center.services.permissions import require
from exam_center.services.register import CONTEST, CONTEST_FLAGS, HONOUR
from exam_center.services.register_facts import facts_by_candidate, lookup, read_register


def _honours(value: Cell) -> list[dict[str, object]]:
    return parse_honours(str(value))


def _flag(key: str, *aliases: str) -> Column:
    return Column(key, aliases, required=False, parse=parse_bool, default=False)


ROSTER_COLUMNS = (
    Column("name", ("姓名",), parse=parse_text),
    Column("id_number", ("身份证号", "身份证号码", "公民身份号码", "id"), parse=parse_id_text),
    Column("team", ("设区市", "所属设区市", "代表队", "city"), parse=parse_text),
    Column("unit", ("单位", "工作单位"), required=False, parse=parse_text, default=""),
    Column("gender", ("性别",), required=False, parse=parse_text, default=""),
    Column(
        "phone", ("手机", "手机号", "联系电话"), required=False, parse=parse_id_text, default=""
    ),
    Column("star_titles", ("日日学之星次数", "日日学之星", "star_titles"), parse=parse_int),
    Column("weekly_points", ("周周练积分", "周周练累计积分"), parse=parse_int),
    _flag("prior_invitational", "参加过省际邀请赛", "省际邀请赛"),
    _flag("prior_regional", "参加过区域赛", "区域赛"),
    _flag("prior_national", "参加过全国赛", "全国赛"),
    _flag("online_test_2021", "参加过2021年度全国统一在线比试", "2021全国统一在线比试"),
    _flag("law_contest_2019", "参加过2019年度全国人社法治知识竞赛", "2019全国人社法治知识竞赛"),
    # None when the cell is blank: only a stated 否 can contradict 既往荣誉.
    Column(
        "national_expert_title",
        ("已获全国人社知识通", "全国人社知识通"),
        required=False,
        parse=parse_bool,
        default=None,
    ),
    Column("prior_honours", ("既往荣誉", "获奖情况"), required=False, parse=_honours, default=[]),
)


_LONGEST = {"gender": 4, "phone": 20}  # Candidate's column lengths


@dataclass(frozen=True)
class RosterRow:
    """Where a registered (or about to be registered) candidate came from."""

    file: str
    row: int
    name: str

    def __str__(self) -> str:
        return f"{self.file} 第{self.row}行 {self.name}"


@dataclass(frozen=True)
class TeamOverLimit:
    """A ranked team with more candidates than the exam's `max_per_team`: reported with
    every row, never trimmed by the software (the city decides whom it withdraws)."""

    team: str
    limit: int
    count: int
    rows: tuple[RosterRow, ...]

    def message(self) -> str:
        return (
            f"{self.team} 报名 {self.count} 人，超过每队上限 {self.limit} 人 "
            f"({self.count} registered, limit {self.limit}): "
            + "；".join(str(r) for r in self.rows)
        )


@dataclass(frozen=True)
class ImportReport:
    source: str
    rows: int
    imported: int
    ineligible: int
    dry_run: bool
    over_limit: tuple[TeamOverLimit, ...] = ()


def _over_limit(
    session: Session, new: list[tuple[int, RosterRow]] | None = None
) -> tuple[TeamOverLimit, ...]:
    """Ranked teams over `max_per_team`, counting those registered and `new` (team id, row)."""
    limit = exam_definition(session).policy.max_per_team
    if limit is None:
        return ()
    exam_id = current_exam(session).id
    ranked = {t.id: t.name for t in teams(session) if t.ranked and t.id is not None}
    members: dict[int, list[RosterRow]] = {}
    for c in session.exec(
        select(Candidate).where(Candidate.exam_id == exam_id).order_by(col(Candidate.id))
    ):
        members.setdefault(c.team_id, []).append(RosterRow(c.source_file, c.source_row, c.name))
    for team_id, row in new or []:
        members.setdefault(team_id, []).append(row)
    return tuple(
        TeamOverLimit(name, limit, len(members[tid]), tuple(members[tid]))
        for tid, name in ranked.items()
        if len(members.get(tid, [])) > limit
    )


def teams_over_limit(*, session: Session) -> tuple[TeamOverLimit, ...]:
    """The registration report's per-team check (RULES-2022: each city sends its ten)."""
    return _over_limit(session)


def _team_lookup(session: Session) -> dict[str, int]:
    lookup: dict[str, int] = {}
    for t in teams(session):
        assert t.id is not None
        lookup[t.name] = t.id
        lookup[t.name + "市"] = t.id  # rosters often write 南京市 for 南京
    return lookup


def import_candidates(path: Path, *, session: Session, dry_run: bool = False) -> ImportReport:
    """Validate every row; import all of them or none, reporting every error."""
    require(session, "candidates.import")
    exam = current_exam(session)
    assert exam.id is not None
    table = read_table(path)
    index = map_columns(table, ROSTER_COLUMNS)

    def shown(key: str) -> str:
        return table.headers[index[key]] if key in index else key

    team_ids = _team_lookup(session)
    team_names = "、".join(t.name for t in teams(session))
    existing = set(
        session.exec(select(Candidate.id_number).where(Candidate.exam_id == exam.id)).all()
    )
    seen: dict[str, int] = {}
    problems: list[RowProblem] = []
    records: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    for row_no, rec, row_problems in parse_rows(table, ROSTER_COLUMNS):
        problems.extend(row_problems)
        id_number = normalise_id(rec["id_number"] or "")
        if id_number and not any(p.column == shown("id_number") for p in row_problems):
            why = id_problem(id_number, not_after=exam.eligibility_date)
            if why:
                problems.append(RowProblem(row_no, shown("id_number"), why))
            elif id_number in seen:
                problems.append(
                    RowProblem(
                        row_no, shown("id_number"), f"{id_number} repeats row {seen[id_number]}"
                    )
                )
            elif id_number in existing:
                problems.append(
                    RowProblem(row_no, shown("id_number"), f"{id_number} is already registered")
                )
            elif rec["gender"] and rec["gender"] != gender_of(id_number):
                problems.append(
                    RowProblem(
                        row_no, shown("gender"), f"{rec['gender']} does not match the resident ID"
                    )
                )
            seen.setdefault(id_number, row_no)
        team = rec["team"]
        if team and team not in team_ids:
            problems.append(
                RowProblem(row_no, shown("team"), f"{team!r} is not a team ({team_names})")
            )
        for key in ("star_titles", "weekly_points"):
            if isinstance(rec[key], int) and rec[key] < 0:
                problems.append(RowProblem(row_no, shown(key), "cannot be negative"))
        for key, most in _LONGEST.items():  # the columns' widths (PostgreSQL enforces them)
            if len(rec[key] or "") > most:
                problems.append(RowProblem(row_no, shown(key), f"longer than {most} characters"))
        stated_no = rec["national_expert_title"] is False
        expert_years = [h["year"] for h in rec["prior_honours"] if h["honour"] == NATIONAL_EXPERT]
        if stated_no and expert_years:
            problems.append(
                RowProblem(
                    row_no,
                    shown("national_expert_title"),
                    f"填写为“否”，但既往荣誉中有{NATIONAL_EXPERT}"
                    f"{'、'.join(str(y) for y in expert_years)}，两栏矛盾，请核实 "
                    f"(contradicts {shown('prior_honours')})",
                )
            )
        if problems:
            continue  # once the file has an error nothing is imported; keep checking rows
        rec["id_number"] = id_number
        rec["national_expert_title"] = bool(rec["national_expert_title"])
        records.append(
            rec
            | {
                "exam_id": exam.id,
                "team_id": team_ids[team],
                "source_file": Path(table.source).name,
                "source_row": row_no,
                "registered_at": now,
            }
        )
        del records[-1]["team"]
    if problems:
        raise ImportRejected(table.source, problems)
    held = lookup(session, [r["id_number"] for r in records]) or {}
    ineligible = sum(
        not check_eligibility(with_register(_facts(r), held.get(r["id_number"], []))).eligible
        for r in records
    )
    source_name = Path(table.source).name
    over = _over_limit(
        session,
        [(r["team_id"], RosterRow(source_name, r["source_row"], r["name"])) for r in records],
    )
    if not dry_run and records:
        session.execute(insert(Candidate), records)
        new_ids = {r["id_number"] for r in records}
        added = [
            c
            for c in session.exec(select(Candidate).where(Candidate.exam_id == exam.id))
            if c.id_number in new_ids
        ]
        read_register(session, added)
        audit.record(
            session,
            action="candidates.import",
            file=str(path),
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            rows=len(records),
        )
    return ImportReport(
        table.source, len(table.rows), 0 if dry_run else len(records), ineligible, dry_run, over
    )


@dataclass(frozen=True)
class CandidateRow:
    id: int
    name: str
    id_number: str
    team: str
    unit: str
    gender: str
    eligible: bool
    failures: tuple[RuleFailure, ...]
    prior_honours: tuple[tuple[str, int], ...]


def _honour_pairs(honours: list[dict[str, Any]]) -> tuple[tuple[str, int], ...]:
    return tuple((str(h["honour"]), int(h["year"])) for h in honours)


def _facts(rec: dict[str, Any]) -> EligibilityFacts:
    """The eligibility facts of an import row (as parsed by ROSTER_COLUMNS)."""
    return EligibilityFacts(
        star_titles=rec["star_titles"],
        weekly_points=rec["weekly_points"],
        prior_invitational=rec["prior_invitational"],
        prior_regional=rec["prior_regional"],
        prior_national=rec["prior_national"],
        online_test_2021=rec["online_test_2021"],
        law_contest_2019=rec["law_contest_2019"],
        national_expert_title=bool(rec["national_expert_title"]),
        prior_honours=_honour_pairs(rec["prior_honours"]),
    )


class _Fact(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def year(self) -> int: ...


def with_register(facts: EligibilityFacts, register: Sequence[_Fact]) -> EligibilityFacts:
    """The roster's facts with what the 能手库 register holds for the person on top:
    either source is enough for a rule to fail (their disagreements are reported)."""
    if not register:
        return facts
    flags = {
        CONTEST_FLAGS[f.name] for f in register if f.kind == CONTEST and f.name in CONTEST_FLAGS
    }
    extra = tuple((f.name, f.year) for f in register if f.kind == HONOUR)
    return replace(
        facts,
        prior_honours=facts.prior_honours + tuple(h for h in extra if h not in facts.prior_honours),
        **{flag: True for flag in flags},
    )


class RosterFacts(Protocol):
    """What the eligibility rules read of a candidate: a `Candidate` row, or the same
    columns selected on their own (the results read 10,000 of them at once)."""

    @property
    def star_titles(self) -> int: ...
    @property
    def weekly_points(self) -> int: ...
    @property
    def prior_invitational(self) -> bool: ...
    @property
    def prior_regional(self) -> bool: ...
    @property
    def prior_national(self) -> bool: ...
    @property
    def online_test_2021(self) -> bool: ...
    @property
    def law_contest_2019(self) -> bool: ...
    @property
    def national_expert_title(self) -> bool: ...
    @property
    def prior_honours(self) -> list[dict[str, Any]]: ...


FACT_COLUMNS = (
    "star_titles",
    "weekly_points",
    "prior_invitational",
    "prior_regional",
    "prior_national",
    "online_test_2021",
    "law_contest_2019",
    "national_expert_title",
    "prior_honours",
)


def facts_of(c: RosterFacts, register: Sequence[_Fact] = ()) -> EligibilityFacts:
    return with_register(
        EligibilityFacts(
            star_titles=c.star_titles,
            weekly_points=c.weekly_points,
            prior_invitational=c.prior_invitational,
            prior_regional=c.prior_regional,
            prior_national=c.prior_national,
            online_test_2021=c.online_test_2021,
            law_contest_2019=c.law_contest_2019,
            national_expert_title=c.national_expert_title,
            prior_honours=_honour_pairs(c.prior_honours),
        ),
        register,
    )


def list_candidates(
    *,
    session: Session,
    team: str | None = None,
    eligible: bool | None = None,
    search: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    show_ids: bool = False,
) -> list[CandidateRow]:
    """The candidates, resident IDs masked (region + last four) unless `show_ids`, which
    is recorded in the audit log with who asked."""
    exam = current_exam(session)
    query = (
        select(Candidate, Team.name)
        .join(Team, col(Team.id) == col(Candidate.team_id))
        .where(Candidate.exam_id == exam.id)
        .order_by(col(Team.position), col(Candidate.id))
    )
    if team:
        query = query.where(Team.name == team)
    if search:
        like = f"%{search}%"
        query = query.where(col(Candidate.name).like(like) | col(Candidate.id_number).like(like))
    rows = []
    register = facts_by_candidate(session)
    for c, team_name in session.exec(query):
        verdict = check_eligibility(facts_of(c, register.get(c.id or -1, ())))
        if eligible is not None and verdict.eligible != eligible:
            continue
        assert c.id is not None
        rows.append(
            CandidateRow(
                c.id,
                c.name,
                c.id_number if show_ids else mask_id(c.id_number),
                team_name,
                c.unit,
                c.gender or gender_of(c.id_number),
                verdict.eligible,
                verdict.failures,
                tuple((str(h["honour"]), int(h["year"])) for h in c.prior_honours),
            )
        )
    shown = rows[offset : None if limit is None else offset + limit]
    if show_ids:
        audit.record(
            session,
            action="candidates.ids_shown",
            count=len(shown),
            team=team,
            search=search,
        )
    return shown


def count_candidates(*, session: Session) -> int:
    exam = current_exam(session)
    return session.exec(
        select(func.count()).select_from(Candidate).where(Candidate.exam_id == exam.id)
    ).one()
