"""Which rooms a plan uses, how full each is, and how many of each team go in each.

The balancing rule (checked by `validate` as `room_unbalanced`):
- rooms are taken largest first (usable seats; ties in natural code order), and
  the plan uses the fewest of them that hold everyone, unless the neighbour rule
  needs more (then the fewest for which it can be met);
- candidates are spread over the rooms in proportion to their usable seats:
  every room's load is N x seats(room) / seats(all rooms used) rounded down or
  up (largest remainders up, by preference), and never 0: no room is nearly
  empty while another is full.
Each team is then spread over the rooms in proportion to the seats still free
(largest teams first, ties broken by the seeded RNG), never more in a room than
the room can hold without two team-mates being neighbours. When those caps
stop that greedy, a max-flow finds team counts and loads within the same
bounds whenever any exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

from seating.flow import FlowNetwork
from seating.model import Room
from seating.numbering import natural_key


def rooms_by_preference(rooms: Sequence[Room]) -> list[Room]:
    """Rooms with usable seats, in the order they are taken: largest first, then by code."""
    usable = [r for r in rooms if r.capacity > 0]
    return sorted(usable, key=lambda r: (-r.capacity, natural_key(r.code)))


def fewest_rooms(candidate_count: int, ordered: Sequence[Room]) -> int | None:
    """How many of `ordered` (taken in order) hold everyone; None if all of them do not."""
    seats = 0
    for m, room in enumerate(ordered, start=1):
        seats += room.capacity
        if seats >= candidate_count:
            return m
    return None if candidate_count > 0 else 0


def load_bounds(candidate_count: int, rooms: Sequence[Room]) -> tuple[list[int], list[int]] | None:
    """Least and most candidates per room under the balancing rule; None if it cannot hold.

    A room's share of N is N x seats(room) / seats(all rooms used); its load is that share
    rounded down or up, and at least 1 (a used room is never empty).
    """
    seats = sum(r.capacity for r in rooms)
    shares = [candidate_count * r.capacity for r in rooms]
    lower = [max(1, share // seats) for share in shares]
    upper = [-(-share // seats) for share in shares]
    if sum(lower) > candidate_count:
        return None  # too many rooms: some would have to stay empty
    return lower, upper


def room_loads(candidate_count: int, rooms: Sequence[Room]) -> list[int] | None:
    """The preferred loads within `load_bounds`: largest remainders round up (ties in order)."""
    bounds = load_bounds(candidate_count, rooms)
    if bounds is None:
        return None
    loads, upper = bounds
    seats = sum(r.capacity for r in rooms)
    left = candidate_count - sum(loads)
    order = sorted(
        (r for r in range(len(rooms)) if upper[r] > loads[r]),
        key=lambda r: (-(candidate_count * rooms[r].capacity % seats), r),
    )
    for r in order[:left]:
        loads[r] += 1
    return loads


def apportion(total: int, weights: Sequence[int], rng: Random | None) -> list[int]:
    """Split `total` in proportion to `weights` by largest remainder, exactly in integers."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    shares = [total * w // weight_sum for w in weights]
    left = total - sum(shares)
    if left:
        ties = [rng.random() for _ in weights] if rng is not None else [0.0] * len(weights)
        order = sorted(
            range(len(weights)), key=lambda i: (-(total * weights[i] % weight_sum), ties[i], i)
        )
        for i in order[:left]:
            shares[i] += 1
    return shares


@dataclass(frozen=True)
class Spread:
    """Team counts per room, or the team that could not be spread."""

    counts: list[dict[str, int]] | None
    stuck_team: str | None = None


def spread_teams(
    team_sizes: dict[str, int], rooms: Sequence[Room], caps: Sequence[int], rng: Random
) -> Spread:
    """Counts of each team per room, each count at most `caps[r]` (the neighbour-rule bound),
    room totals within `load_bounds`.

    The proportional greedy of `_spread_greedily` is tried first; if the caps stop it, a
    max-flow finds counts whenever any exist (less evenly spread, but seatable).
    """
    total = sum(team_sizes.values())
    bounds = load_bounds(total, rooms)
    loads = room_loads(total, rooms)
    if bounds is None or loads is None:
        return Spread(None)
    spread = _spread_greedily(team_sizes, loads, caps, rng)
    if spread.counts is not None:
        return spread
    lower, upper = bounds
    for team, size in team_sizes.items():
        if sum(min(c, u) for c, u in zip(caps, upper, strict=True)) < size:
            return Spread(None, team)  # no spread exists: skip the flow
    counts = _spread_by_flow(team_sizes, lower, upper, caps)
    return Spread(counts) if counts is not None else spread


def _spread_by_flow(
    team_sizes: dict[str, int], lower: Sequence[int], upper: Sequence[int], caps: Sequence[int]
) -> list[dict[str, int]] | None:
    teams = sorted(team_sizes)
    rooms = len(caps)
    source, sink = 0, 1 + len(teams) + rooms
    network = FlowNetwork(sink + 1)
    links: dict[tuple[int, int], int] = {}
    for t, team in enumerate(teams):
        network.add_edge(source, 1 + t, team_sizes[team])
        for r in range(rooms):
            links[(t, r)] = network.add_edge(1 + t, 1 + len(teams) + r, caps[r])
    for r in range(rooms):
        network.add_edge(1 + len(teams) + r, sink, lower[r])
    # Lower bounds first: flow into the sink never decreases as the flow grows.
    if network.max_flow(source, sink) < sum(lower):
        return None
    for r in range(rooms):
        if upper[r] > lower[r]:
            network.add_edge(1 + len(teams) + r, sink, upper[r] - lower[r])
    if sum(lower) + network.max_flow(source, sink) < sum(team_sizes.values()):
        return None
    counts: list[dict[str, int]] = [{} for _ in range(rooms)]
    for (t, r), edge in links.items():
        if network.flow(edge):
            counts[r][teams[t]] = network.flow(edge)
    return counts


def _spread_greedily(
    team_sizes: dict[str, int], loads: Sequence[int], caps: Sequence[int], rng: Random
) -> Spread:
    free = list(loads)
    counts: list[dict[str, int]] = [{} for _ in loads]
    for team in sorted(team_sizes, key=lambda t: (-team_sizes[t], t)):
        upper = [min(c, f) for c, f in zip(caps, free, strict=True)]
        share = _capped_share(team_sizes[team], free, upper, rng)
        if share is None:
            return Spread(None, team)
        for r, k in enumerate(share):
            if k:
                counts[r][team] = k
                free[r] -= k
    return Spread(counts)


def _capped_share(
    size: int, weights: Sequence[int], upper: Sequence[int], rng: Random
) -> list[int] | None:
    # Water-filling: rooms whose proportional share exceeds their cap get the cap,
    # the rest is shared out again among the others.
    if sum(upper) < size:
        return None
    share = [0] * len(weights)
    active = [r for r in range(len(weights)) if weights[r] > 0 and upper[r] > 0]
    left = size
    while True:
        weight_sum = sum(weights[r] for r in active)
        over = [r for r in active if left * weights[r] > upper[r] * weight_sum]
        if not over:
            break
        for r in over:
            share[r] = upper[r]
            left -= upper[r]
        active = [r for r in active if r not in over]
    parts = apportion(left, [weights[r] for r in active], rng)
    for r, k in zip(active, parts, strict=True):
        share[r] = k
    return share
