"""`validate`: an independent check of a plan against its inputs and rules.

It trusts nothing the solver computed: it recomputes the fingerprint, each
seat's position, every neighbour pair, every admission number, the room
balance and every invigilator conflict from the plan, the rosters and the
rules, and returns every violation found (an empty list means the plan holds).

Invigilation is checked when the plan carries invigilators or an invigilator
roster is passed: a seats-only plan checked with a roster is reported as
lacking invigilators.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from seating.fingerprint import invigilation_fingerprint, seating_fingerprint
from seating.geometry import neighbour_offsets, position_in_grid
from seating.model import Invigilator, Room, RoomPlan, SeatCandidate, SeatingRules, SeatPlan
from seating.numbering import admission_number, natural_key, room_digits, seat_digits


class ViolationCode(StrEnum):
    FINGERPRINT_MISMATCH = "fingerprint_mismatch"
    RULES_MISMATCH = "rules_mismatch"
    UNKNOWN_ROOM = "unknown_room"
    ROOM_MISMATCH = "room_mismatch"
    DUPLICATE_ROOM = "duplicate_room"
    ROOM_ORDER = "room_order"
    EMPTY_ROOM = "empty_room"
    ROOM_UNBALANCED = "room_unbalanced"
    SEAT_OUT_OF_RANGE = "seat_out_of_range"
    SEAT_UNUSABLE = "seat_unusable"
    SEAT_POSITION = "seat_position"
    SEAT_TAKEN_TWICE = "seat_taken_twice"
    UNKNOWN_CANDIDATE = "unknown_candidate"
    CANDIDATE_MISMATCH = "candidate_mismatch"
    CANDIDATE_DUPLICATED = "candidate_duplicated"
    CANDIDATE_MISSING = "candidate_missing"
    NEIGHBOUR_SAME_TEAM = "neighbour_same_team"
    FALLBACK_NOT_ALLOWED = "fallback_not_allowed"
    FALLBACK_INCONSISTENT = "fallback_inconsistent"
    ADMISSION_MALFORMED = "admission_malformed"
    ADMISSION_DUPLICATE = "admission_duplicate"
    INVIGILATOR_COUNT = "invigilator_count"
    CHIEF = "chief"
    UNKNOWN_INVIGILATOR = "unknown_invigilator"
    INVIGILATOR_MISMATCH = "invigilator_mismatch"
    INVIGILATOR_DOUBLE_DUTY = "invigilator_double_duty"
    INVIGILATOR_TEAM_CONFLICT = "invigilator_team_conflict"
    INVIGILATOR_UNIT_CONFLICT = "invigilator_unit_conflict"
    INVIGILATOR_FINGERPRINT_MISMATCH = "invigilator_fingerprint_mismatch"


@dataclass(frozen=True)
class Violation:
    """One way a plan breaks a rule."""

    code: ViolationCode
    message: str
    detail: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, object]:
        return {"code": str(self.code), "message": self.message, "detail": dict(self.detail)}


def validate(
    plan: SeatPlan,
    candidates: Sequence[SeatCandidate],
    rooms: Sequence[Room],
    rules: SeatingRules,
    invigilators: Sequence[Invigilator] | None = None,
) -> list[Violation]:
    """Every violation of the plan against the candidates, rooms, rules and invigilators."""
    out: list[Violation] = []
    _check_plan(plan, candidates, rooms, rules, out)
    roster = {c.id: c for c in candidates}
    _check_seats(plan, roster, rules, out)
    if invigilators is not None or any(r.invigilators for r in plan.rooms):
        _check_invigilators(plan, roster, rules, invigilators, out)
    return out


def validate_invigilation(
    plan: SeatPlan, invigilators: Sequence[Invigilator], rules: SeatingRules
) -> list[Violation]:
    """The invigilation checks of `validate` alone, taking teams and units from the plan's seats."""
    out: list[Violation] = []
    _check_invigilators(plan, {}, rules, invigilators, out)
    return out


def _add(out: list[Violation], code: ViolationCode, message: str, **detail: object) -> None:
    out.append(Violation(code, message, detail))


def _check_plan(
    plan: SeatPlan,
    candidates: Sequence[SeatCandidate],
    rooms: Sequence[Room],
    rules: SeatingRules,
    out: list[Violation],
) -> None:
    if plan.fingerprint != seating_fingerprint(candidates, rooms, rules):
        _add(out, ViolationCode.FINGERPRINT_MISMATCH, "the plan was not made from these inputs")
    if plan.neighbourhood != rules.neighbourhood:
        _add(
            out,
            ViolationCode.RULES_MISMATCH,
            f"the plan states the {plan.neighbourhood}-neighbourhood, the rules ask for "
            f"{rules.neighbourhood}",
        )
    known = {r.code: r for r in rooms}
    codes = [r.code for r in plan.rooms]
    for code, times in sorted(Counter(codes).items()):
        if times > 1:
            _add(out, ViolationCode.DUPLICATE_ROOM, f"room {code} appears {times} times", room=code)
    if codes != sorted(codes, key=natural_key):
        _add(out, ViolationCode.ROOM_ORDER, "rooms are not in code order", rooms=codes)
    for room in plan.rooms:
        source = known.get(room.code)
        if source is None:
            _add(out, ViolationCode.UNKNOWN_ROOM, f"room {room.code} is not a room", room=room.code)
        elif (source.rows, source.cols, source.unusable, source.building) != (
            room.rows,
            room.cols,
            room.unusable,
            room.building,
        ):
            _add(
                out,
                ViolationCode.ROOM_MISMATCH,
                f"room {room.code}: size or unusable seats differ from the room list",
                room=room.code,
            )
        if not room.seats:
            _add(
                out, ViolationCode.EMPTY_ROOM, f"room {room.code} is used but empty", room=room.code
            )
    _check_fallbacks(plan, rules, out)
    _check_balance(plan, out)


def _check_fallbacks(plan: SeatPlan, rules: SeatingRules, out: list[Violation]) -> None:
    if plan.fallbacks and not (rules.neighbourhood == 8 and rules.allow_fallback):
        _add(out, ViolationCode.FALLBACK_NOT_ALLOWED, "the rules allow no neighbourhood fallback")
    declared: dict[str, int] = {}
    for fallback in plan.fallbacks:
        if fallback.room in declared or fallback.neighbourhood >= plan.neighbourhood:
            _add(
                out,
                ViolationCode.FALLBACK_INCONSISTENT,
                f"room {fallback.room}: a duplicate fallback, or one to a rule no weaker",
                room=fallback.room,
            )
        declared[fallback.room] = fallback.neighbourhood
    for room in plan.rooms:
        expected = declared.pop(room.code, plan.neighbourhood)
        if room.neighbourhood != expected:
            _add(
                out,
                ViolationCode.FALLBACK_INCONSISTENT,
                f"room {room.code} is seated under the {room.neighbourhood}-neighbourhood but "
                f"the plan says {expected}",
                room=room.code,
            )
    for code in sorted(declared):
        _add(
            out,
            ViolationCode.FALLBACK_INCONSISTENT,
            f"fallback for room {code}, which the plan does not use",
            room=code,
        )


def _check_balance(plan: SeatPlan, out: list[Violation]) -> None:
    # Loads proportional to usable seats, within one seat (see seating.distribution).
    capacity = {r.code: r.rows * r.cols - len(r.unusable) for r in plan.rooms}
    total_seats = sum(capacity.values())
    seated = sum(len(r.seats) for r in plan.rooms)
    for room in plan.rooms:
        load = len(room.seats)
        if abs(load * total_seats - seated * capacity[room.code]) >= total_seats:
            fair = seated * capacity[room.code] / total_seats
            _add(
                out,
                ViolationCode.ROOM_UNBALANCED,
                f"room {room.code} holds {load} candidates; balanced would be {fair:.1f}",
                room=room.code,
                load=load,
                balanced=round(fair, 3),
            )


def _check_seats(
    plan: SeatPlan, roster: Mapping[str, SeatCandidate], rules: SeatingRules, out: list[Violation]
) -> None:
    room_width = room_digits(len(plan.rooms))
    seat_width = seat_digits(r.rows * r.cols for r in plan.rooms)
    seen_candidates: Counter[str] = Counter()
    seen_admissions: Counter[str] = Counter()
    for ordinal, room in enumerate(plan.rooms, start=1):
        teams: dict[tuple[int, int], str] = {}
        taken: set[int] = set()
        for seat in room.seats:
            seen_candidates[seat.candidate_id] += 1
            seen_admissions[seat.admission_no] += 1
            person = roster.get(seat.candidate_id)
            if person is None:
                _add(
                    out,
                    ViolationCode.UNKNOWN_CANDIDATE,
                    f"{seat.candidate_id} in room {room.code} is not a candidate",
                    room=room.code,
                    candidate_id=seat.candidate_id,
                )
            elif (person.team, person.unit) != (seat.team, seat.unit):
                _add(
                    out,
                    ViolationCode.CANDIDATE_MISMATCH,
                    f"{seat.candidate_id}: team or unit differs from the roster",
                    candidate_id=seat.candidate_id,
                )
            team = person.team if person is not None else seat.team
            if not _seat_exists(room, seat.seat, seat.row, seat.col, out):
                continue
            if seat.seat in taken:
                _add(
                    out,
                    ViolationCode.SEAT_TAKEN_TWICE,
                    f"room {room.code} seat {seat.seat} is given twice",
                    room=room.code,
                    seat=seat.seat,
                )
            taken.add(seat.seat)
            teams[position_in_grid(room.rows, room.cols, seat.seat)] = team
            expected = admission_number(
                rules.admission_prefix, ordinal, seat.seat, room_width, seat_width
            )
            if seat.admission_no != expected:
                _add(
                    out,
                    ViolationCode.ADMISSION_MALFORMED,
                    f"room {room.code} seat {seat.seat}: admission number {seat.admission_no!r}, "
                    f"expected {expected!r}",
                    room=room.code,
                    seat=seat.seat,
                    admission_no=seat.admission_no,
                    expected=expected,
                )
        _check_neighbours(room, teams, out)
    for number, times in sorted(seen_admissions.items()):
        if times > 1:
            _add(
                out,
                ViolationCode.ADMISSION_DUPLICATE,
                f"admission number {number} is given {times} times",
                admission_no=number,
            )
    for cid, times in sorted(seen_candidates.items()):
        if times > 1:
            _add(
                out,
                ViolationCode.CANDIDATE_DUPLICATED,
                f"{cid} is seated {times} times",
                candidate_id=cid,
            )
    for cid in sorted(set(roster) - set(seen_candidates)):
        _add(out, ViolationCode.CANDIDATE_MISSING, f"{cid} has no seat", candidate_id=cid)


def _seat_exists(room: RoomPlan, seat: int, row: int, col: int, out: list[Violation]) -> bool:
    if not 1 <= seat <= room.rows * room.cols:
        _add(
            out,
            ViolationCode.SEAT_OUT_OF_RANGE,
            f"room {room.code} has no seat {seat}",
            room=room.code,
            seat=seat,
        )
        return False
    if seat in room.unusable:
        _add(
            out,
            ViolationCode.SEAT_UNUSABLE,
            f"room {room.code} seat {seat} is unusable",
            room=room.code,
            seat=seat,
        )
    if (row, col) != position_in_grid(room.rows, room.cols, seat):
        _add(
            out,
            ViolationCode.SEAT_POSITION,
            f"room {room.code} seat {seat} is not at row {row}, column {col}",
            room=room.code,
            seat=seat,
        )
    return True


def _check_neighbours(
    room: RoomPlan, teams: dict[tuple[int, int], str], out: list[Violation]
) -> None:
    for (row, col), team in sorted(teams.items()):
        for dr, dc in neighbour_offsets(room.neighbourhood):
            other = (row + dr, col + dc)
            # Each pair once: only look forward in (row, col) order.
            if other > (row, col) and teams.get(other) == team:
                _add(
                    out,
                    ViolationCode.NEIGHBOUR_SAME_TEAM,
                    f"room {room.code}: team {team} at row {row} col {col} and row {other[0]} "
                    f"col {other[1]} ({room.neighbourhood}-neighbourhood)",
                    room=room.code,
                    team=team,
                    seats=[[row, col], list(other)],
                )


def _check_invigilators(
    plan: SeatPlan,
    roster: Mapping[str, SeatCandidate],
    rules: SeatingRules,
    invigilators: Sequence[Invigilator] | None,
    out: list[Violation],
) -> None:
    staff = None if invigilators is None else {i.id: i for i in invigilators}
    if staff is not None and plan.invigilator_fingerprint is not None:
        assert invigilators is not None
        expected = invigilation_fingerprint(plan.fingerprint, plan.seed, invigilators)
        if plan.invigilator_fingerprint != expected:
            _add(
                out,
                ViolationCode.INVIGILATOR_FINGERPRINT_MISMATCH,
                "the invigilators were not assigned from this invigilator list",
            )
    duty: Counter[str] = Counter()
    for room in plan.rooms:
        n = len(room.invigilators)
        if n != rules.invigilators_per_room:
            _add(
                out,
                ViolationCode.INVIGILATOR_COUNT,
                f"room {room.code} has {n} invigilators, needs {rules.invigilators_per_room}",
                room=room.code,
                count=n,
            )
        chiefs = [i for i, a in enumerate(room.invigilators) if a.chief]
        if room.invigilators and chiefs != [0]:
            _add(
                out,
                ViolationCode.CHIEF,
                f"room {room.code} must have exactly one chief invigilator, listed first",
                room=room.code,
            )
        teams = set()
        units = set()
        for seat in room.seats:
            person = roster.get(seat.candidate_id)
            teams.add(person.team if person else seat.team)
            units.add(person.unit if person else seat.unit)
        for assigned in room.invigilators:
            duty[assigned.id] += 1
            known = assigned if staff is None else staff.get(assigned.id)
            if known is None:
                _add(
                    out,
                    ViolationCode.UNKNOWN_INVIGILATOR,
                    f"{assigned.id} in room {room.code} is not an invigilator",
                    room=room.code,
                    invigilator_id=assigned.id,
                )
                known = assigned
            elif (known.name, known.team, known.unit) != (
                assigned.name,
                assigned.team,
                assigned.unit,
            ):
                _add(
                    out,
                    ViolationCode.INVIGILATOR_MISMATCH,
                    f"{assigned.id}: name, team or unit differs from the invigilator list",
                    invigilator_id=assigned.id,
                )
            if known.team and known.team in teams:
                _add(
                    out,
                    ViolationCode.INVIGILATOR_TEAM_CONFLICT,
                    f"{assigned.id} ({known.team}) watches room {room.code}, which seats "
                    f"candidates of team {known.team}",
                    room=room.code,
                    invigilator_id=assigned.id,
                    team=known.team,
                )
            if known.unit and known.unit in units:
                _add(
                    out,
                    ViolationCode.INVIGILATOR_UNIT_CONFLICT,
                    f"{assigned.id} ({known.unit}) watches room {room.code}, which seats "
                    f"candidates of unit {known.unit}",
                    room=room.code,
                    invigilator_id=assigned.id,
                    unit=known.unit,
                )
    for iid, times in sorted(duty.items()):
        if times > 1:
            _add(
                out,
                ViolationCode.INVIGILATOR_DOUBLE_DUTY,
                f"{iid} is on duty {times} times",
                invigilator_id=iid,
            )
