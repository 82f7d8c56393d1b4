"""validate: a valid plan passes; each kind of tampering is caught with its code."""

from __future__ import annotations

from dataclasses import replace

import pytest

from seating import (
    Fallback,
    FallbackReason,
    InvigilatorAssignment,
    RoomPlan,
    SeatAssignment,
    SeatCandidate,
    SeatingRules,
    SeatPlan,
    Violation,
    ViolationCode,
    assign_invigilators,
    assign_seats,
    validate,
)

from .rosters import neutral_invigilators, provincial_roster, rooms

RULES = SeatingRules("202201")
PEOPLE = provincial_roster()
POOL = rooms(6)
STAFF = neutral_invigilators(12)


@pytest.fixture(scope="module")
def plan() -> SeatPlan:
    seated = assign_seats(PEOPLE, POOL, RULES, seed=3)
    return assign_invigilators(seated, STAFF, RULES, seed=3)


def _codes(violations: list[Violation]) -> set[str]:
    return {str(v.code) for v in violations}


def _with_room(plan: SeatPlan, index: int, room: RoomPlan) -> SeatPlan:
    rooms_ = list(plan.rooms)
    rooms_[index] = room
    return replace(plan, rooms=tuple(rooms_))


def _with_seats(plan: SeatPlan, index: int, seats: list[SeatAssignment]) -> SeatPlan:
    return _with_room(plan, index, replace(plan.rooms[index], seats=tuple(seats)))


def _move_occupant(seat: SeatAssignment, other: SeatAssignment) -> SeatAssignment:
    """`seat` keeps its place and number but takes `other`'s occupant."""
    return replace(seat, candidate_id=other.candidate_id, team=other.team, unit=other.unit)


def test_a_plan_from_the_solver_is_valid(plan: SeatPlan) -> None:
    assert validate(plan, PEOPLE, POOL, RULES, STAFF) == []


def test_team_mates_side_by_side_are_caught(plan: SeatPlan) -> None:
    room = plan.rooms[0]
    by_pos = {(s.row, s.col): k for k, s in enumerate(room.seats)}
    a = by_pos[(1, 1)]
    b = by_pos[(2, 2)]  # diagonal neighbour of (1, 1)
    far = next(
        k for k, s in enumerate(room.seats) if s.team == room.seats[a].team and s.row + s.col > 5
    )
    seats = list(room.seats)
    seats[b], seats[far] = (
        _move_occupant(seats[b], room.seats[far]),
        _move_occupant(seats[far], room.seats[b]),
    )
    violations = validate(_with_seats(plan, 0, seats), PEOPLE, POOL, RULES, STAFF)
    neighbours = [v for v in violations if v.code == ViolationCode.NEIGHBOUR_SAME_TEAM]
    assert neighbours
    assert any(v.detail["seats"] == [[1, 1], [2, 2]] for v in neighbours)


def test_diagonal_team_mates_are_allowed_only_in_a_declared_fallback_room(plan: SeatPlan) -> None:
    room = plan.rooms[0]
    by_pos = {(s.row, s.col): k for k, s in enumerate(room.seats)}
    a, b = by_pos[(1, 1)], by_pos[(2, 2)]
    far = next(
        k for k, s in enumerate(room.seats) if s.team == room.seats[a].team and s.row + s.col > 5
    )
    seats = list(room.seats)
    seats[b], seats[far] = (
        _move_occupant(seats[b], room.seats[far]),
        _move_occupant(seats[far], room.seats[b]),
    )
    tampered = _with_seats(plan, 0, seats)
    four = _with_room(tampered, 0, replace(tampered.rooms[0], neighbourhood=4))
    # Claiming the weaker rule without declaring a fallback is itself a violation.
    assert ViolationCode.FALLBACK_INCONSISTENT in _codes(validate(four, PEOPLE, POOL, RULES, STAFF))
    declared = replace(four, fallbacks=(Fallback(room.code, 4, FallbackReason.NOT_FOUND, "test"),))
    remaining = validate(declared, PEOPLE, POOL, RULES, STAFF)
    assert not any(v.detail.get("seats") == [[1, 1], [2, 2]] for v in remaining)
    assert ViolationCode.FALLBACK_INCONSISTENT not in _codes(remaining)
    no_fallback = SeatingRules("202201", allow_fallback=False)
    assert ViolationCode.FALLBACK_NOT_ALLOWED in _codes(
        validate(declared, PEOPLE, POOL, no_fallback)
    )


def test_missing_duplicated_and_unknown_candidates_are_caught(plan: SeatPlan) -> None:
    seats = list(plan.rooms[0].seats)
    dropped = seats.pop()
    assert _codes(validate(_with_seats(plan, 0, seats), PEOPLE, POOL, RULES, STAFF)) >= {
        "candidate_missing"
    }
    twice = list(plan.rooms[0].seats)
    twice[1] = _move_occupant(twice[1], twice[0])
    assert "candidate_duplicated" in _codes(
        validate(_with_seats(plan, 0, twice), PEOPLE, POOL, RULES)
    )
    stranger = [*plan.rooms[0].seats[:-1], replace(dropped, candidate_id="nobody")]
    codes = _codes(validate(_with_seats(plan, 0, stranger), PEOPLE, POOL, RULES))
    assert {"unknown_candidate", "candidate_missing"} <= codes
    wrong_team = [replace(plan.rooms[0].seats[0], team="火星"), *plan.rooms[0].seats[1:]]
    assert "candidate_mismatch" in _codes(
        validate(_with_seats(plan, 0, wrong_team), PEOPLE, POOL, RULES)
    )


def test_seats_that_do_not_exist_are_unusable_taken_twice_or_misplaced_are_caught(
    plan: SeatPlan,
) -> None:
    room = plan.rooms[0]
    first = room.seats[0]
    cases = {
        "seat_out_of_range": replace(first, seat=31),
        "seat_position": replace(first, row=2),
        "seat_taken_twice": replace(
            first, seat=room.seats[1].seat, row=room.seats[1].row, col=room.seats[1].col
        ),
    }
    for code, bad in cases.items():
        codes = _codes(validate(_with_seats(plan, 0, [bad, *room.seats[1:]]), PEOPLE, POOL, RULES))
        assert code in codes, code
    pool = [replace(r, unusable=frozenset({1})) if r.code == room.code else r for r in POOL]
    broken = replace(room, unusable=frozenset({1}))
    codes = _codes(validate(_with_room(plan, 0, broken), PEOPLE, pool, RULES))
    assert "seat_unusable" in codes


def test_admission_numbers_are_recomputed(plan: SeatPlan) -> None:
    room = plan.rooms[0]
    wrong = replace(room.seats[0], admission_no="20220100199")
    codes = _codes(validate(_with_seats(plan, 0, [wrong, *room.seats[1:]]), PEOPLE, POOL, RULES))
    assert "admission_malformed" in codes
    other = plan.rooms[1].seats[0]
    clash = replace(room.seats[0], admission_no=other.admission_no)
    codes = _codes(validate(_with_seats(plan, 0, [clash, *room.seats[1:]]), PEOPLE, POOL, RULES))
    assert {"admission_malformed", "admission_duplicate"} <= codes


def test_plan_level_checks(plan: SeatPlan) -> None:
    assert "fingerprint_mismatch" in _codes(validate(plan, PEOPLE[:-1], POOL, RULES))
    assert "rules_mismatch" in _codes(validate(plan, PEOPLE, POOL, SeatingRules("202201", 4)))
    reordered = replace(plan, rooms=(plan.rooms[1], plan.rooms[0], *plan.rooms[2:]))
    assert "room_order" in _codes(validate(reordered, PEOPLE, POOL, RULES))
    assert "unknown_room" in _codes(validate(plan, PEOPLE, POOL[1:], RULES))
    resized = [replace(r, rows=6) if r.code == "R01" else r for r in POOL]
    assert "room_mismatch" in _codes(validate(plan, PEOPLE, resized, RULES))


def test_an_unbalanced_or_empty_room_is_caught(plan: SeatPlan) -> None:
    first = plan.rooms[0]
    moved = [
        replace(s, seat=k, row=k, col=1, admission_no=f"202201006{k:02d}")
        for k, s in enumerate(first.seats[-5:], start=1)
    ]
    extra = replace(plan.rooms[-1], code="R06", seats=tuple(moved), invigilators=())
    lopsided = replace(plan, rooms=(replace(first, seats=first.seats[:-5]), *plan.rooms[1:], extra))
    violations = validate(lopsided, PEOPLE, POOL, RULES)
    unbalanced = {str(v.detail["room"]) for v in violations if v.code == "room_unbalanced"}
    # Six rooms of 30 for 150 candidates: 25 each is balanced, so R01 (now 25) passes,
    # R02-R05 (30) and R06 (5) do not.
    assert unbalanced == {"R02", "R03", "R04", "R05", "R06"}
    empty = replace(extra, seats=())
    codes = _codes(validate(replace(plan, rooms=(*plan.rooms, empty)), PEOPLE, POOL, RULES))
    assert {"empty_room", "room_unbalanced"} <= codes


def test_invigilator_rules_are_checked(plan: SeatPlan) -> None:
    room = plan.rooms[0]
    chief, second = room.invigilators
    cases: dict[str, tuple[InvigilatorAssignment, ...]] = {
        "invigilator_count": (chief,),
        "chief": (replace(chief, chief=False), second),
        "unknown_invigilator": (chief, replace(second, id="ghost")),
        "invigilator_mismatch": (chief, replace(second, name="冒名")),
        "invigilator_double_duty": (chief, plan.rooms[1].invigilators[1]),
    }
    for code, staff in cases.items():
        tampered = _with_room(plan, 0, replace(room, invigilators=staff))
        assert code in _codes(validate(tampered, PEOPLE, POOL, RULES, STAFF)), code
    team = room.seats[0].team
    unit = room.seats[0].unit
    insider = [*STAFF[:-1], replace(STAFF[-1], team=team, unit=unit)]
    mole = InvigilatorAssignment(STAFF[-1].id, STAFF[-1].name, team, False, unit)
    tampered = _with_room(plan, 0, replace(room, invigilators=(chief, mole)))
    codes = _codes(validate(tampered, PEOPLE, POOL, RULES, insider))
    assert {"invigilator_team_conflict", "invigilator_unit_conflict"} <= codes
    assert "invigilator_fingerprint_mismatch" in codes


def test_a_seats_only_plan_checked_against_a_roster_lacks_invigilators() -> None:
    seated = assign_seats(PEOPLE, POOL, RULES, seed=3)
    assert validate(seated, PEOPLE, POOL, RULES) == []
    codes = _codes(validate(seated, PEOPLE, POOL, RULES, STAFF))
    assert codes == {"invigilator_count"}


def test_violations_serialise(plan: SeatPlan) -> None:
    bad = validate(plan, [*PEOPLE, SeatCandidate("late", "南京")], POOL, RULES)
    assert {v.to_dict()["code"] for v in bad} == {"fingerprint_mismatch", "candidate_missing"}
    missing = next(v for v in bad if v.code == "candidate_missing")
    assert missing.detail == {"candidate_id": "late"}


def test_a_violation_reads_as_its_message(plan: SeatPlan) -> None:
    violations = validate(plan, PEOPLE, POOL, SeatingRules("202201", 4))
    assert {str(v.code) for v in violations} == {"rules_mismatch", "fingerprint_mismatch"}
    assert all(str(v) == v.message for v in violations)
