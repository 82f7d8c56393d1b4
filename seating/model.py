"""The values the seating library takes and returns: plain frozen dataclasses.

Inputs: `Room`, `SeatCandidate`, `Invigilator`, `SeatingRules`. Output: `SeatPlan`
(rooms in plan order, each a `RoomPlan` with its `SeatAssignment`s and
`InvigilatorAssignment`s). A plan serialises with `to_dict()` to JSON-ready
dicts and back with `SeatPlan.from_dict()`; the round trip is exact.
Constructors check their own invariants and raise `InvalidSeatingInput`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from seating.errors import Diagnostic, DiagnosticCode, InvalidSeatingInput

Neighbourhood = Literal[4, 8]

# Bumped whenever a change to the solver would give a different plan for the
# same inputs and seed, so a stored plan says which solver reproduces it.
ALGORITHM = "seating/1"


def as_neighbourhood(value: object) -> Neighbourhood:
    if value == 8:
        return 8
    if value == 4:
        return 4
    raise InvalidSeatingInput(
        [
            Diagnostic(
                DiagnosticCode.INVALID_RULES,
                f"neighbourhood must be 8 or 4, not {value!r}",
                {"neighbourhood": repr(value)},
            )
        ]
    )


@dataclass(frozen=True)
class Room:
    """A grid of `rows` x `cols` seats; row 1 is the front, column 1 the door side.

    `unusable` holds seat numbers (snake numbering, see `seating.geometry`) that
    keep their number but are never assigned.
    """

    code: str
    rows: int
    cols: int
    unusable: frozenset[int] = frozenset()
    building: str = ""

    def __post_init__(self) -> None:
        problems: list[str] = []
        if not self.code:
            problems.append("a room needs a code")
        if self.rows < 1 or self.cols < 1:
            problems.append(f"room {self.code!r} has {self.rows} rows x {self.cols} columns")
        bad = sorted(n for n in self.unusable if not 1 <= n <= self.rows * self.cols)
        if bad:
            problems.append(f"room {self.code!r}: unusable seats {bad} do not exist")
        if problems:
            raise InvalidSeatingInput(
                Diagnostic(DiagnosticCode.INVALID_ROOM, p, {"room": self.code}) for p in problems
            )

    @property
    def seat_count(self) -> int:
        """Seat numbers in the room, usable or not (drives the admission-number width)."""
        return self.rows * self.cols

    @property
    def capacity(self) -> int:
        """Usable seats."""
        return self.rows * self.cols - len(self.unusable)

    def usable_seats(self) -> list[int]:
        return [n for n in range(1, self.seat_count + 1) if n not in self.unusable]


@dataclass(frozen=True)
class SeatCandidate:
    """A candidate to seat; `team` is the city (or county) whose members must not sit together.

    `unit` is the candidate's work unit; an invigilator of the same unit may not
    watch the candidate's room. An empty unit means "none" and matches nobody.
    """

    id: str
    team: str
    unit: str = ""


@dataclass(frozen=True)
class Invigilator:
    """A person who can watch one room. An empty `team` or `unit` conflicts with nobody."""

    id: str
    name: str
    team: str
    unit: str = ""


@dataclass(frozen=True)
class SeatingRules:
    """The exam's seating settings.

    - `admission_prefix`: digits put in front of every admission number (the exam code).
    - `neighbourhood`: 8 forbids two members of one team side by side, front/back and
      diagonally; 4 forbids only side by side and front/back.
    - `allow_fallback`: with `neighbourhood=8`, a room where 8 is infeasible may be
      seated under 4, reported in `SeatPlan.fallbacks`; otherwise the request fails.
    - `invigilators_per_room`: how many invigilators each room gets, the first one chief.
    """

    admission_prefix: str
    neighbourhood: Neighbourhood = 8
    allow_fallback: bool = True
    invigilators_per_room: int = 2

    def __post_init__(self) -> None:
        as_neighbourhood(self.neighbourhood)
        problems: list[str] = []
        if not (self.admission_prefix == "" or _ascii_digits(self.admission_prefix)):
            problems.append(f"admission prefix {self.admission_prefix!r} must be digits only")
        if self.invigilators_per_room < 1:
            problems.append(
                f"invigilators_per_room must be at least 1, not {self.invigilators_per_room}"
            )
        if problems:
            raise InvalidSeatingInput(
                Diagnostic(DiagnosticCode.INVALID_RULES, p, {}) for p in problems
            )


def _ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


class FallbackReason(StrEnum):
    """Why a room was seated under the 4-neighbourhood."""

    # A counting bound shows no 8-neighbour seating exists for the room's share.
    PROVED_INFEASIBLE = "proved_infeasible"
    # The search found none within its budget (none may exist, but it is not proved).
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Fallback:
    """A room seated under a weaker neighbour rule than the plan's."""

    room: str
    neighbourhood: Neighbourhood
    reason: FallbackReason
    message: str

    def to_dict(self) -> dict[str, object]:
        return {
            "room": self.room,
            "neighbourhood": self.neighbourhood,
            "reason": str(self.reason),
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fallback:
        return cls(
            room=str(data["room"]),
            neighbourhood=as_neighbourhood(data["neighbourhood"]),
            reason=FallbackReason(data["reason"]),
            message=str(data.get("message", "")),
        )


@dataclass(frozen=True)
class SeatAssignment:
    """One occupied seat. `row`/`col` follow from `seat` (snake numbering)."""

    seat: int
    row: int
    col: int
    admission_no: str
    candidate_id: str
    team: str
    unit: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "seat": self.seat,
            "row": self.row,
            "col": self.col,
            "admission_no": self.admission_no,
            "candidate_id": self.candidate_id,
            "team": self.team,
            "unit": self.unit,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SeatAssignment:
        return cls(
            seat=int(data["seat"]),
            row=int(data["row"]),
            col=int(data["col"]),
            admission_no=str(data["admission_no"]),
            candidate_id=str(data["candidate_id"]),
            team=str(data["team"]),
            unit=str(data.get("unit", "")),
        )


@dataclass(frozen=True)
class InvigilatorAssignment:
    """An invigilator on duty in a room."""

    id: str
    name: str
    team: str
    chief: bool
    unit: str = ""

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "team": self.team,
            "chief": self.chief,
            "unit": self.unit,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InvigilatorAssignment:
        return cls(
            id=str(data["id"]),
            name=str(data["name"]),
            team=str(data["team"]),
            chief=bool(data["chief"]),
            unit=str(data.get("unit", "")),
        )


@dataclass(frozen=True)
class RoomPlan:
    """A room as used by a plan: its geometry, the rule its seating meets, seats in seat order."""

    code: str
    rows: int
    cols: int
    neighbourhood: Neighbourhood
    seats: tuple[SeatAssignment, ...]
    invigilators: tuple[InvigilatorAssignment, ...] = ()
    unusable: frozenset[int] = frozenset()
    building: str = ""

    @property
    def room(self) -> Room:
        return Room(self.code, self.rows, self.cols, self.unusable, self.building)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "building": self.building,
            "rows": self.rows,
            "cols": self.cols,
            "unusable": sorted(self.unusable),
            "neighbourhood": self.neighbourhood,
            "seats": [s.to_dict() for s in self.seats],
            "invigilators": [i.to_dict() for i in self.invigilators],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RoomPlan:
        return cls(
            code=str(data["code"]),
            rows=int(data["rows"]),
            cols=int(data["cols"]),
            neighbourhood=as_neighbourhood(data["neighbourhood"]),
            seats=tuple(SeatAssignment.from_dict(s) for s in data["seats"]),
            invigilators=tuple(
                InvigilatorAssignment.from_dict(i) for i in data.get("invigilators", ())
            ),
            unusable=frozenset(int(n) for n in data.get("unusable", ())),
            building=str(data.get("building", "")),
        )


@dataclass(frozen=True)
class SeatPlan:
    """A complete, validated seating (and, after `assign_invigilators`, invigilation).

    `seed` and `fingerprint` (sha256 of the canonical candidates, rooms and rules;
    see `seating.fingerprint`) let anyone re-run `assign_seats` and get this plan.
    `neighbourhood` is the rule asked for; a room seated under a weaker rule says
    so in its own `neighbourhood` and has an entry in `fallbacks`.
    """

    seed: int
    fingerprint: str
    neighbourhood: Neighbourhood
    rooms: tuple[RoomPlan, ...]
    fallbacks: tuple[Fallback, ...] = ()
    algorithm: str = ALGORITHM
    invigilator_seed: int | None = None
    invigilator_fingerprint: str | None = None

    @property
    def candidate_count(self) -> int:
        return sum(len(r.seats) for r in self.rooms)

    def room(self, code: str) -> RoomPlan:
        for room in self.rooms:
            if room.code == code:
                return room
        raise KeyError(code)

    def to_dict(self) -> dict[str, object]:
        return {
            "seed": self.seed,
            "fingerprint": self.fingerprint,
            "algorithm": self.algorithm,
            "neighbourhood": self.neighbourhood,
            "fallbacks": [f.to_dict() for f in self.fallbacks],
            "invigilator_seed": self.invigilator_seed,
            "invigilator_fingerprint": self.invigilator_fingerprint,
            "rooms": [r.to_dict() for r in self.rooms],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SeatPlan:
        inv_seed = data.get("invigilator_seed")
        inv_fp = data.get("invigilator_fingerprint")
        return cls(
            seed=int(data["seed"]),
            fingerprint=str(data["fingerprint"]),
            neighbourhood=as_neighbourhood(data["neighbourhood"]),
            rooms=tuple(RoomPlan.from_dict(r) for r in data["rooms"]),
            fallbacks=tuple(Fallback.from_dict(f) for f in data.get("fallbacks", ())),
            algorithm=str(data.get("algorithm", ALGORITHM)),
            invigilator_seed=None if inv_seed is None else int(inv_seed),
            invigilator_fingerprint=None if inv_fp is None else str(inv_fp),
        )
