"""An exam and the 能手库 register: what the register holds for each candidate is read
into the exam (at registration, or again by `register check`) and used beside the
roster's own columns by eligibility and the prior-honour rule; where the two sources
disagree it is reported per candidate with both, never silently resolved. Finalising
adds the exam's awards to the register, and importing national results the national
titles, each once and with its source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session, col, delete, select

from exam_center.db.models import Candidate, RegisterFact, Team
from exam_center.services import audit
from exam_center.services.exams import current_exam, exam_definition
from exam_center.services.marking import ensure_open
from exam_center.services.permissions import actor_name, require
from exam_center.services.register import (
    CONTEST,
    CONTEST_FLAGS,
    HONOUR,
    ONLINE_TEST,
    PROVINCIAL_CONTEST,
    Entry,
    Grant,
    Register,
)


def register_of(session: Session) -> Register | None:
    """The register of the workspace this session belongs to (None outside one)."""
    path = session.info.get("register")
    return Register(Path(path)) if path else None


def lookup(session: Session, id_numbers: Sequence[str]) -> dict[str, list[Entry]] | None:
    """The register's entries of these people, without the exam's own (this year's) ones;
    None when there is no register file to read."""
    register = register_of(session)
    if register is None or not register.path.exists():
        return None
    code = current_exam(session).code
    try:
        found = register.entries_of(id_numbers)
    finally:
        register.close()
    return {k: [e for e in v if e.exam_code != code] for k, v in found.items()}


def read_register(session: Session, candidates: Sequence[Candidate]) -> int | None:
    """Copy the register's entries of `candidates` into the exam (replacing an earlier
    copy). The exam's own awards, put there when it was finalised, are left out: they
    are this year's, not prior ones. None when there is no register file to read."""
    found = lookup(session, [c.id_number for c in candidates])
    if found is None:
        return None
    exam = current_exam(session)
    ids = [c.id for c in candidates if c.id is not None]
    session.exec(delete(RegisterFact).where(col(RegisterFact.candidate_id).in_(ids)))
    now = datetime.now(UTC)
    count = 0
    for c in candidates:
        assert c.id is not None and exam.id is not None
        for e in found.get(c.id_number, []):
            session.add(
                RegisterFact(
                    exam_id=exam.id,
                    candidate_id=c.id,
                    kind=e.kind,
                    name=e.name,
                    year=e.year,
                    source=e.source,
                    read_at=now,
                )
            )
            count += 1
    audit.record(
        session,
        action="register.read",
        register=str(session.info.get("register")),
        candidates=len(ids),
        entries=count,
    )
    return count


def facts_by_candidate(session: Session) -> dict[int, list[RegisterFact]]:
    out: dict[int, list[RegisterFact]] = {}
    for f in session.exec(
        select(RegisterFact)
        .where(RegisterFact.exam_id == current_exam(session).id)
        .order_by(col(RegisterFact.id))
    ):
        out.setdefault(f.candidate_id, []).append(f)
    return out


@dataclass(frozen=True)
class Disagreement:
    """One point on which the roster and the register differ, with both sides."""

    what: str
    register: str
    roster: str

    def __str__(self) -> str:
        return f"{self.what}：能手库 {self.register}；报名表 {self.roster}"


@dataclass(frozen=True)
class CandidateDisagreements:
    candidate_id: int
    name: str
    id_number: str
    team: str
    items: tuple[Disagreement, ...]


ROSTER_FLAG_LABELS = {
    "prior_invitational": "参加过省际邀请赛",
    "prior_regional": "参加过区域赛",
    "prior_national": "参加过全国赛",
    "law_contest_2019": "参加过2019年度全国人社法治知识竞赛",
}


def compare(
    c: Candidate, facts: Sequence[RegisterFact], years: Sequence[int]
) -> list[Disagreement]:
    """Honours of the prior-honour window (and 全国人社知识通, any year) held by one source
    and not the other; a contest of rule 五(二)2 the register records and the roster's
    column denies."""
    out: list[Disagreement] = []
    roster = {(str(h["honour"]), int(h["year"])) for h in c.prior_honours}
    register = {(f.name, f.year): f for f in facts if f.kind == HONOUR}

    def counts(name: str, year: int) -> bool:
        return year in years or name == "全国人社知识通"

    for (name, year), f in sorted(register.items()):
        if counts(name, year) and (name, year) not in roster:
            out.append(Disagreement(f"{name}{year}", f"有（{f.source}）", "既往荣誉未列"))
    for name, year in sorted(roster):
        if counts(name, year) and (name, year) not in register:
            out.append(Disagreement(f"{name}{year}", "无此记录", "既往荣誉列有"))
    for f in facts:
        flag = CONTEST_FLAGS.get(f.name) if f.kind == CONTEST else None
        if flag and not getattr(c, flag):
            out.append(
                Disagreement(
                    f"{f.name}{f.year}", f"参加过（{f.source}）", f"{ROSTER_FLAG_LABELS[flag]}：否"
                )
            )
    return out


def disagreements(*, session: Session) -> list[CandidateDisagreements]:
    years = exam_definition(session).policy.honour_years
    facts = facts_by_candidate(session)
    out: list[CandidateDisagreements] = []
    query = (
        select(Candidate, Team.name)
        .join(Team, col(Team.id) == col(Candidate.team_id))
        .where(Candidate.exam_id == current_exam(session).id)
        .order_by(col(Candidate.id))
    )
    for c, team in session.exec(query):
        assert c.id is not None
        items = compare(c, facts.get(c.id, []), years)
        if items:
            out.append(CandidateDisagreements(c.id, c.name, c.id_number, team, tuple(items)))
    return out


def _grants(
    session: Session, awarded: Sequence[tuple[int, str]], kind: str = HONOUR
) -> list[Grant]:
    """(candidate id, award) -> grants of the exam's year."""
    year = exam_definition(session).exam.date.year
    ids = {cid for cid, _ in awarded}
    people = {
        c.id: (c, team)
        for c, team in session.exec(
            select(Candidate, Team.name)
            .join(Team, col(Team.id) == col(Candidate.team_id))
            .where(col(Candidate.id).in_(ids))
        )
    }
    out: list[Grant] = []
    for cid, award in awarded:
        c, team = people[cid]
        out.append(Grant(c.id_number, c.name, team, c.unit, kind, award, year))
    return out


@dataclass(frozen=True)
class RegisterUpdate:
    path: Path
    added: int
    already: int


def record_in_register(
    session: Session,
    *,
    origin: str,
    honours: Sequence[tuple[int, str]],
    took_part: Sequence[int],
    contest: str,
) -> RegisterUpdate | None:
    """Add this exam's honours and participations (replacing what it added before from
    the same origin), and audit it in the exam's log."""
    register = register_of(session)
    if register is None:
        return None
    exam = current_exam(session)
    grants = _grants(session, honours) + _grants(
        session, [(cid, contest) for cid in took_part], CONTEST
    )
    what = {"exam": "定稿", "national": "全国比试成绩"}.get(origin, origin)
    try:
        added, already = register.add(
            grants,
            origin=origin,
            source=f"{exam.code} {exam.title} {what}",
            operator=actor_name(session),
            exam_code=exam.code,
            replace=True,
        )
    finally:
        register.close()
    audit.record(
        session,
        action="register.update",
        register=str(register.path),
        origin=origin,
        added=added,
        already=already,
    )
    return RegisterUpdate(register.path, added, already)


__all__ = [
    "ONLINE_TEST",
    "PROVINCIAL_CONTEST",
    "CandidateDisagreements",
    "Disagreement",
    "RegisterUpdate",
    "check_register",
    "compare",
    "disagreements",
    "facts_by_candidate",
    "read_register",
    "record_in_register",
    "register_of",
]


def check_register(*, session: Session) -> int | None:
    """Read the register again for every candidate of the exam (a later import of the
    ministry's list, say): refused once the results are final, as it can change who is
    eligible and who is passed over. The count of entries read, None without a register."""
    require(session, "register.read")
    ensure_open(session)
    candidates = list(
        session.exec(
            select(Candidate)
            .where(Candidate.exam_id == current_exam(session).id)
            .order_by(col(Candidate.id))
        )
    )
    return read_register(session, candidates)
