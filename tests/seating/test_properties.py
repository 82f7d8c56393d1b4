"""Property tests: any roster and rooms give a plan that validates, or diagnostics; never an
invalid plan. And the same seed gives the same plan."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import event, given, settings
from hypothesis import strategies as st

from seating import (
    DiagnosticCode,
    InvigilationInfeasible,
    Invigilator,
    Room,
    SeatCandidate,
    SeatingInfeasible,
    SeatingRules,
    assign_invigilators,
    assign_seats,
    validate,
)

from .rosters import KING, ROOK, same_team_neighbours

TEAMS = ("南京", "无锡", "徐州", "常州", "苏州", "南通")
UNITS = ("", "", "甲单位", "乙单位", "丙单位")


@dataclass(frozen=True)
class Case:
    candidates: list[SeatCandidate]
    rooms: list[Room]
    rules: SeatingRules
    invigilators: list[Invigilator]
    seed: int


@st.composite
def rooms_strategy(draw: st.DrawFn) -> list[Room]:
    count = draw(st.integers(1, 5))
    result = []
    for k in range(count):
        rows, cols = draw(st.integers(1, 6)), draw(st.integers(1, 6))
        unusable = draw(st.frozensets(st.integers(1, rows * cols), max_size=(rows * cols) // 4))
        result.append(Room(f"R{k + 1}", rows, cols, unusable))
    return result


@st.composite
def cases(draw: st.DrawFn) -> Case:
    rooms = draw(rooms_strategy())
    seats = sum(r.capacity for r in rooms)
    teams = TEAMS[: draw(st.integers(1, len(TEAMS)))]
    # Mostly rosters that fit, often tightly, sometimes a few too many.
    people = [
        SeatCandidate(f"C{k:03d}", draw(st.sampled_from(teams)), draw(st.sampled_from(UNITS)))
        for k in range(draw(st.integers(0, min(seats + 2, 80))))
    ]
    rules = SeatingRules(
        "2022",
        neighbourhood=draw(st.sampled_from((8, 4))),
        allow_fallback=draw(st.booleans()),
        invigilators_per_room=draw(st.integers(1, 3)),
    )
    staff = [
        Invigilator(
            f"I{k:02d}",
            f"监考{k}",
            draw(st.sampled_from(("", "", *teams))),
            draw(st.sampled_from(UNITS)),
        )
        for k in range(draw(st.integers(0, 16)))
    ]
    return Case(people, rooms, rules, staff, draw(st.integers(0, 2**32)))


@settings(max_examples=100, deadline=None)
@given(cases())
def test_a_plan_always_validates_or_the_request_is_refused_with_diagnostics(case: Case) -> None:
    try:
        plan = assign_seats(case.candidates, case.rooms, case.rules, case.seed)
    except SeatingInfeasible as refusal:
        event(f"seating refused: {sorted(set(map(str, refusal.codes)))}")
        assert refusal.diagnostics
        assert all(isinstance(d.code, DiagnosticCode) and d.message for d in refusal.diagnostics)
        if DiagnosticCode.SHORT_OF_SEATS in refusal.codes:
            assert len(case.candidates) > sum(r.capacity for r in case.rooms)
        return
    event(f"seated, fallbacks: {len(plan.fallbacks)}")
    assert validate(plan, case.candidates, case.rooms, case.rules) == []
    # Cross-check the neighbour rule with the tests' own oracle, room by room.
    for room in plan.rooms:
        offsets = KING if room.neighbourhood == 8 else ROOK
        assert same_team_neighbours(room, offsets) == 0
    assert plan.candidate_count == len(case.candidates)
    if plan.fallbacks:
        assert case.rules.neighbourhood == 8 and case.rules.allow_fallback
    assert assign_seats(case.candidates, case.rooms, case.rules, case.seed) == plan

    try:
        staffed = assign_invigilators(plan, case.invigilators, case.rules, case.seed)
    except InvigilationInfeasible as refusal:
        event(f"invigilation refused: {sorted(set(map(str, refusal.codes)))}")
        assert refusal.diagnostics
        assert all(isinstance(d.code, DiagnosticCode) for d in refusal.diagnostics)
        return
    event("invigilated")
    assert validate(staffed, case.candidates, case.rooms, case.rules, case.invigilators) == []
    assert [r.seats for r in staffed.rooms] == [r.seats for r in plan.rooms]


@st.composite
def crowded_cases(draw: st.DrawFn) -> Case:
    """Few teams in nearly full rooms: where the 8-neighbour rule is hard or impossible."""
    rooms = [
        Room(f"R{k + 1}", draw(st.integers(2, 6)), draw(st.integers(2, 6)))
        for k in range(draw(st.integers(1, 2)))
    ]
    seats = sum(r.capacity for r in rooms)
    teams = TEAMS[: draw(st.integers(2, 5))]
    count = max(0, seats - draw(st.integers(0, 4)))
    people = [SeatCandidate(f"C{k:03d}", draw(st.sampled_from(teams))) for k in range(count)]
    rules = SeatingRules("1", allow_fallback=draw(st.booleans()))
    return Case(people, rooms, rules, [], draw(st.integers(0, 2**32)))


@settings(max_examples=60, deadline=None)
@given(crowded_cases())
def test_crowded_rooms_fall_back_only_when_allowed_and_stay_valid(case: Case) -> None:
    try:
        plan = assign_seats(case.candidates, case.rooms, case.rules, case.seed)
    except SeatingInfeasible as refusal:
        event(f"crowded refused: {sorted(set(map(str, refusal.codes)))}")
        assert refusal.diagnostics
        return
    event(f"crowded seated, fallbacks: {[str(f.reason) for f in plan.fallbacks]}")
    assert validate(plan, case.candidates, case.rooms, case.rules) == []
    assert {f.room for f in plan.fallbacks} == {
        r.code for r in plan.rooms if r.neighbourhood != plan.neighbourhood
    }
    for room in plan.rooms:
        offsets = KING if room.neighbourhood == 8 else ROOK
        assert same_team_neighbours(room, offsets) == 0


def _eight_neighbour_seating_exists(room: Room, counts: list[int]) -> bool:
    """Exhaustive search (tiny rooms only): can these team counts sit with no team-mates around?"""
    cells = [(r, c) for c in range(1, room.cols + 1) for r in range(1, room.rows + 1)]
    placed: dict[tuple[int, int], int] = {}
    left = list(counts)
    empty = len(cells) - sum(counts)

    def place(i: int, empty: int) -> bool:
        if i == len(cells):
            return True
        r, c = cells[i]
        around = {placed.get((r + dr, c + dc)) for dr, dc in KING}
        for team, n in enumerate(left):
            if n and team not in around:
                left[team] -= 1
                placed[(r, c)] = team
                if place(i + 1, empty):
                    return True
                left[team] += 1
                del placed[(r, c)]
        return empty > 0 and place(i + 1, empty - 1)

    return place(0, empty)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(2, 4),
    cols=st.integers(2, 4),
    teams=st.lists(st.integers(1, 5), min_size=2, max_size=4),
    seed=st.integers(0, 1000),
)
def test_a_room_falls_back_only_when_no_eight_neighbour_seating_exists(
    rows: int, cols: int, teams: list[int], seed: int
) -> None:
    room = Room("R1", rows, cols)
    people = [
        SeatCandidate(f"{t}-{k}", TEAMS[t]) for t, size in enumerate(teams) for k in range(size)
    ]
    try:
        plan = assign_seats(people, [room], SeatingRules("1"), seed)
    except SeatingInfeasible:
        event("refused")
        return
    exists = _eight_neighbour_seating_exists(room, teams)
    event(f"8-neighbour seating exists: {exists}")
    assert (plan.fallbacks == ()) == exists
