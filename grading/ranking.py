"""Ranking by an ordered chain of tie-break keys, with shared (competition) ranks.

Contract: `rank_candidates(totals, policy)` ranks the RANKED candidates by the
policy's chain (default: total desc, objective desc, subjective desc, blanks asc).
Candidates equal on every key share a rank, and the next rank skips (1, 2, 2, 4):
a candidate's rank is 1 + the number of candidates strictly better on the chain.
Nobody else gets a rank (rank 0 in the array, None from `rank_of`). Row order never
decides anything: within a tie, `order` lists rows by row number for display only,
and `groups()` hands out whole tie groups, which is what awards use.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from grading.policy import RankingPolicy, TieKey
from grading.totals import Standing, Totals

IntArray = npt.NDArray[np.int64]
RowArray = npt.NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Ranking:
    """`rank[i]` (0 = unranked); `order`: ranked rows best first."""

    totals: Totals
    chain: tuple[TieKey, ...]
    rank: IntArray
    order: RowArray

    @property
    def ranked_count(self) -> int:
        return int(self.order.shape[0])

    @property
    def complete(self) -> bool:
        """True when no candidate's total is waiting on review or marking."""
        return self.totals.unresolved_rows.size == 0

    def rank_of(self, row: int) -> int | None:
        r = int(self.rank[row])
        return r or None

    def candidate_id(self, row: int) -> str:
        return self.totals.candidate_id(row)

    def tie_key_values(self, row: int) -> tuple[Fraction | int, ...]:
        """The row's value of each key of the chain, exact (points as Fractions)."""
        out: list[Fraction | int] = []
        for key in self.chain:
            v = int(self.totals.values(key.field)[row])
            out.append(self.totals.points(v) if self.totals.is_score(key.field) else v)
        return tuple(out)

    def groups(self) -> Iterator[tuple[int, RowArray]]:
        """(rank, rows) for each tie group, best first; lazily, so walking the top is cheap."""
        ranks = self.rank[self.order]
        pos = 0
        while pos < ranks.shape[0]:
            r = int(ranks[pos])
            end = int(np.searchsorted(ranks, r, side="right"))
            yield r, self.order[pos:end]
            pos = end


def _directed(values: IntArray, descending: bool) -> IntArray:
    v = -values if descending else values
    return v - v.min(initial=0) if v.size else v


def _sort(keys: list[IntArray]) -> tuple[RowArray, npt.NDArray[np.bool_]]:
    """Stable ascending order by the key tuple, and whether each sorted item differs from the
    one before it. Packs the keys into one int64 when their ranges allow (one argsort instead
    of a lexsort pass per key)."""
    ranges = [int(k.max(initial=0)) + 1 for k in keys]
    capacity = 1
    for r in ranges:
        capacity *= r
    m = keys[0].shape[0]
    if capacity < 2**62:
        packed = np.zeros(m, dtype=np.int64)
        for k, r in zip(keys, ranges, strict=True):
            packed *= r
            packed += k
        order: RowArray = np.argsort(packed, kind="stable")
        s = packed[order]
        new = np.empty(m, dtype=bool)
        new[:1] = True
        np.not_equal(s[1:], s[:-1], out=new[1:])
        return order, new
    order = np.lexsort(tuple(reversed(keys)))
    new = np.zeros(m, dtype=bool)
    new[:1] = True
    for k in keys:
        s = k[order]
        new[1:] |= s[1:] != s[:-1]
    return order, new


def rank_candidates(totals: Totals, policy: RankingPolicy | None = None) -> Ranking:
    """Competition ranks of the RANKED candidates by the policy's tie-break chain."""
    policy = policy or RankingPolicy()
    eligible = np.flatnonzero(totals.standing == Standing.RANKED)
    keys = [_directed(totals.values(k.field)[eligible], k.descending) for k in policy.chain]
    rank = np.zeros(totals.n_candidates, dtype=np.int64)
    if eligible.size == 0:
        return Ranking(totals, policy.chain, rank, eligible)
    pos, new = _sort(keys)
    group_start = np.where(new, np.arange(pos.shape[0]), 0)
    np.maximum.accumulate(group_start, out=group_start)
    order = eligible[pos]
    rank[order] = group_start + 1
    rank.flags.writeable = False
    order.flags.writeable = False
    return Ranking(totals, policy.chain, rank, order)
