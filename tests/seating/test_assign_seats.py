"""assign_seats on hand-made cases: rooms used, balance, neighbours, numbers, fallbacks."""

from __future__ import annotations

import json

import pytest

from seating import (
    Room,
    SeatCandidate,
    SeatingInfeasible,
    SeatingRules,
    SeatPlan,
    assign_seats,
    validate,
)

from .rosters import (
    KING,
    ROOK,
    grid,
    provincial_roster,
    rooms,
    roster,
    same_team_neighbours,
    team_counts,
)

RULES = SeatingRules("202201")


def test_provincial_exam_fills_five_rooms_with_no_team_mates_around_anyone() -> None:
    people = provincial_roster()
    assert len(people) == 150
    pool = rooms(6)
    plan = assign_seats(people, pool, RULES, seed=2022)
    assert validate(plan, people, pool, RULES) == []
    assert [r.code for r in plan.rooms] == ["R01", "R02", "R03", "R04", "R05"]
    assert [len(r.seats) for r in plan.rooms] == [30] * 5
    assert plan.fallbacks == ()
    assert all(r.neighbourhood == 8 for r in plan.rooms)
    assert all(same_team_neighbours(r, KING) == 0 for r in plan.rooms)
    # Each team is spread evenly: its counts per room differ by at most one.
    for team, counts in team_counts(plan).items():
        assert max(counts) - min(counts) <= 1, team


def test_fewest_rooms_are_used_and_balanced_so_none_is_nearly_empty() -> None:
    people = roster({f"T{k}": 7 for k in range(10)})  # 70 candidates
    pool = rooms(4)  # 120 seats: 3 rooms hold 90
    plan = assign_seats(people, pool, RULES, seed=1)
    assert len(plan.rooms) == 3
    assert sorted(len(r.seats) for r in plan.rooms) == [23, 23, 24]


def test_larger_rooms_are_taken_first_and_loads_follow_their_size() -> None:
    people = roster({f"T{k}": 5 for k in range(10)})  # 50
    pool = [Room("A", 4, 5), Room("B", 5, 8), Room("C", 3, 4), Room("D", 4, 5)]
    plan = assign_seats(people, pool, RULES, seed=3)
    # B (40) + A (20) hold 60 >= 50; A is taken before D by code.
    assert [r.code for r in plan.rooms] == ["A", "B"]
    assert {r.code: len(r.seats) for r in plan.rooms} == {"A": 17, "B": 33}


def test_unusable_seats_are_never_given_and_an_unusable_room_is_never_used() -> None:
    people = roster({f"T{k}": 2 for k in range(10)})  # 20
    broken = frozenset({1, 2, 3, 10, 11})
    pool = [Room("R1", 5, 5, broken), Room("R0", 2, 2, frozenset({1, 2, 3, 4}))]
    plan = assign_seats(people, pool, RULES, seed=4)
    assert [r.code for r in plan.rooms] == ["R1"]
    assert {s.seat for s in plan.rooms[0].seats}.isdisjoint(broken)
    assert len(plan.rooms[0].seats) == 20


def test_admission_numbers_follow_room_order_and_seat() -> None:
    people = roster({f"T{k}": 4 for k in range(10)})  # 40
    pool = [Room("R10", 5, 6), Room("R2", 5, 6)]
    plan = assign_seats(people, pool, RULES, seed=5)
    assert [r.code for r in plan.rooms] == ["R2", "R10"]  # natural order gives the ordinals
    for ordinal, room in enumerate(plan.rooms, start=1):
        for seat in room.seats:
            assert seat.admission_no == f"202201{ordinal:03d}{seat.seat:02d}"
            assert seat.admission_no.isdigit()


def test_seat_part_widens_to_three_digits_for_a_large_hall() -> None:
    people = roster({f"T{k}": 10 for k in range(12)})  # 120
    plan = assign_seats(people, [Room("HALL", 10, 12)], RULES, seed=6)
    numbers = [s.admission_no for s in plan.rooms[0].seats]
    assert all(len(n) == len("202201") + 3 + 3 for n in numbers)
    assert min(numbers) == "202201001001"


def test_empty_seats_go_to_the_end_when_the_rule_allows() -> None:
    people = roster({f"T{k}": 2 for k in range(10)})  # 20 in a room of 30
    plan = assign_seats(people, rooms(1), RULES, seed=7)
    assert [s.seat for s in plan.rooms[0].seats] == list(range(1, 21))


def test_a_dominant_team_gets_more_rooms_rather_than_a_weaker_rule() -> None:
    # 8 of one team fit 4 per 4x4 room under the 8-neighbour rule: two rooms, no fallback,
    # although one room would hold all 16 candidates.
    people = roster({"BIG": 8, "a": 2, "b": 2, "c": 2, "d": 2})
    pool = rooms(3, rows=4, cols=4)
    plan = assign_seats(people, pool, RULES, seed=8)
    assert len(plan.rooms) == 2
    assert plan.fallbacks == ()
    assert team_counts(plan)["BIG"] == [4, 4]
    assert validate(plan, people, pool, RULES) == []


def test_fallback_to_four_neighbours_only_where_eight_is_impossible_and_it_is_reported() -> None:
    # Two teams filling a 4x4 room: no seating avoids diagonal team-mates, a
    # checkerboard avoids the rest.
    people = roster({"A": 8, "B": 8})
    pool = [Room("R1", 4, 4)]
    plan = assign_seats(people, pool, RULES, seed=9)
    assert plan.neighbourhood == 8
    assert plan.rooms[0].neighbourhood == 4
    assert [(f.room, f.neighbourhood, str(f.reason)) for f in plan.fallbacks] == [
        ("R1", 4, "proved_infeasible")
    ]
    assert same_team_neighbours(plan.rooms[0], ROOK) == 0
    assert validate(plan, people, pool, RULES) == []


def test_without_fallback_the_same_case_is_infeasible_with_reasons() -> None:
    people = roster({"A": 8, "B": 8})
    rules = SeatingRules("202201", allow_fallback=False)
    with pytest.raises(SeatingInfeasible) as caught:
        assign_seats(people, [Room("R1", 4, 4)], rules, seed=9)
    codes = caught.value.codes
    assert "team_too_large" in codes
    assert "fallback_not_allowed" in codes
    big = next(d for d in caught.value.diagnostics if d.code == "team_too_large")
    assert big.detail["max_seated"] == 4
    assert big.detail["neighbourhood"] == 8


def test_short_of_seats_says_by_how_many() -> None:
    people = roster({f"T{k}": 8 for k in range(4)})  # 32
    with pytest.raises(SeatingInfeasible) as caught:
        assign_seats(people, [Room("R1", 5, 6, frozenset({1}))], RULES, seed=0)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "short_of_seats"
    assert diagnostic.detail == {"candidates": 32, "seats": 29, "missing": 3}


def test_a_team_too_large_even_for_four_neighbours_is_named() -> None:
    people = roster({"A": 10, "B": 2})
    with pytest.raises(SeatingInfeasible) as caught:
        assign_seats(people, [Room("R1", 4, 4)], RULES, seed=0)
    diagnostics = [d for d in caught.value.diagnostics if d.code == "team_too_large"]
    assert [d.detail["team"] for d in diagnostics] == ["A"]
    assert diagnostics[0].detail["max_seated"] == 8
    assert diagnostics[0].detail["neighbourhood"] == 4


def test_four_neighbour_rules_seat_a_checkerboard_and_never_fall_back() -> None:
    people = roster({"A": 8, "B": 8})
    rules = SeatingRules("9", neighbourhood=4)
    plan = assign_seats(people, [Room("R1", 4, 4)], rules, seed=1)
    assert plan.neighbourhood == 4 and plan.fallbacks == ()
    cells = grid(plan.rooms[0])
    colours = {(r + c) % 2 for (r, c), team in cells.items() if team == "A"}
    assert len(colours) == 1


def test_no_candidates_gives_an_empty_plan() -> None:
    plan = assign_seats([], rooms(2), RULES, seed=0)
    assert plan.rooms == () and plan.candidate_count == 0


def test_invalid_inputs_are_refused_with_every_problem() -> None:
    from seating import InvalidSeatingInput

    people = [SeatCandidate("1", "A"), SeatCandidate("1", "B"), SeatCandidate("2", "")]
    with pytest.raises(InvalidSeatingInput) as caught:
        assign_seats(people, [Room("R", 2, 2), Room("R", 3, 3)], RULES, seed=0)
    assert sorted(caught.value.codes) == ["duplicate_candidate", "duplicate_room", "missing_team"]
    with pytest.raises(InvalidSeatingInput):
        SeatingRules("2022-01")
    with pytest.raises(InvalidSeatingInput):
        SeatingRules("1", neighbourhood=6)  # type: ignore[arg-type]
    with pytest.raises(InvalidSeatingInput):
        SeatingRules("1", invigilators_per_room=0)


def test_plan_round_trips_through_json_with_the_documented_shape() -> None:
    people = provincial_roster()
    plan = assign_seats(people, rooms(6), RULES, seed=11)
    data = json.loads(json.dumps(plan.to_dict(), ensure_ascii=False))
    assert {"seed", "fingerprint", "neighbourhood", "fallbacks", "rooms"} <= set(data)
    room = data["rooms"][0]
    assert {"code", "rows", "cols", "seats", "invigilators"} <= set(room)
    assert {"seat", "row", "col", "admission_no", "candidate_id", "team"} <= set(room["seats"][0])
    assert room["seats"][0]["seat"] == 1 and (room["seats"][0]["row"], room["seats"][0]["col"]) == (
        1,
        1,
    )
    assert SeatPlan.from_dict(data) == plan


def test_loads_bend_within_the_balancing_rule_when_the_neighbour_rule_needs_it() -> None:
    # Proportional loads would be 3 and 1, putting two of A or of B in the 2x2 room,
    # where any two seats touch; 2 and 2 is just as balanced and can be seated.
    people = roster({"A": 2, "B": 2})
    pool = [Room("R1", 2, 2), Room("R2", 2, 1)]
    plan = assign_seats(people, pool, SeatingRules("1", allow_fallback=False), seed=0)
    assert [len(r.seats) for r in plan.rooms] == [2, 2]
    assert team_counts(plan) == {"A": [1, 1], "B": [1, 1]}


def test_a_used_room_is_never_left_empty() -> None:
    # Found by the property test: 5 of one team need the 3x3 room (4 at most) and one
    # of the single seats; the other single seat must not appear in the plan empty.
    people = roster({"A": 5})
    pool = [Room("R1", 1, 1), Room("R2", 1, 1), Room("R3", 3, 3)]
    rules = SeatingRules("2022", allow_fallback=False)
    plan = assign_seats(people, pool, rules, seed=0)
    assert validate(plan, people, pool, rules) == []
    assert sorted(len(r.seats) for r in plan.rooms) == [1, 4]


def test_only_as_many_rooms_fall_back_as_the_largest_team_forces() -> None:
    # 100 of team A in ten full rooms of 5x6: a room holds at most 9 of A with no
    # team-mates around (15 with diagonals allowed), so 9 (10 - k) + 15 k >= 100 needs
    # k = 2 rooms under the 4-neighbour rule, and no more.
    people = roster({"A": 100, "B": 50, "C": 50, "D": 50, "E": 50})
    pool = rooms(10)
    plan = assign_seats(people, pool, RULES, seed=1)
    assert validate(plan, people, pool, RULES) == []
    assert len(plan.rooms) == 10
    assert [f.room for f in plan.fallbacks] == ["R09", "R10"]
    assert all(str(f.reason) == "proved_infeasible" for f in plan.fallbacks)
    strict_rooms = [r for r in plan.rooms if r.neighbourhood == 8]
    assert len(strict_rooms) == 8
    assert all(same_team_neighbours(r, KING) == 0 for r in strict_rooms)
