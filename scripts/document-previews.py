"""Render the printed documents of a demo workspace as small PNG previews into docs/.

    .venv/bin/python -m exam_center demo --dir /tmp/demo --candidates 150
    .venv/bin/python scripts/document-previews.py /tmp/demo

Prints the room documents and exports the results of that workspace into a temporary
folder (signed in as an all-roles 预览 account), then renders one page of each at
100 dpi, greyscale in 16 levels as an office printer would, optimised: docs/room-*.png
(the room with an unusable seat), the last page of the award lists (制表, 审核, 盖章) to
docs/award-list.png, the certificate register's first page to
docs/certificate-register.png, and from the printed answer sheets the first room's cover
(docs/sheet-cover.png, with an unusable seat if a room has one), the first candidate's
page 1 (docs/sheet-page1.png) and a spare sheet (docs/sheet-spare.png)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from exam_center.services import certificates, documents, exporting
from exam_center.services import sheets as sheets_service
from exam_center.services.permissions import Actor, Role
from exam_center.services.seating import seating_view
from exam_center.services.workspace import open_workspace
from exam_center.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"
DPI = 100


def render(pdf_path: Path, page: int, out: Path) -> None:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        p = pdf[min(page, len(pdf) - 1)]
        image = p.render(scale=DPI / 72).to_pil().convert("L")
        image.quantize(16).save(out, optimize=True)
    finally:
        pdf.close()
    print(f"{out.relative_to(DOCS.parent)}: {out.stat().st_size // 1024} KB")


def main(workspace: Path) -> None:
    ws = open_workspace(Settings(workspace=workspace))
    ws.actor = Actor("预览", "预览", frozenset(Role))
    try:
        with tempfile.TemporaryDirectory() as tmp, ws.session() as s:
            rooms = documents.print_room_documents(Path(tmp) / "rooms", session=s)
            view = seating_view(session=s)
            unusable = [bool(r.unusable) for r in view.rooms] if view else []
            page = unusable.index(True) if True in unusable else 0
            render(rooms.room_plans, page, DOCS / "room-plan.png")
            render(rooms.sign_in, page, DOCS / "room-sign-in.png")
            render(rooms.door_lists, page, DOCS / "room-door-list.png")
            render(rooms.invigilators, 0, DOCS / "room-invigilators.png")
            export = exporting.export_results(Path(tmp) / "成绩.xlsx", session=s)
            # The last page: the end of the lists with 制表, 审核 and the seal.
            render(export.award_lists, 10**6, DOCS / "award-list.png")
            printed = certificates.print_certificates(Path(tmp) / "certificates", session=s)
            render(printed.register, 0, DOCS / "certificate-register.png")
            # The sheets as printed now: each room's cover, then its sheets (one page
            # each); the spares the demo printed.
            sheets = Path(tmp) / "sheets.pdf"
            sheets_service.print_sheets(session=s, out_pdf=sheets)
            spares = workspace / "print" / "spares.pdf"
            before = sum(len(r.seats) + 1 for r in view.rooms[:page]) if view else 0
            render(sheets, before, DOCS / "sheet-cover.png")
            render(sheets, 1, DOCS / "sheet-page1.png")
            render(spares, 0, DOCS / "sheet-spare.png")
    finally:
        ws.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
