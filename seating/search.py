"""The search behind `assign_seats`: which rooms, which shares, which seats.

`search_rooms` tries room counts from the fewest upwards. For each it spreads the
teams over the rooms (`seating.distribution`), discards spreads that a counting
bound shows cannot be seated (`seating.geometry`), and seats each room
(`seating.room_solver`), under the strict rule or, where allowed and needed,
the weak one. With a fallback, the last k rooms of a room count (the smallest;
among equals the last by code) may take a share only the weak rule can seat,
k found by binary search on the counting bounds; every room still tries the
strict rule first, and a room seated under the weak rule carries a `Fallback`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from random import Random

from seating.distribution import fewest_rooms, spread_teams
from seating.errors import Diagnostic, DiagnosticCode
from seating.geometry import occupancy_bound, room_graph, share_violates_bound
from seating.model import Fallback, FallbackReason, Neighbourhood, Room, SeatCandidate
from seating.room_solver import EMPTY, Outcome, place_room

# How many room counts are tried with a full search before giving up on a rule;
# more rooms rarely help once shares that pass the counting bounds cannot be seated.
_SOLVE_TRIES = 3


@dataclass(frozen=True)
class SeatedRoom:
    """A room's seating before admission numbers are given."""

    room: Room
    neighbourhood: Neighbourhood
    # (seat number, candidate) in seat order.
    seats: list[tuple[int, SeatCandidate]]
    fallback: Fallback | None


def search_rooms(
    teams: dict[str, list[SeatCandidate]],
    pool: Sequence[Room],
    strict: Neighbourhood,
    weak: Neighbourhood | None,
    seed: int,
) -> tuple[list[SeatedRoom] | None, list[Diagnostic]]:
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
) -> tuple[list[SeatedRoom] | None, list[Diagnostic]]:
    deal = _deal(teams, layout.counts, Random(f"{rng_key}:deal"))
    seated: list[SeatedRoom] = []
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
) -> SeatedRoom | Diagnostic:
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
    return SeatedRoom(room, rule, seats, fallback)


def _fallback_message(room: Room, reason: FallbackReason) -> str:
    if reason is FallbackReason.PROVED_INFEASIBLE:
        return (
            f"room {room.code}: its share cannot be seated with no team-mates diagonally adjacent"
        )
    return f"room {room.code}: no 8-neighbour seating found within the search limit"


def _describe(share: dict[str, int]) -> str:
    return ", ".join(f"{team}: {count}" for team, count in sorted(share.items()))
