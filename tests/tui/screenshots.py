"""The screenshots in docs/: each main screen at 120×36 on a seeded 150-candidate
exam, as SVG. Run from the repository root:

    .venv/bin/python -m tests.tui.screenshots [docs]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from textual.widgets import Input

from exam_center.services.workspace import open_workspace
from exam_center.settings import Settings
from exam_center.tui import make_app
from tests.tui.pilot_steps import settle, sign_in, still_frame
from tests.tui.scenes import create_exam, frozen_audit_clock, register_everyone, write_inputs

SIZE = (120, 36)


async def take(out: Path, workspace_dir: Path) -> list[Path]:
    workspace = open_workspace(Settings(workspace=workspace_dir, operator="张考务"))
    inputs = write_inputs(Path("inputs"), candidates=150, seed=2022)
    create_exam(workspace, inputs)
    register_everyone(workspace, inputs)
    app = make_app(workspace)
    saved: list[Path] = []

    def save(name: str) -> None:
        still_frame(pilot)
        saved.append(Path(app.save_screenshot(f"tui-{name}.svg", path=str(out))))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        save("start")
        await sign_in(pilot, "李老师")
        save("dashboard")
        await pilot.press("f3", "down", "down", "down")
        await settle(pilot)
        save("registration")
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#import-path", Input).value = str(inputs.bad_roster)
        await pilot.press("enter")
        await settle(pilot)
        save("import")
        await pilot.press("escape", "f4")
        await settle(pilot)
        save("seating")
        await pilot.press("f9", "v")
        await settle(pilot)
        save("audit")
    workspace.close()
    return saved


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs").resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, frozen_audit_clock():
        # Relative paths inside the scratch folder keep machine paths out of the images.
        here = Path.cwd()
        os.chdir(scratch)
        try:
            saved = asyncio.run(take(out, Path("ws")))
        finally:
            os.chdir(here)
    for path in saved:
        print(path)


if __name__ == "__main__":
    main()
