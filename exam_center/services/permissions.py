"""Who may do what: the one table of actions and the roles allowed each, checked by the
services (so the CLI and the TUI obey the same rules), and the signed-in account a
session acts for. Every change is recorded under its action (`audit.record` checks it
again), so an action missing here cannot be done by anyone."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session

from exam_center.domain import vocabulary
from exam_center.domain.errors import NotAllowed


class Role(StrEnum):
    STAFF = "staff"
    PROCTOR = "proctor"
    OFFICER = "officer"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def chinese(self) -> str:
        return ROLE_LABELS[self].split()[0]


ROLE_LABELS = {r: vocabulary.ROLE_LABELS[r.value] for r in Role}

STAFF, PROCTOR, OFFICER, ADMIN = Role.STAFF, Role.PROCTOR, Role.OFFICER, Role.ADMIN

# action -> roles. Reading (lists, results, exports' previews) needs an account, any role.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "exam.init": frozenset({ADMIN}),
    "users.manage": frozenset({ADMIN}),
    "users.add": frozenset({ADMIN}),
    "users.disable": frozenset({ADMIN}),
    "users.enable": frozenset({ADMIN}),
    "users.roles": frozenset({ADMIN}),
    "users.passwd": frozenset(Role),  # one's own; another's needs users.manage
    "candidates.import": frozenset({STAFF}),
    "candidates.ids_shown": frozenset({STAFF, OFFICER}),
    "rooms.import": frozenset({STAFF}),
    "invigilators.import": frozenset({STAFF}),
    "seating.assign": frozenset({STAFF}),
    "print.sheets": frozenset({STAFF}),
    "print.spares": frozenset({STAFF}),
    "print.rooms": frozenset({STAFF}),
    "register.read": frozenset({STAFF, OFFICER}),
    "scan.batch": frozenset({PROCTOR}),
    "scan.page": frozenset({PROCTOR}),
    "scan.open": frozenset({PROCTOR}),
    "candidate.absent": frozenset({STAFF, PROCTOR, OFFICER}),
    "review.question": frozenset({PROCTOR, OFFICER}),
    "review.conflict": frozenset({PROCTOR, OFFICER}),
    "review.identify": frozenset({PROCTOR, OFFICER}),
    "review.admission": frozenset({PROCTOR, OFFICER}),
    "key.import": frozenset({OFFICER}),
    "key.correct": frozenset({OFFICER}),
    "scores.import": frozenset({OFFICER}),
    "tie.decide": frozenset({OFFICER}),
    "team.organisation_award": frozenset({OFFICER}),
    "team.organisation_award.withdraw": frozenset({OFFICER}),
    "national.draw": frozenset({OFFICER}),
    "national.results": frozenset({OFFICER}),
    "results.finalise": frozenset({OFFICER}),
    "results.reopen": frozenset({OFFICER}),
    "results.export": frozenset({OFFICER}),
    "print.certificates": frozenset({OFFICER}),
    "register.update": frozenset({OFFICER}),
    "signoff.request": frozenset({OFFICER}),
    "signoff.withdraw": frozenset({OFFICER}),
}

# Recorded by the program itself or before anyone is signed in.
SYSTEM_ACTIONS = frozenset(
    {"workspace.key", "account.sign_in", "account.sign_in_failed", "account.locked"}
)
SYSTEM = "exam-center"


@dataclass(frozen=True)
class Actor:
    """The signed-in account a session acts for (a read model, not the row)."""

    name: str
    display_name: str
    roles: frozenset[Role]

    def may(self, action: str) -> bool:
        return bool(self.roles & roles_for(action))

    @property
    def label(self) -> str:
        roles = "、".join(r.chinese for r in Role if r in self.roles)
        return f"{self.display_name} ({self.name} · {roles})"


class NotSignedIn(NotAllowed):
    def __init__(self) -> None:
        super().__init__(
            "未登录 no account signed in: run `exam-center login`, or set EXAM_CENTER_USER "
            "and EXAM_CENTER_PASSWORD"
        )


class NotPermitted(NotAllowed):
    def __init__(self, actor: Actor, action: str) -> None:
        self.action = action
        self.needed = roles_for(action)
        super().__init__(
            f"{refusal(action)}: {actor.display_name} ({actor.name}) 无权执行 {action}"
        )


def roles_for(action: str) -> frozenset[Role]:
    try:
        return PERMISSIONS[action]
    except KeyError:
        raise KeyError(f"action {action!r} is not in the permission table") from None


def refusal(action: str) -> str:
    """Why the action is refused (or greyed out): the roles it needs, in Chinese first."""
    roles = [r for r in Role if r in roles_for(action)]
    return f"仅限{'、'.join(r.chinese for r in roles)} (needs role: {', '.join(roles)})"


def signed_in(session: Session) -> Actor:
    actor = session.info.get("actor")
    if not isinstance(actor, Actor):
        raise NotSignedIn()
    return actor


def require(session: Session, action: str) -> Actor:
    """The signed-in account, if its roles allow `action`; else NotPermitted naming them."""
    actor = signed_in(session)
    if not actor.may(action):
        raise NotPermitted(actor, action)
    return actor


def actor_name(session: Session) -> str:
    """Who a change is recorded as: the signed-in account, always."""
    return signed_in(session).name
