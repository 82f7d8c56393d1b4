"""Signed-in accounts for tests: the fixture's all-roles actor, and the second results
officer that 双人复核 needs (the real services, both signatures in one session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlmodel import Session

from exam_center.services.permissions import Actor, Role

ALL_ROLES = frozenset(Role)
SECOND = Actor("复核员", "复核员", frozenset({Role.OFFICER}))


def actor(name: str, *roles: Role) -> Actor:
    return Actor(name, name, frozenset(roles) or ALL_ROLES)


def _twice(session: Session, call: Any) -> Any:
    from exam_center.services.signoff import SignOffPending

    first = call()
    if not isinstance(first, SignOffPending):
        return first
    mine = session.info["actor"]
    session.info["actor"] = SECOND
    try:
        return call()
    finally:
        session.info["actor"] = mine


def finalise_by_two(session: Session) -> Any:
    from exam_center.services import finalising

    return _twice(session, lambda: finalising.finalise(session=session))


def reopen_by_two(session: Session, reason: str) -> Any:
    from exam_center.services import finalising

    return _twice(session, lambda: finalising.reopen(session=session, reason=reason))


def import_key_by_two(path: Path, session: Session, **kwargs: Any) -> Any:
    from exam_center.services import marking

    return _twice(session, lambda: marking.import_key(path, session=session, **kwargs))
