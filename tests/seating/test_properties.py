"""Property tests: any roster and rooms give a plan that validates, or diagnostics; never an
invalid plan. And the same seed gives the same plan."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

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
    """Exhaustive search (small full rooms only): can these team counts sit with no
    team-mates around? Cells go column by column; only the last rows + 1 placed cells can
    touch the next one, so (cell, those labels, counts left) is memoised."""
    rows, cells = room.rows, room.rows * room.cols

    @cache
    def place(i: int, window: tuple[int, ...], left: tuple[int, ...]) -> bool:
        if i == cells:
            return True
        row = i % rows
        touching = {window[-rows]} if len(window) >= rows else set()  # same row, column before
        if row > 0:
            touching.add(window[-1])  # in front, same column
            if len(window) > rows:
                touching.add(window[-rows - 1])  # diagonal, in front
        if row < rows - 1 and len(window) >= rows - 1:
            touching.add(window[-rows + 1])  # diagonal, behind
        options = [t for t, n in enumerate(left) if n and t not in touching]
        if cells - i - sum(left) > 0:
            options.append(-1)  # an empty seat
        for t in options:
            rest = left if t < 0 else (*left[:t], left[t] - 1, *left[t + 1 :])
            if place(i + 1, (*window, t)[-(rows + 1) :], rest):
                return True
        return False

    return place(0, (), tuple(counts))


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
