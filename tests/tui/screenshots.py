"""The screenshots in docs/: each main screen at 120×36, as SVG. The first screens on a
seeded 150-candidate exam; seating, scanning, review, grading and results on the demo's
seeded stages (tests/tui/demo_scenes.py, ~15 s to build); then issue 17's: the palette's
actions, a greyed key pressed, and a conflicting rescan compared side by side (two real
scans of one page, at 150×44). Run from the repository root:

    .venv/bin/python -m tests.tui.screenshots [docs] [--only-actions]
"""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from exam_center.services import marking
from exam_center.services.workspace import open_workspace
from exam_center.settings import Settings
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.screens import scanning as scanning_screen
from tests.signing import actor
from tests.tui.demo_scenes import (
    KEY_REASON,
    SCORES_REASON,
    DemoFolders,
    build,
    copy_pages,
    write_second_thoughts,
)
from tests.tui.pilot_steps import settle, sign_in, still_frame
from tests.tui.scenes import (
    FrozenClock,
    create_exam,
    frozen_audit_clock,
    register_everyone,
    write_inputs,
)

SIZE = (120, 36)

Save = Callable[[str], None]


@asynccontextmanager
async def running(
    folder: Path,
    out: Path,
    saved: list[Path],
    size: tuple[int, int] = SIZE,
    notifications: bool = False,
) -> AsyncIterator[tuple[Pilot[None], Save]]:
    workspace = open_workspace(Settings(workspace=folder))
    workspace.actor = actor("演示")  # every role, to build the scenes
    app = make_app(workspace)
    async with app.run_test(size=size, notifications=notifications) as pilot:

        def save(name: str) -> None:
            still_frame(pilot)
            saved.append(Path(app.save_screenshot(f"tui-{name}.svg", path=str(out))))

        await settle(pilot)
        yield pilot, save
    workspace.close()


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def first_screens(out: Path, saved: list[Path]) -> None:
    inputs = write_inputs(Path("inputs"), candidates=150, seed=2022)
    folder = Path("ws")
    workspace = open_workspace(Settings(workspace=folder))
    workspace.actor = actor("演示")  # every role, to build the scenes
    create_exam(workspace, inputs)
    register_everyone(workspace, inputs)
    workspace.close()
    async with running(folder, out, saved) as (pilot, save):
        save("start")
        await sign_in(pilot, "李老师")
        save("dashboard")
        await press(pilot, "f3", "down", "down", "down")
        save("registration")
        await press(pilot, "i")
        pilot.app.screen.query_one("#import-path", Input).value = str(inputs.bad_roster)
        await press(pilot, "enter")
        save("import")
        await press(pilot, "escape", "f9", "v")
        save("audit")


async def later_screens(out: Path, saved: list[Path], stages: DemoFolders) -> None:
    async with running(stages.printed, out, saved) as (pilot, save):
        await sign_in(pilot, "李老师")
        await press(pilot, "f4")
        save("seating")
        await press(pilot, "s")
        save("reseat")
    # Scanning is the scanner's (扫描员) work: 考务人员 sees F5 greyed.
    async with running(stages.printed, out, saved) as (pilot, save):
        await sign_in(pilot, "李老师", Role.PROCTOR)
        batch = Path("batch")
        batch.mkdir()
        copy_pages(stages.printed / "scans" / "incoming", batch)
        await press(pilot, "f5")
        pilot.app.screen.query_one("#scan-folder", Input).value = "batch/"
        await press(pilot, "enter")
        save("scanning")
    async with running(stages.scanned, out, saved) as (pilot, save):
        await sign_in(pilot, "王复核", Role.PROCTOR)
        await press(pilot, "f6", "down", "down")
        save("review")
    async with running(stages.graded, out, saved) as (pilot, save):
        await sign_in(pilot, "赵成绩", Role.OFFICER)
        await press(pilot, "f8")
        save("results")
        await press(pilot, "2")
        save("awards")
        await press(pilot, "5")
        save("items")
        await press(pilot, "3", "d")
        save("tie")
        await press(pilot, "escape", "f", "ctrl+s")
        save("finalise-refused")
        await press(pilot, "escape")
        await grading_screens(pilot, save, stages)


async def import_through_dialog(
    pilot: Pilot[None], key: str, path: Path, reason: str, save: Save | None = None
) -> None:
    await press(pilot, key)
    pilot.app.screen.query_one("#import-path", Input).value = str(path)
    await press(pilot, "enter")
    if save is not None:
        save("key-correction")
    pilot.app.screen.query_one("#import-reason", Input).value = reason
    await press(pilot, "ctrl+s")


async def grading_screens(pilot: Pilot[None], save: Save, stages: DemoFolders) -> None:
    """A key correction (its dialog lists the changed questions and asks why) and a
    re-marked score that now needs a third marking, then the grading screen."""
    found = write_second_thoughts(stages.graded, Path("corrections"))
    await press(pilot, "f7")
    await import_through_dialog(pilot, "k", found.key, KEY_REASON, save)
    await import_through_dialog(pilot, "s", found.scores, SCORES_REASON)
    save("grading")


async def action_screens(out: Path, saved: list[Path]) -> None:
    """Issue 17: the palette lists actions (the officers' greyed with the reason), a
    greyed key pressed says why, a conflict judged side by side."""
    from exam_center.demo.run import run_demo
    from exam_center.services import scanning
    from tests.tui.test_review_conflict import AGAIN, FIRST, sheet_image

    folder = Path("conflict")
    workspace = open_workspace(Settings(workspace=folder / "ws"))
    workspace.actor = actor("演示")
    run_demo(workspace, candidates=30, seed=4, until="print", say=lambda _: None)
    sheet_image(workspace, FIRST, 1, folder / "first")
    sheet_image(workspace, AGAIN, 2, folder / "again")
    for batch in ("first", "again"):
        list(scanning.scan_paths([folder / batch], workspace=workspace, workers=1))
    workspace.close()
    async with running(folder / "ws", out, saved) as (pilot, save):
        await sign_in(pilot, "李老师")
        await press(pilot, "ctrl+p")
        pilot.app.screen.query_one(Input).value = "打印"
        await pilot.pause(0.3)
        await settle(pilot)
        save("palette-actions")
    async with running(folder / "ws", out, saved, notifications=True) as (pilot, save):
        await sign_in(pilot, "王复核", Role.PROCTOR)
        pilot.app.clear_notifications()
        await press(pilot, "f8")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.5)  # the notification drawn
        # The notification is the point: saved as it is shown.
        saved.append(Path(pilot.app.save_screenshot("tui-greyed-key.svg", path=str(out))))
    async with running(folder / "ws", out, saved, size=(150, 44)) as (pilot, save):
        await sign_in(pilot, "王复核", Role.PROCTOR)
        await press(pilot, "f6")
        screen: Any = pilot.app.screen
        row = next(i for i, r in enumerate(screen.rows) if r.kind == "conflict")
        screen.query_one("#queue").move_cursor(row=row)
        await press(pilot, "v")
        save("conflict")


async def take(out: Path, only_actions: bool = False) -> list[Path]:
    saved: list[Path] = []
    if only_actions:
        await action_screens(out, saved)
        return saved
    await first_screens(out, saved)
    # The stages in a folder of their own, so the paths they store stay out of the images.
    stages = build(Path("stages"))
    await later_screens(out, saved, stages)
    await action_screens(out, saved)
    return saved


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    out = Path(args[0] if args else "docs").resolve()
    out.mkdir(parents=True, exist_ok=True)
    ticks = itertools.count(0.0, 0.5)
    scanning_screen.clock = lambda: next(ticks)  # the rate shown: 2 pages per second
    scanning_screen.scan_workers = lambda: 1
    marking.datetime = FrozenClock  # type: ignore[attr-defined]  # key versions show it
    with tempfile.TemporaryDirectory() as scratch, frozen_audit_clock():
        # Relative paths inside the scratch folder keep machine paths out of the images.
        here = Path.cwd()
        os.chdir(scratch)
        try:
            saved = asyncio.run(take(out, "--only-actions" in sys.argv))
        finally:
            os.chdir(here)
    for path in saved:
        print(path)


if __name__ == "__main__":
    main()
