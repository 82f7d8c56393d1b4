"""Answer sheets: the exam's layouts (from its paper), and printing them for the
seated candidates (PDF or PNG) and as numbered spares. Each printing is recorded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from exam_center.db.models import PrintRun
from exam_center.domain.errors import NotAllowed
from exam_center.services import audit
from exam_center.services.exams import current_exam, current_exam_id, exam_definition
from exam_center.services.permissions import actor_name, require
from exam_center.services.seating import active_plan, seating_view
from exam_center.services.workspace_key import workspace_key
from scans import PaperSpec, SectionSpec, SheetLayout, build_layout

if TYPE_CHECKING:
    from scans import SheetToPrint

# scans.render.output (fpdf, qrcode) is imported by the functions that print: scanning reads
# this module's layouts and secret, and its start-up should not pay ~0.1-0.2 s for fpdf.


@dataclass(frozen=True)
class ExamLayouts:
    candidate: SheetLayout
    spare: SheetLayout

    def by_hash(self) -> dict[str, SheetLayout]:
        return {self.candidate.layout_hash: self.candidate, self.spare.layout_hash: self.spare}


def admission_digits(session: Session) -> int:
    """Digits of an admission number: the prefix, 3 for the room, 2 (or 3) for the seat."""
    exam = current_exam(session)
    view = seating_view(session=session)
    if view is not None:
        lengths = {len(s.admission_no) for r in view.rooms for s in r.seats}
        if lengths:
            return max(lengths)
    return len(exam.admission_prefix) + 5


def exam_layouts(session: Session) -> ExamLayouts:
    definition = exam_definition(session)
    paper = PaperSpec(
        tuple(
            SectionSpec(s.name, s.kind, s.count, s.options)  # type: ignore[arg-type]
            for s in definition.objective_sections()
        )
    )
    digits = admission_digits(session)
    return ExamLayouts(
        build_layout(paper, admission_digits=digits),
        build_layout(paper, spare=True, admission_digits=digits),
    )


def exam_secret(session: Session) -> bytes:
    """The QR codes' HMAC secret, from the workspace key file (never the database)."""
    return workspace_key(session).qr_secret


def layout_json(*, session: Session) -> dict[str, Any]:
    """The `layout --json` contract: every mark of every page, in mm from the top-left."""
    exam = current_exam(session)
    layouts = exam_layouts(session)
    doc = layouts.candidate.to_json_dict(exam.code)
    doc["spare"] = layouts.spare.to_json_dict(exam.code)
    return doc


def _candidate_sheets(session: Session, layout: SheetLayout) -> Iterator[SheetToPrint]:
    from scans import SheetHeader, sheet_to_print

    exam = current_exam(session)
    view = seating_view(session=session)
    if view is None:
        raise NotAllowed(
            "尚未编排座位：答题卡印有座位，请先运行 `exam-center seat` "
            "(nobody is seated yet: answer sheets carry seats)"
        )
    secret = exam_secret(session)
    when = exam_definition(session).exam.when  # the sitting, with its time when set
    for room in view.rooms:
        for s in room.seats:
            header = SheetHeader(
                title=exam.title,
                name=s.name,
                admission_no=s.admission_no,
                room=room.code,
                seat=str(s.seat),
                exam_date=when,
            )
            yield sheet_to_print(layout, header, exam_code=exam.code, secret=secret)


@dataclass(frozen=True)
class PrintOutcome:
    path: Path
    sheets: int
    pages: int
    layout_hash: str
    first_spare_serial: int | None = None


def print_sheets(
    *,
    session: Session,
    out_pdf: Path | None = None,
    png_dir: Path | None = None,
    dpi: int = 200,
) -> PrintOutcome:
    """Every seated candidate's sheet, in room and seat order, as one PDF or as PNGs."""
    require(session, "print.sheets")
    from scans import write_sheet_pngs, write_sheets_pdf

    if (out_pdf is None) == (png_dir is None):
        raise NotAllowed(
            "请在 --out FILE.pdf 与 --png-dir DIR 中只给一个 "
            "(give exactly one of --out FILE.pdf and --png-dir DIR)"
        )
    layout = exam_layouts(session).candidate
    sheets = list(_candidate_sheets(session, layout))
    if out_pdf is not None:
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        printed = write_sheets_pdf(out_pdf, layout, sheets)
        path, pages = printed.path, printed.pages
    else:
        assert png_dir is not None
        written = write_sheet_pngs(png_dir, layout, sheets, dpi=dpi)
        path, pages = png_dir, len(written)
    plan = active_plan(session)
    session.add(
        PrintRun(
            exam_id=current_exam_id(session),
            kind="sheets",
            plan_id=plan.id if plan else None,
            layout_hash=layout.layout_hash,
            path=str(path),
            pages=pages,
            count=len(sheets),
            created_at=datetime.now(UTC),
            created_by=actor_name(session),
        )
    )
    audit.record(
        session,
        action="print.sheets",
        path=str(path),
        sheets=len(sheets),
        pages=pages,
        layout_hash=layout.layout_hash,
    )
    return PrintOutcome(path, len(sheets), pages, layout.layout_hash)


def print_spares(*, session: Session, count: int, out_pdf: Path) -> PrintOutcome:
    """`count` spare sheets with serials that continue those printed before."""
    require(session, "print.spares")
    from scans import SheetHeader, sheet_to_print, write_sheets_pdf

    if count < 1:
        raise NotAllowed("备用卡至少打印一张 (print at least one spare sheet)")
    exam = current_exam(session)
    exam_id = current_exam_id(session)
    layout = exam_layouts(session).spare
    last = session.exec(
        select(func.max(col(PrintRun.first_spare_serial) + col(PrintRun.count) - 1)).where(
            PrintRun.exam_id == exam_id, PrintRun.kind == "spares"
        )
    ).one()
    first = (last or 0) + 1
    secret = exam_secret(session)
    sheets = [
        sheet_to_print(
            layout,
            SheetHeader(
                title=exam.title, exam_date=exam_definition(session).exam.when, spare_serial=n
            ),
            exam_code=exam.code,
            secret=secret,
        )
        for n in range(first, first + count)
    ]
    out_pdf.parent.mkdir(parents=True, exist_ok=True)
    printed = write_sheets_pdf(out_pdf, layout, sheets)
    session.add(
        PrintRun(
            exam_id=exam_id,
            kind="spares",
            layout_hash=layout.layout_hash,
            path=str(out_pdf),
            pages=printed.pages,
            first_spare_serial=first,
            count=count,
            created_at=datetime.now(UTC),
            created_by=actor_name(session),
        )
    )
    audit.record(
        session,
        action="print.spares",
        path=str(out_pdf),
        first=first,
        count=count,
        layout_hash=layout.layout_hash,
    )
    return PrintOutcome(out_pdf, count, printed.pages, layout.layout_hash, first)


def sheets_printed(*, session: Session) -> bool:
    plan = active_plan(session)
    if plan is None:
        return False
    return (
        session.exec(
            select(PrintRun).where(PrintRun.plan_id == plan.id, PrintRun.kind == "sheets")
        ).first()
        is not None
    )
