"""The results officer's inputs: the answer key (versions), double-marked subjective
scores, and confirmed absences. Every change is audited; none is allowed while the
results are finalised."""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

import grading
from exam_center.db.models import Absence, AnswerKeyVersion, Exam, Seat, SubjectiveMark
from exam_center.domain.errors import FileFormatError, ImportRejected, NotAllowed, RowProblem
from exam_center.io.tables import (
    Column,
    parse_bool,
    parse_id_text,
    parse_int,
    parse_rows,
    parse_text,
    read_table,
)
from exam_center.services import audit, signoff
from exam_center.services.exams import current_exam, current_exam_id
from exam_center.services.grading_model import grading_paper, grading_policy
from exam_center.services.permissions import actor_name, require
from exam_center.services.signoff import SignOffPending


def ensure_open(session: Session) -> Exam:
    exam = current_exam(session)
    if exam.finalised_at is not None:
        raise NotAllowed(
            f"成绩已于 {exam.finalised_at:%Y-%m-%d %H:%M} 定稿，请先重新打开 "
            "(results were finalised: reopen them first, exam-center reopen --reason TEXT)"
        )
    return exam


KEY_COLUMNS = (
    Column("question", ("题号", "number"), parse=parse_int),
    Column("answer", ("答案", "key"), required=False, parse=parse_text, default=""),
    Column("voided", ("作废", "void"), required=False, parse=parse_bool, default=False),
)


def _key_from_table(path: Path) -> tuple[dict[int, str], set[int], dict[int, int]]:
    answers: dict[int, str] = {}
    voided: set[int] = set()
    rows: dict[int, int] = {}
    problems: list[RowProblem] = []
    table = read_table(path)
    for row_no, rec, row_problems in parse_rows(table, KEY_COLUMNS):
        problems.extend(row_problems)
        q = rec["question"]
        if q is None:
            continue
        if q in rows:
            problems.append(RowProblem(row_no, "题号", f"question {q} repeats row {rows[q]}"))
        rows[q] = row_no
        answers[q] = rec["answer"]
        if rec["voided"]:
            voided.add(q)
    if problems:
        raise ImportRejected(str(path), problems)
    return answers, voided, rows


def _key_from_toml(path: Path) -> tuple[dict[int, str], set[int], dict[int, int]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FileFormatError(f"{path}: {exc}") from exc
    raw = data.get("answers", {})
    if not isinstance(raw, dict):
        raise FileFormatError(f"{path}: [answers] must map question numbers to letters")
    answers = {int(k): "|".join(v) if isinstance(v, list) else str(v) for k, v in raw.items()}
    return answers, {int(v) for v in data.get("voided", [])}, {}


@dataclass(frozen=True)
class KeyImport:
    version: int
    questions: int
    voided: tuple[int, ...]
    changed: tuple[int, ...]  # questions whose key differs from the previous version


def latest_key(session: Session) -> AnswerKeyVersion | None:
    return session.exec(
        select(AnswerKeyVersion)
        .where(AnswerKeyVersion.exam_id == current_exam_id(session))
        .order_by(col(AnswerKeyVersion.version).desc())
    ).first()


def import_key(
    path: Path, *, session: Session, reason: str = "", dry_run: bool = False
) -> KeyImport | SignOffPending:
    """A new key version from CSV/XLSX (题号, 答案, 作废) or TOML ([answers], voided).
    With `dry_run`, every check runs and nothing is stored. A correction (a key after the
    first) re-scores everyone: one officer asks (SignOffPending), a second officer
    importing the same file makes it (双人复核)."""
    require(session, "key.import")
    ensure_open(session)
    if path.suffix.lower() == ".toml":
        answers, voided, rows = _key_from_toml(path)
    else:
        answers, voided, rows = _key_from_table(path)
    paper = grading_paper(session)
    policy = grading_policy(session)
    try:
        key = grading.AnswerKey.from_letters(
            {q: a for q, a in answers.items() if a or q not in voided}, voided=voided
        )
    except grading.GradingError as exc:
        raise ImportRejected(str(path), [RowProblem(0, "答案", str(exc))]) from exc
    problems = key.problems(paper, policy.scoring)
    if problems:
        raise ImportRejected(
            str(path),
            [
                RowProblem(rows.get(p.question or 0, 0), f"question {p.question}", p.reason)
                for p in problems
            ],
        )
    previous = latest_key(session)
    letters = {str(q): a for q, a in key.to_letters().items()}
    changed: tuple[int, ...] = ()
    if previous is not None:
        if previous.answers == letters and sorted(previous.voided) == sorted(voided):
            raise NotAllowed(
                f"{path}：与第 {previous.version} 版答案相同，无需导入 "
                f"(the same as key version {previous.version}; nothing to do)"
            )
        if not reason.strip() and not dry_run:
            raise NotAllowed(
                "更正答案须说明理由 --reason：所有考生将重新评分 "
                "(a key correction needs --reason: it re-scores every candidate)"
            )
        keys = set(previous.answers) | set(letters)
        changed = tuple(sorted(int(q) for q in keys if previous.answers.get(q) != letters.get(q)))
        changed += tuple(sorted(set(voided) ^ set(previous.voided)))
    version = (previous.version + 1) if previous else 1
    if dry_run:
        return KeyImport(version, len(letters), tuple(sorted(voided)), changed)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    signers = ""
    if previous is not None:
        signed = signoff.sign(
            session,
            "key.correct",
            sha256,
            {"file": str(path), "version": version, "reason": reason},
        )
        if isinstance(signed, SignOffPending):
            return signed
        signers = signed.both
    session.add(
        AnswerKeyVersion(
            exam_id=current_exam_id(session),
            version=version,
            answers=letters,
            voided=sorted(voided),
            source=str(path),
            created_at=datetime.now(UTC),
            created_by=signers or actor_name(session),
            reason=reason,
        )
    )
    audit.record(
        session,
        action="key.import" if previous is None else "key.correct",
        version=version,
        source=str(path),
        sha256=sha256,
        signed_by=signers,
        changed=list(changed),
        voided=sorted(voided),
        reason=reason,
    )
    return KeyImport(version, len(letters), tuple(sorted(voided)), changed)


SCORE_COLUMNS = (
    Column("admission_no", ("准考证号",), parse=parse_id_text),
    Column("question", ("题号",), parse=parse_int),
    Column("round", ("评次", "评阅轮次"), parse=parse_int),
    Column("marker", ("评分人", "阅卷人"), parse=parse_text),
    Column("score", ("分数", "得分"), parse=lambda v: float(str(v).strip())),
)


@dataclass(frozen=True)
class ScoresImport:
    rows: int
    added: int
    changed: int


def import_scores(
    path: Path, *, session: Session, reason: str = "", dry_run: bool = False
) -> ScoresImport:
    """Subjective scores, one row per (candidate, question, round): all or nothing.
    With `dry_run`, every check runs and nothing is stored."""
    require(session, "scores.import")
    ensure_open(session)
    exam_id = current_exam_id(session)
    paper = grading_paper(session)
    subjective = {q.number: q for q in paper.subjective_questions}
    seats = {
        s.admission_no: s.candidate_id
        for s in session.exec(select(Seat).where(Seat.exam_id == exam_id))
    }
    table = read_table(path)
    problems: list[RowProblem] = []
    records: list[tuple[int, dict[str, object]]] = []
    seen: dict[tuple[str, int, int], int] = {}
    step = float(grading_policy(session).subjective.step)
    for row_no, rec, row_problems in parse_rows(table, SCORE_COLUMNS):
        problems.extend(row_problems)
        if row_problems:
            continue
        adm, q, rnd, score = rec["admission_no"], rec["question"], rec["round"], rec["score"]
        if adm not in seats:
            problems.append(RowProblem(row_no, "准考证号", f"{adm} is not seated in this exam"))
        if q not in subjective:
            problems.append(
                RowProblem(
                    row_no, "题号", f"{q} is not a subjective question ({sorted(subjective)})"
                )
            )
        if rnd not in (1, 2, 3):
            problems.append(
                RowProblem(row_no, "评次", "must be 1, 2 or 3 (the third is the arbitration)")
            )
        if q in subjective:
            top = float(subjective[q].points)
            if not 0 <= score <= top:
                problems.append(RowProblem(row_no, "分数", f"{score:g} is outside 0–{top:g}"))
            elif abs(score / step - round(score / step)) > 1e-9:
                problems.append(
                    RowProblem(row_no, "分数", f"{score:g} is not a multiple of {step:g}")
                )
        k = (adm, q, rnd)
        if k in seen:
            problems.append(RowProblem(row_no, "题号", f"repeats row {seen[k]}"))
        seen[k] = row_no
        records.append((row_no, rec))
    if problems:
        raise ImportRejected(str(path), problems)
    existing = {
        (m.candidate_id, m.question, m.round): m
        for m in session.exec(select(SubjectiveMark).where(SubjectiveMark.exam_id == exam_id))
    }
    added = changed = 0
    now = datetime.now(UTC)
    changes: list[dict[str, object]] = []
    for _row_no, rec in records:
        cid = seats[str(rec["admission_no"])]
        k2 = (cid, int(rec["question"]), int(rec["round"]))  # type: ignore[call-overload]
        old = existing.get(k2)
        if old is None:
            added += 1
            if dry_run:
                continue
            session.add(
                SubjectiveMark(
                    exam_id=exam_id,
                    candidate_id=cid,
                    question=k2[1],
                    round=k2[2],
                    marker=str(rec["marker"]),
                    score=float(rec["score"]),  # type: ignore[arg-type]
                    entered_at=now,
                    entered_by=actor_name(session),
                    source=str(path),
                )
            )
        elif old.score != rec["score"] or old.marker != rec["marker"]:
            changed += 1
            if dry_run:
                continue
            changes.append(
                {
                    "admission_no": rec["admission_no"],
                    "question": k2[1],
                    "round": k2[2],
                    "old": old.score,
                    "new": rec["score"],
                    "marker": rec["marker"],
                }
            )
            old.score, old.marker = float(rec["score"]), str(rec["marker"])  # type: ignore[arg-type]
            old.entered_at, old.entered_by, old.source = now, actor_name(session), str(path)
            session.add(old)
    if dry_run:
        return ScoresImport(len(records), added, changed)
    if changed and not reason.strip():
        raise NotAllowed(
            f"{changed} 个已录入的分数将被更改，请用 --reason 说明理由 "
            f"({changed} scores already entered would change: give --reason)"
        )
    audit.record(
        session,
        action="scores.import",
        source=str(path),
        added=added,
        changed=changes,
        reason=reason,
    )
    return ScoresImport(len(records), added, changed)


def record_absence(admission_no: str, *, session: Session, reason: str) -> None:
    """Confirm a seated candidate absent (from the sign-in sheet), so their missing sheet
    no longer blocks finalising; they are listed with no rank."""
    require(session, "candidate.absent")
    ensure_open(session)
    exam_id = current_exam_id(session)
    seat = session.exec(
        select(Seat).where(Seat.exam_id == exam_id, Seat.admission_no == admission_no)
    ).first()
    if seat is None:
        raise NotAllowed(
            f"{admission_no} 未在本次考试中编座 ({admission_no} is not seated in this exam)"
        )
    if not reason.strip():
        raise NotAllowed("确认缺考须说明理由 --reason，如 签到表未签到 (an absence needs --reason)")
    session.add(
        Absence(
            exam_id=exam_id,
            candidate_id=seat.candidate_id,
            recorded_by=actor_name(session),
            reason=reason,
            recorded_at=datetime.now(UTC),
        )
    )
    audit.record(
        session,
        action="candidate.absent",
        admission_no=admission_no,
        reason=reason,
    )


def subjective_count(session: Session) -> int:
    return session.exec(
        select(func.count())
        .select_from(SubjectiveMark)
        .where(SubjectiveMark.exam_id == current_exam_id(session))
    ).one()


@dataclass(frozen=True)
class KeyVersionRow:
    version: int
    questions: int
    voided: tuple[int, ...]
    source: str
    created_at: datetime
    created_by: str
    reason: str


def key_versions(*, session: Session) -> list[KeyVersionRow]:
    return [
        KeyVersionRow(
            k.version,
            len(k.answers),
            tuple(k.voided),
            k.source,
            k.created_at,
            k.created_by,
            k.reason,
        )
        for k in session.exec(
            select(AnswerKeyVersion)
            .where(AnswerKeyVersion.exam_id == current_exam_id(session))
            .order_by(col(AnswerKeyVersion.version).desc())
        )
    ]
