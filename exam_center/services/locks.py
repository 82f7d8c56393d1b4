"""The results lock: what scanners and reviewers hold (shared) while they store a page or
a decision, and finalise holds (exclusive) while it reads the results it locks, so that
no page or decision lands between finalise's reading and its digest.

On PostgreSQL it is a row lock on the exam (``FOR SHARE`` / ``FOR UPDATE``): terminals
storing pages do not wait for each other, only for a finalise. SQLite has one writer at a
time whatever is asked, so there the lock is SQLite's write lock, taken at once by a write
that changes nothing; the transaction's reads after it are then one snapshot that no other
terminal can change until it ends (without it, each read sees whatever was committed
last, and a page stored between two reads goes unseen by one of them).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session

from exam_center.db.models import Exam


def hold_results(session: Session, exam_id: int, *, exclusive: bool) -> None:
    """Take the results lock for the rest of the caller's transaction."""
    _take(session, exam_id, exclusive=exclusive)
    # The exam as read before the lock (its finalised_at, say) may be stale by now: the
    # session would hand back the loaded row unchanged, so reload it on next use.
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, Exam):
            session.expire(loaded)


def _take(session: Session, exam_id: int, *, exclusive: bool) -> None:
    if session.get_bind().dialect.name == "sqlite":
        # A column no key or constraint involves, set to itself: only the lock is wanted.
        session.execute(
            text("UPDATE exam SET finalised_at = finalised_at WHERE id = :id"), {"id": exam_id}
        )
        return
    mode = "UPDATE" if exclusive else "SHARE"
    session.execute(text(f"SELECT id FROM exam WHERE id = :id FOR {mode}"), {"id": exam_id})
