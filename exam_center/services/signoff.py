"""双人复核: what decides awards (finalising, re-opening, correcting the answer key) is
done only when two results officers have signed the same thing. The first one's
attempt becomes a pending request naming what it signs (the live results digest, the
key file's SHA-256); the action is done when another officer makes the same attempt on
the same subject, and both names are recorded. A request whose subject changed since
(the results moved, another key file) is withdrawn and asked again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from exam_center.db.models import SignOff
from exam_center.domain.errors import NotAllowed
from exam_center.services import audit
from exam_center.services.exams import current_exam_id
from exam_center.services.permissions import require

ACTION_LABELS = {
    "results.finalise": "定稿 finalising the results",
    "results.reopen": "重新打开 re-opening the results",
    "key.correct": "更正答案 correcting the answer key",
}


@dataclass(frozen=True)
class SignOffPending:
    """Asked for, waiting for a second officer."""

    id: int
    action: str
    subject: str
    requested_by: str
    replaced: str = ""  # the earlier request this one replaces, and why

    def message(self) -> str:
        what = ACTION_LABELS.get(self.action, self.action)
        again = f"{self.replaced}; " if self.replaced else ""
        return (
            f"{again}已提交双人复核申请 #{self.id}（{what}），由 {self.requested_by} 提交；"
            "须由另一位成绩管理人员登录后执行同一操作确认 "
            f"(request #{self.id} waits for a second results officer: they sign in and do the same)"
        )


@dataclass(frozen=True)
class Signed:
    """Two officers signed: the action goes ahead in this transaction."""

    id: int
    requested_by: str
    signed_by: str

    @property
    def both(self) -> str:
        return f"{self.requested_by}, {self.signed_by}"


def pending(session: Session, action: str) -> SignOff | None:
    return session.exec(
        select(SignOff)
        .where(
            SignOff.exam_id == current_exam_id(session),
            SignOff.action == action,
            SignOff.state == "pending",
        )
        .order_by(col(SignOff.id).desc())
    ).first()


def sign(
    session: Session, action: str, subject: str, detail: dict[str, Any] | None = None
) -> SignOffPending | Signed:
    """Sign `action` on `subject`: a new request, or the second signature that lets it go
    ahead. The same officer cannot sign twice."""
    actor = require(session, action)
    now = datetime.now(UTC)
    waiting = pending(session, action)
    replaced = ""
    if waiting is not None:
        if waiting.subject == subject:
            if waiting.requested_by == actor.name:
                raise NotAllowed(
                    f"双人复核：申请 #{waiting.id} 已由你提交，须由另一位成绩管理人员确认 "
                    f"(you asked for this yourself in request #{waiting.id}: a second results "
                    "officer must sign it)"
                )
            waiting.state, waiting.signed_by, waiting.signed_at = "done", actor.name, now
            session.add(waiting)
            assert waiting.id is not None
            return Signed(waiting.id, waiting.requested_by, actor.name)
        waiting.state = "withdrawn"
        session.add(waiting)
        replaced = (
            f"申请 #{waiting.id}（{waiting.requested_by}）所签内容已变化，已撤回 (request "
            f"#{waiting.id} signed {waiting.subject[:12]}…, now {subject[:12]}…: withdrawn)"
        )
        audit.record(
            session,
            action="signoff.withdraw",
            request=waiting.id,
            signed=action,
            why="subject changed",
        )
    request = SignOff(
        exam_id=current_exam_id(session),
        action=action,
        subject=subject,
        detail=detail or {},
        requested_by=actor.name,
        requested_at=now,
    )
    session.add(request)
    session.flush()
    assert request.id is not None
    audit.record(
        session,
        action="signoff.request",
        request=request.id,
        signed=action,
        subject=subject,
        **(detail or {}),
    )
    return SignOffPending(request.id, action, subject, actor.name, replaced)


def withdraw(session: Session, request_id: int) -> None:
    actor = require(session, "signoff.withdraw")
    request = session.get(SignOff, request_id)
    if request is None or request.state != "pending":
        raise NotAllowed(f"没有待确认的申请 #{request_id} (no pending request #{request_id})")
    request.state = "withdrawn"
    session.add(request)
    audit.record(
        session,
        action="signoff.withdraw",
        request=request_id,
        signed=request.action,
        why=f"withdrawn by {actor.name}",
    )


@dataclass(frozen=True)
class PendingLine:
    id: int
    action: str
    label: str
    requested_by: str
    requested_at: datetime
    subject: str


def pending_requests(session: Session) -> list[PendingLine]:
    rows = session.exec(
        select(SignOff)
        .where(SignOff.exam_id == current_exam_id(session), SignOff.state == "pending")
        .order_by(col(SignOff.id))
    )
    return [
        PendingLine(
            r.id or 0,
            r.action,
            ACTION_LABELS.get(r.action, r.action),
            r.requested_by,
            r.requested_at,
            r.subject,
        )
        for r in rows
    ]
