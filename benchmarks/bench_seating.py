"""Seating benchmark: prints timings (median of 3) and whether the 8-neighbour rule held.

Run: .venv/bin/python benchmarks/bench_seating.py
Cases: a national-size sitting (5,000 candidates, 170 rooms of 30, 14 teams of uneven
size); the same with one team so large (32%) that some rooms must fall back to the
4-neighbour rule; the 2022 provincial exam (150 candidates, 14 teams, 6 rooms of 30);
and a city-level exam where one county sends 35% of the candidates.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

from seating import (
    Invigilator,
    Room,
    SeatCandidate,
    SeatingRules,
    SeatPlan,
    Violation,
    assign_invigilators,
    assign_seats,
    validate,
)

T = TypeVar("T")

# Share of candidates per team, roughly like the cities of a province.
TEAM_WEIGHTS = {
    "苏州": 14,
    "南京": 12,
    "无锡": 9,
    "徐州": 9,
    "南通": 8,
    "常州": 7,
    "盐城": 7,
    "扬州": 6,
    "泰州": 6,
    "淮安": 5,
    "连云港": 5,
    "宿迁": 5,
    "镇江": 4,
    "省厅本级": 3,
}
RULES = SeatingRules("202201")


def team_sizes(total: int, weights: dict[str, int]) -> dict[str, int]:
    weight_sum = sum(weights.values())
    sizes = {t: total * w // weight_sum for t, w in weights.items()}
    for team in list(weights)[: total - sum(sizes.values())]:
        sizes[team] += 1
    return sizes


def candidates(sizes: dict[str, int], units_per_team: int) -> list[SeatCandidate]:
    return [
        SeatCandidate(f"{team}{k:05d}", team, f"{team}单位{k % units_per_team}")
        for team, size in sizes.items()
        for k in range(size)
    ]


def invigilators(count: int, teams: list[str]) -> list[Invigilator]:
    """Three in four from the exam centre (no team), the rest seconded from the teams;
    some of those work in a unit that also sends candidates."""
    staff = []
    for k in range(count):
        if k % 4:
            staff.append(Invigilator(f"I{k:04d}", f"监考{k}", "", f"考试中心{k % 7}"))
        else:
            team = teams[k % len(teams)]
            unit = f"{team}单位{k % 5}" if k % 10 == 0 else f"{team}人社局{k}"
            staff.append(Invigilator(f"I{k:04d}", f"监考{k}", team, unit))
    return staff


def median_time(runs: int, work: Callable[[], T]) -> tuple[float, T]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


def run_case(
    name: str, people: list[SeatCandidate], rooms: list[Room], staff: list[Invigilator]
) -> None:
    seat_time, plan = median_time(3, lambda: assign_seats(people, rooms, RULES, seed=2022))
    inv_time, staffed = median_time(3, lambda: assign_invigilators(plan, staff, RULES, seed=2022))
    check_time, violations = median_time(3, lambda: validate(staffed, people, rooms, RULES, staff))
    print(f"== {name}")
    print(
        f"   {len(people)} candidates, {len({p.team for p in people})} teams, "
        f"{len(rooms)} rooms available, {len(staff)} invigilators"
    )
    print(f"   seats:        {seat_time:7.3f} s  (median of 3)")
    print(f"   invigilators: {inv_time:7.3f} s  (median of 3)")
    print(f"   validate:     {check_time:7.3f} s  (median of 3)")
    loads = [len(r.seats) for r in staffed.rooms]
    print(f"   rooms used:   {len(loads)}, candidates per room {min(loads)}-{max(loads)}")
    print(f"   validate:     {'no violations' if not violations else violations[:3]}")
    print(f"   8-neighbour rule held in every room: {eight_held(staffed, violations)}")
    if staffed.fallbacks:
        print(f"   rooms seated under the 4-neighbour rule (reported): {len(staffed.fallbacks)}")
    doubled = sum(
        1
        for r in staffed.rooms
        if len([i.team for i in r.invigilators if i.team])
        > len({i.team for i in r.invigilators if i.team})
    )
    print(f"   rooms with two invigilators of one team: {doubled}")


def eight_held(plan: SeatPlan, violations: list[Violation]) -> bool:
    return not violations and not plan.fallbacks and all(r.neighbourhood == 8 for r in plan.rooms)


def main() -> None:
    teams = list(TEAM_WEIGHTS)
    national = candidates(team_sizes(5000, TEAM_WEIGHTS), units_per_team=60)
    run_case(
        "5,000 candidates, 170 rooms of 30, 14 uneven teams",
        national,
        [Room(f"第{k:03d}考场", 5, 6) for k in range(1, 171)],
        invigilators(480, teams),
    )
    crowded = team_sizes(5000, {"苏州": 32} | {t: 5 for t in teams[1:]} | {"省厅本级": 3})
    run_case(
        "5,000 candidates, 170 rooms of 30, one team 32% (8-neighbour rule impossible)",
        candidates(crowded, units_per_team=60),
        [Room(f"第{k:03d}考场", 5, 6) for k in range(1, 171)],
        invigilators(480, teams),
    )
    provincial_sizes = {t: 10 for t in teams[:13]} | {"省厅本级": 20}
    run_case(
        "provincial: 150 candidates, 14 teams, 6 rooms of 30",
        candidates(provincial_sizes, units_per_team=4),
        [Room(f"第{k}考场", 5, 6) for k in range(1, 7)],
        invigilators(16, teams),
    )
    # 35% of one county cannot sit 8-apart in full rooms of 30 (at most 9 of 30):
    # the plan uses more, less full rooms instead of relaxing the rule.
    city = {"玄武区": 700} | {f"区{k:02d}": 93 for k in range(14)}
    run_case(
        "city level: 2,002 candidates, one county 35%, 100 rooms of 30",
        candidates(city, units_per_team=20),
        [Room(f"R{k:03d}", 5, 6) for k in range(1, 101)],
        invigilators(300, list(city)),
    )


if __name__ == "__main__":
    main()
