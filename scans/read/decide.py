"""Decide marks from measures: per-sheet thresholds, then per-question statuses.

Contract: ``estimate_thresholds(measures, keys, params)`` finds the sheet's own levels
from all its bubbles (the empty level of each printed label, the candidate's pencil
level); ``decide(questions, thresholds, params)`` turns each question's measures into
``ok``/``blank``/``multiple``/``ambiguous`` with a reason. Both are pure functions of
stored numbers, so a page can be decided again (new parameters, a newer reader) without
its image. A question is ``ok`` or ``blank`` only when every one of its bubbles is
clearly marked or clearly empty — or when the only unclear bubble is plainly the remains
of an erasure beside a firm mark on a single-answer item.

Erasures are judged against the candidate's own marks on the page (``PagePopulation``):
the fills of the bubbles plainly marked (the candidate's firm marks) and of the doubtful
ones (mostly what erasers left). On a single-answer item one firm mark beside residue far
lighter than the candidate's weakest firm mark on the page is ``ok`` (or a little less light
at its darkest but thin on average, as erasers leave it), the residue recorded in
``QuestionRead.erased``; on a multiple-answer item a residue must be lighter still
(``residue_share_multi``: by default none is read past, since a faint bubble there may be
a barely-touched answer no measure tells from an erasure). A bubble between the two populations
stays ``ambiguous``; a page with too few firm marks to know them is decided by the fixed
fractions alone (the erasure rule of reader 1.2, single-answer items only).

A bubble is *marked* when its fill reaches ``mark_min``, or when it is more than empty
and at least ``solid_cover`` of its area is as dark as the candidate's pencil (a
scribble, a half fill), or when pencil strokes run through every quarter of it (a loose
scribble: ``stroke_*``); *empty* at or below ``blank_max``; otherwise *doubtful*.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scans.read.marks import PROFILE_POINTS, profile_coverage
from scans.read.model import (
    AdmissionGridRead,
    GridStatus,
    QuestionRead,
    QuestionStatus,
    ReadParams,
    Thresholds,
    bubble_key,
)

__all__ = [
    "OUTSIDE_IMAGE",
    "UNDER_STREAK",
    "PagePopulation",
    "QuestionMeasures",
    "decide",
    "decide_grid",
    "decide_question",
    "estimate_thresholds",
    "page_population",
    "solid_coverage",
]

_SINGLE_KINDS = frozenset({"single", "truefalse"})
OUTSIDE_IMAGE = "part of the question lies outside the image"
UNDER_STREAK = (
    "扫描条纹遮挡 (a toner streak covers a bubble of the question: what is under it cannot be seen)"
)
_UNREADABLE = (OUTSIDE_IMAGE, UNDER_STREAK)
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
    readable: bool = True  # False: the question cannot be read (``unreadable`` says why)
    spread: tuple[float, ...] = ()  # the least-filled quarter's measure (see QuestionRead)
    profile: tuple[tuple[float, ...], ...] = ()  # each option's sample quantiles (QuestionRead)
    unreadable: str = OUTSIDE_IMAGE  # why, when not ``readable``


@dataclass(frozen=True)
class PagePopulation:
    """The candidate's own marks on this page, as fills (0 empty, 1 their typical mark).

    ``firm``: every bubble plainly marked (fill at least ``mark_min``); ``faint``: every
    doubtful one; ``pressed``: the firm ones' darkest tenths (how hard the pencil was
    pressed, whatever gaps a scribble or a half fill leaves). ``weakest`` is the
    candidate's weakest firm mark by that measure, all but the lightest one in forty (one
    odd light answer does not move it; a hand that presses lightly on many does)."""

    firm: tuple[float, ...]
    faint: tuple[float, ...]
    pressed: tuple[float, ...] = ()

    @property
    def typical(self) -> float:
        """How hard this candidate presses on a firm mark (the median darkest tenth)."""
        return self.pressed[len(self.pressed) // 2] if self.pressed else 0.0

    @property
    def typical_fill(self) -> float:
        """The mean fill of this candidate's typical firm mark (the median one)."""
        return self.firm[len(self.firm) // 2] if self.firm else 0.0

    @property
    def weakest(self) -> float:
        return self.pressed[len(self.pressed) // 40] if self.pressed else 0.0

    def known(self, params: ReadParams) -> bool:
        """Enough firm marks to tell this candidate's marks from what an eraser left."""
        return len(self.pressed) >= params.population_min


def solid_coverage(
    measures: Sequence[float],
    profiles: npt.NDArray[np.float64],
    keys: Sequence[str],
    thresholds: Thresholds,
    params: ReadParams,
) -> npt.NDArray[np.float64]:
    """The share of each bubble that is solid pencil, from its profile.

    A sample is solid pencil when it is as dark as ``solid_level`` of the candidate's
    marks *and* darker than its own bubble's mean by ``solid_margin``: pencil strokes stand
    out of their bubble, a smeared erasure is grey all over and has none. Both levels
    depend on decide-time parameters and on the sheet's thresholds: computed here, at
    decide time, from the stored profile, so a re-decision with other values is true."""
    values = np.asarray(measures, dtype=np.float64)
    baselines = np.array([thresholds.baseline(k) for k in keys], dtype=np.float64)
    mean_fill = (values - baselines) / thresholds.contrast
    solid_fill = np.maximum(thresholds.solid_level, mean_fill + params.solid_margin)
    levels = baselines + solid_fill * thresholds.contrast
    return np.round(profile_coverage(profiles, levels), 4)


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


def _fills(
    question: QuestionMeasures, values: Sequence[float], thresholds: Thresholds
) -> list[float]:
    return [
        thresholds.fill(m, bubble_key(question.kind, label))
        for m, label in zip(values, question.labels, strict=True)
    ]


def _coverage(
    question: QuestionMeasures, thresholds: Thresholds, params: ReadParams
) -> tuple[float, ...]:
    """The question's coverage: from its profiles when measured (reader 1.3), else stored."""
    if len(question.profile) != len(question.labels) or not question.labels:
        return question.coverage
    keys = [bubble_key(question.kind, label) for label in question.labels]
    profiles = np.asarray(question.profile, dtype=np.float64)
    return tuple(solid_coverage(question.measures, profiles, keys, thresholds, params).tolist())


def decide_question(
    question: QuestionMeasures,
    thresholds: Thresholds,
    params: ReadParams,
    population: PagePopulation | None = None,
) -> QuestionRead:
    """One question's marks and status from its measures (coverage recomputed from its
    profiles when it has them); ``population``: the candidate's marks on the whole page
    (see ``page_population``), without which erasures are judged by fixed fractions."""
    cover = _coverage(question, thresholds, params)
    seen = _see(question, cover, thresholds, params)
    return _decide(question, cover, seen, params, population)


_TOP = int(np.searchsorted(PROFILE_POINTS, 0.9))  # the profile's darkest tenth


@dataclass(frozen=True)
class _Seen:
    """One question's bubbles as fills, and which are marked or doubtful by fixed rules."""

    fills: list[float]
    tops: list[float] | None  # each bubble's darkest tenth as a fill (None: no profile)
    marked: list[int]
    doubtful: list[int]


def _see(
    question: QuestionMeasures,
    cover: Sequence[float],
    thresholds: Thresholds,
    params: ReadParams,
    as_fills: tuple[list[float], list[float] | None, list[float] | None] | None = None,
) -> _Seen:
    """``as_fills``: the question's measures, spreads and darkest tenths already as fills
    (``decide`` turns a whole page's at once)."""
    if as_fills is None:
        labels = question.labels
        spread = None
        if len(question.spread) == len(labels):
            spread = _fills(question, question.spread, thresholds)
        # Pencil strokes reach the candidate's pencil level in a bubble's darkest tenth,
        # what an eraser left does not.
        tops = None
        if len(question.profile) == len(labels):
            tops = _fills(question, [p[_TOP] for p in question.profile], thresholds)
        as_fills = (_fills(question, question.measures, thresholds), spread, tops)
    fills, spread, tops = as_fills
    marked, doubtful = _classify(fills, cover, params, spread)
    return _Seen(fills, tops, marked, doubtful)


def _page_fills(
    questions: Sequence[QuestionMeasures], thresholds: Thresholds
) -> list[tuple[list[float], list[float] | None, list[float] | None]]:
    """Every question's measures, spreads and darkest tenths as fills, in one pass."""
    keys = [bubble_key(q.kind, label) for q in questions for label in q.labels]
    base = np.array([thresholds.baseline(k) for k in keys], dtype=np.float64)
    nan = float("nan")
    means = np.array([m for q in questions for m in q.measures], dtype=np.float64)
    spreads = np.array(
        [
            v
            for q in questions
            for v in (q.spread if len(q.spread) == len(q.labels) else [nan] * len(q.labels))
        ],
        dtype=np.float64,
    )
    tops = np.array(
        [
            p[_TOP] if len(q.profile) == len(q.labels) else nan
            for q in questions
            for p in (q.profile if len(q.profile) == len(q.labels) else [()] * len(q.labels))
        ],
        dtype=np.float64,
    )
    contrast = thresholds.contrast
    all_means = ((means - base) / contrast).tolist()
    all_spreads = ((spreads - base) / contrast).tolist()
    all_tops = ((tops - base) / contrast).tolist()
    out: list[tuple[list[float], list[float] | None, list[float] | None]] = []
    cursor = 0
    for q in questions:
        n = len(q.labels)
        window = slice(cursor, cursor + n)
        cursor += n
        out.append(
            (
                all_means[window],
                all_spreads[window] if len(q.spread) == n else None,
                all_tops[window] if len(q.profile) == n else None,
            )
        )
    return out


def _decide(
    question: QuestionMeasures,
    cover: Sequence[float],
    seen: _Seen,
    params: ReadParams,
    population: PagePopulation | None,
) -> QuestionRead:
    labels = question.labels
    fills, tops = seen.fills, seen.tops
    marked, doubtful = seen.marked, seen.doubtful
    single = question.kind in _SINGLE_KINDS
    known = population is not None and population.known(params)
    if known and tops is not None:
        assert population is not None
        # Marked by its strokes alone (a scribble's coverage) but with nothing in it as
        # dark as this candidate's pencil and far lighter than their firm marks: the
        # streaks an eraser left, not strokes. It is judged with the doubtful bubbles.
        # On a single-answer item, so is one just past ``mark_min`` but short of a firm
        # mark, pressed no harder than a residue (a heavy erasure); it is read past only if
        # the residue rule below holds for it, and flagged otherwise.
        # On a multiple-answer item one just past ``mark_min``, short of a firm mark and
        # pressed no harder than what erasers leave, may be a heavy erasure as well as a
        # light answer: judged with the doubtful ones too, so it goes to a human (an
        # erasure of an overfill was read as an answer, silently).
        top_multi = params.residue_top_multi
        grey = [
            i
            for i in marked
            if (
                fills[i] < params.mark_min
                and tops[i] <= (params.residue_top if single else top_multi) * population.typical
            )
            or (
                single
                and fills[i] < params.firm_min
                and tops[i] <= params.residue_share * population.typical
                and cover[i] <= params.residue_cover_page
            )
            or (
                not single
                and fills[i] < params.firm_min
                and tops[i] <= params.residue_top * population.typical
            )
        ]
        # On a multiple-answer item whose every mark is such a one (no firm mark to read
        # it beside), it goes to a human too: a residue beside a loose scribble was read.
        if grey and (len(marked) > len(grey) or not single):
            marked = [i for i in marked if i not in grey]
            doubtful = sorted(doubtful + grey)
    erased = ""

    def read(status: QuestionStatus, reason: str = "") -> QuestionRead:
        return QuestionRead(
            question.number,
            question.kind,
            labels,
            _fmt(labels, marked),
            status,
            reason,
            question.measures,
            tuple(cover),
            question.spread,
            erased,
            question.profile,
        )

    if not question.readable:
        return read(QuestionStatus.AMBIGUOUS, question.unreadable)
    if single and len(marked) >= 2:
        return read(QuestionStatus.MULTIPLE, f"{len(marked)} marks on a single-answer item")
    if doubtful:
        mark = min((float(fills[i]) for i in marked), default=0.0)
        doubt = max(float(fills[i]) for i in doubtful)
        doubt_cover = max(float(cover[i]) for i in doubtful)
        # The fixed fractions (reader 1.2): beside a firm mark, a bubble much fainter than
        # it and grey all over (nothing in it as dark as a pencil stroke) is what an eraser
        # left, or a smudge, on a single-answer item only.
        fixed = (
            single
            and len(marked) == 1
            and mark >= params.firm_min
            and doubt <= params.residue_max
            and doubt <= params.residue_ratio * mark
            and doubt_cover <= params.residue_cover
        )
        if fixed and known and tops is not None:
            # With the candidate's marks known, a residue read past by the fixed fractions
            # must also be pressed no harder than the population rule allows: a light second
            # answer can be as faint on average as a heavy residue, not as dark at its top.
            assert population is not None
            fixed = max(tops[i] for i in doubtful) <= params.residue_share * population.typical
        judged = False
        if known and marked and not fixed:
            assert population is not None
            # Judged against this candidate's own marks: residue far lighter than their
            # weakest firm mark on the page (and than the marks beside it) is what an
            # eraser left. On a multiple-answer item a lightly made answer is likelier
            # than on a single-answer one (where a second mark would be an error anyway):
            # the residue must be lighter still there.
            share = params.residue_share if single else params.residue_share_multi
            if tops is not None and share > 0.0:
                # How hard the pencil was pressed, by the darkest tenth of each bubble
                # (a scribble's or a half fill's gaps do not count): the residue's must be
                # far below this candidate's typical firm mark on the page, clearly below
                # their weakest one, and clearly below the mark beside it, which must be a
                # firm one (a loose scribble beside a lighter one may be two answers).
                mark_top = min(tops[i] for i in marked)
                top = max(tops[i] for i in doubtful)
                # Beside a loose scribble or a half fill (not a firm mark) the residue must
                # also be far below the mark itself: a second loose scribble presses well
                # above ``residue_share`` of a firm mark, what an eraser left does not.
                firm = (
                    mark >= params.firm_min
                    or (mark >= params.mark_min and mark_top >= population.weakest)
                    or (mark >= params.mark_min and top <= params.residue_loose * mark_top)
                )
                thin = (
                    single
                    and top <= params.residue_thin_share * population.typical
                    and doubt <= params.residue_thin_fill * population.typical_fill
                )
                judged = (
                    firm
                    and (top <= share * population.typical or thin)
                    and top <= population.weakest - params.residue_gap
                    and top <= params.residue_beside * mark_top
                    and doubt_cover <= params.residue_cover_page
                )
        if fixed or judged:
            erased = _fmt(labels, doubtful)
            against = (
                f"; this candidate's weakest firm mark on the page {population.weakest:.2f}"
                if judged and population is not None
                else ""
            )
            return read(
                QuestionStatus.OK,
                f"擦除痕迹 {erased} (erased: {doubt:.2f} beside {mark:.2f}{against})",
            )
        detail = ", ".join(f"{labels[i]} {fills[i]:.2f}" for i in doubtful)
        return read(QuestionStatus.AMBIGUOUS, f"unclear mark: {detail}")
    if not marked:
        return read(QuestionStatus.BLANK)
    return read(QuestionStatus.OK)


def page_population(
    questions: Sequence[QuestionMeasures],
    coverage: Sequence[Sequence[float]],
    thresholds: Thresholds,
    params: ReadParams,
) -> PagePopulation:
    """The candidate's firm marks and faint bubbles over every question of the page."""
    seen = [_see(q, c, thresholds, params) for q, c in zip(questions, coverage, strict=True)]
    return _population(questions, seen, params)


def _population(
    questions: Sequence[QuestionMeasures], seen: Sequence[_Seen], params: ReadParams
) -> PagePopulation:
    firm: list[float] = []
    faint: list[float] = []
    pressed: list[float] = []
    for question, one in zip(questions, seen, strict=True):
        if not question.readable:
            continue
        fills, tops = one.fills, one.tops
        strong = [i for i in one.marked if fills[i] >= params.mark_min]
        firm.extend(fills[i] for i in strong)
        faint.extend(fills[i] for i in one.doubtful)
        if tops is not None:
            pressed.extend(tops[i] for i in strong)
    return PagePopulation(tuple(sorted(firm)), tuple(sorted(faint)), tuple(sorted(pressed)))


def decide(
    questions: Sequence[QuestionMeasures] | Sequence[QuestionRead],
    thresholds: Thresholds,
    params: ReadParams = ReadParams(),
) -> tuple[QuestionRead, ...]:
    """Decide every question again from its stored measures (no image needed): coverage
    from the profiles, the candidate's marks on the page, then each question."""
    measured: list[QuestionMeasures] = []
    for q in questions:
        if isinstance(q, QuestionRead):
            readable = q.reason not in _UNREADABLE
            q = QuestionMeasures(
                q.number,
                q.kind,
                q.labels,
                q.measures,
                q.coverage,
                readable,
                q.spread,
                q.profile,
                q.reason if not readable else OUTSIDE_IMAGE,
            )
        measured.append(q)
    covers = _page_coverage(measured, thresholds, params)
    seen = [
        _see(q, c, thresholds, params, f)
        for q, c, f in zip(measured, covers, _page_fills(measured, thresholds), strict=True)
    ]
    population = _population(measured, seen, params)
    return tuple(
        _decide(q, cover, one, params, population)
        for q, cover, one in zip(measured, covers, seen, strict=True)
    )


def _page_coverage(
    questions: Sequence[QuestionMeasures], thresholds: Thresholds, params: ReadParams
) -> list[tuple[float, ...]]:
    """Every question's coverage, the profiled ones in one vectorised pass."""
    profiled = [q for q in questions if q.labels and len(q.profile) == len(q.labels)]
    computed: list[float] = []
    if profiled:
        measures = [m for q in profiled for m in q.measures]
        keys = [bubble_key(q.kind, label) for q in profiled for label in q.labels]
        profiles = np.asarray([p for q in profiled for p in q.profile], dtype=np.float64)
        computed = solid_coverage(measures, profiles, keys, thresholds, params).tolist()
    out: list[tuple[float, ...]] = []
    cursor = 0
    for q in questions:
        if q.labels and len(q.profile) == len(q.labels):
            out.append(tuple(computed[cursor : cursor + len(q.labels)]))
            cursor += len(q.labels)
        else:
            out.append(q.coverage)
    return out


def decide_grid(
    columns: Sequence[Sequence[float]],
    coverage: Sequence[Sequence[float]],
    thresholds: Thresholds,
    params: ReadParams = ReadParams(),
    profiles: Sequence[Sequence[Sequence[float]]] = (),
) -> AdmissionGridRead:
    """The spare sheet's admission number: one digit per column, or a reason why not.

    With ``profiles`` (reader 1.3) the coverage is computed from them, ``coverage`` unused."""
    if profiles:
        coverage = [
            solid_coverage(
                column,
                np.asarray(profile, dtype=np.float64),
                [bubble_key("grid", str(d)) for d in range(len(column))],
                thresholds,
                params,
            ).tolist()
            for column, profile in zip(columns, profiles, strict=True)
        ]
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
    stored = tuple(tuple(tuple(float(v) for v in p) for p in column) for column in profiles)
    return AdmissionGridRead("".join(digits), status, "; ".join(problems), measures, covers, stored)
