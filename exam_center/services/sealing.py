"""The seal of finalised results, and `verify`: does what the database holds now agree
with what was finalised, and if not, where is the first difference?

Finalising seals three things under the workspace key (HMAC, `workspace_key`): the lock
row, the results snapshot (its MAC is the printed 结果封印), and a fingerprint of every
table the results are computed from (per row, or per block of rows for large tables).
The MACs go into the keyed audit entry of the finalising. `verify_workspace` checks the
chain, every lock row against its sealed entry, the snapshot against its seal, the
tables against their fingerprints, and a fresh computation against the sealed digest,
and names each difference, the first one first.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, LargeBinary, Table, Text, cast, select, type_coerce
from sqlalchemy.types import NullType
from sqlmodel import Session, SQLModel, col
from sqlmodel import select as sm_select

from exam_center.db.models import (
    Absence,
    AnswerKeyVersion,
    AuditEntry,
    Candidate,
    Exam,
    NationalDrawRecord,
    NationalResultRecord,
    OrganisationAward,
    RegisterFact,
    ResultsLock,
    ReviewDecision,
    ReviewItem,
    ScannedPage,
    Seat,
    Section,
    SubjectiveMark,
    Team,
    TieDecisionRecord,
)
from exam_center.domain.errors import NotAllowed
from exam_center.services.audit import ChainHead, ChainReport, verify_chain
from exam_center.services.workspace_key import KEY_ACTION, WorkspaceKey, workspace_key

INPUTS_KEY = "sealed_inputs"  # the snapshot's part holding the tables' fingerprints
MAX_BLOCKS = 4096  # per table: one MAC per row up to this many rows, then per block
SHOWN_DIFFERENCES = 20
# How finalising fingerprints the tables now (see `input_fingerprints`); 1 before.
FINGERPRINT_VERSION = 2
_RAW = NullType()  # a column read as the driver gives it: no JSON or date conversion

# What the results are computed from, with the Chinese name a person reads.
SEALED_TABLES: tuple[tuple[type[SQLModel], str], ...] = (
    (Exam, "考试"),
    (Section, "试卷结构"),
    (Team, "代表队"),
    (Candidate, "考生"),
    (RegisterFact, "能手库记录"),
    (Seat, "座位"),
    (ScannedPage, "扫描页"),
    (ReviewItem, "复核项"),
    (ReviewDecision, "复核决定"),
    (AnswerKeyVersion, "答案版本"),
    (SubjectiveMark, "主观题评分"),
    (Absence, "缺考"),
    (TieDecisionRecord, "并列决定"),
    (OrganisationAward, "组织奖"),
    (NationalDrawRecord, "全国比试抽取"),
    (NationalResultRecord, "全国比试成绩"),
)
# Columns that finalising and re-opening themselves change (or that left the database).
UNSEALED_COLUMNS = {"exam": {"finalised_at", "results_digest", "secret_hex"}}


class SealBroken(NotAllowed):
    """Finalised results that do not verify: nothing is exported from them."""


@dataclass(frozen=True)
class Difference:
    where: str  # which entry, row or table
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass(frozen=True)
class VerifyReport:
    chain: ChainReport
    finalised: bool
    differences: tuple[Difference, ...]
    digest: str = ""  # the sealed results digest (SHA-256 of the results document)
    seal: str = ""  # the snapshot's MAC under the key (结果封印)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return not self.differences

    @property
    def first(self) -> Difference | None:
        return self.differences[0] if self.differences else None

    @property
    def head(self) -> ChainHead:
        return self.chain.chain_head


def _iso(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive datetimes; they were written in UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def normal_snapshot(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The snapshot as the JSON column gives it back (string keys, lists), so its MAC is
    the same before and after storing."""
    return json.loads(json.dumps(snapshot, ensure_ascii=False, default=str))  # type: ignore[no-any-return]


def lock_mac(key: WorkspaceKey, lock: ResultsLock) -> str:
    return key.mac_json(
        "lock",
        {
            "id": lock.id,
            "exam_id": lock.exam_id,
            "action": lock.action,
            "digest": lock.digest,
            "at": _iso(lock.at),
            "by": lock.by,
            "reason": lock.reason,
        },
    )


def snapshot_seal(key: WorkspaceKey, snapshot: dict[str, Any]) -> str:
    return key.mac_json("results-snapshot", snapshot)


def _block_size(rows: int) -> int:
    size = 1
    while rows > size * MAX_BLOCKS:
        size *= 2
    return size


def _table_rows(session: Session, table: Table) -> list[tuple[int, dict[str, Any]]]:
    skip = UNSEALED_COLUMNS.get(table.name, set())
    cols = [c for c in table.columns if c.name not in skip]
    rows = session.execute(select(*cols).order_by(table.c.id)).all()
    return [(int(r.id), {c.name: v for c, v in zip(cols, r, strict=True)}) for r in rows]


def _fingerprint(
    key: WorkspaceKey, rows: list[tuple[int, dict[str, Any]]], size: int
) -> dict[str, str]:
    blocks: dict[int, list[dict[str, Any]]] = {}
    for row_id, row in rows:
        blocks.setdefault(row_id // size, []).append(row)
    # 16 hex digits (64 bits) of a keyed MAC per block: enough, unforgeable without the key.
    return {str(b): key.mac_json("row", rs)[:16] for b, rs in blocks.items()}


def _stored_as_text(column: Any) -> bool:
    """JSON and long text: read as the stored bytes (CAST AS BLOB), never decoded."""
    return isinstance(column.type, JSON | Text)


RawRow = tuple[int, tuple[Any, ...], tuple[bytes | None, ...]]


def _raw_rows(session: Session, table: Table) -> list[RawRow]:
    """A table's rows as the database stores them (version 2): JSON and text columns as
    their stored bytes, the other columns as the driver gives them (no type conversion:
    dates as stored), nothing decoded or encoded again."""
    skip = UNSEALED_COLUMNS.get(table.name, set())
    cols = [c for c in table.columns if c.name not in skip]
    small = [c for c in cols if not _stored_as_text(c)]
    large = [c for c in cols if _stored_as_text(c)]
    # SQLite hands the stored bytes over with CAST AS BLOB; PostgreSQL cannot cast json
    # to bytea, but json's text is the text stored (unlike jsonb), UTF-8 encoded here.
    as_text = session.get_bind().dialect.name != "sqlite"
    query = select(
        table.c.id,
        *(type_coerce(c, _RAW).label(c.name) for c in small),
        *(
            type_coerce(cast(c, Text), _RAW).label(c.name)
            if as_text
            else cast(c, LargeBinary).label(c.name)
            for c in large
        ),
    ).order_by(table.c.id)
    n = len(small)
    rows = session.execute(query).all()
    if as_text:
        return [
            (
                int(r[0]),
                tuple(r[1 : 1 + n]),
                tuple(None if t is None else str(t).encode() for t in r[1 + n :]),
            )
            for r in rows
        ]
    return [(int(r[0]), tuple(r[1 : 1 + n]), tuple(r[1 + n :])) for r in rows]


def _raw_fingerprint(key: WorkspaceKey, rows: list[RawRow], size: int) -> dict[str, str]:
    """Per block, a MAC of the SHA-256 of its rows as stored: each row the `repr` of its
    short values (the driver's str, int, float or None: their repr tells them apart and
    ends where it ends), then each stored text with its length first."""
    hashes: dict[int, Any] = {}
    for row_id, short, texts in rows:
        h = hashes.get(row_id // size)
        if h is None:
            h = hashes[row_id // size] = hashlib.sha256()
        h.update(repr(short).encode("utf-8", "backslashreplace"))
        for text in texts:
            if text is None:
                h.update(b"|n")
            else:
                h.update(b"|%d:" % len(text))
                h.update(text)
        h.update(b"\n")
    return {str(b): key.mac("row-raw", h.digest())[:16] for b, h in hashes.items()}


def _fingerprints_of(
    session: Session, key: WorkspaceKey, table: Table, version: int, size: int | None = None
) -> tuple[int, int, dict[str, str]]:
    """(rows, block size, block MACs) of one table, in the way of `version`."""
    if version >= 2:
        raw = _raw_rows(session, table)
        size = size or _block_size(len(raw))
        return len(raw), size, _raw_fingerprint(key, raw, size)
    rows = _table_rows(session, table)
    size = size or _block_size(len(rows))
    return len(rows), size, _fingerprint(key, rows, size)


def input_fingerprints(
    session: Session, key: WorkspaceKey, version: int | None = None
) -> dict[str, Any]:
    """Every sealed table's row count and per-row (or per-block) MACs, as they stand.

    Version 1 (seals written before it) MACs each row decoded and encoded again as JSON:
    at 10,000 candidates ~270 MB of stored marks, most of finalising and of verifying.
    Version 2 MACs the stored bytes as they are (any edit of the text, even one that
    keeps the value, shows); it is named in each table's entry, and `verify` checks a
    seal the way it was written."""
    version = FINGERPRINT_VERSION if version is None else version
    session.flush()
    out: dict[str, Any] = {}
    for model, _label in SEALED_TABLES:
        table: Table = model.__table__  # type: ignore[attr-defined]
        rows, size, blocks = _fingerprints_of(session, key, table, version)
        entry: dict[str, Any] = {"rows": rows, "size": size, "blocks": blocks}
        if version >= 2:
            entry["version"] = version
        out[table.name] = entry
    return out


def seal_finalised(
    session: Session, lock: ResultsLock, snapshot: dict[str, Any]
) -> dict[str, str | int]:
    """The audit detail that seals a finalising: the lock row's and snapshot's MACs."""
    key = workspace_key(session)
    session.flush()
    assert lock.id is not None
    return {
        "lock_id": lock.id,
        "lock_mac": lock_mac(key, lock),
        "seal": snapshot_seal(key, snapshot),
    }


def seal_reopened(session: Session, lock: ResultsLock) -> dict[str, str | int]:
    key = workspace_key(session)
    session.flush()
    assert lock.id is not None
    return {"lock_id": lock.id, "lock_mac": lock_mac(key, lock)}


def legacy_lock_seals(session: Session, key: WorkspaceKey) -> dict[str, dict[str, str]]:
    """The lock rows a legacy workspace holds when its key is made: sealed as they are."""
    return {
        str(lock.id): {
            "lock_mac": lock_mac(key, lock),
            "seal": snapshot_seal(key, normal_snapshot(lock.snapshot)),
        }
        for lock in session.exec(sm_select(ResultsLock).order_by(col(ResultsLock.id)))
    }


def _sealed_locks(session: Session) -> dict[int, dict[str, Any]]:
    sealed: dict[int, dict[str, Any]] = {}
    entries = session.exec(
        sm_select(AuditEntry)
        .where(col(AuditEntry.action).in_(("results.finalise", "results.reopen", KEY_ACTION)))
        .order_by(col(AuditEntry.id))
    )
    for e in entries:
        if e.action == KEY_ACTION:
            for lock_id, seals in (e.detail.get("locks") or {}).items():
                sealed[int(lock_id)] = dict(seals) | {"legacy": True}
        elif "lock_id" in e.detail:
            sealed[int(e.detail["lock_id"])] = dict(e.detail) | {"entry": e.id}
    return sealed


def snapshot_sealed(session: Session, lock: ResultsLock) -> bool:
    """Whether a finalising's snapshot is the one its sealed audit entry names (its MAC
    under the key): what `results` and the screens check before reading it. The tables
    and the chain are `verify_workspace`'s."""
    sealed = _sealed_locks(session).get(lock.id or -1)
    return sealed is not None and sealed.get("seal") == snapshot_seal(
        workspace_key(session), lock.snapshot
    )


def first_difference(sealed: Any, live: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """The first place (in a stable order) where two JSON documents differ."""
    if isinstance(sealed, dict) and isinstance(live, dict):
        for k in sorted(set(sealed) | set(live), key=str):
            if k not in sealed or k not in live:
                return f"{path}.{k}".lstrip("."), sealed.get(k), live.get(k)
            found = first_difference(sealed[k], live[k], f"{path}.{k}")
            if found:
                return found
        return None
    if isinstance(sealed, list) and isinstance(live, list):
        for i, (a, b) in enumerate(zip(sealed, live, strict=False)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        if len(sealed) != len(live):
            return f"{path} (length)", len(sealed), len(live)
        return None
    return None if sealed == live else (path.lstrip("."), sealed, live)


def _candidate_difference(sealed: dict[str, Any], live: dict[str, Any]) -> Difference | None:
    """The first candidate whose result differs, named by admission number and name."""
    then = {str(c["candidate_id"]): c for c in sealed.get("candidates", [])}
    now = {str(c["candidate_id"]): c for c in live.get("candidates", [])}
    for cid in sorted(set(then) | set(now), key=lambda x: (len(x), x)):
        a, b = then.get(cid), now.get(cid)
        if a is None or b is None:
            who = (a or b or {}).get("name", cid)
            return Difference(
                f"考生 {who} (candidate {cid})",
                "定稿时没有此考生 not in the finalised results"
                if a is None
                else "现已不在成绩中 no longer in the results",
            )
        found = first_difference(a, b)
        if found:
            path, x, y = found
            return Difference(
                f"考生 {a.get('admission_no') or ''} {a.get('name', '')} (candidate {cid})".strip(),
                f"{path}: 定稿 finalised {x!r}, 现在 now {y!r}",
            )
    return None


def _document_difference(
    label: str, sealed: dict[str, Any], live: dict[str, Any]
) -> Difference | None:
    if label == "results":
        found_candidate = _candidate_difference(sealed, live)
        if found_candidate:
            return found_candidate
    found = first_difference(sealed, live)
    if found is None:
        return None
    path, x, y = found
    return Difference(f"{label}.{path}", f"定稿 finalised {x!r}, 现在 now {y!r}")


def _input_differences(
    session: Session, key: WorkspaceKey, sealed: dict[str, Any]
) -> list[Difference]:
    out: list[Difference] = []
    for model, label in SEALED_TABLES:
        table: Table = model.__table__  # type: ignore[attr-defined]
        then = sealed.get(table.name)
        if then is None:
            continue
        size = int(then["size"])
        count, _, now = _fingerprints_of(session, key, table, int(then.get("version", 1)), size)
        where = f"表 {label} ({table.name})"
        bad = sorted(
            (int(b) for b in set(then["blocks"]) | set(now) if then["blocks"].get(b) != now.get(b)),
        )
        if bad:
            first = bad[0]
            ids = f"id {first}" if size == 1 else f"id {first * size}–{first * size + size - 1}"
            change = (
                "已删除 removed"
                if str(first) not in now
                else "新增 added"
                if str(first) not in then["blocks"]
                else "已改动 edited"
            )
            more = f"; {len(bad) - 1} more place(s)" if len(bad) > 1 else ""
            out.append(
                Difference(
                    f"{where} 行 row {ids}",
                    f"定稿后{change} changed since finalising{more} "
                    f"(rows then {then['rows']}, now {count})",
                )
            )
    return out


def verify_workspace(
    *, session: Session, computation: Any = None, expect: str | None = None
) -> VerifyReport:
    """Everything checked again; differences in the order found, the first one first."""
    from exam_center.services.exams import current_exam
    from exam_center.services.results import compute
    from exam_center.services.standings import results_documents

    key = workspace_key(session)
    chain = verify_chain(session=session, expect=expect)
    diffs: list[Difference] = []
    notes: list[str] = [chain.note] if chain.note else []
    if not chain.ok:
        where = f"审计日志 audit entry {chain.first_bad_id}" if chain.first_bad_id else "审计日志"
        diffs.append(Difference(where, chain.problem))
    sealed = _sealed_locks(session)
    locks = list(session.exec(sm_select(ResultsLock).order_by(col(ResultsLock.id))))
    for lock in locks:
        assert lock.id is not None
        where = f"定稿记录 resultslock row id {lock.id} ({lock.action})"
        s = sealed.get(lock.id)
        if s is None:
            diffs.append(
                Difference(
                    where,
                    "审计日志中没有它的封印，不是定稿或重开写下的 "
                    "(no sealed audit entry: a forged lock row)",
                )
            )
            continue
        if s.get("lock_mac") != lock_mac(key, lock):
            diffs.append(Difference(where, "字段已改动 fields edited since it was sealed"))
        if lock.action == "finalise" and s.get("seal") != snapshot_seal(key, lock.snapshot):
            diffs.append(
                Difference(
                    f"定稿快照 resultslock row id {lock.id} snapshot",
                    "快照已改动，与封印不符 the snapshot was edited after finalising",
                )
            )
    present = {lock.id for lock in locks}
    for lock_id in sorted(set(sealed) - present):
        diffs.append(
            Difference(
                f"定稿记录 resultslock row id {lock_id}",
                "已删除 removed (its sealed entry remains)",
            )
        )
    exam = current_exam(session)
    current = locks[-1] if locks else None
    finalised = current is not None and current.action == "finalise"
    if (exam.finalised_at is not None) != finalised:
        diffs.append(
            Difference(
                "考试 exam row",
                "标为已定稿，但没有封印的定稿 (marked finalised without a sealed finalising)"
                if exam.finalised_at is not None
                else "标为未定稿，但没有封印的重开 (marked open without a sealed re-opening)",
            )
        )
    if not finalised or current is None:
        return VerifyReport(chain, False, tuple(diffs), notes=tuple(notes))
    seal = snapshot_seal(key, current.snapshot)
    if exam.results_digest != current.digest:
        diffs.append(
            Difference(
                "考试 exam row results_digest",
                f"与定稿摘要不符 differs from the sealed digest {current.digest[:16]}…",
            )
        )
    inputs = current.snapshot.get(INPUTS_KEY)
    if isinstance(inputs, dict):
        diffs.extend(_input_differences(session, key, inputs))
    else:
        notes.append("定稿快照没有数据表指纹（旧版本定稿）the snapshot predates table fingerprints")
    c = computation if computation is not None else compute(session)
    live_digest = c.digest() if c.ranking is not None else ""
    if live_digest != current.digest:
        live = results_documents(c, session)
        named = None
        for label in ("results", "awards", "teams", "national"):
            named = _document_difference(
                label, current.snapshot.get(label, {}), normal_snapshot(live[label])
            )
            if named:
                break
        if named is None:
            named = Difference(
                "", f"摘要 {live_digest[:16]}… 与定稿摘要 {current.digest[:16]}… 不同"
            )
        diffs.append(
            Difference(
                f"重新计算的成绩 recomputed results {named.where}".rstrip(),
                f"与定稿不同 differs from the finalised results: {named.what}",
            )
        )
    return VerifyReport(chain, True, tuple(diffs), current.digest, seal, tuple(notes))


def require_verified(*, session: Session, computation: Any = None) -> VerifyReport:
    """The verification an export of finalised results needs; SealBroken names the first
    difference."""
    report = verify_workspace(session=session, computation=computation)
    if not report.ok:
        first = report.first
        raise SealBroken(
            "定稿成绩未通过验证，拒绝导出 the finalised results do not verify, nothing was "
            f"exported: {first} ({len(report.differences)} difference(s); "
            "`exam-center verify` lists them)"
        )
    return report


def seal_line(report: VerifyReport) -> str:
    """The line printed on receipts and award lists."""
    return (
        f"结果封印 HMAC {report.seal[:32]}  审计链 {report.head.entries} 条 "
        f"链头 {report.head.printed()}"
    )
