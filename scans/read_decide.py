"""Decide marks from measures: per-sheet thresholds, then per-question statuses.

Contract: ``estimate_thresholds(measures, keys, params)`` finds the sheet's own levels
from all its bubbles (the empty level of each printed label, the candidate's pencil
level); ``decide(questions, thresholds, params)`` turns each question's measures into
``ok``/``blank``/``multiple``/``ambiguous`` with a reason. Both are pure functions of
stored numbers, so a page can be decided again (new parameters, a newer reader) without
its image. A question is ``ok`` or ``blank`` only when every one of its bubbles is
clearly marked or clearly empty — or when the only unclear bubble is plainly the remains
of an erasure beside a firm mark on a single-answer item.

A bubble is *marked* when its fill reaches ``mark_min``, or when it is more than empty
and at least ``solid_cover`` of its area is as dark as the candidate's pencil (a
scribble, a half fill), or when pencil strokes run through every quarter of it (a loose
scribble: ``stroke_*``); *empty* at or below ``blank_max``; otherwise *doubtful*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from scans.read_model import (
    AdmissionGridRead,
    GridStatus,
    QuestionRead,
    QuestionStatus,
    ReadParams,
    Thresholds,
    bubble_key,
)

__all__ = [
    "QuestionMeasures",
    "decide",
    "decide_grid",
    "decide_question",
    "estimate_thresholds",
]

_SINGLE_KINDS = frozenset({"single", "truefalse"})
_OUTSIDE = "part of the question lies outside the image"
_MIN_GROUP = 6  # bubbles of one label needed to trust that label's own empty level
_MAX_GLYPH = 0.10  # the most a printed glyph may darken an empty bubble (measure)
_EMPTY_SPREAD = 0.04  # empty bubbles of one label lie within this of each other (measure)


@dataclass(frozen=True)
class QuestionMeasures:
    number: int
    kind: str
    labels: str
    measures: tuple[float, ...]
    coverage: tuple[float, ...]
    readable: bool = True  # False: part of the question lies outside the image
    spread: tuple[float, ...] = ()  # the least-filled quarter's measure (see QuestionRead)


def estimate_thresholds(
    measures: Sequence[float], keys: Sequence[str], params: ReadParams
) -> Thresholds:
    """This sheet's empty level per printed label and its pencil level."""
    values = np.asarray(measures, dtype=np.float64)
    labels = np.asarray(keys)
    if values.size == 0:
        blank = 0.0
        baselines: dict[str, float] = {}
        contrast = params.default_contrast
    else:
        # Most bubbles of a sheet are empty: a low quantile is the empty level.
        blank = float(np.percentile(values, 25))
        baselines = {}
        for key in sorted(set(labels.tolist())):
            group = np.sort(values[labels == key])
            if group.size >= _MIN_GROUP:
                # The empty bubbles of a label are those near its lowest values (the
                # second lowest, so one speck of noise does not decide) and no darker
                # than a printed glyph can make an empty bubble; their median is the
                # label's empty level. A quantile would not do: on a true/false section
                # answered mostly "对", most of the 对 bubbles are marked.
                near_bottom = group[
                    (group <= group[1] + _EMPTY_SPREAD) & (group <= blank + _MAX_GLYPH)
                ]
                if near_bottom.size < 3:
                    # Too few empty ones to tell (a label marked on nearly all its
                    # questions): the sheet's general empty level, lower, so a faint
                    # mark there is doubted rather than missed.
                    continue
                baselines[key] = float(np.median(near_bottom))
        base = np.array([baselines.get(k, blank) for k in labels.tolist()])
        above = values - base
        marked = above[above >= max(params.min_contrast, 0.5 * params.default_contrast)]
        # The upper part of what stands clearly above empty is the candidate's pencil.
        contrast = float(np.percentile(marked, 60)) if marked.size >= 3 else params.default_contrast
        contrast = max(contrast, params.min_contrast)
    return Thresholds(
        blank_level=blank,
        pencil_level=blank + contrast,
        baselines=tuple(sorted(baselines.items())),
        blank_max=params.blank_max,
        mark_min=params.mark_min,
        solid_level=params.solid_level,
    )


def _fmt(labels: str, indices: Iterable[int]) -> str:
    return "".join(labels[i] for i in sorted(indices))


def _classify(
    fills: Sequence[float],
    cover: Sequence[float],
    params: ReadParams,
    spread: Sequence[float] | None = None,
) -> tuple[list[int], list[int]]:
    """Indices of the marked and of the doubtful bubbles (plain Python: a handful each).

    ``spread`` is each bubble's least-filled quarter, as a fill (None: not measured)."""
    # A bubble whose mean is only middling but much of whose area is pencil strokes (a
    # scribble, a half fill) is a mark; so is one with a little less solid pencil when the
    # strokes run through all four quarters of it (a loose scribble). An erasure or a smudge
    # is grey all over with no stroke as dark as pencil; a dot or a tick is too small and
    # leaves a quarter empty: they stay doubtful.
    marked: list[int] = []
    doubtful: list[int] = []
    for i, (f, c) in enumerate(zip(fills, cover, strict=True)):
        scribbled = (
            spread is not None
            and f >= params.stroke_fill
            and c >= params.stroke_cover
            and spread[i] >= params.stroke_spread
        )
        if f >= params.mark_min or (f > params.blank_max and c >= params.solid_cover) or scribbled:
            marked.append(i)
        elif f > params.blank_max:
            doubtful.append(i)
    return marked, doubtful


def decide_question(
    question: QuestionMeasures, thresholds: Thresholds, params: ReadParams
) -> QuestionRead:
    """One question's marks and status from its measures."""
    labels = question.labels
    fills = [
        thresholds.fill(m, bubble_key(question.kind, label))
        for m, label in zip(question.measures, labels, strict=True)
    ]
    cover = question.coverage
    spread = None
    if len(question.spread) == len(labels):
        spread = [
            thresholds.fill(m, bubble_key(question.kind, label))
            for m, label in zip(question.spread, labels, strict=True)
        ]
    marked, doubtful = _classify(fills, cover, params, spread)
    marks = _fmt(labels, marked)

    def read(status: QuestionStatus, reason: str = "") -> QuestionRead:
        return QuestionRead(
            question.number,
            question.kind,
            labels,
            marks,
            status,
            reason,
            question.measures,
            question.coverage,
            question.spread,
        )

    if not question.readable:
        return read(QuestionStatus.AMBIGUOUS, _OUTSIDE)
    single = question.kind in _SINGLE_KINDS
    if single and len(marked) >= 2:
        return read(QuestionStatus.MULTIPLE, f"{len(marked)} marks on a single-answer item")
    if doubtful:
        mark = min((float(fills[i]) for i in marked), default=0.0)
        doubt = max(float(fills[i]) for i in doubtful)
        doubt_cover = max(float(cover[i]) for i in doubtful)
        # Beside a firm mark, a bubble much fainter than it and grey all over (nothing in
        # it as dark as a pencil stroke) is what an eraser left, or a smudge: a careful
        # human reads past it, and so do we. Only on single-answer items: there a second
        # intended mark would be the candidate's error anyway, while on a multiple-answer
        # item a faint bubble may be a real, lightly made answer — that needs a human.
        erased = (
            single
            and len(marked) == 1
            and mark >= params.firm_min
            and doubt <= params.residue_max
            and doubt <= params.residue_ratio * mark
            and doubt_cover <= params.residue_cover
        )
        if erased:
            return read(
                QuestionStatus.OK,
                f"faint mark on {_fmt(labels, doubtful)} taken as erased "
                f"({doubt:.2f} beside {mark:.2f})",
            )
        detail = ", ".join(f"{labels[i]} {fills[i]:.2f}" for i in doubtful)
        return read(QuestionStatus.AMBIGUOUS, f"unclear mark: {detail}")
    if not marked:
        return read(QuestionStatus.BLANK)
    return read(QuestionStatus.OK)


def decide(
    questions: Sequence[QuestionMeasures] | Sequence[QuestionRead],
    thresholds: Thresholds,
    params: ReadParams = ReadParams(),
) -> tuple[QuestionRead, ...]:
    """Decide every question again from its stored measures (no image needed)."""
    out: list[QuestionRead] = []
    for q in questions:
        if isinstance(q, QuestionRead):
            readable = q.reason != _OUTSIDE
            q = QuestionMeasures(
                q.number, q.kind, q.labels, q.measures, q.coverage, readable, q.spread
            )
        out.append(decide_question(q, thresholds, params))
    return tuple(out)


def decide_grid(
    columns: Sequence[Sequence[float]],
    coverage: Sequence[Sequence[float]],
    thresholds: Thresholds,
    params: ReadParams = ReadParams(),
) -> AdmissionGridRead:
    """The spare sheet's admission number: one digit per column, or a reason why not."""
    digits: list[str] = []
    problems: list[str] = []
    empty = multiple = doubtful = 0
    for index, (column, cover) in enumerate(zip(columns, coverage, strict=True)):
        fills = [thresholds.fill(m, bubble_key("grid", str(d))) for d, m in enumerate(column)]
        marked, unclear = _classify(fills, cover, params)
        if len(marked) == 1 and not unclear:
            digits.append(str(marked[0]))
            continue
        digits.append("?")
        if len(marked) >= 2:
            multiple += 1
            problems.append(f"column {index + 1}: digits {', '.join(map(str, marked))}")
        elif unclear:
            doubtful += 1
            problems.append(f"column {index + 1}: unclear {', '.join(map(str, unclear))}")
        else:
            empty += 1
            problems.append(f"column {index + 1}: empty")
    measures = tuple(tuple(float(v) for v in column) for column in columns)
    covers = tuple(tuple(float(v) for v in column) for column in coverage)
    if not problems:
        status = GridStatus.OK
    elif multiple:
        status = GridStatus.MULTIPLE
    elif doubtful:
        status = GridStatus.AMBIGUOUS
    elif empty == len(columns):
        status = GridStatus.BLANK
    else:
        status = GridStatus.INCOMPLETE
    return AdmissionGridRead("".join(digits), status, "; ".join(problems), measures, covers)
