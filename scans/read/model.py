"""The reader's plain data: parameters in, a page's reading out (all frozen, all picklable).

Units: a bubble's *measure* is its darkness relative to the paper around it, scaled so
printed ink black is 1 and clean paper 0 (the illumination-normalised mean over the
bubble's inner area). ``Thresholds`` places the sheet's own blank and pencil levels on
that scale; the decision thresholds of ``ReadParams`` are fractions of the way from the
sheet's blank level to its pencil level, so they adapt to paper, pencil and scanner.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from scans.payload import SheetPayload

__all__ = [
    "READER_VERSION",
    "AbsenceRead",
    "AbsenceStatus",
    "AdmissionGridRead",
    "GridStatus",
    "PageGuess",
    "PageRead",
    "PageStatus",
    "QuestionRead",
    "QuestionStatus",
    "ReadParams",
    "RejectKind",
    "Thresholds",
    "bubble_key",
]

# 1.1: marked from 0.42 of the pencil level; 1.2: scribbles by spread; 1.3: erasures judged
# against the candidate's own marks on the page, coverage recomputed from stored profiles;
# 1.4: a candidate sheet's admission grid and 缺考标记 box read (scans.read.grid);
# 1.5: bubbles under a toner streak measured against its darker paper, a residue read past
# only where no light answer reaches (residue_share 0.45); 1.6: a fiducial at least 0.75
# solid (was 0.80) is a fiducial: a ragged one on a skewed, noisy scan lost a page;
# 1.7: on a single-answer item a residue pressed up to 0.55 of a firm mark is read past
# when its mean stays thin (``residue_thin_*``): a third of the erasures flagged, none more
# light second answers read; a page whose fiducials disagree with its QR codes is fitted
# to both codes (or to one and the fiducials that agree with it) when the printed bubble
# grid confirms it, instead of being lost; a bubble mostly under a dark toner streak is
# not judged (its question waits for a person) and one partly under it by the rest of it.
READER_VERSION = "1.7.0"


class QuestionStatus(StrEnum):
    OK = "ok"  # certain: the marks read are the candidate's answer
    BLANK = "blank"  # certain: nothing marked
    MULTIPLE = "multiple"  # two or more clear marks on a single-answer item
    AMBIGUOUS = "ambiguous"  # a doubtful bubble or too small a gap: a human decides

    @property
    def flagged(self) -> bool:
        """The one rule of which readings a person must look at (the review queue, the
        overlay's red, the results' unresolved cells): ``multiple`` and ``ambiguous``."""
        return self is QuestionStatus.MULTIPLE or self is QuestionStatus.AMBIGUOUS


class GridStatus(StrEnum):
    OK = "ok"
    BLANK = "blank"  # no digit filled at all
    INCOMPLETE = "incomplete"  # some columns empty
    MULTIPLE = "multiple"  # a column with two or more digits
    AMBIGUOUS = "ambiguous"  # a doubtful bubble


class AbsenceStatus(StrEnum):
    MARKED = "marked"  # the invigilator filled the 缺考标记 box: the candidate was absent
    EMPTY = "empty"
    UNCLEAR = "unclear"  # neither: a person looks


class PageStatus(StrEnum):
    READ = "read"
    REJECTED = "rejected"
    # Fiducials and printed bubble grid found, marks measured, but neither QR code read:
    # whose page it is waits for a person (待识别页面); until then it scores nobody.
    UNIDENTIFIED = "unidentified"


class RejectKind(StrEnum):
    """Why a page was not read; ``PageRead.reason`` adds the detail."""

    PAGE_NOT_FOUND = "page_not_found"  # no fiducial pattern: not a sheet, or badly cropped
    QR_MISSING = "qr_missing"  # the sheet is there, its QR could not be decoded
    MALFORMED_PAYLOAD = "malformed_payload"  # a QR that is not a sheet payload
    WRONG_EXAM = "wrong_exam"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_LAYOUT = "unknown_layout"
    PAGE_OUT_OF_RANGE = "page_out_of_range"  # payload page not in its layout
    POOR_FIT = "poor_fit"  # the page transform does not hold across the sheet
    QR_DISAGREE = "qr_disagree"  # the page's two QR codes name different pages
    IMAGE_UNUSABLE = "image_unusable"  # empty, too small, not 2-D


@dataclass(frozen=True)
class ReadParams:
    """Tunable parameters of reading and deciding. Defaults are the tested ones."""

    inner_scale: float = 0.66  # the measured part of a bubble, as a fraction of its size
    samples_x: int = 13  # sample grid over the inner area (points outside it are dropped)
    samples_y: int = 9
    blank_max: float = 0.08  # normalised fill at or below which a bubble is blank
    mark_min: float = 0.42  # at or above which it is marked; between: doubtful
    firm_min: float = 0.50  # a firm mark: lets a faint bubble beside it count as erased
    residue_max: float = 0.28  # the most an erasure may leave beside a firm mark ...
    residue_ratio: float = 0.35  # ... at most this fraction of the firm mark ...
    residue_cover: float = 0.25  # ... with at most this much of it solid
    # Judged against the candidate's own marks on the page (when it has this many firm
    # ones), by each bubble's darkest tenth (how hard the pencil was pressed): a residue
    # beside a mark, at most ``residue_share`` of their typical firm mark on a single-answer
    # item (``residue_share_multi`` on a multiple-answer one), ``residue_gap`` below their
    # weakest, at most ``residue_beside`` of the mark beside it, at most
    # ``residue_cover_page`` solid; a bubble marked by its coverage alone whose darkest
    # tenth stays below ``residue_top`` of their typical firm mark is an eraser's streaks, judged as
    # a residue.
    # On a multiple-answer item 0: never read past. Measured (benchmarks/
    # bench_scan_accuracy.py, hatch marks): a barely-touched intended mark there fills
    # 0.0-0.28 of the pencil level, an erasure of 10-40 % 0.1-0.47, with the same texture;
    # beside firm marks no share tells them apart, and a faint answer is likely there.
    # ``residue_share`` 0.45: a light second answer on a single-answer item (pressed 40-70 %
    # of a firm mark) reaches 0.40-0.45 of the typical firm mark in its darkest tenth, a
    # residue of 30-40 % up to 0.55, with the same mean and texture; above 0.45 the two
    # overlap and the residue goes to a human (at 0.6, 1 silent error in 1,000 pages).
    population_min: int = 12
    residue_share: float = 0.45
    residue_gap: float = 0.08
    residue_beside: float = 0.75
    residue_share_multi: float = 0.0
    # ... or, on a single-answer item, pressed up to ``residue_thin_share`` of the typical
    # firm mark if its mean fill is at most ``residue_thin_fill`` of their typical firm
    # mark's: what an eraser leaves is darkest in streaks and patches and thin on average,
    # a light answer pressed as hard fills its bubble more evenly. Measured (1,000 pages
    # per mark model, realistic and harsh): a light second answer read past from a mean
    # of 0.38; erasures flagged on single-answer items 15-20 % -> 10-12 %.
    residue_thin_share: float = 0.55
    residue_thin_fill: float = 0.34
    residue_loose: float = 0.6  # beside a mark that is not firm (see read_decide)
    residue_top: float = 0.6
    residue_top_multi: float = 0.7  # the same on a multiple-answer item (nothing read past)
    residue_cover_page: float = 0.40
    solid_level: float = 0.4  # a sample this far from blank to pencil level ...
    solid_margin: float = 0.1  # ... and this much darker than its bubble's mean is solid;
    solid_cover: float = 0.40  # a doubtful bubble this much solid is a mark
    stroke_fill: float = 0.32  # a scribble: at least this fill, ...
    stroke_cover: float = 0.32  # ... this much of it solid pencil, ...
    stroke_spread: float = 0.22  # ... and every quarter of the bubble at least this filled
    min_contrast: float = 0.14  # pencil black sits at least this far above blank (measure)
    default_contrast: float = 0.45  # pencil level assumed when a sheet has too few marks
    max_residual_mm: float = 1.0  # worse: the transform is not trusted, the page rejected
    qr_margin_mm: float = 6.0
    overlay_px_per_mm: float = 4.0


@dataclass(frozen=True)
class Thresholds:
    """One sheet's own levels (measures) and the decision thresholds (fills) applied.

    A bubble's *fill* is ``(measure - baseline) / (pencil_level - blank_level)``: 0 for an
    empty bubble of its printed label, 1 for this candidate's typical mark. Each printed
    label (``"A"``, ``"tf:A"`` for 对, ``"grid:7"``) has its own empty level, since the
    light glyph inside a bubble adds a little darkness of its own.
    """

    blank_level: float  # typical measure of an empty bubble on this sheet
    pencil_level: float  # typical measure of a filled bubble on this sheet
    baselines: tuple[tuple[str, float], ...]  # the empty level of each printed label
    blank_max: float  # fill at or below: blank
    mark_min: float  # fill at or above: marked
    solid_level: float  # fill at which a sample point counts as solid pencil

    @property
    def contrast(self) -> float:
        return self.pencil_level - self.blank_level

    @functools.cached_property
    def _baseline_of(self) -> dict[str, float]:
        return dict(self.baselines)

    def baseline(self, key: str) -> float:
        return self._baseline_of.get(key, self.blank_level)

    def fill(self, measure: float, key: str) -> float:
        """0 at the empty level of this label, 1 at this candidate's pencil level."""
        return (measure - self.baseline(key)) / self.contrast


def bubble_key(kind: str, label: str) -> str:
    """What is printed inside a bubble, as a key for its own empty level."""
    if kind == "truefalse":
        return f"tf:{label}"
    if kind == "grid":
        return f"grid:{label}"
    return label


@dataclass(frozen=True)
class QuestionRead:
    number: int
    kind: str  # single | multi | truefalse
    labels: str  # the option labels in order, e.g. "ABCD"
    marks: str  # the options read as marked, e.g. "AC" ("" when none)
    status: QuestionStatus
    reason: str  # why flagged, or a short note ("" when plainly ok/blank)
    measures: tuple[float, ...]  # mean darkness, one per option, in label order
    coverage: tuple[float, ...]  # solid fraction of each option's inner area (see ReadParams)
    # The darkness of each option's least-filled quarter (a measure like ``measures``);
    # empty when not measured (a reader before 1.2): the scribble rule is then not used.
    spread: tuple[float, ...] = ()
    # The options read past as the remains of an erasure (a measure in ``measures``, far
    # lighter than this candidate's firm marks on the page), e.g. "B"; "" when none.
    erased: str = ""
    # Each option's sample darkness at scans.read.marks.PROFILE_POINTS (a measure, like
    # ``measures``): ``coverage`` is computed again from it when the page is re-decided.
    # Empty for a reader before 1.3 (its stored coverage is then used as it is).
    profile: tuple[tuple[float, ...], ...] = ()


@dataclass(frozen=True)
class AdmissionGridRead:
    digits: str  # one character per column: the digit, or "?" when not certain
    status: GridStatus
    reason: str
    measures: tuple[tuple[float, ...], ...]  # [column][digit]
    coverage: tuple[tuple[float, ...], ...]  # [column][digit]
    profile: tuple[tuple[tuple[float, ...], ...], ...] = ()  # [column][digit] (see QuestionRead)


@dataclass(frozen=True)
class AbsenceRead:
    """The 缺考标记 box of a candidate's page 1, as measured and decided."""

    status: AbsenceStatus
    measure: float  # like a bubble's (see the module's units)
    coverage: float
    fill: float  # 0 empty .. 1 this sheet's pencil level
    profile: tuple[float, ...] = ()  # sample quantiles (see QuestionRead): coverage again


@dataclass(frozen=True)
class PageGuess:
    """Which layout page an unidentified page was measured as, from its printed grid.

    ``grid_fit`` is the share of the page's printed bubble outlines found where that
    layout page puts them (1.0: every one); ``runner_up`` the best share among the other
    designs. ``alike`` lists the pages of the same layout whose bubbles sit exactly where
    this one's do (the marks measured apply to any of them, question numbers aside), so a
    person must say which page it is when there is more than one.
    """

    layout_hash: str
    page: int
    pages: int
    spare: bool
    grid_fit: float
    runner_up: float
    alike: tuple[int, ...]


@dataclass(frozen=True)
class PageRead:
    status: PageStatus
    reason: str  # rejected: what went wrong, for a human; read: "" or a note (fiducial missing)
    reject_kind: RejectKind | None
    payload: SheetPayload | None
    qr_text: str | None
    residual_mm: float | None  # RMS misfit of the page transform on its check points
    rotation: int | None  # 0/90/180/270: how far the page was turned clockwise
    skew_deg: float | None
    px_per_mm: float | None
    questions: tuple[QuestionRead, ...]
    admission_grid: AdmissionGridRead | None
    thresholds: Thresholds | None
    reader_version: str
    timings_ms: dict[str, float] = field(default_factory=dict)
    overlay: npt.NDArray[np.uint8] | None = field(default=None, compare=False)
    guess: PageGuess | None = None  # set on an UNIDENTIFIED page only
    absence: AbsenceRead | None = None  # a page with a 缺考标记 box (a candidate's page 1)

    @property
    def flagged(self) -> tuple[QuestionRead, ...]:
        """Questions a human must look at."""
        return tuple(q for q in self.questions if q.status.flagged)
