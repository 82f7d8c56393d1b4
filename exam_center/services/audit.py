"""The append-only audit log. Each entry's hash is an HMAC, under the workspace key
(`workspace_key`), of its content and the previous entry's hash, so `verify_chain` finds
the first entry that was altered or removed, and nobody without the key file can write
a chain that verifies. A head printed on paper (`audit verify --expect`) shows entries
removed from the end. Entries written before the key existed (`legacy_entries`) keep
their plain SHA-256 link; the first keyed entry after them anchors them."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from exam_center.db.models import AuditEntry
from exam_center.services.permissions import SYSTEM_ACTIONS, require
from exam_center.services.workspace_key import KEY_ACTION, WorkspaceKey, workspace_key

GENESIS = "0" * 64
MIN_EXPECT = 16  # hex digits of a printed head that must be given to check against it


def _body(prev: str, at: datetime, operator: str, action: str, detail: dict[str, Any]) -> bytes:
    if at.tzinfo is None:  # SQLite hands back naive datetimes; they were written in UTC
        at = at.replace(tzinfo=UTC)
    return json.dumps(
        {
            "prev": prev,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "operator": operator,
            "action": action,
            "detail": detail,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _plain(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _keyed(key: WorkspaceKey, body: bytes) -> str:
    return key.mac("audit", body)


def record(session: Session, *, action: str, **detail: Any) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits with the change it
    records), as the signed-in account, whose roles must allow `action`."""
    return _append(session, require(session, action).name, action, detail)


def record_many(
    session: Session, *, action: str, details: list[dict[str, Any]]
) -> list[AuditEntry]:
    """Append one entry per item of ``details``, in order, as :func:`record` would one at a
    time (the same chain, the same entries), with one permission check, one look at the
    chain's head and one flush: a group of scanned pages is stored with its entries."""
    return _append_many(session, require(session, action).name, action, details)


def record_system(session: Session, operator: str, action: str, **detail: Any) -> AuditEntry:
    """An entry the program writes itself (the key) or before anyone is signed in (a
    sign-in, a failed one, a lock-out: `operator` is the name that was given)."""
    if action not in SYSTEM_ACTIONS:
        raise ValueError(f"{action!r} is not a system action: record it as the signed-in account")
    return _append(session, operator, action, detail)


def _append(session: Session, operator: str, action: str, detail: dict[str, Any]) -> AuditEntry:
    return _append_many(session, operator, action, [detail])[0]


def _append_many(
    session: Session, operator: str, action: str, details: list[dict[str, Any]]
) -> list[AuditEntry]:
    # First: on a fresh database this makes the key and records it (an entry of its own).
    key = workspace_key(session)
    if session.get_bind().dialect.name == "postgresql":
        # Several terminals share one server: serialise appends so the chain stays linear.
        session.execute(text("SELECT pg_advisory_xact_lock(74201)"))
    last = session.exec(
        select(AuditEntry.hash).order_by(col(AuditEntry.id).desc()).limit(1)
    ).first()
    prev = last if last else GENESIS
    entries: list[AuditEntry] = []
    for raw in details:
        at = datetime.now(UTC)
        detail = json.loads(json.dumps(raw, ensure_ascii=False, default=str))
        entry = AuditEntry(
            at=at,
            operator=operator,
            action=action,
            detail=detail,
            prev_hash=prev,
            hash=_keyed(key, _body(prev, at, operator, action, detail)),
        )
        entries.append(entry)
        prev = entry.hash
    session.add_all(entries)
    session.flush()
    return entries


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    operator: str
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class ChainHead:
    """What is printed on paper: the number of entries and the newest entry's hash."""

    entries: int
    head: str

    def printed(self) -> str:
        return f"{self.entries}:{self.head[:32]}"


@dataclass(frozen=True)
class ChainReport:
    entries: int
    ok: bool
    first_bad_id: int | None = None
    problem: str = ""
    head: str = GENESIS
    note: str = ""  # e.g. entries added since the printed head (not a fault)

    @property
    def chain_head(self) -> ChainHead:
        return ChainHead(self.entries, self.head)


def chain_head(*, session: Session) -> ChainHead:
    from sqlmodel import func

    last = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    count = session.exec(select(func.count()).select_from(AuditEntry)).one()
    return ChainHead(int(count), last.hash if last else GENESIS)


def _parse_expect(expect: str) -> tuple[int | None, str]:
    count, _, head = expect.strip().rpartition(":")
    head = head.lower()
    if len(head) < MIN_EXPECT or any(ch not in "0123456789abcdef" for ch in head):
        raise ValueError(
            f"--expect takes the printed head, COUNT:HEX or HEX ({MIN_EXPECT}+ hex digits)"
        )
    if count and not count.isdigit():
        raise ValueError("--expect: the part before ':' is the entry count")
    return (int(count) if count else None), head


def verify_chain(*, session: Session, expect: str | None = None) -> ChainReport:
    """Walk the chain from the start; the first entry that does not verify is named.
    With `expect` (a printed head), also name entries removed from the end."""
    key = workspace_key(session)
    want_count, want_head = _parse_expect(expect) if expect else (None, "")
    prev = GENESIS
    count = 0
    found_at: int | None = None
    key_seen = False
    for entry in session.exec(select(AuditEntry).order_by(col(AuditEntry.id))):
        count += 1
        assert entry.id is not None
        where = f"entry {entry.id}"
        if entry.prev_hash != prev:
            return ChainReport(
                count,
                False,
                entry.id,
                f"审计日志第 {count} 条之前的条目被删除或改动 {where}: "
                "the entry before it was removed or altered",
                prev,
            )
        body = _body(entry.prev_hash, entry.at, entry.operator, entry.action, entry.detail)
        legacy = count <= key.legacy_entries
        expected = _plain(body) if legacy else _keyed(key, body)
        if not hmac.compare_digest(entry.hash, expected):
            if entry.action == KEY_ACTION and entry.detail.get("key_id") != key.key_id:
                problem = (
                    f"工作区密钥文件不是本考试的密钥 the key file {key.path} is not this "
                    f"workspace's key (the log names key {entry.detail.get('key_id')}, "
                    f"the file holds key {key.key_id}): {where}"
                )
            elif not key_seen and not legacy:
                problem = (
                    f"审计日志第 {count} 条无法用工作区密钥验证 {where} does not verify under "
                    f"the key file {key.path}: the entry was altered, or the key was replaced"
                )
            else:
                problem = f"审计日志第 {count} 条被改动 {where} was altered ({entry.action})"
            return ChainReport(count, False, entry.id, problem, prev)
        if entry.action == KEY_ACTION and not legacy:
            key_seen = True
        prev = entry.hash
        if want_head and entry.hash.startswith(want_head) and found_at is None:
            found_at = count
    if not key_seen:
        return ChainReport(
            count,
            False,
            None,
            f"审计日志被截短或重写 the log has {count} entries, but the key was made after "
            f"entry {key.legacy_entries} and its entry is missing: entries were removed",
            prev,
        )
    if want_head:
        if found_at is None:
            return ChainReport(
                count,
                False,
                None,
                f"打印的链头 {expect} 不在审计日志中 the printed head is not in the log "
                f"(it now has {count} entries, head {prev[:32]}): entries were removed or "
                "rewritten",
                prev,
            )
        if want_count is not None and want_count != found_at:
            return ChainReport(
                count,
                False,
                None,
                f"打印的链头是第 {want_count} 条，日志中它是第 {found_at} 条 the printed head was "
                f"entry {want_count}, it is entry {found_at} now: entries before it were removed",
                prev,
            )
        added = count - found_at
        note = (
            f"打印链头之后新增 {added} 条 ({added} entries since the printed head)" if added else ""
        )
        return ChainReport(count, True, head=prev, note=note)
    return ChainReport(count, True, head=prev)


def list_entries(
    *, session: Session, offset: int = 0, limit: int = 200, action: str | None = None
) -> list[AuditLine]:
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    if action:
        query = query.where(col(AuditEntry.action).startswith(action))
    return [AuditLine(e.id or 0, e.at, e.operator, e.action, e.detail) for e in session.exec(query)]
