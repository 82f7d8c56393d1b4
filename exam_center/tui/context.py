"""Who is at the keyboard and what their role lets them do.

The role only decides what the UI offers; the services record every change with
the operator's name. `AppContext` is handed down to every screen (attributes down).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exam_center.services.workspace import Workspace


class Role(StrEnum):
    STAFF = "staff"
    PROCTOR = "proctor"
    RESULTS = "results"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.STAFF: "考务人员 exam-centre staff",
    Role.PROCTOR: "扫描员 proctor",
    Role.RESULTS: "成绩管理 results officer",
}


class Permission(StrEnum):
    IMPORT_CANDIDATES = "import_candidates"
    IMPORT_VENUES = "import_venues"
    SEAT = "seat"
    PRINT = "print"
    SCAN = "scan"
    REVIEW = "review"
    GRADE = "grade"
    FINALISE = "finalise"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.STAFF: frozenset(
        {
            Permission.IMPORT_CANDIDATES,
            Permission.IMPORT_VENUES,
            Permission.SEAT,
            Permission.PRINT,
            Permission.SCAN,
            Permission.REVIEW,
        }
    ),
    Role.PROCTOR: frozenset({Permission.SCAN, Permission.REVIEW}),
    Role.RESULTS: frozenset({Permission.REVIEW, Permission.GRADE, Permission.FINALISE}),
}


def roles_with(permission: Permission) -> list[Role]:
    return [role for role, allowed in ROLE_PERMISSIONS.items() if permission in allowed]


def refusal(permission: Permission) -> str:
    """Why an action is greyed out, for the footer tooltip and the notification."""
    who = "、".join(role.label.split()[0] for role in roles_with(permission))
    return f"仅限{who} (needs role: {', '.join(r.value for r in roles_with(permission))})"


@dataclass(frozen=True)
class Operator:
    name: str
    role: Role

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


@dataclass
class AppContext:
    """The workspace and the signed-in operator, shared by the app and its screens."""

    workspace: Workspace
    operator: Operator | None = None

    def can(self, permission: Permission) -> bool:
        return self.operator is not None and self.operator.can(permission)

    def sign_in(self, operator: Operator) -> None:
        # Services audit with `workspace.operator`; a settings copy keeps the rest intact.
        settings = self.workspace.settings.model_copy(update={"operator": operator.name})
        self.workspace.settings = settings
        self.operator = operator
