"""Room geometry: snake seat numbering, neighbours, and counting bounds.

Seats are numbered the Chinese way, in a snake: seat 1 is in row 1 (the front),
column 1 (the door side); numbers run front to back down column 1, back to front
up column 2, front to back down column 3, and so on. Unusable seats keep their
numbers and are simply never assigned.

Neighbours: the 8-neighbourhood is the seats around a seat, diagonals included;
the 4-neighbourhood is front, back, left and right only.

`occupancy_bound(graph, j)` is an upper bound on how many seats any j teams can
hold together without two members of one team being neighbours, from a
partition of the room into cliques (2 x 2 blocks for 8, dominoes for 4): a
clique of size s holds at most min(j, s) of them. With j = 1 and 4 neighbours
it is exact (König); for 8 it is exact on full rectangular rooms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from seating.model import Neighbourhood, Room

_OFFSETS: dict[int, tuple[tuple[int, int], ...]] = {
    4: ((-1, 0), (1, 0), (0, -1), (0, 1)),
    8: ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)),
}


def seat_position(room: Room, seat_no: int) -> tuple[int, int]:
    """The (row, col) of a seat number; row 1 is the front, column 1 the door side."""
    return position_in_grid(room.rows, room.cols, seat_no)


def seat_number(room: Room, row: int, col: int) -> int:
    """The seat number at (row, col): the inverse of `seat_position`."""
    return number_in_grid(room.rows, room.cols, row, col)


def position_in_grid(rows: int, cols: int, seat_no: int) -> tuple[int, int]:
    if not 1 <= seat_no <= rows * cols:
        raise ValueError(f"seat {seat_no} does not exist in a {rows} x {cols} room")
    col_index, depth = divmod(seat_no - 1, rows)
    col = col_index + 1
    row = depth + 1 if col % 2 == 1 else rows - depth
    return row, col


def number_in_grid(rows: int, cols: int, row: int, col: int) -> int:
    if not (1 <= row <= rows and 1 <= col <= cols):
        raise ValueError(f"row {row}, column {col} is outside a {rows} x {cols} room")
    depth = row - 1 if col % 2 == 1 else rows - row
    return (col - 1) * rows + depth + 1


def neighbour_offsets(neighbourhood: Neighbourhood) -> tuple[tuple[int, int], ...]:
    return _OFFSETS[neighbourhood]


@dataclass(frozen=True)
class RoomGraph:
    """The usable seats of a room (index i is the i-th usable seat in seat order)."""

    seats: tuple[int, ...]
    positions: tuple[tuple[int, int], ...]
    neighbours: tuple[tuple[int, ...], ...]
    # Sizes of the cliques of each candidate partition used by `occupancy_bound`.
    partitions: tuple[tuple[int, ...], ...]
    # occupancy_bound for 1, 2, ... teams, up to the largest clique (beyond it: all seats).
    bounds: tuple[int, ...]

    @property
    def size(self) -> int:
        return len(self.seats)


def room_graph(room: Room, neighbourhood: Neighbourhood) -> RoomGraph:
    return _graph(room.rows, room.cols, room.unusable, neighbourhood)


@lru_cache(maxsize=256)
def _graph(
    rows: int, cols: int, unusable: frozenset[int], neighbourhood: Neighbourhood
) -> RoomGraph:
    seats = tuple(n for n in range(1, rows * cols + 1) if n not in unusable)
    positions = tuple(position_in_grid(rows, cols, n) for n in seats)
    index = {pos: i for i, pos in enumerate(positions)}
    neighbours = tuple(
        tuple(
            index[(r + dr, c + dc)]
            for dr, dc in _OFFSETS[neighbourhood]
            if (r + dr, c + dc) in index
        )
        for r, c in positions
    )
    if neighbourhood == 8:
        partitions = _block_partitions(positions)
    else:
        partitions = (_domino_partition(positions, neighbours),)
    largest = max((size for part in partitions for size in part), default=0)
    bounds = tuple(
        min(sum(min(teams, size) for size in part) for part in partitions)
        for teams in range(1, largest + 1)
    )
    return RoomGraph(seats, positions, neighbours, partitions, bounds)


def _block_partitions(positions: tuple[tuple[int, int], ...]) -> tuple[tuple[int, ...], ...]:
    # 2 x 2 blocks are cliques of the 8-neighbourhood; with holes, which alignment
    # gives the tightest bound varies, so all four are kept.
    result = []
    for row_shift in (0, 1):
        for col_shift in (0, 1):
            blocks: dict[tuple[int, int], int] = {}
            for r, c in positions:
                key = ((r - 1 + row_shift) // 2, (c - 1 + col_shift) // 2)
                blocks[key] = blocks.get(key, 0) + 1
            result.append(tuple(sorted(blocks.values(), reverse=True)))
    return tuple(result)


def _domino_partition(
    positions: tuple[tuple[int, int], ...], neighbours: tuple[tuple[int, ...], ...]
) -> tuple[int, ...]:
    # A maximum matching of the (bipartite) grid graph: dominoes plus single seats.
    n = len(positions)
    match_of = [-1] * n
    left = [i for i, (r, c) in enumerate(positions) if (r + c) % 2 == 0]
    for u in left:  # greedy start: most seats match without any search
        for v in neighbours[u]:
            if match_of[v] == -1:
                match_of[u], match_of[v] = v, u
                break
    for u in left:
        if match_of[u] == -1:
            _augment(u, neighbours, match_of)
    matched = sum(1 for u in left if match_of[u] != -1)
    return tuple([2] * matched + [1] * (n - 2 * matched))


def _augment(root: int, neighbours: tuple[tuple[int, ...], ...], match_of: list[int]) -> None:
    # Breadth-first search for an alternating path from a free left seat.
    came_from = {root: -1}  # right seat -> left seat it was reached from, and left -> right
    queue = [root]
    for u in queue:
        for v in neighbours[u]:
            if v in came_from:
                continue
            came_from[v] = u
            if match_of[v] == -1:
                while v != -1:
                    left_seat = came_from[v]
                    previous = match_of[left_seat]
                    match_of[v], match_of[left_seat] = left_seat, v
                    v = previous if left_seat != root else -1
                return
            came_from[match_of[v]] = v
            queue.append(match_of[v])


def occupancy_bound(graph: RoomGraph, teams: int) -> int:
    """Most seats that `teams` teams can fill together with no two team-mates neighbours."""
    if teams <= 0 or not graph.bounds:
        return 0 if teams <= 0 else graph.size
    return graph.bounds[min(teams, len(graph.bounds)) - 1]


def share_violates_bound(graph: RoomGraph, counts: list[int]) -> int | None:
    """The smallest j for which the j largest team counts exceed `occupancy_bound`, if any."""
    running = 0
    for j, count in enumerate(sorted(counts, reverse=True), start=1):
        running += count
        if running > occupancy_bound(graph, j):
            return j
    return None
