"""Answer sheets from a real workspace: printed in seat order with verifiable QR codes;
re-seating after printing needs a recorded reason."""

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
import zxingcpp
from sqlmodel import select

from exam_center.db.models import AuditEntry
from exam_center.demo.run import run_demo
from exam_center.domain.errors import NotAllowed
from exam_center.services import exams, seating, sheets
from exam_center.services.workspace import Workspace
from scans.payload import verify_payload


@pytest.fixture
def seated(tmp_path: Path, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    run_demo(ws, candidates=30, seed=5, until="seat", say=lambda _: None)
    return ws


def test_sheets_pdf_in_seat_order_with_verifiable_qr(seated: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "sheets.pdf"
    with seated.session() as s:
        done = sheets.print_sheets(session=s, out_pdf=out)
        view = seating.seating_view(session=s)
        exam = exams.current_exam(s)
        layouts = sheets.exam_layouts(s)
        secret = sheets.exam_secret(s)
    assert view is not None
    seats = [seat for room in view.rooms for seat in room.seats]
    assert done.sheets == len(seats) == 27
    pdf = pdfium.PdfDocument(out)
    assert len(pdf) == done.pages == len(seats) + len(view.rooms)  # a cover per room
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    candidate_pages = [t for t in texts if "准考证号" in t and "考场封面" not in t]
    order = [
        next(s.name for s in seats if s.admission_no in t) for t in candidate_pages[-len(seats) :]
    ]
    assert order == [s.name for s in seats]
    # the printed page decodes with an independent decoder and verifies with the exam's secret
    image = np.array(pdf[1].render(scale=200 / 72, grayscale=True).to_pil().convert("L"))
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code on the printed page"
    payload = verify_payload(
        found[0].text,
        secret=secret,
        exam_code=exam.code,
        layout_hashes=layouts.by_hash().keys(),
    )
    assert payload.admission_no == seats[0].admission_no and payload.page == 1


def test_reseating_after_printing_needs_force_and_reason(seated: Workspace, tmp_path: Path) -> None:
    with seated.session() as s:
        sheets.print_sheets(session=s, png_dir=tmp_path / "png", dpi=72)
    assert len(list((tmp_path / "png").glob("*-p1.png"))) == 27
    with seated.session() as s, pytest.raises(NotAllowed, match="--force"):
        seating.seat_exam(session=s, seed=99)
    with seated.session() as s, pytest.raises(NotAllowed):
        seating.seat_exam(session=s, seed=99, force=True)  # no reason given
    with seated.session() as s:
        outcome = seating.seat_exam(
            session=s, seed=99, force=True, reason="3号考场空调故障，换考场"
        )
        assert not sheets.sheets_printed(session=s)
        entry = s.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "seating.assign")
            .order_by(AuditEntry.id.desc())  # type: ignore[union-attr]
        ).first()
    assert outcome.reprint_needed
    assert entry is not None and entry.operator == "张考务"  # the signed-in account
    assert entry.detail["forced"] and entry.detail["reason"] == "3号考场空调故障，换考场"


def test_spare_serials_continue_and_layout_json(seated: Workspace, tmp_path: Path) -> None:
    with seated.session() as s:
        first = sheets.print_spares(session=s, count=3, out_pdf=tmp_path / "a.pdf")
        second = sheets.print_spares(session=s, count=2, out_pdf=tmp_path / "b.pdf")
        doc = sheets.layout_json(session=s)
    assert (first.first_spare_serial, second.first_spare_serial) == (1, 4)
    assert doc["exam_code"] == "JS2022" and doc["page_size_mm"] == [210, 297]
    numbers = [q["number"] for p in doc["pages"] for q in p["questions"]]
    assert numbers == list(range(1, 131))
    q91 = next(q for p in doc["pages"] for q in p["questions"] if q["number"] == 91)
    assert q91["kind"] == "truefalse" and [o["label"] for o in q91["options"]] == ["A", "B"]
    assert {"x_mm", "y_mm", "w_mm", "h_mm"} <= doc["pages"][0]["qr"].keys()
    assert len(doc["pages"][0]["fiducials"]) >= 4
