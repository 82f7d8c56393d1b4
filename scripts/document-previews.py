"""Render the printed documents of a demo workspace as small PNG previews into docs/.

    .venv/bin/python -m exam_center --workspace /tmp/demo demo --candidates 180
    .venv/bin/python scripts/document-previews.py /tmp/demo

Prints the room documents and exports the results of that workspace into a temporary
folder, then renders one page of each (greyscale, as an office printer would) to
docs/room-*.png and the last page of the award lists to docs/award-list.png."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

from exam_center.services import documents, exporting
from exam_center.services.seating import seating_view
from exam_center.services.workspace import open_workspace
from exam_center.settings import Settings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def render(pdf_path: Path, page: int, out: Path, width: int = 900) -> None:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        p = pdf[min(page, len(pdf) - 1)]
        image = p.render(scale=width / p.get_width()).to_pil().convert("L")
        image.quantize(16).save(out, optimize=True)
    finally:
        pdf.close()
    print(f"{out.relative_to(DOCS.parent)}: {out.stat().st_size // 1024} KB")


def room_with_unusable_seat(view_rooms: list[tuple[int, ...]]) -> int:
    """The page of the first room with an unusable seat (the plan shows 不可用)."""
    return next((i for i, unusable in enumerate(view_rooms) if unusable), 0)


def main(workspace: Path) -> None:
    ws = open_workspace(Settings(workspace=workspace, operator="预览"))
    try:
        with tempfile.TemporaryDirectory() as tmp, ws.session() as s:
            rooms = documents.print_room_documents(Path(tmp) / "rooms", session=s, operator="预览")
            view = seating_view(session=s)
            page = room_with_unusable_seat([r.unusable for r in view.rooms] if view else [])
            render(rooms.room_plans, page, DOCS / "room-plan.png", width=1100)
            render(rooms.sign_in, page, DOCS / "room-sign-in.png")
            render(rooms.door_lists, page, DOCS / "room-door-list.png")
            render(rooms.invigilators, 0, DOCS / "room-invigilators.png")
            export = exporting.export_results(Path(tmp) / "成绩.xlsx", session=s, operator="预览")
            # The last page: the end of the lists with 制表, 审核 and the seal.
            render(export.award_lists, 10**6, DOCS / "award-list.png")
    finally:
        ws.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
