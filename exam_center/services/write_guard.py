"""One guard on every write: a session of an exam's database (every one the workspace
opens) writes only for a signed-in account, and nothing the results depend on changes
while they are finalised. It is a SQLAlchemy session hook (every ORM flush and every
INSERT/UPDATE/DELETE run through a session), so a service added later is guarded
without being listed anywhere.

What may still be written while finalised is the short list below: the audit log and
the locks (append-only), accounts and sign-offs, print runs (certificates are printed
from final results), and the exam row's own finalising columns."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from exam_center.db.models import Account, AuditEntry, Exam, PrintRun, ResultsLock, SignOff
from exam_center.domain.errors import NotAllowed

# Tables a write to which never changes the results.
OUTSIDE_RESULTS = frozenset(
    t.__tablename__ for t in (AuditEntry, ResultsLock, Account, SignOff, PrintRun)
)
# Written before anyone is signed in: sign-in failures and lock-outs, the key's entry.
WITHOUT_ACCOUNT = frozenset(t.__tablename__ for t in (AuditEntry, Account))
# The exam row's columns finalising and re-opening set, and the legacy secret's removal.
EXAM_STATE_COLUMNS = frozenset({"finalised_at", "results_digest", "secret_hex"})


class ResultsFinalised(NotAllowed):
    def __init__(self, table: str) -> None:
        self.table = table
        super().__init__(
            "成绩已定稿，不能修改；须先由两位成绩管理人员重新打开 (the results are finalised: "
            f"nothing they depend on may change ({table}); re-open them first: "
            "exam-center reopen --reason …)"
        )


def _changed_columns(obj: Any) -> set[str]:
    state = inspect(obj)
    return {a.key for a in state.attrs if a.history.has_changes()}


def _tables(session: Session) -> set[str]:
    """The tables this flush writes, leaving out the exam row's finalising columns."""
    out: set[str] = set()
    for obj in (*session.new, *session.deleted):
        out.add(obj.__tablename__)
    for obj in session.dirty:
        if not session.is_modified(obj):
            continue
        if isinstance(obj, Exam) and _changed_columns(obj) <= EXAM_STATE_COLUMNS:
            out.add("exam.state")
            continue
        out.add(obj.__tablename__)
    return out


def _finalised(session: Session) -> bool:
    with session.no_autoflush:
        # What the database holds, not the identity map: finalising's own flush (the exam
        # row's finalised_at) is judged by the state before it.
        return bool(
            session.connection()
            .execute(
                select(Exam.__table__.c.finalised_at).where(  # type: ignore[attr-defined]
                    Exam.__table__.c.finalised_at.is_not(None)  # type: ignore[attr-defined]
                )
            )
            .first()
        )


def check(session: Session, tables: set[str]) -> None:
    if not tables or not session.info.get("guarded"):
        return
    if "actor" not in session.info and not tables <= WITHOUT_ACCOUNT | {"exam.state"}:
        from exam_center.services.permissions import NotSignedIn

        raise NotSignedIn()
    guarded = tables - OUTSIDE_RESULTS - {"exam.state"}
    if guarded and _finalised(session):
        raise ResultsFinalised(", ".join(sorted(guarded)))


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _tx: UOWTransaction, _instances: Any) -> None:
    check(session, _tables(session))


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    name = getattr(table, "name", None)
    if name is not None:
        check(state.session, {str(name)})


def guard(session: Session) -> None:
    """Put `session` under the guard (the workspace does it for each session it opens)."""
    session.info["guarded"] = True
