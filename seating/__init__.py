"""seating: pure library for seat and invigilator assignment, with an independent validator.

It imports nothing from exam_center or the other libraries. Typical use::

    plan = assign_seats(candidates, rooms, rules, seed=7)
    plan = assign_invigilators(plan, invigilators, rules, seed=7)
    assert validate(plan, candidates, rooms, rules, invigilators) == []
    json.dumps(plan.to_dict(), ensure_ascii=False)
"""

from seating.errors import (
    Diagnostic,
    DiagnosticCode,
    InvalidSeatingInput,
    InvigilationInfeasible,
    PlanFailedValidation,
    SeatingError,
    SeatingInfeasible,
)
from seating.fingerprint import invigilation_fingerprint, seating_fingerprint
from seating.geometry import seat_number, seat_position
from seating.invigilation import assign_invigilators
from seating.model import (
    ALGORITHM,
    Fallback,
    FallbackReason,
    Invigilator,
    InvigilatorAssignment,
    Neighbourhood,
    Room,
    RoomPlan,
    SeatAssignment,
    SeatCandidate,
    SeatingRules,
    SeatPlan,
)
from seating.numbering import natural_key
from seating.seats import assign_seats
from seating.validation import Violation, ViolationCode, validate, validate_invigilation

__all__ = [
    "ALGORITHM",
    "Diagnostic",
    "DiagnosticCode",
    "Fallback",
    "FallbackReason",
    "InvalidSeatingInput",
    "InvigilationInfeasible",
    "Invigilator",
    "InvigilatorAssignment",
    "Neighbourhood",
    "PlanFailedValidation",
    "Room",
    "RoomPlan",
    "SeatAssignment",
    "SeatCandidate",
    "SeatPlan",
    "SeatingError",
    "SeatingInfeasible",
    "SeatingRules",
    "Violation",
    "ViolationCode",
    "assign_invigilators",
    "assign_seats",
    "invigilation_fingerprint",
    "natural_key",
    "seat_number",
    "seat_position",
    "seating_fingerprint",
    "validate",
    "validate_invigilation",
]
