"""Small builders for tests: totals and rankings straight from lists of points."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from grading.ranking import Ranking, rank_candidates
from grading.totals import Standing, Totals


def totals_from(
    total: Sequence[float | int | Fraction],
    *,
    objective: Sequence[float | int | Fraction] | None = None,
    blanks: Sequence[int] | None = None,
    ids: Sequence[str] | None = None,
    standing: Sequence[Standing] | None = None,
    scale: int = 4,
) -> Totals:
    """Totals with `scale` ticks a point; subjective = total - objective."""
    n = len(total)
    t = np.array([int(Fraction(x) * scale) for x in total], dtype=np.int64)
    o = (
        t.copy()
        if objective is None
        else np.array([int(Fraction(x) * scale) for x in objective], dtype=np.int64)
    )
    b = np.zeros(n, dtype=np.int64) if blanks is None else np.array(blanks, dtype=np.int64)
    s = np.zeros(n, dtype=np.int8) if standing is None else np.array(standing, dtype=np.int8)
    return Totals(scale, o, t - o, t, b, {}, s, tuple(ids) if ids is not None else None)


def ranking_from(total: Sequence[float | int | Fraction], **kw: object) -> Ranking:
    return rank_candidates(totals_from(total, **kw))  # type: ignore[arg-type]


def letters(n: int) -> list[str]:
    return [f"c{i:02d}" for i in range(n)]
