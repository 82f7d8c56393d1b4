"""Double-marked subjective (case-analysis) scores -> final scores and marking issues.

Contract: `resolve_subjective(paper, first, second, third, policy, skip)` takes float
arrays of shape (candidates, subjective questions), columns in question order
(Q+1..Q+S), NaN where a marker has given no score; `third` is the arbiter's marking
(None or NaN where none). Every score is checked (missing, outside 0..max, off the
step); a pair differing by more than the tolerance needs a third marking. Nothing is
silently resolved: each problem is a `MarkingIssue` naming row, question, marker and
reason, and a question with a blocking issue has no final score. Final scores are
exact integer ticks; rows in `skip` (absent candidates) are neither scored nor checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from grading.errors import MarksError
from grading.exact import as_fraction, format_points, ticks_to_fraction
from grading.paper import Paper
from grading.policy import ClosestTieRule, FinalScoreRule, SubjectivePolicy

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# A mark is "on the step" when within this relative distance of a multiple of it: the
# marks arrive as floats (0.1 is not exact in binary) but are meant as decimals.
_STEP_SLACK = 1e-9


class IssueReason(StrEnum):
    MISSING_MARK = "missing_mark"  # marker 1 or 2 gave no score
    OUT_OF_RANGE = "out_of_range"  # below 0 or above the question's maximum
    OFF_STEP = "off_step"  # not a multiple of the step (0.5)
    THIRD_MARKING_REQUIRED = "third_marking_required"  # |m1 - m2| > tolerance, no third
    EXCEEDS_TOLERANCE = "exceeds_tolerance"  # MEAN_TWO: the two markings must be corrected
    THIRD_MARKING_UNUSED = "third_marking_unused"  # a third marking the rule does not use


@dataclass(frozen=True)
class MarkingIssue:
    """One problem with one candidate's question. `marker` is 1, 2, 3 or None (the pair)."""

    row: int
    question: int
    reason: IssueReason
    marker: int | None
    detail: str
    blocking: bool = True


@dataclass(frozen=True, eq=False)
class SubjectiveScores:
    """Final subjective scores in ticks of 1/scale point.

    `final[i, j]` is valid only where `has_final[i, j]`; `totals[i]` sums the valid finals;
    `complete[i]` is True when every question of row i has a final score (always True
    for skipped rows, which score 0).
    """

    scale: int
    questions: tuple[int, ...]
    final: IntArray
    has_final: BoolArray
    totals: IntArray
    complete: BoolArray
    section_totals: Mapping[str, IntArray]
    issues: tuple[MarkingIssue, ...]
    skipped: BoolArray
    policy: SubjectivePolicy

    @property
    def blocking_issues(self) -> tuple[MarkingIssue, ...]:
        return tuple(i for i in self.issues if i.blocking)

    def final_score(self, row: int, question: int) -> Fraction | None:
        j = self.questions.index(question)
        if not self.has_final[row, j]:
            return None
        return ticks_to_fraction(int(self.final[row, j]), self.scale)

    def total(self, row: int) -> Fraction:
        return ticks_to_fraction(int(self.totals[row]), self.scale)


def _as_marks(a: Any, shape: tuple[int, int], name: str) -> FloatArray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.shape != shape:
        raise MarksError(f"{name} marks must have shape {shape}, got {arr.shape}")
    if np.isinf(arr).any():
        raise MarksError(f"{name} marks contain an infinite value")
    return arr


class _Checked:
    """One marker's array, read into whole steps, with its problems found."""

    def __init__(
        self, marks: FloatArray, step: Fraction, max_steps: list[Fraction], active: BoolArray
    ) -> None:
        self.present = ~np.isnan(marks) & active
        self.missing = np.isnan(marks) & active
        filled = np.where(self.present, marks, 0.0)
        steps_float = filled / float(step)
        self.steps = np.rint(steps_float).astype(np.int64)
        slack = _STEP_SLACK * np.maximum(1.0, np.abs(steps_float))
        self.off_step = self.present & (np.abs(steps_float - self.steps) > slack)
        num = np.array([m.numerator for m in max_steps], dtype=np.int64)
        den = np.array([m.denominator for m in max_steps], dtype=np.int64)
        above = np.where(self.off_step, steps_float > num / den + slack, self.steps * den > num)
        self.out_of_range = self.present & ((filled < 0) | above)
        self.valid = self.present & ~self.off_step & ~self.out_of_range


def resolve_subjective(
    paper: Paper,
    first: npt.ArrayLike,
    second: npt.ArrayLike,
    third: npt.ArrayLike | None = None,
    *,
    policy: SubjectivePolicy | None = None,
    skip: npt.ArrayLike | None = None,
) -> SubjectiveScores:
    """Check every marking and compute the final scores by `policy.final`."""
    policy = policy or SubjectivePolicy()
    questions = paper.subjective_questions
    m1_raw = np.asarray(first, dtype=np.float64)
    n = int(m1_raw.shape[0]) if m1_raw.ndim == 2 else -1
    shape = (n, len(questions))
    if n < 0:
        raise MarksError(f"first marks must be 2-D (candidates, {len(questions)})")
    m1 = _as_marks(m1_raw, shape, "first")
    m2 = _as_marks(second, shape, "second")
    m3 = np.full(shape, np.nan) if third is None else _as_marks(third, shape, "third")
    skipped = np.zeros(n, dtype=bool) if skip is None else np.array(skip, dtype=bool)
    if skipped.shape != (n,):
        raise MarksError(f"skip must have shape ({n},), got {skipped.shape}")
    active = np.broadcast_to(~skipped[:, None], shape)

    step = as_fraction(policy.step, field="subjective.step")
    max_steps = [q.points / step for q in questions]
    c1 = _Checked(m1, step, max_steps, active)
    c2 = _Checked(m2, step, max_steps, active)
    c3 = _Checked(m3, step, max_steps, active)

    # Tolerance in steps, exactly: |k1 - k2| * step > tol  <=>  |k1 - k2| > tol / step.
    tol_steps = [policy.tolerance_for(q.number) / step for q in questions]
    tol_num = np.array([t.numerator for t in tol_steps], dtype=np.int64)
    tol_den = np.array([t.denominator for t in tol_steps], dtype=np.int64)
    pair = c1.valid & c2.valid
    d12 = np.abs(c1.steps - c2.steps)
    exceeds = pair & (d12 * tol_den > tol_num)
    within = pair & ~exceeds

    # Finals in half-steps: the mean of two markings is (k_a + k_b) half-steps.
    half = np.zeros(shape, dtype=np.int64)
    has_final = within.copy()
    half[within] = (c1.steps + c2.steps)[within]
    needs_third = exceeds & (policy.final is not FinalScoreRule.MEAN_TWO)
    arbitrated = needs_third & c3.valid
    if policy.final is FinalScoreRule.ARBITER:
        half[arbitrated] = 2 * c3.steps[arbitrated]
    elif policy.final is FinalScoreRule.CLOSEST_TWO:
        half[arbitrated] = _closest_two(c1.steps, c2.steps, c3.steps, policy.closest_tie)[
            arbitrated
        ]
    has_final |= arbitrated

    issues = _issues(paper, policy, c1, c2, c3, within, exceeds, needs_third, m1, m2, m3)

    unit = step / 2
    scale = unit.denominator
    final = half * (unit * scale).numerator
    final[~has_final] = 0
    totals = final.sum(axis=1)
    complete = has_final.all(axis=1) | skipped
    section_totals: dict[str, IntArray] = {}
    for name, (a, b) in paper.section_columns(objective=False).items():
        section_totals[name] = final[:, a:b].sum(axis=1)
    for arr in (final, has_final, totals, complete, skipped, *section_totals.values()):
        arr.flags.writeable = False
    return SubjectiveScores(
        scale=scale,
        questions=tuple(q.number for q in questions),
        final=final,
        has_final=has_final,
        totals=totals,
        complete=complete,
        section_totals=section_totals,
        issues=issues,
        skipped=skipped,
        policy=policy,
    )


def _closest_two(k1: IntArray, k2: IntArray, k3: IntArray, tie: ClosestTieRule) -> IntArray:
    """Half-steps of the mean of the closest pair of three markings."""
    pairs = np.stack([np.abs(k1 - k2), np.abs(k1 - k3), np.abs(k2 - k3)])
    sums = np.stack([k1 + k2, k1 + k3, k2 + k3])
    best = pairs.min(axis=0)
    is_best = pairs == best
    n_best = is_best.sum(axis=0)
    lowest = np.where(is_best, sums, np.iinfo(np.int64).max).min(axis=0)
    highest = np.where(is_best, sums, np.iinfo(np.int64).min).max(axis=0)
    if tie is ClosestTieRule.HIGHER:
        tied = highest
    elif tie is ClosestTieRule.LOWER:
        tied = lowest
    else:
        # Two equally close pairs share a score that is the midpoint of the other two:
        # the mean of all three, exactly (their sum is 3x the middle one).
        middle = (k1 + k2 + k3) // 3
        tied = 2 * middle
    result: IntArray = np.where(n_best > 1, tied, lowest)
    return result


def _issues(
    paper: Paper,
    policy: SubjectivePolicy,
    c1: _Checked,
    c2: _Checked,
    c3: _Checked,
    within: BoolArray,
    exceeds: BoolArray,
    needs_third: BoolArray,
    m1: FloatArray,
    m2: FloatArray,
    m3: FloatArray,
) -> tuple[MarkingIssue, ...]:
    questions = paper.subjective_questions
    step = as_fraction(policy.step, field="subjective.step")
    out: list[MarkingIssue] = []

    def add(
        mask: BoolArray,
        reason: IssueReason,
        marker: int | None,
        text: Callable[[int, int], str],
        blocking: bool = True,
    ) -> None:
        for i, j in zip(*np.nonzero(mask), strict=True):
            out.append(
                MarkingIssue(
                    int(i), questions[j].number, reason, marker, text(int(i), int(j)), blocking
                )
            )

    def outside(m: FloatArray) -> Callable[[int, int], str]:
        return lambda i, j: f"{m[i, j]:g} is outside 0..{format_points(questions[j].points)}"

    def off_step(m: FloatArray) -> Callable[[int, int], str]:
        return lambda i, j: f"{m[i, j]:g} is not a multiple of {format_points(step)}"

    for marker, c, m in ((1, c1, m1), (2, c2, m2)):
        add(c.missing, IssueReason.MISSING_MARK, marker, lambda i, j: "no score entered")
        add(c.out_of_range, IssueReason.OUT_OF_RANGE, marker, outside(m))
        add(c.off_step & ~c.out_of_range, IssueReason.OFF_STEP, marker, off_step(m))
    # A bad third marking blocks only where a third marking is needed.
    for where, blocking in ((needs_third, True), (~needs_third, False)):
        add(c3.out_of_range & where, IssueReason.OUT_OF_RANGE, 3, outside(m3), blocking)
        bad_step = c3.off_step & ~c3.out_of_range & where
        add(bad_step, IssueReason.OFF_STEP, 3, off_step(m3), blocking)

    def gap(i: int, j: int) -> str:
        tol = format_points(policy.tolerance_for(questions[j].number))
        return f"markers differ by {abs(m1[i, j] - m2[i, j]):g} > tolerance {tol}"

    if policy.final is FinalScoreRule.MEAN_TWO:
        add(exceeds, IssueReason.EXCEEDS_TOLERANCE, None, gap)
        unused = c3.present & (within | exceeds)
    else:
        add(needs_third & ~c3.present, IssueReason.THIRD_MARKING_REQUIRED, 3, gap)
        unused = c3.present & within
    add(
        unused,
        IssueReason.THIRD_MARKING_UNUSED,
        3,
        lambda i, j: f"third marking {m3[i, j]:g} is not used by the {policy.final} rule here",
        blocking=False,
    )
    out.sort(key=lambda x: (x.row, x.question, x.marker or 0, x.reason))
    return tuple(out)
