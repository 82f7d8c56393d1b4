"""A small max-flow (Dinic) for the exact fallbacks of the greedy assignments.

Deterministic: edges are explored in the order they were added.
"""

from __future__ import annotations


class FlowNetwork:
    def __init__(self, nodes: int) -> None:
        self._heads: list[list[int]] = [[] for _ in range(nodes)]
        self._to: list[int] = []
        self._cap: list[int] = []

    def add_edge(self, u: int, v: int, capacity: int) -> int:
        """Add u -> v; returns the edge id (its residual twin is id ^ 1)."""
        edge = len(self._to)
        self._to += [v, u]
        self._cap += [capacity, 0]
        self._heads[u].append(edge)
        self._heads[v].append(edge + 1)
        return edge

    def flow(self, edge: int) -> int:
        return self._cap[edge ^ 1]

    def max_flow(self, source: int, sink: int) -> int:
        total = 0
        while True:
            level = self._levels(source, sink)
            if level[sink] < 0:
                return total
            cursor = [0] * len(self._heads)
            while True:
                pushed = self._push(source, sink, level, cursor)
                if not pushed:
                    break
                total += pushed

    def _levels(self, source: int, sink: int) -> list[int]:
        level = [-1] * len(self._heads)
        level[source] = 0
        queue = [source]
        for u in queue:
            for e in self._heads[u]:
                v = self._to[e]
                if self._cap[e] > 0 and level[v] < 0:
                    level[v] = level[u] + 1
                    queue.append(v)
        return level

    def _push(self, source: int, sink: int, level: list[int], cursor: list[int]) -> int:
        # Iterative depth-first search for one blocking-flow path.
        path: list[int] = []
        u = source
        while True:
            if u == sink:
                amount = min(self._cap[e] for e in path)
                for e in path:
                    self._cap[e] -= amount
                    self._cap[e ^ 1] += amount
                return amount
            heads = self._heads[u]
            while cursor[u] < len(heads):
                e = heads[cursor[u]]
                v = self._to[e]
                if self._cap[e] > 0 and level[v] == level[u] + 1:
                    break
                cursor[u] += 1
            if cursor[u] == len(heads):
                if not path:
                    return 0
                level[u] = -1  # dead end: never visit again in this phase
                e = path.pop()
                u = self._to[e ^ 1]
                cursor[u] += 1
                continue
            e = heads[cursor[u]]
            path.append(e)
            u = self._to[e]
