"""A conflicting rescan next to the scan in force: both pages' images, where on each
page its header's values are printed (姓名, 准考证号, 考场, 座位号: is it the same
sheet?), and the questions on which their readings differ, so a reviewer judges the
two side by side before one is kept (review.resolve_conflict records who, when, why)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from exam_center.db.models import ScannedPage
from exam_center.domain.errors import NotAllowed
from exam_center.services.scanning import current_scan, ensure_overlay
from exam_center.services.sheets import exam_layouts


@dataclass(frozen=True)
class HeaderPlace:
    """Where one of the header's values is printed (or handwritten, on a spare sheet),
    in mm from the page's top-left corner."""

    label: str
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class ScanSide:
    page_id: int
    file: str
    overlay: str
    read_at: str  # as stored, for the caption
    spare: bool = False  # a spare sheet's page (its layout differs)
    header: tuple[HeaderPlace, ...] = ()


@dataclass(frozen=True)
class Difference:
    question: int
    in_force: str  # marks read on the scan that counts now ("" blank)
    rescan: str


@dataclass(frozen=True)
class ConflictPair:
    in_force: ScanSide | None  # None: the scan in force was set aside meanwhile
    rescan: ScanSide
    differences: tuple[Difference, ...]

    @property
    def first_question(self) -> int | None:
        """The question both crops show: the first on which the readings differ."""
        return self.differences[0].question if self.differences else None

    @property
    def questions(self) -> tuple[int, ...]:
        """The questions read differently, in order: each is shown on both scans."""
        return tuple(d.question for d in self.differences)


def header_places(session: Session, page: ScannedPage) -> tuple[HeaderPlace, ...]:
    """Where the page's header values are, by the layout of its own kind of sheet."""
    layouts = exam_layouts(session)
    spare = page.spare_serial is not None
    layout = layouts.spare if spare else layouts.candidate
    try:
        header = layout.page(page.page_no or 1).header
    except IndexError:
        return ()
    fields = [header.name, header.admission_no, header.room, header.seat]
    if spare:
        fields.append(header.spare_serial)
    return tuple(
        HeaderPlace(
            f.label, f.value_box.x_mm, f.value_box.y_mm, f.value_box.right, f.value_box.bottom
        )
        for f in fields
        if f is not None
    )


def _side(session: Session, page: ScannedPage) -> ScanSide:
    assert page.id is not None
    # A page that needed nobody when it was scanned has its picture drawn now.
    overlay = ensure_overlay(session, page)
    return ScanSide(
        page.id,
        page.file,
        overlay,
        f"{page.read_at:%Y-%m-%d %H:%M}",
        spare=page.spare_serial is not None,
        header=header_places(session, page),
    )


def _readings(page: ScannedPage) -> dict[int, str]:
    return {int(m["number"]): str(m["marks"]) for m in page.marks}


def conflict_pair(page_id: int, *, session: Session) -> ConflictPair:
    """The rescan `page_id` and the scan in force for the same candidate and page."""
    rescan = session.get(ScannedPage, page_id)
    if rescan is None or rescan.status != "conflict":
        raise NotAllowed(
            f"第 {page_id} 页不是冲突的重扫 (page {page_id} is not a conflicting scan)"
        )
    current = current_scan(session, rescan.candidate_id, rescan.page_no)
    if current is None:
        return ConflictPair(None, _side(session, rescan), ())
    old, new = _readings(current), _readings(rescan)
    differences = tuple(
        Difference(q, old.get(q, ""), new.get(q, ""))
        for q in sorted(old.keys() | new.keys())
        if old.get(q, "") != new.get(q, "")
    )
    return ConflictPair(_side(session, current), _side(session, rescan), differences)
