"""Snake seat numbering, its inverse, and the counting bounds behind the diagnostics."""

from __future__ import annotations

import itertools

import pytest

from seating import InvalidSeatingInput, Room, seat_number, seat_position
from seating.geometry import occupancy_bound, room_graph


def test_snake_numbering_of_a_3_by_4_room_runs_down_then_up_the_columns() -> None:
    room = Room("R", rows=3, cols=4)
    # Row 1 is the front, column 1 the door side; read as the room is drawn.
    expected = [
        [1, 6, 7, 12],
        [2, 5, 8, 11],
        [3, 4, 9, 10],
    ]
    for row in range(1, 4):
        for col in range(1, 5):
            assert seat_number(room, row, col) == expected[row - 1][col - 1]
            assert seat_position(room, expected[row - 1][col - 1]) == (row, col)


def test_seat_one_is_front_row_door_side_and_the_last_seat_ends_the_last_column() -> None:
    assert seat_position(Room("R", 5, 6), 1) == (1, 1)
    assert seat_position(Room("R", 5, 6), 5) == (5, 1)
    assert seat_position(Room("R", 5, 6), 6) == (5, 2)
    assert seat_position(Room("R", 5, 6), 30) == (1, 6)  # even column count: ends at the front
    assert seat_position(Room("R", 5, 5), 25) == (5, 5)  # odd: ends at the back


@pytest.mark.parametrize(("rows", "cols"), [(1, 1), (1, 7), (7, 1), (4, 5), (6, 6)])
def test_numbering_is_a_bijection_between_seat_numbers_and_cells(rows: int, cols: int) -> None:
    room = Room("R", rows, cols)
    cells = [seat_position(room, n) for n in range(1, rows * cols + 1)]
    assert sorted(cells) == [(r, c) for r in range(1, rows + 1) for c in range(1, cols + 1)]
    assert all(seat_number(room, *seat_position(room, n)) == n for n in range(1, rows * cols + 1))
    # Consecutive seats are always physically next to each other (front/back or across).
    for a, b in itertools.pairwise(cells):
        assert abs(a[0] - b[0]) + abs(a[1] - b[1]) == 1


def test_seats_outside_the_room_are_refused() -> None:
    room = Room("R", 2, 2)
    with pytest.raises(ValueError):
        seat_position(room, 0)
    with pytest.raises(ValueError):
        seat_position(room, 5)
    with pytest.raises(ValueError):
        seat_number(room, 3, 1)


def test_unusable_seats_keep_their_numbers_and_leave_the_graph() -> None:
    room = Room("R", 3, 3, unusable=frozenset({2, 5}))
    graph = room_graph(room, 8)
    assert graph.seats == (1, 3, 4, 6, 7, 8, 9)
    assert room.capacity == 7
    assert seat_position(room, 5) == (2, 2)  # still numbered


def test_a_room_refuses_unusable_seats_that_do_not_exist_and_empty_geometry() -> None:
    with pytest.raises(InvalidSeatingInput) as caught:
        Room("R", 2, 2, unusable=frozenset({5}))
    assert caught.value.codes == ("invalid_room",)
    with pytest.raises(InvalidSeatingInput):
        Room("R", 0, 3)


def _independence_number(room: Room, neighbourhood: int) -> int:
    graph = room_graph(room, 8 if neighbourhood == 8 else 4)
    best = 0
    for mask in range(1 << graph.size):
        chosen = [i for i in range(graph.size) if mask >> i & 1]
        if len(chosen) > best and all(
            not (mask >> j & 1) for i in chosen for j in graph.neighbours[i]
        ):
            best = len(chosen)
    return best


@pytest.mark.parametrize(
    ("rows", "cols", "unusable"),
    [(3, 3, ()), (3, 4, ()), (4, 4, ()), (2, 5, ()), (3, 4, (2, 7)), (4, 3, (1, 6, 12))],
)
def test_one_team_bound_is_the_independence_number_on_small_rooms(
    rows: int, cols: int, unusable: tuple[int, ...]
) -> None:
    room = Room("R", rows, cols, frozenset(unusable))
    for neighbourhood in (8, 4):
        exact = _independence_number(room, neighbourhood)
        bound = occupancy_bound(room_graph(room, 8 if neighbourhood == 8 else 4), 1)
        assert bound >= exact  # a bound never forbids a feasible seating
        if not unusable:
            assert bound == exact


def test_full_room_bounds_match_the_classic_formulas() -> None:
    room = Room("R", 5, 6)
    assert occupancy_bound(room_graph(room, 8), 1) == 9  # ceil(5/2) * ceil(6/2)
    assert occupancy_bound(room_graph(room, 4), 1) == 15  # ceil(30/2)
    assert occupancy_bound(room_graph(room, 8), 4) == 30  # four teams can fill it
    assert occupancy_bound(room_graph(room, 8), 2) == 18
