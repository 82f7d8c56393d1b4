"""Placing one room's share of each team on its seats so no team-mates are neighbours.

`place_room(graph, counts, rng)` returns, for each usable seat of the room (in
seat order), the index of the team sitting there or -1 for an empty seat. It
either proves the share cannot be seated (a counting bound, see
`seating.geometry`), finds a seating, or gives up after a bounded search.

Method: a greedy pass in seat order gives each seat the team with the most
members still to seat among those not already beside it (empty seats are used
only when no team fits, so they otherwise end up in the highest-numbered
seats); if that leaves team-mates side by side, a min-conflicts local search
swaps seats (occupied or empty) until none are left, restarting a few times
from a fresh greedy pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from random import Random

from seating.geometry import RoomGraph, share_violates_bound

EMPTY = -1


class Outcome(Enum):
    PLACED = "placed"
    PROVED_INFEASIBLE = "proved_infeasible"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Placement:
    outcome: Outcome
    labels: tuple[int, ...] = ()
    # For PROVED_INFEASIBLE: the j largest teams together exceed what the room holds.
    bound_teams: int = 0


def place_room(
    graph: RoomGraph, counts: Sequence[int], rng: Random, attempts: int = 3
) -> Placement:
    if sum(counts) > graph.size:
        return Placement(Outcome.PROVED_INFEASIBLE, bound_teams=len(counts))
    violated = share_violates_bound(graph, list(counts))
    if violated is not None:
        return Placement(Outcome.PROVED_INFEASIBLE, bound_teams=violated)
    for _ in range(attempts):
        labels, clean = _greedy(graph, counts, rng)
        if clean or _repair(graph, labels, len(counts), rng, steps=40 * graph.size + 400):
            return Placement(Outcome.PLACED, tuple(labels))
    return Placement(Outcome.NOT_FOUND)


def _greedy(graph: RoomGraph, counts: Sequence[int], rng: Random) -> tuple[list[int], bool]:
    """Labels per seat, and whether no team-mates ended up side by side."""
    n = graph.size
    clean = True
    remaining = list(counts)
    tie = [rng.random() for _ in counts]
    empties = n - sum(counts)
    labels = [EMPTY] * n
    for i in range(n):
        # Seats are filled in order, so only lower-numbered neighbours hold a team yet.
        beside = {labels[j] for j in graph.neighbours[i] if j < i}
        best = EMPTY
        best_key = (0, 0.0)
        fallback = EMPTY
        fallback_key = (0, 0.0)
        for team, left in enumerate(remaining):
            if left == 0:
                continue
            key = (left, tie[team])
            if team not in beside:
                if key > best_key:
                    best, best_key = team, key
            elif key > fallback_key:
                fallback, fallback_key = team, key
        if best == EMPTY and empties == 0:
            best = fallback  # no team fits and no empty seat is left: repair later
            clean = False
        if best == EMPTY:
            empties -= 1
        else:
            remaining[best] -= 1
        labels[i] = best
    return labels, clean


def _repair(graph: RoomGraph, labels: list[int], teams: int, rng: Random, steps: int) -> bool:
    n = graph.size
    nbrs = graph.neighbours
    near = [set(ns) for ns in nbrs]
    # beside[i][t]: neighbours of seat i held by team t.
    beside = [[0] * teams for _ in range(n)]
    for i, label in enumerate(labels):
        if label != EMPTY:
            for k in nbrs[i]:
                beside[k][label] += 1

    def clashes(i: int) -> int:
        label = labels[i]
        return 0 if label == EMPTY else beside[i][label]

    for _ in range(steps):
        clashing = [i for i in range(n) if clashes(i)]
        if not clashing:
            return True
        i = clashing[rng.randrange(len(clashing))]
        a = labels[i]
        if rng.random() < 0.1:
            others = [j for j in range(n) if labels[j] != a]
            if not others:
                return False
            j = others[rng.randrange(len(others))]
        else:
            j = _best_swap(i, a, labels, beside, near, rng)
            if j < 0:
                return False
        b = labels[j]
        for k in nbrs[i]:
            beside[k][a] -= 1
            if b != EMPTY:
                beside[k][b] += 1
        for k in nbrs[j]:
            if b != EMPTY:
                beside[k][b] -= 1
            beside[k][a] += 1
        labels[i], labels[j] = b, a
    return not any(clashes(i) for i in range(n))


def _best_swap(
    i: int, a: int, labels: list[int], beside: list[list[int]], near: list[set[int]], rng: Random
) -> int:
    """The seat whose occupant, swapped with seat i's, removes the most clashes."""
    best_j = -1
    best_key = (1 << 30, 0.0)
    here = beside[i]
    for j, b in enumerate(labels):
        if b == a:
            continue
        adjacent = 1 if j in near[i] else 0
        there = beside[j]
        if b == EMPTY:
            delta = there[a] - adjacent - here[a]
        else:
            delta = (here[b] - adjacent) + (there[a] - adjacent) - here[a] - there[b]
        key = (delta, rng.random())
        if key < best_key:
            best_j, best_key = j, key
    return best_j
