"""scans: reading, drawing and simulating OMR answer sheets. A pure library: it imports
nothing from exam_center or the other libraries.

The app uses only the names below (`from scans import read_batch`); the subpackages
`scans.read` (a scanned page read), `scans.render` (sheets drawn) and `scans.simulate`
(filled and scanned sheets with their truth) and the modules beside them (`layout`,
`payload`, `ingest`, `batch`, `pool`, `watch`, `fonts`) are the inside. Names load on
first use, so a command that needs only the layout does not import OpenCV.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scans.batch import KNOWN, ReadContext, needs_a_person, read_batch, read_source
    from scans.fonts import find_cjk_font
    from scans.ingest import PageSource, display_name, iter_sources
    from scans.layout import PaperSpec, SectionSpec, SheetLayout, alike_pages, build_layout
    from scans.pool import start_readers
    from scans.read.grid import IdentityCheck, check_identity
    from scans.read.model import (
        AbsenceStatus,
        PageRead,
        PageStatus,
        QuestionRead,
        QuestionStatus,
        ReadParams,
        Thresholds,
    )
    from scans.render.output import (
        SheetHeader,
        SheetToPrint,
        render_page,
        sheet_to_print,
        write_sheet_pngs,
        write_sheets_pdf,
    )
    from scans.simulate.pages import REALISTIC, MarkStyle, SimProfile, encode_image, simulate_page
    from scans.watch import FolderWatch

_HOME: dict[str, str] = {
    "AbsenceStatus": "scans.read.model",
    "FolderWatch": "scans.watch",
    "IdentityCheck": "scans.read.grid",
    "KNOWN": "scans.batch",
    "MarkStyle": "scans.simulate.pages",
    "PageRead": "scans.read.model",
    "PageSource": "scans.ingest",
    "PageStatus": "scans.read.model",
    "PaperSpec": "scans.layout",
    "QuestionRead": "scans.read.model",
    "QuestionStatus": "scans.read.model",
    "REALISTIC": "scans.simulate.pages",
    "ReadContext": "scans.batch",
    "ReadParams": "scans.read.model",
    "SectionSpec": "scans.layout",
    "SheetHeader": "scans.render.output",
    "SheetLayout": "scans.layout",
    "SheetToPrint": "scans.render.output",
    "SimProfile": "scans.simulate.pages",
    "Thresholds": "scans.read.model",
    "alike_pages": "scans.layout",
    "build_layout": "scans.layout",
    "check_identity": "scans.read.grid",
    "display_name": "scans.ingest",
    "encode_image": "scans.simulate.pages",
    "find_cjk_font": "scans.fonts",
    "iter_sources": "scans.ingest",
    "needs_a_person": "scans.batch",
    "read_batch": "scans.batch",
    "read_source": "scans.batch",
    "render_page": "scans.render.output",
    "sheet_to_print": "scans.render.output",
    "simulate_page": "scans.simulate.pages",
    "start_readers": "scans.pool",
    "write_sheet_pngs": "scans.render.output",
    "write_sheets_pdf": "scans.render.output",
}
__all__ = [
    "KNOWN",
    "REALISTIC",
    "AbsenceStatus",
    "FolderWatch",
    "IdentityCheck",
    "MarkStyle",
    "PageRead",
    "PageSource",
    "PageStatus",
    "PaperSpec",
    "QuestionRead",
    "QuestionStatus",
    "ReadContext",
    "ReadParams",
    "SectionSpec",
    "SheetHeader",
    "SheetLayout",
    "SheetToPrint",
    "SimProfile",
    "Thresholds",
    "alike_pages",
    "build_layout",
    "check_identity",
    "display_name",
    "encode_image",
    "find_cjk_font",
    "iter_sources",
    "needs_a_person",
    "read_batch",
    "read_source",
    "render_page",
    "sheet_to_print",
    "simulate_page",
    "start_readers",
    "write_sheet_pngs",
    "write_sheets_pdf",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value
