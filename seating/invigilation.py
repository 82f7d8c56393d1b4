"""`assign_invigilators`: N invigilators per room, the first one chief.

Hard rules: nobody watches a room that seats a candidate of their own team or
their own unit (an empty team or unit conflicts with nobody); nobody is in two
rooms (a plan is one session); every room gets exactly
`rules.invigilators_per_room`. Soft rule: two invigilators of one team share a
room only when it cannot be avoided by swapping.

Method: a bipartite b-matching. A greedy pass fills the most constrained rooms
first with the least flexible invigilators; every room still short is filled
by augmenting paths (moving invigilators between rooms), so a solution is found
whenever one exists. If none exists, the set of rooms that together have fewer
conflict-free invigilators than they need (Hall's condition) is reported.
Then pairwise swaps remove same-team pairs where they can, and each room's
chief is drawn by the seeded RNG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from random import Random

from seating.errors import (
    Diagnostic,
    DiagnosticCode,
    InvalidSeatingInput,
    InvigilationInfeasible,
    PlanFailedValidation,
)
from seating.fingerprint import invigilation_fingerprint
from seating.model import Invigilator, InvigilatorAssignment, SeatingRules, SeatPlan
from seating.validation import validate_invigilation

_FREE = -1


def assign_invigilators(
    plan: SeatPlan, invigilators: Sequence[Invigilator], rules: SeatingRules, seed: int
) -> SeatPlan:
    """A copy of `plan` with invigilators in every room; see the module docstring."""
    _check_invigilator_ids(invigilators)
    need = rules.invigilators_per_room
    rng = Random(f"{seed}:invigilators")
    staff = sorted(invigilators, key=lambda i: i.id)
    rng.shuffle(staff)  # the seed decides who is preferred among equals
    eligible = [
        _eligible(room_teams, room_units, staff) for room_teams, room_units in _stakes(plan)
    ]
    problems = _counting_problems(plan, staff, eligible, need)
    if problems:
        raise InvigilationInfeasible(problems)
    members = _match(plan, staff, eligible, need)
    _spread_teams(staff, eligible, members)
    rooms = []
    for room, chosen in zip(plan.rooms, members, strict=True):
        order = sorted(chosen)
        rng.shuffle(order)
        rooms.append(
            replace(
                room,
                invigilators=tuple(
                    InvigilatorAssignment(
                        staff[v].id, staff[v].name, staff[v].team, k == 0, staff[v].unit
                    )
                    for k, v in enumerate(order)
                ),
            )
        )
    result = replace(
        plan,
        rooms=tuple(rooms),
        invigilator_seed=seed,
        invigilator_fingerprint=invigilation_fingerprint(plan.fingerprint, plan.seed, invigilators),
    )
    violations = validate_invigilation(result, invigilators, rules)
    if violations:
        raise PlanFailedValidation(
            Diagnostic(DiagnosticCode.PLAN_FAILED_VALIDATION, v.message, v.to_dict())
            for v in violations
        )
    return result


def _check_invigilator_ids(invigilators: Sequence[Invigilator]) -> None:
    seen: set[str] = set()
    problems = []
    for person in invigilators:
        if person.id in seen:
            problems.append(
                Diagnostic(
                    DiagnosticCode.DUPLICATE_INVIGILATOR,
                    f"invigilator {person.id!r} appears more than once",
                    {"invigilator_id": person.id},
                )
            )
        seen.add(person.id)
    if problems:
        raise InvalidSeatingInput(problems)


def _stakes(plan: SeatPlan) -> list[tuple[set[str], set[str]]]:
    return [
        ({s.team for s in room.seats if s.team}, {s.unit for s in room.seats if s.unit})
        for room in plan.rooms
    ]


def _eligible(teams: set[str], units: set[str], staff: Sequence[Invigilator]) -> list[int]:
    return [
        v
        for v, person in enumerate(staff)
        if not (person.team and person.team in teams) and not (person.unit and person.unit in units)
    ]


def _counting_problems(
    plan: SeatPlan, staff: Sequence[Invigilator], eligible: list[list[int]], need: int
) -> list[Diagnostic]:
    problems = []
    wanted = need * len(plan.rooms)
    if len(staff) < wanted:
        problems.append(
            Diagnostic(
                DiagnosticCode.SHORT_OF_INVIGILATORS,
                f"{len(plan.rooms)} rooms need {wanted} invigilators; only {len(staff)} are listed",
                {"rooms": len(plan.rooms), "needed": wanted, "available": len(staff)},
            )
        )
    for room, options in zip(plan.rooms, eligible, strict=True):
        if len(options) < need:
            problems.append(
                Diagnostic(
                    DiagnosticCode.ROOM_SHORT_OF_INVIGILATORS,
                    f"room {room.code} needs {need} invigilators free of conflicts "
                    f"(team or unit of its candidates); only {len(options)} are",
                    {"room": room.code, "needed": need, "available": len(options)},
                )
            )
    return problems


def _match(
    plan: SeatPlan, staff: Sequence[Invigilator], eligible: list[list[int]], need: int
) -> list[list[int]]:
    room_of = [_FREE] * len(staff)
    degree = [0] * len(staff)
    for options in eligible:
        for v in options:
            degree[v] += 1
    members: list[list[int]] = [[] for _ in plan.rooms]
    for r in sorted(range(len(plan.rooms)), key=lambda r: (len(eligible[r]), r)):
        for _ in range(need):
            teams = {staff[v].team for v in members[r] if staff[v].team}
            best = min(
                (v for v in eligible[r] if room_of[v] == _FREE),
                key=lambda v: (staff[v].team in teams, degree[v], v),
                default=_FREE,
            )
            if best == _FREE:
                break
            room_of[best] = r
            members[r].append(best)
    for r in range(len(plan.rooms)):
        while len(members[r]) < need:
            if not _augment(r, eligible, members, room_of):
                raise InvigilationInfeasible([_hall_violation(plan, r, eligible, members, need)])
    return members


def _augment(
    start: int, eligible: list[list[int]], members: list[list[int]], room_of: list[int]
) -> bool:
    """Give room `start` one more invigilator, moving others along a chain of rooms."""
    # came_from[room] = (room that takes an invigilator from it, that invigilator)
    came_from: dict[int, tuple[int, int]] = {start: (_FREE, _FREE)}
    queue = [start]
    for r in queue:
        for v in eligible[r]:
            holder = room_of[v]
            if holder == r or holder in came_from:
                continue
            if holder == _FREE:
                room_of[v] = r
                members[r].append(v)
                while r != start:
                    taker, moved = came_from[r]
                    members[r].remove(moved)
                    members[taker].append(moved)
                    room_of[moved] = taker
                    r = taker
                return True
            came_from[holder] = (r, v)
            queue.append(holder)
    return False


def _hall_violation(
    plan: SeatPlan, short: int, eligible: list[list[int]], members: list[list[int]], need: int
) -> Diagnostic:
    # Rooms reachable from the short room by moving invigilators: every invigilator
    # able to watch any of them is already busy in one of them, and there are too few.
    reach = {short}
    queue = [short]
    for r in queue:
        for v in eligible[r]:
            for holder, chosen in enumerate(members):
                if v in chosen and holder not in reach:
                    reach.add(holder)
                    queue.append(holder)
    able = {v for r in reach for v in eligible[r]}
    codes = [plan.rooms[r].code for r in sorted(reach)]
    named = ", ".join(codes[:8]) + (f" and {len(codes) - 8} more" if len(codes) > 8 else "")
    return Diagnostic(
        DiagnosticCode.INVIGILATOR_CONFLICT_SET,
        f"rooms {named} need {need * len(reach)} invigilators free of conflicts "
        f"but only {len(able)} invigilators can watch any of them",
        {"rooms": codes, "needed": need * len(reach), "available": len(able)},
    )


def _spread_teams(
    staff: Sequence[Invigilator], eligible: list[list[int]], members: list[list[int]]
) -> None:
    """Swap invigilators to part team-mates sharing a room, while every swap stays legal."""
    able = [set(options) for options in eligible]
    on_duty = {v for chosen in members for v in chosen}
    free = [v for v in range(len(staff)) if v not in on_duty]

    def clashes(r: int, leaving: int, arriving: int) -> bool:
        team = staff[arriving].team
        return bool(team) and any(staff[w].team == team for w in members[r] if w != leaving)

    for _ in range(3):
        improved = False
        for r, chosen in enumerate(members):
            for v in list(chosen):
                if not clashes(r, v, v):
                    continue
                swap = next(
                    (u for u in free if u in able[r] and not clashes(r, v, u)),
                    None,
                )
                if swap is not None:
                    free[free.index(swap)] = v
                    chosen[chosen.index(v)] = swap
                    improved = True
                    continue
                for r2, other in enumerate(members):
                    if r2 == r:
                        continue
                    u = next(
                        (
                            u
                            for u in other
                            if u in able[r]
                            and v in able[r2]
                            and not clashes(r, v, u)
                            and not clashes(r2, u, v)
                        ),
                        None,
                    )
                    if u is not None:
                        chosen[chosen.index(v)] = u
                        other[other.index(u)] = v
                        improved = True
                        break
        if not improved:
            return
