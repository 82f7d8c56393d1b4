"""The national online test: the ministry's draw of 35 (imported) or a labelled
rehearsal draw, and the national results, from which the national and provincial
honours follow (RULES-2022 §national)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, select

import grading
from exam_center.db.models import NationalDrawRecord, NationalResultRecord, Seat
from exam_center.domain.errors import ImportRejected, NotAllowed, RowProblem
from exam_center.io.tables import (
    Column,
    parse_bool,
    parse_id_text,
    parse_int,
    parse_rows,
    read_table,
)
from exam_center.services import audit
from exam_center.services.exams import current_exam_id
from exam_center.services.permissions import actor_name, require
from exam_center.services.register import ONLINE_TEST
from exam_center.services.register_facts import RegisterUpdate, record_in_register
from exam_center.services.results import Computation, compute, contestants


def _seats(session: Session) -> dict[str, int]:
    return {
        s.admission_no: s.candidate_id
        for s in session.exec(select(Seat).where(Seat.exam_id == current_exam_id(session)))
    }


def import_draw(path: Path, *, session: Session) -> int:
    """The ministry's 35, one admission number per row (准考证号)."""
    require(session, "national.draw")
    seats = _seats(session)
    table = read_table(path)
    problems: list[RowProblem] = []
    drawn: list[str] = []
    for row_no, rec, row_problems in parse_rows(
        table, (Column("admission_no", ("准考证号",), parse=parse_id_text),)
    ):
        problems.extend(row_problems)
        if rec["admission_no"] and rec["admission_no"] not in seats:
            problems.append(
                RowProblem(
                    row_no, "准考证号", f"{rec['admission_no']} is not a candidate of this exam"
                )
            )
        elif rec["admission_no"]:
            drawn.append(str(seats[rec["admission_no"]]))
    if problems:
        raise ImportRejected(str(path), problems)
    c = compute(session)
    if c.national is None or not c.national.decided:
        raise NotAllowed(
            "全国比试名单尚未确定（成绩或名额界限处的并列） "
            "(the national list is not settled yet: results or boundary ties)"
        )
    try:
        grading.record_ministry_draw(c.national, drawn, policy=c.policy.national)
    except grading.GradingError as exc:
        raise NotAllowed(f"{path}: {exc}") from exc
    session.add(
        NationalDrawRecord(
            exam_id=current_exam_id(session),
            kind="ministry",
            drawn=drawn,
            source=str(path),
            at=datetime.now(UTC),
            by=actor_name(session),
        )
    )
    audit.record(
        session,
        action="national.draw",
        kind="ministry",
        source=str(path),
        count=len(drawn),
    )
    return len(drawn)


def rehearse_draw(seed: int, *, session: Session) -> int:
    """A seeded, reproducible draw for rehearsal, labelled as a simulation everywhere."""
    require(session, "national.draw")
    c = compute(session)
    if c.national is None or not c.national.decided:
        raise NotAllowed(
            "全国比试名单尚未确定（成绩或名额界限处的并列） "
            "(the national list is not settled yet: results or boundary ties)"
        )
    try:
        draw = grading.simulate_draw(c.national, seed, policy=c.policy.national)
    except grading.GradingError as exc:
        raise NotAllowed(
            f"全国比试名单尚不能抽取 (the national list cannot be drawn from: {exc})"
        ) from exc
    session.add(
        NationalDrawRecord(
            exam_id=current_exam_id(session),
            kind="simulation",
            drawn=list(draw.drawn),
            seed=seed,
            at=datetime.now(UTC),
            by=actor_name(session),
        )
    )
    audit.record(session, action="national.draw", kind="simulation", seed=seed)
    return len(draw.drawn)


def _provincial_ranks(c: Computation) -> dict[str, int | None]:
    if c.ranking is None:
        return {}
    return {str(cand.id): c.ranking.rank_of(row) for row, cand in enumerate(c.roster.candidates)}


def _outside_delegation(
    adm: str, candidate_id: int, c: Computation, rank_of: dict[str, int | None]
) -> str:
    """Why a row's candidate cannot have a national result, in the officer's terms."""
    assert c.national is not None
    cid = str(candidate_id)
    rank = rank_of.get(cid)
    where = f"全省排名 {rank}" if rank is not None else "未排名"
    if cid in c.national.recommended:
        return (
            f"{adm}（{where}）在推荐名单中但未被人社部抽取，不是参赛选手 "
            f"(recommended, not drawn: not in the delegation)"
        )
    return (
        f"{adm}（{where}）既不在自主确定的{len(c.national.selected)}人中，也不在推荐的"
        f"{len(c.national.recommended)}人名单中 (on neither the chosen nor the recommended list)"
    )


NATIONAL_COLUMNS = (
    Column("admission_no", ("准考证号",), parse=parse_id_text),
    Column("national_rank", ("全国排名", "名次"), parse=parse_int),
    Column("knowledge_title", ("全国人社知识通",), required=False, parse=parse_bool, default=None),
)


@dataclass(frozen=True)
class NationalImport:
    rows: int
    register: RegisterUpdate | None = None  # the national titles added to the 能手库


def import_national_results(path: Path, *, session: Session) -> NationalImport:
    """The ministry's national ranks of Jiangsu's contestants: every row must be one of
    the delegation (the chosen and the drawn; before a draw is on record, the chosen and
    the recommended), or the file imports nothing and each stray row is named."""
    require(session, "national.results")
    seats = _seats(session)
    exam_id = current_exam_id(session)
    table = read_table(path)
    c = compute(session)
    if c.national is None or not c.national.decided:
        raise NotAllowed(
            "全国比试名单尚未确定（成绩或边界并列）；the national list is not settled yet"
        )
    allowed = set(contestants(c.national, c.draw))
    rank_of = _provincial_ranks(c)
    problems: list[RowProblem] = []
    rows: list[NationalResultRecord] = []
    now = datetime.now(UTC)
    for row_no, rec, row_problems in parse_rows(table, NATIONAL_COLUMNS):
        problems.extend(row_problems)
        adm = rec["admission_no"]
        if adm not in seats:
            problems.append(
                RowProblem(row_no, "准考证号", f"{adm} is not a candidate of this exam")
            )
            continue
        if str(seats[adm]) not in allowed:
            problems.append(
                RowProblem(row_no, "准考证号", _outside_delegation(adm, seats[adm], c, rank_of))
            )
            continue
        if rec["national_rank"] is not None and rec["national_rank"] < 1:
            problems.append(RowProblem(row_no, "全国排名", "must be 1 or more"))
        rows.append(
            NationalResultRecord(
                exam_id=exam_id,
                candidate_id=seats[rec["admission_no"]],
                national_rank=rec["national_rank"] or 0,
                knowledge_title=rec["knowledge_title"],
                at=now,
                by=actor_name(session),
            )
        )
    if problems:
        raise ImportRejected(str(path), problems)
    for old in session.exec(
        select(NationalResultRecord).where(NationalResultRecord.exam_id == exam_id)
    ):
        session.delete(old)
    session.flush()
    session.add_all(rows)
    audit.record(session, action="national.results", source=str(path), rows=len(rows))
    session.flush()
    honours = compute(session).honours
    update = record_in_register(
        session,
        origin="national",
        honours=[(int(g.candidate_id), g.award) for g in honours.grants] if honours else [],
        took_part=[r.candidate_id for r in rows],
        contest=ONLINE_TEST,
    )
    return NationalImport(len(rows), update)
