"""Who filled this sheet: the admission-number grid and the 缺考标记 box, read from the
same bubble measures as the answers, and the grid checked against the QR code.

Contract: ``identity_bubbles(page)`` lists, in the reader's order after the questions, the
grid's bubbles (column by column, digits 0-9) and the absence box, with the keys their
empty levels are learnt under; ``decide_identity`` turns their measures into an
:class:`AdmissionGridRead` and an :class:`AbsenceRead`; ``check_identity`` compares the
number the QR code names with the number filled in the grid. All pure functions of
stored numbers (a page can be decided again without its image).

The policy (see ``scans.layout``): every candidate fills the grid on page 1 of their
sheet, where their number is also printed. A grid that disagrees with the QR code means
the sheet was printed with another candidate's code or handed to the wrong seat — or the
candidate filled a digit wrongly: either way a person decides whose answers these are. A
blank grid is only noted (the QR code still names the candidate), as is an unclear one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

from scans.layout import Bubble, PageLayout
from scans.read.decide import decide_grid, solid_coverage
from scans.read.model import (
    AbsenceRead,
    AbsenceStatus,
    AdmissionGridRead,
    GridStatus,
    ReadParams,
    Thresholds,
    bubble_key,
)

__all__ = [
    "ABSENCE_KEY",
    "IdentityCheck",
    "IdentityFinding",
    "absence_from_profile",
    "check_identity",
    "decide_absence",
    "decide_identity",
    "identity_bubbles",
]

ABSENCE_KEY = "absence"  # nothing is printed inside the box: the sheet's own blank level


def identity_bubbles(page: PageLayout) -> tuple[list[Bubble], list[str]]:
    """The grid's bubbles then the absence box, and each one's empty-level key."""
    bubbles: list[Bubble] = []
    keys: list[str] = []
    if page.admission_grid is not None:
        for column in page.admission_grid.bubbles:
            bubbles.extend(column)
            keys.extend(bubble_key("grid", b.label) for b in column)
    if page.absence_mark is not None:
        bubbles.append(page.absence_mark)
        keys.append(ABSENCE_KEY)
    return bubbles, keys


def decide_absence(
    measure: float, coverage: float, thresholds: Thresholds, params: ReadParams
) -> AbsenceRead:
    """Marked as an answer bubble is (its fill, or solid pencil over much of it)."""
    fill = thresholds.fill(measure, ABSENCE_KEY)
    if fill >= params.mark_min or (fill > params.blank_max and coverage >= params.solid_cover):
        status = AbsenceStatus.MARKED
    elif fill <= params.blank_max:
        status = AbsenceStatus.EMPTY
    else:
        status = AbsenceStatus.UNCLEAR
    return AbsenceRead(status, measure, coverage, round(fill, 4))


def decide_identity(
    page: PageLayout,
    measures: Sequence[float],
    profiles: Sequence[Sequence[float]],
    thresholds: Thresholds,
    params: ReadParams = ReadParams(),
) -> tuple[AdmissionGridRead | None, AbsenceRead | None]:
    """The grid and the absence box from their measures and sample profiles, in
    ``identity_bubbles`` order (coverage from the profiles, as for the answers)."""
    cursor = 0
    grid: AdmissionGridRead | None = None
    if page.admission_grid is not None:
        columns, column_profiles = [], []
        for column in page.admission_grid.bubbles:
            columns.append(measures[cursor : cursor + len(column)])
            column_profiles.append(profiles[cursor : cursor + len(column)])
            cursor += len(column)
        grid = decide_grid(columns, (), thresholds, params, column_profiles)
    absence = None
    if page.absence_mark is not None:
        absence = absence_from_profile(measures[cursor], profiles[cursor], thresholds, params)
    return grid, absence


def absence_from_profile(
    measure: float, profile: Sequence[float], thresholds: Thresholds, params: ReadParams
) -> AbsenceRead:
    """The box decided with its coverage computed now, from its stored profile."""
    cover = solid_coverage(
        [measure], np.asarray([profile], dtype=np.float64), [ABSENCE_KEY], thresholds, params
    )
    read = decide_absence(measure, float(cover[0]), thresholds, params)
    return replace(read, profile=tuple(profile))


class IdentityCheck(StrEnum):
    MATCH = "match"  # the grid reads the number the QR code names
    MISMATCH = "mismatch"  # it reads another number: a person decides
    BLANK = "blank"  # nothing filled: noted, the QR code names the candidate
    UNCLEAR = "unclear"  # partly filled, a doubtful or double digit: noted
    NO_GRID = "no_grid"  # the page has no grid (a later page)


@dataclass(frozen=True)
class IdentityFinding:
    check: IdentityCheck
    qr_number: str
    grid_number: str  # as read, "?" for a digit not certain ("" without a grid)
    reason: str  # for a person, Chinese first ("" on a match)


MISMATCH_TEXT = "本答题卡的二维码与考生填涂的准考证号不一致"


def check_identity(qr_number: str, grid: AdmissionGridRead | None) -> IdentityFinding:
    """The QR code's admission number against the grid's.

    A grid whose certain digits already differ from the QR code's is a mismatch even when
    some other column is unclear; an unclear grid that agrees wherever it is certain is
    only noted.
    """
    if grid is None:
        return IdentityFinding(IdentityCheck.NO_GRID, qr_number, "", "")
    read = grid.digits
    # A grid sized for the exam's longest number: a shorter one leaves its last columns empty.
    head, tail = read[: len(qr_number)], read[len(qr_number) :]
    whole = grid.status in (GridStatus.OK, GridStatus.INCOMPLETE)
    if whole and head == qr_number and set(tail) <= {"?"}:
        return IdentityFinding(IdentityCheck.MATCH, qr_number, head, "")
    if grid.status is GridStatus.BLANK:
        return IdentityFinding(
            IdentityCheck.BLANK,
            qr_number,
            read,
            "考生未填涂准考证号（以二维码为准） the admission-number grid is blank; "
            f"the QR code names {qr_number}",
        )
    certain_differ = len(head) != len(qr_number) or any(
        d != "?" and d != q for d, q in zip(read, qr_number.ljust(len(read), "?"), strict=True)
    )
    if grid.status is GridStatus.OK or certain_differ:
        return IdentityFinding(
            IdentityCheck.MISMATCH,
            qr_number,
            read,
            f"{MISMATCH_TEXT}：二维码 {qr_number}，填涂 {read} "
            f"(this sheet's code and its filled number disagree: QR {qr_number}, "
            f"grid {read}{'; ' + grid.reason if grid.reason else ''})",
        )
    return IdentityFinding(
        IdentityCheck.UNCLEAR,
        qr_number,
        read,
        f"准考证号填涂不清（以二维码为准） the admission-number grid reads {read} "
        f"({grid.reason}); it agrees with the QR code's {qr_number} where it is certain",
    )
