"""Snapshots of the later stages' screens at 120×36 on copies of the demo's seeded
stages (fixed exam secret, pages read in file order): the seat grid, a scan just
finished (with a stopped clock), the review queue with the question's image, the
grading screen after a key correction and a re-marked score (times from a frozen clock,
shown in UTC+8), and the results (ranking, item analysis). Run from the test's own
folder so the paths shown are relative.

The review queue's picture of the question is a committed image (fixtures/
sheet-crop.png), drawn as it is: a snapshot holds no pixels that OpenCV or Pillow
computed on this machine (test_pictures tests the real crop by what it shows).

Update after an intended change with `pytest tests/tui --snapshot-update` and look at
the SVGs in tests/tui/__snapshots__/ before committing them."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from textual.pilot import Pilot
from textual.widgets import Input

from exam_center.services import marking
from exam_center.services import scanning as scanning_service
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.screens import review as review_screen
from exam_center.tui.screens import scanning as scanning_screen
from exam_center.tui.widgets.sheet_image import Crop, half_blocks
from tests.tui.demo_scenes import copy_pages, correct_key_and_a_score
from tests.tui.pilot_steps import settle, sign_in, still_frame
from tests.tui.scenes import FrozenClock, frozen_audit_clock
from tests.tui.test_snapshots import SIZE, Step

FIXED_CROP = Path(__file__).parent / "fixtures" / "sheet-crop.png"


def fixed_crop(overlay: str, layout: dict[str, Any], **where: Any) -> Crop:
    """The committed picture in place of the cut from the scanned overlay."""
    with Image.open(FIXED_CROP) as image:
        picture = half_blocks(image)
    return Crop(picture, f"第 {where.get('question')} 题 · {where.get('page_label', '')}")


def steps(*keys: str, role: Role = Role.STAFF) -> Step:
    async def run(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "李老师", role)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        still_frame(pilot)

    return run


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_seat_grid_of_a_room(snap_compare: Any, printed_workspace: Workspace) -> None:
    app = make_app(printed_workspace)
    assert snap_compare(app, terminal_size=SIZE, run_before=steps("f4"))


def test_scanning_a_batch(
    snap_compare: Any,
    printed_workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    copy_pages(printed_workspace.path / "scans" / "incoming", batch)
    ticks = itertools.count(0.0, 0.5)
    monkeypatch.setattr(scanning_screen, "clock", lambda: next(ticks))
    monkeypatch.setattr(scanning_screen, "scan_workers", lambda: 1)
    # One page a transaction: how many pages a group holds depends on the machine's speed,
    # and so would the progress lines and the fake clock's readings.
    monkeypatch.setattr(scanning_service, "_GROUP_PAGES", 1)

    async def scan(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "李老师", Role.PROCTOR)
        await pilot.press("f5")
        await settle(pilot)
        pilot.app.screen.query_one("#scan-folder", Input).value = "batch/"
        await pilot.press("enter")
        await settle(pilot)
        still_frame(pilot)

    assert snap_compare(make_app(printed_workspace), terminal_size=SIZE, run_before=scan)


def test_review_queue_with_the_question_image(
    snap_compare: Any, scanned_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_screen, "load_crop", fixed_crop)
    run = steps("f6", "down", "down", role=Role.PROCTOR)
    assert snap_compare(make_app(scanned_workspace), terminal_size=SIZE, run_before=run)


def test_grading_after_a_key_correction_and_a_re_marked_score(
    snap_compare: Any,
    graded_workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(marking, "datetime", FrozenClock)
    with frozen_audit_clock():
        correct_key_and_a_score(graded_workspace, tmp_path, "赵成绩")
        run = steps("f7", role=Role.OFFICER)
        assert snap_compare(make_app(graded_workspace), terminal_size=SIZE, run_before=run)


def test_results_ranking(snap_compare: Any, graded_workspace: Workspace) -> None:
    run = steps("f8", role=Role.OFFICER)
    assert snap_compare(make_app(graded_workspace), terminal_size=SIZE, run_before=run)


def test_results_item_analysis(snap_compare: Any, graded_workspace: Workspace) -> None:
    run = steps("f8", "5", role=Role.OFFICER)
    assert snap_compare(make_app(graded_workspace), terminal_size=SIZE, run_before=run)
