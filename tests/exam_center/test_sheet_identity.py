"""A candidate sheet's filled admission grid and 缺考标记 box, through the whole path:
rendered, filled and scanned (scans.simulate.pages), read by the real reader in scan_paths,
recorded in a real database, reviewed and scored."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlmodel import select

from exam_center.db.models import Absence, ReviewItem, ScannedPage
from exam_center.demo.run import run_demo
from exam_center.services import exams, review, scanning, seating, sheets
from exam_center.services.results import compute
from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings
from scans.read.grid import MISMATCH_TEXT
from scans.render.canvas import MM_PER_INCH
from scans.render.output import SheetHeader, render_page, sheet_to_print
from scans.simulate.pages import REALISTIC, gentle, scan_page, simulate_page
from tests.signing import actor

DPI = 150
ANSWERS = {1: "A", 2: "B", 3: "C", 91: "A"}
GENTLE = gentle(REALISTIC)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("identity")
    workspace = open_workspace(Settings(workspace=root / "ws"))
    workspace.actor = actor("复核员")
    run_demo(workspace, candidates=30, seed=5, until="print", say=lambda _: None)
    return workspace


def _seats(ws: Workspace) -> list[tuple[str, str]]:
    """(room, admission number) of every seat, in room and seat order."""
    with ws.session() as s:
        view = seating.seating_view(session=s)
    assert view is not None
    return [(room.code, st.admission_no) for room in view.rooms for st in room.seats]


def _sheet(
    ws: Workspace,
    printed_for: str,
    *,
    grid: str | None,
    answers: dict[int, str],
    absent_mark: bool = False,
    seed: int = 1,
) -> np.ndarray:  # type: ignore[type-arg]
    """Page 1 of the sheet printed for ``printed_for``, its grid filled with ``grid``."""
    with ws.session() as s:
        exam = exams.current_exam(s)
        layout = sheets.exam_layouts(s).candidate
        secret = sheets.exam_secret(s)
    header = SheetHeader(title=exam.title, name="某某", admission_no=printed_for, room="01")
    printed = sheet_to_print(layout, header, exam_code=exam.code, secret=secret)
    clean = render_page(layout, 1, header, printed.payloads[0], DPI)
    page = layout.pages[0]
    if absent_mark:
        assert page.absence_mark is not None
        r, px = page.absence_mark.rect, DPI / MM_PER_INCH
        cv2.rectangle(
            clean,
            (round((r.x_mm + 0.4) * px), round((r.y_mm + 0.4) * px)),
            (round((r.right - 0.4) * px), round((r.bottom - 0.4) * px)),
            70,
            thickness=-1,
        )
    if absent_mark:  # nobody sat there: no pencil but the invigilator's
        image, _ = scan_page(
            clean, dpi_in=DPI, dpi_out=DPI, rng=np.random.default_rng(seed), profile=GENTLE
        )
        return image
    full = {q.number: answers.get(q.number, "") for q in layout.questions}
    sim = simulate_page(
        clean,
        page,
        dpi_in=DPI,
        seed=seed,
        profile=GENTLE,
        answers=full,
        admission_no=grid,
    )
    return sim.image


def _scan(ws: Workspace, folder: Path) -> list[scanning.PageOutcome]:
    return list(scanning.scan_paths([folder], workspace=ws, workers=1))


def test_a_swapped_sheet_waits_in_review_with_both_numbers(ws: Workspace, tmp_path: Path) -> None:
    seats = _seats(ws)
    (room_a, a), (_, b), (room_c, c) = seats[0], seats[1], seats[-1]
    # Fed in order: a's own sheet, then the sheet printed for c that b filled.
    cv2.imwrite(str(tmp_path / "0001.png"), _sheet(ws, a, grid=a, answers=ANSWERS, seed=2))
    cv2.imwrite(str(tmp_path / "0002.png"), _sheet(ws, c, grid=b, answers=ANSWERS, seed=3))
    first, swapped = _scan(ws, tmp_path)
    assert first.status == "read" and first.admission_no == a
    assert swapped.status == "read" and swapped.admission_no is None  # nobody's, for now
    with ws.session() as s:
        page = s.exec(select(ScannedPage).where(ScannedPage.file.endswith("0002.png"))).one()  # type: ignore[attr-defined]
        item = s.exec(
            select(ReviewItem).where(ReviewItem.page_id == page.id, ReviewItem.kind == "admission")
        ).one()
        assert page.candidate_id is None and not page.current
        assert page.admission_grid["digits"] == b
        assert page.admission_grid["qr_check"] == "mismatch"
    assert (item.kind, item.status, item.open) == ("admission", "mismatch", True)
    assert MISMATCH_TEXT in item.reason
    assert f"二维码 {c}，填涂 {b}" in item.reason
    # The room-order evidence: the page fed before it is a's, from a's room.
    assert (
        f"前一页属于考场 {room_a}（{a}）" in item.reason
        and f"二维码考生在考场 {room_c}" in item.reason
    )
    # A person files it under the number the candidate filled.
    with ws.session() as s:
        review.identify_page(page.id, b, session=s, reason="签到表与填涂一致")  # type: ignore[arg-type]
    with ws.session() as s:
        filed = s.get(ScannedPage, page.id)
        assert filed is not None and filed.admission_no == b and filed.current


def test_a_blank_grid_is_noted_and_the_code_kept(ws: Workspace, tmp_path: Path) -> None:
    d = _seats(ws)[2][1]
    cv2.imwrite(str(tmp_path / "blank.png"), _sheet(ws, d, grid=None, answers=ANSWERS, seed=4))
    (outcome,) = _scan(ws, tmp_path)
    assert outcome.status == "read" and outcome.admission_no == d
    assert "考生未填涂准考证号" in outcome.reason
    with ws.session() as s:
        page = s.exec(select(ScannedPage).where(ScannedPage.file.endswith("blank.png"))).one()  # type: ignore[attr-defined]
        assert page.current and page.admission_grid["status"] == "blank"
        assert not s.exec(
            select(ReviewItem).where(ReviewItem.page_id == page.id, ReviewItem.kind == "admission")
        ).all()


def test_a_sheet_marked_absent_records_the_candidate_absent_not_scored(
    ws: Workspace, tmp_path: Path
) -> None:
    e = _seats(ws)[3][1]
    cv2.imwrite(
        str(tmp_path / "absent.png"), _sheet(ws, e, grid=None, answers={}, absent_mark=True)
    )
    (outcome,) = _scan(ws, tmp_path)
    assert outcome.status == "read" and outcome.admission_no == e
    assert "缺考标记已填涂，考生记为缺考" in outcome.reason, outcome.reason
    with ws.session() as s:
        page = s.exec(select(ScannedPage).where(ScannedPage.file.endswith("absent.png"))).one()  # type: ignore[attr-defined]
        assert page.candidate_id is not None
        absence = s.exec(select(Absence).where(Absence.candidate_id == page.candidate_id)).one()
        assert "缺考标记" in absence.reason
        r = compute(s)
        row = next(i for i, c in enumerate(r.roster.candidates) if c.id == page.candidate_id)
        assert r.roster.absent[row]
