"""Snapshots of what issue 17 asked to see: the palette listing actions (打印 … for the
staff, the officers' 打印证书 greyed out with the reason), a greyed-out key pressed (the
reason said), and a conflicting rescan compared side by side at the terminal's width.

The conflict's pictures are the committed image (fixtures/sheet-crop.png) drawn as it
is, for the header values as for the questions: a snapshot holds no pixels that OpenCV
or Pillow computed on this machine (test_review_conflict tests the real crops). Their
captions leave out the time each page was read.

Update after an intended change with `pytest tests/tui --snapshot-update` and look at
the SVGs in tests/tui/__snapshots__/ before committing them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from textual.pilot import Pilot
from textual.widgets import Input

from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.dialogs import conflict as conflict_dialog
from exam_center.tui.screens import review as review_screen
from exam_center.tui.widgets.sheet_image import Crop, half_blocks
from tests.tui.pilot_steps import settle, sign_in, still_frame
from tests.tui.test_review_conflict import conflicted  # noqa: F401  (a fixture)
from tests.tui.test_snapshots import SIZE

FIXED_CROP = Path(__file__).parent / "fixtures" / "sheet-crop.png"
WIDE = (150, 44)


def _picture() -> Any:
    with Image.open(FIXED_CROP) as image:
        return half_blocks(image)


def _untimed(label: str) -> str:
    return label.split(" · ")[0]


def fixed_crop(overlay: str, layout: dict[str, Any], **where: Any) -> Crop:
    return Crop(_picture(), f"第 {where.get('question')} 题 · {_untimed(where['page_label'])}")


def fixed_header(overlay: str, layout: dict[str, Any], places: Any, **where: Any) -> Crop:
    return Crop(_picture(), f"页眉 page header · {_untimed(where['page_label'])}")


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_palette_lists_actions(snap_compare: Any, registered_workspace: Workspace) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "李老师", Role.STAFF)
        await pilot.press("ctrl+p")
        await settle(pilot)
        pilot.app.screen.query_one(Input).value = "打印"
        await pilot.pause(0.3)
        await settle(pilot)
        still_frame(pilot)

    assert snap_compare(make_app(registered_workspace), terminal_size=SIZE, run_before=run)


def test_a_greyed_key_says_why(snap_compare: Any, registered_workspace: Workspace) -> None:
    async def run(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "李老师", Role.PROCTOR)
        await pilot.press("f8")  # the results are the officers'
        await settle(pilot)

    assert snap_compare(make_app(registered_workspace), terminal_size=SIZE, run_before=run)


def test_a_conflict_side_by_side(
    snap_compare: Any,
    conflicted: Workspace,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(conflict_dialog, "load_crop", fixed_crop)
    monkeypatch.setattr(conflict_dialog, "load_header", fixed_header)
    monkeypatch.setattr(review_screen, "load_crop", fixed_crop)

    async def run(pilot: Pilot[None]) -> None:
        await sign_in(pilot, "李老师", Role.PROCTOR)
        await pilot.press("f6")
        await settle(pilot)
        screen: Any = pilot.app.screen
        row = next(i for i, r in enumerate(screen.rows) if r.kind == "conflict")
        screen.query_one("#queue").move_cursor(row=row)
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        still_frame(pilot)

    assert snap_compare(make_app(conflicted), terminal_size=WIDE, run_before=run)
