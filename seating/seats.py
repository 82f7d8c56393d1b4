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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from random import Random

from seating.distribution import fewest_rooms, rooms_by_preference, spread_teams
from seating.errors import (
    Diagnostic,
    DiagnosticCode,
    InvalidSeatingInput,
    PlanFailedValidation,
    SeatingInfeasible,
)
from seating.fingerprint import seating_fingerprint
from seating.geometry import occupancy_bound, room_graph, share_violates_bound
from seating.model import (
    Fallback,
    FallbackReason,
    Neighbourhood,
    Room,
    RoomPlan,
    SeatAssignment,
    SeatCandidate,
    SeatingRules,
    SeatPlan,
)
from seating.numbering import admission_number, natural_key, room_digits, seat_digits
from seating.room_solver import EMPTY, Outcome, place_room
from seating.validation import validate

# How many room counts are tried with a full search before giving up on a rule;
# more rooms rarely help once shares that pass the counting bounds cannot be seated.
_SOLVE_TRIES = 3


@dataclass(frozen=True)
class _SeatedRoom:
    room: Room
    neighbourhood: Neighbourhood
    # (seat number, candidate) in seat order.
    seats: list[tuple[int, SeatCandidate]]
    fallback: Fallback | None


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
        seated, problems = _attempt(teams, pool, strict, None, seed)
        if seated is not None:
            return _build(seated, seed, fingerprint, rules, candidates, rooms)
    if weak is not None:
        weak_problems = _team_bounds(teams, pool, weak)
        if not weak_problems:
            seated, weak_problems = _attempt(teams, pool, strict, weak, seed)
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


def _attempt(
    teams: dict[str, list[SeatCandidate]],
    pool: Sequence[Room],
    strict: Neighbourhood,
    weak: Neighbourhood | None,
    seed: int,
) -> tuple[list[_SeatedRoom] | None, list[Diagnostic]]:
    """Try room counts from the fewest upwards; `weak` is the per-room fallback, if any.

    With a fallback, the last k rooms of a room count (the smallest; among equals the
    last by code) may take a share that only the weak rule can seat, k kept small (a
    binary search on the counting bounds); every room still tries the strict rule first.
    """
    total = sum(len(m) for m in teams.values())
    least = fewest_rooms(total, pool)
    assert least is not None  # the caller checked there are enough seats
    sizes = {team: len(members) for team, members in teams.items()}
    problems: list[Diagnostic] = []
    solves = 0
    for m in range(least, len(pool) + 1):
        chosen = pool[:m]
        layout = cache(partial(_layout, sizes, chosen, strict, weak, seed))
        first = 0 if weak is None else _fewest_fallback_rooms(m, layout)
        for k in range(first, (0 if weak is None else m) + 1):
            found = layout(k)
            if isinstance(found, list):
                problems = found or problems
                continue
            seated, failures = _seat_layout(teams, found, strict, weak, f"{seed}:{m}:{k}")
            if seated is not None:
                return seated, []
            problems = failures
            solves += 1
            if solves >= _SOLVE_TRIES:
                return None, problems
    return None, problems or [
        Diagnostic(
            DiagnosticCode.NO_BALANCED_ROOMS,
            "no choice of rooms can be filled evenly with every room used",
            {"candidates": total, "rooms": len(pool)},
        )
    ]


@dataclass(frozen=True)
class _Layout:
    """Rooms, the rule bounding each room's share, and each room's team counts."""

    rooms: Sequence[Room]
    counts: list[dict[str, int]]


def _layout(
    sizes: dict[str, int],
    chosen: Sequence[Room],
    strict: Neighbourhood,
    weak: Neighbourhood | None,
    seed: int,
    fallback_rooms: int,
) -> _Layout | list[Diagnostic]:
    """Team counts per room that pass the counting bounds, or why there are none."""
    m = len(chosen)
    rules = [strict] * (m - fallback_rooms) + [weak or strict] * fallback_rooms
    caps = [
        occupancy_bound(room_graph(room, rule), 1) for room, rule in zip(chosen, rules, strict=True)
    ]
    spread = spread_teams(sizes, chosen, caps, Random(f"{seed}:spread:{m}:{fallback_rooms}"))
    if spread.counts is None:
        if spread.stuck_team is None:
            return []  # so many small rooms that one would stay empty
        return [
            Diagnostic(
                DiagnosticCode.TEAM_TOO_LARGE,
                f"team {spread.stuck_team!r} cannot be spread over {m} rooms without "
                f"team-mates as neighbours",
                {"team": spread.stuck_team, "rooms": m, "neighbourhood": rules[-1]},
            )
        ]
    bounded = _bound_problems(chosen, spread.counts, rules)
    return bounded if bounded else _Layout(chosen, spread.counts)


def _fewest_fallback_rooms(m: int, layout: Callable[[int], _Layout | list[Diagnostic]]) -> int:
    """The least k (by binary search) whose layout passes the bounds; m if none does."""
    if isinstance(layout(m), list):
        return m
    low, high = 0, m
    while low < high:
        middle = (low + high) // 2
        if isinstance(layout(middle), list):
            low = middle + 1
        else:
            high = middle
    return low


def _seat_layout(
    teams: dict[str, list[SeatCandidate]],
    layout: _Layout,
    strict: Neighbourhood,
    weak: Neighbourhood | None,
    rng_key: str,
) -> tuple[list[_SeatedRoom] | None, list[Diagnostic]]:
    deal = _deal(teams, layout.counts, Random(f"{rng_key}:deal"))
    seated: list[_SeatedRoom] = []
    problems: list[Diagnostic] = []
    for room, members in zip(layout.rooms, deal, strict=True):
        result = _seat_room(room, members, strict, weak, f"{rng_key}:room:{room.code}")
        if isinstance(result, Diagnostic):
            problems.append(result)
        else:
            seated.append(result)
    return (None, problems) if problems else (seated, [])


def _bound_problems(
    chosen: Sequence[Room], counts: list[dict[str, int]], rules: Sequence[Neighbourhood]
) -> list[Diagnostic]:
    """Rooms whose share of the teams a counting bound shows cannot be seated under its rule."""
    problems = []
    for room, share, rule in zip(chosen, counts, rules, strict=True):
        if share_violates_bound(room_graph(room, rule), list(share.values())) is not None:
            problems.append(
                Diagnostic(
                    DiagnosticCode.ROOM_UNSOLVED,
                    f"room {room.code!r}: its share ({_describe(share)}) "
                    f"cannot be seated under the {rule}-neighbour rule (proved by counting)",
                    {
                        "room": room.code,
                        "neighbourhood": rule,
                        "teams": dict(sorted(share.items())),
                        "proved": True,
                    },
                )
            )
    return problems


def _deal(
    teams: dict[str, list[SeatCandidate]], counts: list[dict[str, int]], rng: Random
) -> list[dict[str, list[SeatCandidate]]]:
    """Which members of each team go to each room (shuffled, then cut to the counts)."""
    rooms: list[dict[str, list[SeatCandidate]]] = [{} for _ in counts]
    for team in sorted(teams):
        members = list(teams[team])
        rng.shuffle(members)
        start = 0
        for r, room_counts in enumerate(counts):
            k = room_counts.get(team, 0)
            if k:
                rooms[r][team] = members[start : start + k]
                start += k
    return rooms


def _seat_room(
    room: Room,
    members: dict[str, list[SeatCandidate]],
    strict: Neighbourhood,
    weak: Neighbourhood | None,
    rng_key: str,
) -> _SeatedRoom | Diagnostic:
    names = sorted(members)
    counts = [len(members[t]) for t in names]
    rng = Random(rng_key)
    graph = room_graph(room, strict)
    placement = place_room(graph, counts, rng)
    rule = strict
    fallback = None
    if placement.outcome is not Outcome.PLACED and weak is not None:
        reason = (
            FallbackReason.PROVED_INFEASIBLE
            if placement.outcome is Outcome.PROVED_INFEASIBLE
            else FallbackReason.NOT_FOUND
        )
        graph = room_graph(room, weak)
        placement = place_room(graph, counts, rng)
        rule = weak
        fallback = Fallback(room.code, weak, reason, _fallback_message(room, reason))
    if placement.outcome is not Outcome.PLACED:
        return Diagnostic(
            DiagnosticCode.ROOM_UNSOLVED,
            f"room {room.code!r}: no seating found for its share "
            f"({_describe(dict(zip(names, counts, strict=True)))}) under the {rule}-neighbour rule"
            + (" (proved impossible)" if placement.outcome is Outcome.PROVED_INFEASIBLE else ""),
            {
                "room": room.code,
                "neighbourhood": rule,
                "teams": dict(zip(names, counts, strict=True)),
                "proved": placement.outcome is Outcome.PROVED_INFEASIBLE,
            },
        )
    queues = {t: list(members[t]) for t in names}
    seats = [
        (graph.seats[i], queues[names[label]].pop())
        for i, label in enumerate(placement.labels)
        if label != EMPTY
    ]
    return _SeatedRoom(room, rule, seats, fallback)


def _fallback_message(room: Room, reason: FallbackReason) -> str:
    if reason is FallbackReason.PROVED_INFEASIBLE:
        return (
            f"room {room.code}: its share cannot be seated with no team-mates diagonally adjacent"
        )
    return f"room {room.code}: no 8-neighbour seating found within the search limit"


def _describe(share: dict[str, int]) -> str:
    return ", ".join(f"{team}: {count}" for team, count in sorted(share.items()))


def _build(
    seated: list[_SeatedRoom],
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
