"""Which rooms a plan uses, how full each is, and how many of each team go in each.

The balancing rule (checked by `validate` as `room_unbalanced`):
- rooms are taken largest first (usable seats; ties in natural code order), and
  the plan uses the fewest of them that hold everyone, unless the neighbour rule
  needs more (then the fewest for which it can be met);
- candidates are spread over the rooms in proportion to their usable seats,
  rounded by largest remainder, so every room's load is within one seat of
  N x seats(room) / seats(all rooms used): no room is nearly empty while another
  is full.
Each team is then spread over the rooms in proportion to the seats still free
(largest teams first, ties broken by the seeded RNG), never more in a room than
the room can hold without two team-mates being neighbours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from random import Random

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


def room_loads(candidate_count: int, rooms: Sequence[Room]) -> list[int]:
    """Candidates per room, proportional to usable seats (largest remainder; ties in order)."""
    return apportion(candidate_count, [r.capacity for r in rooms], None)


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
    team_sizes: dict[str, int], loads: Sequence[int], caps: Sequence[int], rng: Random
) -> Spread:
    """Counts of each team per room: rows sum to the team sizes, columns to `loads`.

    `caps[r]` bounds any one team's count in room r (the neighbour-rule bound).
    """
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
