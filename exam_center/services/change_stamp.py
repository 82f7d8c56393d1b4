"""A stamp of everything the results are computed from: equal stamps, equal results.

Every change an exam goes through is audited, and the audit log is a hash chain whose
entries' hashes cover the moment they were written, so the last entry that can change
the results (`INERT_ACTIONS` cannot: signing in, exporting, printing...) (with the
counts and last ids of the tables the results read, for a change a future service
might forget to audit) names the database's state. A change rolled back never comes
back with the same hash. A handful of indexed look-ups: a few milliseconds at any size.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from exam_center.db import models
from exam_center.db.models import AuditEntry, ReviewItem, ScannedPage

READ_BY_RESULTS = tuple(
    getattr(models, name)
    for name in (
        "Absence",
        "AnswerKeyVersion",
        "Candidate",
        "NationalDrawRecord",
        "NationalResultRecord",
        "OrganisationAward",
        "RegisterFact",
        "ResultsLock",
        "ReviewDecision",
        "ReviewItem",
        "ScannedPage",
        "Seat",
        "SubjectiveMark",
        "TieDecisionRecord",
    )
)

Stamp = tuple[object, ...]

# Audited actions that change nothing the results read: signing in (every CLI command
# does), exporting, printing, showing IDs, the accounts and the 双人复核 requests. They
# leave the stamp as it was, so the results kept for one command serve the next.
INERT_ACTIONS = (
    "account.sign_in",
    "account.sign_in_failed",
    "results.export",
    "print.sheets",
    "print.spares",
    "print.rooms",
    "print.certificates",
    "candidates.ids_shown",
    "register.read",
    "users.add",
    "users.disable",
    "users.enable",
    "users.roles",
    "users.passwd",
    "signoff.request",
    "signoff.withdraw",
)


def change_stamp(session: Session) -> Stamp:
    last = session.exec(
        select(AuditEntry.id, AuditEntry.hash)
        .where(col(AuditEntry.action).not_in(INERT_ACTIONS))
        .order_by(col(AuditEntry.id).desc())
        .limit(1)
    ).first()
    parts: list[object] = [tuple(last) if last is not None else None]
    for table in READ_BY_RESULTS:
        key = col(table.id)
        parts.append(tuple(session.exec(select(func.count(key), func.max(key))).one()))
    current = session.exec(
        select(func.count(col(ScannedPage.id))).where(col(ScannedPage.current))
    ).one()
    open_items = session.exec(
        select(func.count(col(ReviewItem.id))).where(col(ReviewItem.open))
    ).one()
    parts += [current, open_items]
    return tuple(parts)
