"""A conflicting rescan is judged side by side: the review screen shows the scan in
force and the rescan next to each other, cut at the first question they read
differently, lists every differing question with both readings; enter (or v) opens
both at the terminal's width: each page's header values (姓名, 准考证号) and every
differing question cut from both scans, marked ≠ with what each read. The decision
keeps one (here: the scan in force), recorded with the reviewer, the time and why.

Two different scans of one page go through the real pipeline (render, simulate,
scan)."""

from __future__ import annotations

from pathlib import Path

import cv2
import pytest
from sqlmodel import select
from textual.widgets import Input

from exam_center.db.models import ReviewDecision, ScannedPage
from exam_center.demo.run import run_demo
from exam_center.services import audit, conflicts, exams, scanning, seating, sheets
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.dialogs.conflict import ConflictDialog
from exam_center.tui.dialogs.reason import ReasonDialog
from exam_center.tui.screens.review import ReviewScreen
from exam_center.tui.widgets.sheet_image import SheetImage
from scans.payload import make_payload
from scans.render.output import SheetHeader, render_page
from scans.simulate.pages import REALISTIC, gentle, simulate_page
from tests.tui.pilot_steps import drive, settle, shown, sign_in

FIRST = {1: "A", 2: "B", 3: "C", 4: "D", 61: "AC"}
AGAIN = {**FIRST, 2: "D", 3: ""}  # the rescan reads questions 2 and 3 otherwise


def sheet_image(ws: Workspace, answers: dict[int, str], seed: int, out: Path) -> str:
    with ws.session() as s:
        exam = exams.current_exam(s)
        view = seating.seating_view(session=s)
        layout = sheets.exam_layouts(s).candidate
        secret = sheets.exam_secret(s)
    assert view is not None
    seat = view.rooms[0].seats[0]
    header = SheetHeader(title=exam.title, name=seat.name, admission_no=seat.admission_no)
    payload = make_payload(
        exam_code=exam.code,
        admission_no=seat.admission_no,
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=layout.layout_hash,
        secret=secret,
    )
    clean = render_page(layout, 1, header, payload, 150)
    marks = {n: answers.get(n, "") for n in range(1, 131)}
    sim = simulate_page(
        clean, layout.pages[0], dpi_in=150, seed=seed, profile=gentle(REALISTIC), answers=marks
    )
    out.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out / f"{seat.admission_no}-{seed}.png"), sim.image)
    return seat.admission_no


@pytest.fixture
def conflicted(tmp_path: Path, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    run_demo(ws, candidates=30, seed=4, until="print", say=lambda _: None)
    sheet_image(ws, FIRST, 1, tmp_path / "first")
    sheet_image(ws, AGAIN, 2, tmp_path / "again")
    for folder in ("first", "again"):
        list(scanning.scan_paths([tmp_path / folder], workspace=ws, workers=1))
    return ws


@drive
async def test_the_two_scans_are_shown_side_by_side_and_one_is_kept(conflicted: Workspace) -> None:
    ws = conflicted
    with ws.session() as s:
        rescan = s.exec(select(ScannedPage).where(ScannedPage.status == "conflict")).one()
        in_force = s.exec(select(ScannedPage).where(ScannedPage.current)).one()
        pair = conflicts.conflict_pair(rescan.id or 0, session=s)
    assert [(d.question, d.in_force, d.rescan) for d in pair.differences][:2] == [
        (2, "B", "D"),
        (3, "C", ""),
    ]
    app = make_app(ws)
    async with app.run_test(size=(150, 50)) as pilot:
        await sign_in(pilot, "钱复核", Role.PROCTOR)
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        row = next(i for i, r in enumerate(screen.rows) if r.kind == "conflict")
        screen.query_one("#queue").move_cursor(row=row)  # type: ignore[attr-defined]
        await settle(pilot)
        left = screen.query_one("#in-force-image", SheetImage)
        right = screen.query_one("#sheet-image", SheetImage)
        assert left.display and right.display
        assert f"扫描页 {in_force.id}" in str(left.border_subtitle)
        assert f"扫描页 {rescan.id}" in str(right.border_subtitle)
        assert "第 2 题" in str(left.border_subtitle)  # both cut at the first difference
        assert "第 2 题" in str(right.border_subtitle)
        facts = str(screen.query_one("#conflict-facts").render())
        assert "第 2 题  现用 B  ｜  重扫 D" in facts and "第 3 题  现用 C  ｜  重扫 空" in facts

        await pilot.press("enter")  # both at the full width
        await settle(pilot)
        compare = shown(app)
        assert isinstance(compare, ConflictDialog)
        for side, page in (("old", in_force.id), ("new", rescan.id)):
            header = compare.query_one(f"#{side}-header", SheetImage)
            assert f"扫描页 {page}" in str(header.border_subtitle)
            drawn = str(header.render())
            assert "姓名" in drawn and "准考证号" in drawn and "▀" in drawn
            # Legible: each value as wide as half the terminal allows, not a thumbnail.
            widest = max(len(line) for line in drawn.splitlines() if "▀" in line)
            assert widest >= 60, widest
        titles = {
            str(image.id): str(image.border_title)
            for image in compare.query(SheetImage)
            if image.has_class("differs")
        }
        assert titles == {
            "old-q2": "≠ 第 2 题 现用 in force 读 read B",
            "new-q2": "≠ 第 2 题 重扫 rescan 读 read D",
            "old-q3": "≠ 第 3 题 现用 in force 读 read C",
            "new-q3": "≠ 第 3 题 重扫 rescan 读 read 空 blank",
        }
        for image in compare.query(SheetImage):
            assert "▀" in str(image.render()), image.id
        marks = str(compare.query_one("#conflict-marks").render())
        assert "第 2 题  现用 B  ｜  重扫 D" in marks

        await pilot.press("x")  # set the rescan aside: the scan in force stays
        await settle(pilot)
        dialog = shown(app)
        assert isinstance(dialog, ReasonDialog)
        dialog.query_one("#decision-reason", Input).value = "原扫描清晰"
        await pilot.press("ctrl+s")
        await settle(pilot)
    with ws.session() as s:
        current = s.exec(select(ScannedPage).where(ScannedPage.current)).one()
        (entry,) = audit.list_entries(session=s, action="review.conflict", limit=1)
        decision = s.exec(select(ReviewDecision).where(ReviewDecision.kind == "conflict")).one()
    assert current.id == in_force.id
    assert (decision.decided_by, decision.marks, decision.reason) == (
        "钱复核",
        "discard",
        "原扫描清晰",
    )
    assert decision.decided_at is not None
    assert (entry.operator, entry.detail["keep"], entry.detail["other"]) == (
        "钱复核",
        False,
        in_force.id,
    )
