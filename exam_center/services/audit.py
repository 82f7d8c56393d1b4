"""The append-only audit log. Each entry's hash covers its content and the previous
entry's hash, so `verify_chain` finds the first entry that was altered or removed."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from exam_center.models import AuditEntry

GENESIS = "0" * 64


def _digest(prev: str, at: datetime, operator: str, action: str, detail: dict[str, Any]) -> str:
    body = json.dumps(
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
    )
    return hashlib.sha256(body.encode()).hexdigest()


def record(session: Session, *, operator: str, action: str, **detail: Any) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits with the change it records)."""
    if session.get_bind().dialect.name == "postgresql":
        # Several terminals share one server: serialise appends so the chain stays linear.
        session.execute(text("SELECT pg_advisory_xact_lock(74201)"))
    last = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(1)).first()
    prev = last.hash if last else GENESIS
    at = datetime.now(UTC)
    detail = json.loads(json.dumps(detail, ensure_ascii=False, default=str))
    entry = AuditEntry(
        at=at,
        operator=operator,
        action=action,
        detail=detail,
        prev_hash=prev,
        hash=_digest(prev, at, operator, action, detail),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    operator: str
    action: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class ChainReport:
    entries: int
    ok: bool
    first_bad_id: int | None = None
    problem: str = ""


def verify_chain(*, session: Session) -> ChainReport:
    prev = GENESIS
    count = 0
    for entry in session.exec(select(AuditEntry).order_by(col(AuditEntry.id))):
        count += 1
        assert entry.id is not None
        if entry.prev_hash != prev:
            return ChainReport(
                count,
                False,
                entry.id,
                f"entry {entry.id}: the entry before it was removed or altered",
            )
        expected = _digest(entry.prev_hash, entry.at, entry.operator, entry.action, entry.detail)
        if entry.hash != expected:
            return ChainReport(count, False, entry.id, f"entry {entry.id} was altered")
        prev = entry.hash
    return ChainReport(count, True)


def list_entries(
    *, session: Session, offset: int = 0, limit: int = 200, action: str | None = None
) -> list[AuditLine]:
    query = select(AuditEntry).order_by(col(AuditEntry.id).desc()).offset(offset).limit(limit)
    if action:
        query = query.where(col(AuditEntry.action).startswith(action))
    return [AuditLine(e.id or 0, e.at, e.operator, e.action, e.detail) for e in session.exec(query)]
