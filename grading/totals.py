"""Combined scores (综合成绩) per candidate, and who may be ranked.

Contract: `combine_totals(objective, subjective, candidate_ids, absent, ineligible)`
puts the objective and subjective parts on one exact tick scale and gives each
candidate a `Standing`: only RANKED candidates are ranked and awarded. An absent
candidate scores 0 (the team rule counts them 0); an ineligible one keeps their
scores but is never ranked; a row with an unresolved review item, or a subjective
question without a final score, has no final total yet (UNRESOLVED / INCOMPLETE).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from grading.errors import RankingError
from grading.exact import ticks_to_fraction
from grading.scoring import ScoreMatrix
from grading.subjective import SubjectiveScores

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Standing(IntEnum):
    """Why a candidate is (not) ranked; the worst applicable one is kept."""

    RANKED = 0
    INCOMPLETE = 1  # a subjective question has no final score (see the marking issues)
    UNRESOLVED = 2  # an answer-sheet cell is under review
    ABSENT = 3
    INELIGIBLE = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, eq=False)
class Totals:
    """Per-candidate scores in ticks of 1/scale point; row i is candidate_ids[i]."""

    scale: int
    objective: IntArray
    subjective: IntArray
    total: IntArray
    blanks: IntArray
    sections: Mapping[str, IntArray]
    standing: npt.NDArray[np.int8]
    ids: Sequence[str] | None = None
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False)

    @property
    def n_candidates(self) -> int:
        return int(self.total.shape[0])

    def candidate_id(self, row: int) -> str:
        return str(row) if self.ids is None else str(self.ids[row])

    def row_of(self, candidate_id: str) -> int:
        if not self._index:
            ids = range(self.n_candidates) if self.ids is None else self.ids
            self._index.update((str(c), i) for i, c in enumerate(ids))
        try:
            return self._index[candidate_id]
        except KeyError:
            raise RankingError(f"unknown candidate {candidate_id!r}") from None

    def standing_of(self, row: int) -> Standing:
        return Standing(int(self.standing[row]))

    def points(self, ticks: int) -> Fraction:
        return ticks_to_fraction(int(ticks), self.scale)

    def values(self, field_name: str) -> IntArray:
        """The array behind a tie key: total, objective, subjective, blanks, section:<name>."""
        if field_name in ("total", "objective", "subjective", "blanks"):
            arr: IntArray = getattr(self, field_name)
            return arr
        name = field_name.removeprefix("section:")
        if name not in self.sections:
            raise RankingError(f"no section {name!r} (sections: {', '.join(self.sections)})")
        return self.sections[name]

    def is_score(self, field_name: str) -> bool:
        return field_name != "blanks"

    @property
    def unresolved_rows(self) -> npt.NDArray[np.intp]:
        """Rows whose total is not final yet (review items or missing subjective scores)."""
        s = self.standing
        return np.flatnonzero((s == Standing.UNRESOLVED) | (s == Standing.INCOMPLETE))


def _mask(a: npt.ArrayLike | None, n: int, name: str) -> BoolArray:
    if a is None:
        return np.zeros(n, dtype=bool)
    arr = np.asarray(a, dtype=bool)
    if arr.shape != (n,):
        raise RankingError(f"{name} must have shape ({n},), got {arr.shape}")
    return arr


def combine_totals(
    objective: ScoreMatrix,
    subjective: SubjectiveScores | None = None,
    *,
    candidate_ids: Sequence[str] | npt.NDArray[Any] | None = None,
    absent: npt.ArrayLike | None = None,
    ineligible: npt.ArrayLike | None = None,
) -> Totals:
    """Objective + subjective on one scale, with each candidate's standing."""
    n = objective.n_candidates
    if subjective is not None and subjective.totals.shape[0] != n:
        raise RankingError(f"{n} objective rows but {subjective.totals.shape[0]} subjective rows")
    if candidate_ids is not None:
        if len(candidate_ids) != n:
            raise RankingError(f"{n} rows but {len(candidate_ids)} candidate ids")
        as_list = [str(c) for c in candidate_ids]
        if len(set(as_list)) != n:
            dupes = sorted(c for c, k in Counter(as_list).items() if k > 1)
            raise RankingError(f"candidate ids appear twice: {', '.join(dupes[:10])}")
    absent_m = _mask(absent, n, "absent")
    ineligible_m = _mask(ineligible, n, "ineligible")

    sub_scale = 1 if subjective is None else subjective.scale
    scale = int(np.lcm(objective.scale, sub_scale))
    k_obj, k_sub = scale // objective.scale, scale // sub_scale
    obj = objective.totals * k_obj
    sub = np.zeros(n, dtype=np.int64) if subjective is None else subjective.totals * k_sub
    sections = {name: t * k_obj for name, t in objective.section_totals.items()}
    if subjective is not None:
        sections.update({name: t * k_sub for name, t in subjective.section_totals.items()})
    zero = absent_m & ~ineligible_m
    for arr in (obj, sub, *sections.values()):
        arr[zero] = 0
    total = obj + sub

    standing = np.full(n, Standing.RANKED, dtype=np.int8)
    if subjective is not None:
        standing[~subjective.complete] = Standing.INCOMPLETE
    standing[objective.unresolved] = Standing.UNRESOLVED
    standing[absent_m] = Standing.ABSENT
    standing[ineligible_m] = Standing.INELIGIBLE
    blanks = objective.blanks.copy()
    for arr in (obj, sub, total, blanks, standing, *sections.values()):
        arr.flags.writeable = False
    ids = None if candidate_ids is None else tuple(as_list)
    return Totals(scale, obj, sub, total, blanks, sections, standing, ids)
