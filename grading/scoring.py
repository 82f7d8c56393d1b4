"""Objective scoring, vectorised: responses (bitmasks) -> exact per-question ticks.

Contract: `score_objective(responses, key, paper, policy, unresolved=None)` takes the
scanner's matrix, uint8 or uint16 of shape (candidates, objective questions), each
cell the bitmask of the marked letters (0 = blank), columns in question order 1..Q.
Each question is scored through a lookup table built from the key and the section's
rule, so scoring is one gather per cell; rows are processed in blocks to keep memory
flat. Scores are integer ticks (see `grading.exact`). A row with any unresolved cell
is flagged: it has no final score, whatever its ticks say. A response using a letter
the question does not have is an error, never scored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt

from grading.errors import ResponseError
from grading.exact import common_scale, format_points, ticks_to_fraction, to_ticks
from grading.key import AnswerKey
from grading.paper import Paper, Question, QuestionKind
from grading.policy import MultiRule, ScoringPolicy, VoidRule

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_BLOCK_CELLS = 1 << 20  # cells per block: ~8 MB of gather indices


def _frozen(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
    a.flags.writeable = False
    return a


def _popcounts(width: int) -> IntArray:
    r = np.arange(width, dtype=np.int64)
    counts = np.zeros(width, dtype=np.int64)
    for b in range(max(width.bit_length() - 1, 0)):
        counts += (r >> b) & 1
    return counts


def _possible_values(q: Question, accepted: tuple[int, ...]) -> set[Fraction]:
    values = {Fraction(0), q.points}
    if q.kind is QuestionKind.MULTI:
        for a in accepted:
            c = a.bit_count()
            if q.multi_rule is MultiRule.PARTIAL:
                values.update(q.points * k / c for k in range(1, c))
            elif q.multi_rule is MultiRule.PARTIAL_FIXED and c > 1:
                values.add(q.points * q.partial_fraction)
    return values


@dataclass(frozen=True, eq=False)
class ScoreTable:
    """`table[q, r]`: ticks scored by response bitmask r on column q."""

    scale: int
    table: IntArray
    question_max: IntArray  # ticks; 0 for a voided question excluded from the total
    counted: BoolArray  # counts towards the total (False only for VoidRule.EXCLUDE)
    voided: BoolArray


def build_score_table(paper: Paper, key: AnswerKey, policy: ScoringPolicy) -> ScoreTable:
    """The lookup table of every objective question (the key must pass `key.check`)."""
    key.check(paper, policy)
    questions = paper.objective_questions
    values: set[Fraction] = set()
    for q in questions:
        values |= _possible_values(q, key.accepted(q.number))
    scale = common_scale(values)
    width = 1 << max((q.options for q in questions), default=1)
    popcount = _popcounts(width)
    r = np.arange(width, dtype=np.int64)
    table = np.zeros((len(questions), width), dtype=np.int64)
    qmax = np.zeros(len(questions), dtype=np.int64)
    counted = np.ones(len(questions), dtype=bool)
    voided = np.zeros(len(questions), dtype=bool)
    for q in questions:
        full = to_ticks(q.points, scale)
        row = table[q.column]
        if q.number in key.voided:
            voided[q.column] = True
            if policy.voided is VoidRule.FULL_MARKS:
                row[:] = full  # everyone, blank or not
                qmax[q.column] = full
            else:
                counted[q.column] = False
            continue
        qmax[q.column] = full
        for a in key.accepted(q.number):
            if q.kind is QuestionKind.MULTI and q.multi_rule is not MultiRule.ALL_OR_NOTHING:
                c = a.bit_count()
                proper_subset = (r != 0) & ((r & ~a) == 0) & (r != a)
                if q.multi_rule is MultiRule.PARTIAL:
                    per_letter = to_ticks(q.points / c, scale) if c > 1 else 0
                    partial = popcount * per_letter
                else:
                    partial = np.full(width, to_ticks(q.points * q.partial_fraction, scale))
                np.maximum(row, np.where(proper_subset, partial, 0), out=row)
            row[a] = full
    return ScoreTable(scale, _frozen(table), _frozen(qmax), _frozen(counted), _frozen(voided))


@dataclass(frozen=True, eq=False)
class ScoreMatrix:
    """Objective scores of every candidate, in ticks of 1/scale point.

    `ticks[i, q]`: candidate i's score on column q (question q+1); `totals[i]` their
    objective total; `blanks[i]` blank answers on counted, non-voided questions;
    `section_totals[name][i]` per objective section; `unresolved[i]` True when a cell of
    the row is under review (no final score); `unresolved_counts[i]` how many.
    """

    scale: int
    ticks: npt.NDArray[np.unsignedinteger[Any]]
    totals: IntArray
    blanks: IntArray
    section_totals: Mapping[str, IntArray]
    unresolved: BoolArray
    unresolved_counts: IntArray
    question_max: IntArray
    counted: BoolArray
    voided: BoolArray
    policy: ScoringPolicy

    @property
    def n_candidates(self) -> int:
        return int(self.ticks.shape[0])

    @property
    def n_questions(self) -> int:
        return int(self.ticks.shape[1])

    @property
    def max_ticks(self) -> int:
        return int(self.question_max.sum())

    @property
    def max_points(self) -> Fraction:
        """The objective maximum after the void rule (shrinks under VoidRule.EXCLUDE)."""
        return ticks_to_fraction(self.max_ticks, self.scale)

    def total(self, row: int) -> Fraction:
        return ticks_to_fraction(int(self.totals[row]), self.scale)

    def score(self, row: int, question: int) -> Fraction:
        return ticks_to_fraction(int(self.ticks[row, question - 1]), self.scale)

    def total_points(self) -> npt.NDArray[np.float64]:
        """Totals as floats, for display only."""
        return self.totals / self.scale

    def question_points(self, rows: slice | None = None) -> npt.NDArray[np.float64]:
        """Per-question points as floats, for display (8 bytes a cell: slice big exams)."""
        block = self.ticks if rows is None else self.ticks[rows]
        return block.astype(np.float64) / self.scale

    def describe_max(self) -> str:
        return format_points(self.max_points)


def check_responses(
    responses: npt.NDArray[Any], paper: Paper, unresolved: npt.NDArray[Any] | None = None
) -> None:
    """Refuse a response matrix that does not fit the paper (dtype, shape, letters)."""
    if not isinstance(responses, np.ndarray) or responses.dtype not in (np.uint8, np.uint16):
        got = getattr(responses, "dtype", type(responses).__name__)
        raise ResponseError(f"responses must be a uint8 or uint16 numpy array, got {got}")
    q = paper.objective_count
    if responses.ndim != 2 or responses.shape[1] != q:
        raise ResponseError(f"responses must have shape (candidates, {q}), got {responses.shape}")
    if unresolved is not None and (
        not isinstance(unresolved, np.ndarray)
        or unresolved.dtype != np.bool_
        or unresolved.shape != responses.shape
    ):
        raise ResponseError("unresolved must be a boolean array shaped like responses")
    if responses.shape[0] == 0:
        return
    limits = np.array([1 << qq.options for qq in paper.objective_questions], dtype=np.int64)
    bad = np.flatnonzero(responses.max(axis=0).astype(np.int64) >= limits)
    if bad.size:
        col = int(bad[0])
        row = int(np.argmax(responses[:, col] >= limits[col]))
        number = col + 1
        raise ResponseError(
            f"row {row}, question {number}: response {int(responses[row, col]):#b} uses a letter "
            f"the question does not have ({paper.objective_questions[col].options} options)",
            row=row,
            question=number,
        )


def _smallest_uint(max_value: int) -> np.dtype[Any]:
    for dt in (np.uint8, np.uint16, np.uint32):
        if max_value <= np.iinfo(dt).max:
            return np.dtype(dt)
    return np.dtype(np.uint64)


def score_objective(
    responses: npt.NDArray[Any],
    key: AnswerKey,
    paper: Paper,
    policy: ScoringPolicy | None = None,
    unresolved: BoolArray | None = None,
) -> ScoreMatrix:
    """Score every candidate's objective answers; see the module contract."""
    policy = policy or ScoringPolicy()
    check_responses(responses, paper, unresolved)
    st = build_score_table(paper, key, policy)
    n, q = responses.shape
    width = st.table.shape[1]
    tick_dtype = _smallest_uint(int(st.table.max(initial=0)))
    flat = st.table.astype(tick_dtype).ravel()
    offsets = np.arange(q, dtype=np.intp) * width
    ticks = np.empty((n, q), dtype=tick_dtype)
    totals = np.empty(n, dtype=np.int64)
    blanks = np.empty(n, dtype=np.int64)
    sections = paper.section_columns(objective=True)
    starts = np.array([a for a, _ in sections.values()], dtype=np.intp)
    per_section = np.empty((n, len(sections)), dtype=np.int64)
    blank_cols = ~st.voided
    all_cols = bool(blank_cols.all())
    count_dtype = np.uint8 if q <= np.iinfo(np.uint8).max else np.int64
    block = max(1, _BLOCK_CELLS // max(q, 1))
    for lo in range(0, n, block):
        hi = min(lo + block, n)
        part = responses[lo:hi]
        idx = part.astype(np.intp)
        idx += offsets
        out = ticks[lo:hi]
        np.take(flat, idx, out=out)
        per_section[lo:hi] = np.add.reduceat(out, starts, axis=1, dtype=np.int64)
        is_blank = part == 0
        if not all_cols:
            is_blank &= blank_cols
        # A byte-wide sum is several times faster than count_nonzero along rows.
        blanks[lo:hi] = is_blank.view(np.uint8).sum(axis=1, dtype=count_dtype)
    totals[:] = per_section.sum(axis=1)
    if unresolved is None:
        unresolved_counts = np.zeros(n, dtype=np.int64)
    else:
        unresolved_counts = np.count_nonzero(unresolved, axis=1).astype(np.int64)
    section_totals = {
        name: _frozen(np.ascontiguousarray(per_section[:, i])) for i, name in enumerate(sections)
    }
    return ScoreMatrix(
        scale=st.scale,
        ticks=_frozen(ticks),
        totals=_frozen(totals),
        blanks=_frozen(blanks),
        section_totals=section_totals,
        unresolved=_frozen(unresolved_counts > 0),
        unresolved_counts=_frozen(unresolved_counts),
        question_max=st.question_max,
        counted=st.counted,
        voided=st.voided,
        policy=policy,
    )
