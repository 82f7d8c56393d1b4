"""Who is at the keyboard and what their account's roles let them do.

The services decide (one permission table, `services.permissions`); the UI asks the
same table so that it greys out what the account may not use, with the reason.
`AppContext` is handed down to every screen (attributes down).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from exam_center.services import permissions
from exam_center.services.permissions import Actor, Role
from exam_center.services.workspace import Workspace

__all__ = ["Actor", "AppContext", "Operator", "Permission", "Role", "refusal", "roles_with"]

Operator = Actor  # the signed-in account, as the screens call it


class Permission(StrEnum):
    """What a screen offers, by the service action that it calls."""

    IMPORT_CANDIDATES = "candidates.import"
    IMPORT_VENUES = "rooms.import"
    SEAT = "seating.assign"
    PRINT = "print.sheets"
    PRINT_SPARES = "print.spares"
    PRINT_ROOMS = "print.rooms"
    SCAN = "scan.batch"
    REVIEW = "review.question"
    GRADE = "key.import"
    FINALISE = "results.finalise"
    EXPORT = "results.export"
    CERTIFICATES = "print.certificates"


def roles_with(permission: Permission) -> list[Role]:
    allowed = permissions.roles_for(permission.value)
    return [r for r in Role if r in allowed]


def refusal(permission: Permission) -> str:
    """Why an action is greyed out, for the footer tooltip and the notification."""
    return permissions.refusal(permission.value)


@dataclass
class AppContext:
    """The workspace and the signed-in account, shared by the app and its screens."""

    workspace: Workspace
    operator: Actor | None = None

    def can(self, permission: Permission) -> bool:
        return self.operator is not None and self.operator.may(permission.value)

    def sign_in(self, operator: Actor) -> None:
        self.workspace.actor = operator
        self.operator = operator
