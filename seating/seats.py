"""`assign_seats`: candidates into rooms and seats, with admission numbers.

Contract: returns a `SeatPlan` that `validate` accepts, or raises
`SeatingInfeasible` (or `InvalidSeatingInput`) with diagnostics; never an
invalid plan. The result depends only on the inputs as sets (candidates by id,
rooms by code) and the seed: re-running with the plan's seed on inputs with the
plan's fingerprint gives the same plan.

Order of preference:
1. every room under the rules' neighbourhood, in the fewest rooms for which
   that can be done (see `seating.distribution` for which rooms and how full);
2. only if no room count allows that (and `allow_fallback`): the fewest rooms
   that can be seated at all, where as few rooms as the counting bounds allow
   (the smallest, then the last by code) take a share that only the
   4-neighbourhood can seat. Every room still tries the 8-neighbourhood first;
   each room seated under 4 is reported in `SeatPlan.fallbacks` with the reason
   (`proved_infeasible` by a counting bound, or `not_found` by the search).
"""

from __future__ import annotations

from collections.abc import Sequence

from seating.distribution import rooms_by_preference
from seating.errors import (
    Diagnostic,
    DiagnosticCode,
    InvalidSeatingInput,
    PlanFailedValidation,
    SeatingInfeasible,
)
from seating.fingerprint import seating_fingerprint
from seating.geometry import occupancy_bound, room_graph
from seating.model import (
    Neighbourhood,
    Room,
    RoomPlan,
    SeatAssignment,
    SeatCandidate,
    SeatingRules,
    SeatPlan,
)
from seating.numbering import admission_number, natural_key, room_digits, seat_digits
from seating.search import SeatedRoom, search_rooms
from seating.validation import validate


def assign_seats(
    candidates: Sequence[SeatCandidate],
    rooms: Sequence[Room],
    rules: SeatingRules,
    seed: int,
) -> SeatPlan:
    """Seat every candidate; see the module docstring for the rules and their order."""
    check_seating_inputs(candidates, rooms)
    fingerprint = seating_fingerprint(candidates, rooms, rules)
    people = sorted(candidates, key=lambda c: c.id)
    pool = rooms_by_preference(rooms)
    if not people:
        return _finish(
            SeatPlan(seed, fingerprint, rules.neighbourhood, ()), candidates, rooms, rules
        )
    seats = sum(r.capacity for r in pool)
    if len(people) > seats:
        raise SeatingInfeasible(
            [
                Diagnostic(
                    DiagnosticCode.SHORT_OF_SEATS,
                    f"{len(people)} candidates but only {seats} usable seats: "
                    f"short of {len(people) - seats}",
                    {"candidates": len(people), "seats": seats, "missing": len(people) - seats},
                )
            ]
        )
    teams: dict[str, list[SeatCandidate]] = {}
    for person in people:
        teams.setdefault(person.team, []).append(person)

    strict = rules.neighbourhood
    weak: Neighbourhood | None = 4 if strict == 8 and rules.allow_fallback else None
    problems = _team_bounds(teams, pool, strict)
    if not problems:
        seated, problems = search_rooms(teams, pool, strict, None, seed)
        if seated is not None:
            return _build(seated, seed, fingerprint, rules, candidates, rooms)
    if weak is not None:
        weak_problems = _team_bounds(teams, pool, weak)
        if not weak_problems:
            seated, weak_problems = search_rooms(teams, pool, strict, weak, seed)
            if seated is not None:
                return _build(seated, seed, fingerprint, rules, candidates, rooms)
        problems = weak_problems
    elif strict == 8 and not rules.allow_fallback and _team_bounds(teams, pool, 4) == []:
        problems.append(
            Diagnostic(
                DiagnosticCode.FALLBACK_NOT_ALLOWED,
                "the 8-neighbour rule cannot be met; the 4-neighbour fallback is switched off",
                {"neighbourhood": 8},
            )
        )
    raise SeatingInfeasible(problems)


def check_seating_inputs(candidates: Sequence[SeatCandidate], rooms: Sequence[Room]) -> None:
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    for person in candidates:
        if person.id in seen:
            problems.append(
                Diagnostic(
                    DiagnosticCode.DUPLICATE_CANDIDATE,
                    f"candidate {person.id!r} appears more than once",
                    {"candidate_id": person.id},
                )
            )
        seen.add(person.id)
        if not person.team:
            problems.append(
                Diagnostic(
                    DiagnosticCode.MISSING_TEAM,
                    f"candidate {person.id!r} has no team",
                    {"candidate_id": person.id},
                )
            )
    codes: set[str] = set()
    for room in rooms:
        if room.code in codes:
            problems.append(
                Diagnostic(
                    DiagnosticCode.DUPLICATE_ROOM,
                    f"room {room.code!r} appears more than once",
                    {"room": room.code},
                )
            )
        codes.add(room.code)
    if problems:
        raise InvalidSeatingInput(problems)


def _team_bounds(
    teams: dict[str, list[SeatCandidate]], pool: Sequence[Room], rule: Neighbourhood
) -> list[Diagnostic]:
    """Teams larger than every room together can hold without team-mates as neighbours."""
    most = sum(occupancy_bound(room_graph(room, rule), 1) for room in pool)
    return [
        Diagnostic(
            DiagnosticCode.TEAM_TOO_LARGE,
            f"team {team!r} has {len(members)} candidates; the rooms available can seat "
            f"at most {most} of one team without two of them being neighbours "
            f"({rule}-neighbourhood)",
            {"team": team, "size": len(members), "max_seated": most, "neighbourhood": rule},
        )
        for team, members in teams.items()
        if len(members) > most
    ]


def _build(
    seated: list[SeatedRoom],
    seed: int,
    fingerprint: str,
    rules: SeatingRules,
    candidates: Sequence[SeatCandidate],
    rooms: Sequence[Room],
) -> SeatPlan:
    ordered = sorted(seated, key=lambda s: natural_key(s.room.code))
    room_width = room_digits(len(ordered))
    seat_width = seat_digits(s.room.seat_count for s in ordered)
    room_plans = []
    for ordinal, entry in enumerate(ordered, start=1):
        room = entry.room
        graph = room_graph(room, entry.neighbourhood)
        position = dict(zip(graph.seats, graph.positions, strict=True))
        room_plans.append(
            RoomPlan(
                code=room.code,
                rows=room.rows,
                cols=room.cols,
                neighbourhood=entry.neighbourhood,
                seats=tuple(
                    SeatAssignment(
                        seat=seat,
                        row=position[seat][0],
                        col=position[seat][1],
                        admission_no=admission_number(
                            rules.admission_prefix, ordinal, seat, room_width, seat_width
                        ),
                        candidate_id=person.id,
                        team=person.team,
                        unit=person.unit,
                    )
                    for seat, person in entry.seats
                ),
                unusable=room.unusable,
                building=room.building,
            )
        )
    fallbacks = tuple(s.fallback for s in ordered if s.fallback is not None)
    plan = SeatPlan(seed, fingerprint, rules.neighbourhood, tuple(room_plans), fallbacks)
    return _finish(plan, candidates, rooms, rules)


def _finish(
    plan: SeatPlan, candidates: Sequence[SeatCandidate], rooms: Sequence[Room], rules: SeatingRules
) -> SeatPlan:
    violations = validate(plan, candidates, rooms, rules)
    if violations:
        raise PlanFailedValidation(
            Diagnostic(DiagnosticCode.PLAN_FAILED_VALIDATION, v.message, v.to_dict())
            for v in violations
        )
    return plan
