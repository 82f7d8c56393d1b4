"""Why a seating or invigilation request cannot be met, in machine-readable form.

Every failure of the library is an exception carrying a tuple of `Diagnostic`s:
a stable `code` (a `DiagnosticCode`, which is also a plain `str`), a one-line
human `message`, and a `detail` dict of JSON-ready values (room codes, team
names, counts) so the CLI, TUI and tests can act on it without parsing text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class DiagnosticCode(StrEnum):
    """Stable identifiers of the reasons a request is refused."""

    # Inputs that are malformed rather than infeasible.
    INVALID_RULES = "invalid_rules"
    INVALID_ROOM = "invalid_room"
    DUPLICATE_ROOM = "duplicate_room"
    DUPLICATE_CANDIDATE = "duplicate_candidate"
    MISSING_TEAM = "missing_team"
    DUPLICATE_INVIGILATOR = "duplicate_invigilator"
    # Seating.
    SHORT_OF_SEATS = "short_of_seats"
    TEAM_TOO_LARGE = "team_too_large"
    FALLBACK_NOT_ALLOWED = "fallback_not_allowed"
    ROOM_UNSOLVED = "room_unsolved"
    NO_BALANCED_ROOMS = "no_balanced_rooms"
    # Invigilation.
    SHORT_OF_INVIGILATORS = "short_of_invigilators"
    ROOM_SHORT_OF_INVIGILATORS = "room_short_of_invigilators"
    INVIGILATOR_CONFLICT_SET = "invigilator_conflict_set"
    # A plan that failed its own validation: a bug, never expected.
    PLAN_FAILED_VALIDATION = "plan_failed_validation"


@dataclass(frozen=True)
class Diagnostic:
    """One reason a request cannot be met."""

    code: DiagnosticCode
    message: str
    detail: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, object]:
        return {"code": str(self.code), "message": self.message, "detail": dict(self.detail)}


class SeatingError(Exception):
    """Base of every error the library raises; carries its diagnostics."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: tuple[Diagnostic, ...] = tuple(diagnostics)
        super().__init__("; ".join(d.message for d in self.diagnostics) or type(self).__name__)

    @property
    def codes(self) -> tuple[DiagnosticCode, ...]:
        return tuple(d.code for d in self.diagnostics)


class InvalidSeatingInput(SeatingError, ValueError):
    """The inputs are malformed (duplicate ids, bad room geometry, bad rules)."""


class SeatingInfeasible(SeatingError):
    """No plan satisfies the rules with the rooms available."""


class InvigilationInfeasible(SeatingError):
    """The rooms cannot all be given enough conflict-free invigilators."""


class PlanFailedValidation(SeatingError):
    """The solver produced a plan its own validator rejects (a bug; never returned)."""
