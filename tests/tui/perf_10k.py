"""How the registration screen behaves with 10,000 candidates: time from a key to a
new page on screen, and the longest stall of the UI's event loop meanwhile (the
query runs in a thread worker, so the loop should keep turning). Not a test; run
from the repository root (it takes about a minute, most of it the roster import):

    .venv/bin/python -m tests.tui.perf_10k
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from textual.widgets import DataTable

from exam_center.demo.synth import ROSTER_HEADERS, roster_rows
from exam_center.services.workspace import open_workspace
from exam_center.settings import Settings
from exam_center.tui import make_app
from tests.signing import actor
from tests.tui.pilot_steps import settle, sign_in
from tests.tui.scenes import EXAMPLE_TOML, Inputs, create_exam, write_table

CANDIDATES = 10_000


async def loop_stall(stop: asyncio.Event) -> float:
    """The longest gap between two 5 ms ticks of the event loop."""
    worst, last = 0.0, time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.005)
        now = time.perf_counter()
        worst, last = max(worst, now - last - 0.005), now
    return worst


async def measure(folder: Path) -> None:
    roster = write_table(
        folder / "roster.csv", ROSTER_HEADERS, roster_rows(CANDIDATES, random.Random(1))
    )
    workspace = open_workspace(Settings(workspace=folder / "ws"))
    workspace.actor = actor("演示")  # every role, to build the scenes
    inputs = Inputs(EXAMPLE_TOML, roster, roster, roster, roster, CANDIDATES)
    create_exam(workspace, inputs)
    from exam_center.services import registration

    with workspace.session() as s:
        registration.import_candidates(roster, session=s)
    app = make_app(workspace)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one("#candidates", DataTable)
        page_times, stalls = [], []
        for _ in range(5):
            first = table.get_row_at(0)[0]
            stop = asyncio.Event()
            watcher = asyncio.create_task(loop_stall(stop))
            started = time.perf_counter()
            await pilot.press("n")
            while table.row_count == 0 or table.get_row_at(0)[0] == first:
                await asyncio.sleep(0.005)
            page_times.append(time.perf_counter() - started)
            stop.set()
            stalls.append(await watcher)
        print(
            f"{CANDIDATES} candidates: next page on screen in "
            f"{statistics.median(page_times) * 1000:.0f} ms (median of 5); "
            f"longest event-loop stall meanwhile {max(stalls) * 1000:.0f} ms"
        )
    workspace.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        here = Path.cwd()
        os.chdir(scratch)
        try:
            asyncio.run(measure(Path(scratch)))
        finally:
            os.chdir(here)


if __name__ == "__main__":
    main()
