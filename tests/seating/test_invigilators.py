"""assign_invigilators: counts, chiefs, conflicts, spread, and when it cannot be done."""

from __future__ import annotations

import itertools
import random

import pytest

from seating import (
    InvalidSeatingInput,
    InvigilationInfeasible,
    Invigilator,
    Room,
    SeatCandidate,
    SeatingInfeasible,
    SeatingRules,
    SeatPlan,
    assign_invigilators,
    assign_seats,
    validate,
)

from .rosters import neutral_invigilators, provincial_roster, rooms, roster

RULES = SeatingRules("202201")


def _plan(people: list[SeatCandidate], pool: list[Room], rules: SeatingRules = RULES) -> SeatPlan:
    return assign_seats(people, pool, rules, seed=1)


def test_two_per_room_the_first_chief_and_nobody_twice() -> None:
    people, pool = provincial_roster(), rooms(6)
    staff = neutral_invigilators(12)
    plan = assign_invigilators(_plan(people, pool), staff, RULES, seed=2)
    assert validate(plan, people, pool, RULES, staff) == []
    on_duty = [i.id for r in plan.rooms for i in r.invigilators]
    assert len(on_duty) == 10 == len(set(on_duty))
    for room in plan.rooms:
        assert [i.chief for i in room.invigilators] == [True, False]
    assert plan.invigilator_seed == 2 and plan.invigilator_fingerprint is not None
    # The seating itself is untouched.
    assert [r.seats for r in plan.rooms] == [r.seats for r in _plan(people, pool).rooms]


def test_nobody_watches_their_own_team_or_unit() -> None:
    # Room 1 seats team A (unit UA), room 2 team B (unit UB).
    people = [SeatCandidate("a1", "A", "UA"), SeatCandidate("b1", "B", "UB")]
    pool = [Room("R1", 1, 1), Room("R2", 1, 1)]
    staff = [
        Invigilator("x", "甲", "A", ""),  # may only watch R2
        Invigilator("y", "乙", "", "UB"),  # may only watch R1
        Invigilator("z", "丙", "B", "UA"),  # may watch neither
        Invigilator("w", "丁", "", ""),  # anywhere
    ]
    rules = SeatingRules("1", invigilators_per_room=1)
    plan = assign_invigilators(_plan(people, pool, rules), staff, rules, seed=0)
    watched = {r.seats[0].team: [i.id for i in r.invigilators] for r in plan.rooms}
    assert watched == {"A": ["y"], "B": ["x"]}


def test_team_mates_are_kept_apart_when_possible() -> None:
    people = roster({"C": 4})
    pool = rooms(2, rows=2, cols=2)
    staff = [Invigilator(f"{t}{k}", f"{t}{k}", t, "") for t in "AB" for k in range(2)]
    rules = SeatingRules("1")
    for seed in range(5):
        plan = assign_invigilators(_plan(people, pool, rules), staff, rules, seed)
        for room in plan.rooms:
            assert sorted(i.team for i in room.invigilators) == ["A", "B"]


def test_three_per_room_when_the_exam_says_so() -> None:
    rules = SeatingRules("1", invigilators_per_room=3)
    people, pool = provincial_roster(), rooms(6)
    plan = assign_invigilators(_plan(people, pool, rules), neutral_invigilators(15), rules, 0)
    assert all(len(r.invigilators) == 3 for r in plan.rooms)


def test_short_of_invigilators_altogether() -> None:
    people, pool = provincial_roster(), rooms(6)
    with pytest.raises(InvigilationInfeasible) as caught:
        assign_invigilators(_plan(people, pool), neutral_invigilators(9), RULES, 0)
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == "short_of_invigilators"
    assert diagnostic.detail == {"rooms": 5, "needed": 10, "available": 9}


def test_a_room_whose_teams_leave_too_few_invigilators_is_named() -> None:
    people = [SeatCandidate("a1", "A"), SeatCandidate("b1", "B")]
    pool = [Room("R1", 1, 1), Room("R2", 1, 1)]
    rules = SeatingRules("1", invigilators_per_room=1)
    plan = _plan(people, pool, rules)
    staff = [Invigilator("x", "x", "A"), Invigilator("y", "y", "A"), Invigilator("z", "z", "A")]
    room_of_a = next(r.code for r in plan.rooms if r.seats[0].team == "A")
    with pytest.raises(InvigilationInfeasible) as caught:
        assign_invigilators(plan, staff, rules, 0)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "room_short_of_invigilators"
    assert diagnostic.detail == {"room": room_of_a, "needed": 1, "available": 0}


def test_rooms_sharing_too_few_possible_invigilators_are_reported_together() -> None:
    # One invigilator per room and three people for three rooms, and each room has
    # someone who may watch it; but A's and B's rooms can only be watched by p.
    people = [SeatCandidate("a", "A"), SeatCandidate("b", "B", "UB"), SeatCandidate("c", "C")]
    pool = [Room("R1", 1, 1), Room("R2", 1, 1), Room("R3", 1, 1)]
    rules = SeatingRules("1", invigilators_per_room=1)
    plan = _plan(people, pool, rules)
    room_of = {r.seats[0].team: r.code for r in plan.rooms}
    staff = [
        Invigilator("p", "p", "C"),
        Invigilator("q", "q", "A", "UB"),
        Invigilator("r", "r", "A", "UB"),
    ]
    with pytest.raises(InvigilationInfeasible) as caught:
        assign_invigilators(plan, staff, rules, 0)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "invigilator_conflict_set"
    named = diagnostic.detail["rooms"]
    assert isinstance(named, list)
    assert sorted(named) == sorted([room_of["A"], room_of["B"]])
    assert (diagnostic.detail["needed"], diagnostic.detail["available"]) == (2, 1)
    # One more person who may watch B's room makes it feasible.
    plan2 = assign_invigilators(plan, [*staff, Invigilator("s", "s", "C")], rules, 0)
    assert validate(plan2, people, pool, rules, [*staff, Invigilator("s", "s", "C")]) == []


def test_duplicate_invigilator_ids_are_refused() -> None:
    plan = _plan(provincial_roster(), rooms(6))
    staff = [*neutral_invigilators(10), Invigilator("I000", "again", "")]
    with pytest.raises(InvalidSeatingInput) as caught:
        assign_invigilators(plan, staff, RULES, 0)
    assert caught.value.codes == ("duplicate_invigilator",)


def _exists(plan: SeatPlan, staff: list[Invigilator], need: int) -> bool:
    """Brute force: is there any assignment at all? (tiny instances only)"""
    stakes = [({s.team for s in r.seats}, {s.unit for s in r.seats if s.unit}) for r in plan.rooms]
    ok = [
        [
            v
            for v, p in enumerate(staff)
            if not (p.team and p.team in t) and not (p.unit and p.unit in u)
        ]
        for t, u in stakes
    ]

    def place(r: int, used: frozenset[int]) -> bool:
        if r == len(ok):
            return True
        free = [v for v in ok[r] if v not in used]
        return any(place(r + 1, used | set(group)) for group in itertools.combinations(free, need))

    return place(0, frozenset())


def test_a_solution_is_found_whenever_one_exists_on_random_small_cases() -> None:
    rng = random.Random(0)
    found = missed = refused = 0
    for trial in range(150):
        teams = "ABCD"[: rng.randint(2, 4)]
        people = [
            SeatCandidate(f"c{k}", rng.choice(teams), rng.choice("uvw ").strip()) for k in range(6)
        ]
        pool = [Room(f"R{k}", 1, 3) for k in range(3)]
        need = rng.randint(1, 2)
        rules = SeatingRules("1", invigilators_per_room=need)
        try:
            plan = assign_seats(people, pool, rules, trial)
        except SeatingInfeasible:
            continue
        staff = [
            Invigilator(
                f"i{k}", f"i{k}", rng.choice(teams + "  ").strip(), rng.choice("uvwxy  ").strip()
            )
            for k in range(rng.randint(2, 7))
        ]
        expected = _exists(plan, staff, need)
        try:
            result = assign_invigilators(plan, staff, rules, trial)
        except InvigilationInfeasible as error:
            assert error.diagnostics
            refused += 1
            missed += expected
        else:
            assert validate(result, people, pool, rules, staff) == []
            found += 1
    assert missed == 0
    assert found > 20 and refused > 20  # the sample exercises both outcomes
