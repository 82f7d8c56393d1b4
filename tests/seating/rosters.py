"""Small builders for seating tests: rosters, rooms and views of a plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from seating import Invigilator, Room, RoomPlan, SeatCandidate, SeatPlan
from tests import synthetic_exam

CITIES = (*synthetic_exam.CITIES, synthetic_exam.UNRANKED)


def roster(team_sizes: dict[str, int], units: int = 0) -> list[SeatCandidate]:
    """Candidates named by team and number; `units` > 0 gives each team that many units."""
    people = []
    for team, size in team_sizes.items():
        for k in range(size):
            unit = f"{team}-单位{k % units}" if units else ""
            people.append(SeatCandidate(f"{team}-{k:04d}", team, unit))
    return people


def provincial_roster() -> list[SeatCandidate]:
    """150 candidates: 13 cities of 10 or 11 and 15 from the provincial department."""
    sizes = {city: 10 + (k % 3 == 0) for k, city in enumerate(CITIES[:13])}
    sizes[CITIES[13]] = 15
    return roster(sizes, units=4)


def rooms(count: int, rows: int = 5, cols: int = 6, prefix: str = "R") -> list[Room]:
    return [Room(f"{prefix}{k:02d}", rows, cols) for k in range(1, count + 1)]


def neutral_invigilators(count: int) -> list[Invigilator]:
    """Invigilators with no team and their own unit: eligible for every room."""
    return [Invigilator(f"I{k:03d}", f"监考员{k}", "", f"考试中心{k}") for k in range(count)]


def grid(room: RoomPlan) -> dict[tuple[int, int], str]:
    """(row, col) -> team of whoever sits there."""
    return {(s.row, s.col): s.team for s in room.seats}


def team_counts(plan: SeatPlan) -> dict[str, list[int]]:
    """For each team, how many of its members sit in each room (plan order)."""
    per_room = [Counter(s.team for s in r.seats) for r in plan.rooms]
    teams = sorted({t for c in per_room for t in c})
    return {t: [c.get(t, 0) for c in per_room] for t in teams}


def same_team_neighbours(room: RoomPlan, offsets: Sequence[tuple[int, int]]) -> int:
    """Pairs of team-mates at the given offsets, counted once; an oracle written for tests."""
    seats = grid(room)
    return sum(
        1
        for (r, c), team in seats.items()
        for dr, dc in offsets
        if (r + dr, c + dc) > (r, c) and seats.get((r + dr, c + dc)) == team
    )


KING = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
ROOK = [(-1, 0), (1, 0), (0, -1), (0, 1)]
