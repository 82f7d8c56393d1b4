"""Any screen may start worker processes while the app runs: the app starts
multiprocessing's resource tracker before Textual takes sys.stderr over (with the
capture's fileno() of -1, the first forkserver or spawn pool could not start).

Run in a fresh interpreter: in this one, an earlier test may have started the tracker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A thread worker, as a screen's, starts a process pool the way the scanner's reader does.
APP_STARTS_A_POOL = """
import asyncio, multiprocessing, sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from exam_center.services.workspace import open_workspace
from exam_center.settings import Settings
from exam_center.tui import make_app

METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def in_thread() -> str:
    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(METHOD)) as pool:
            return str(pool.submit(abs, -3).result(timeout=60))
    except Exception as exc:
        return repr(exc)


async def main() -> None:
    app = make_app(open_workspace(Settings(workspace=Path(sys.argv[1]))))
    async with app.run_test():
        print("pool:", await app.run_worker(in_thread, thread=True).wait())


asyncio.run(main())
"""


def test_a_worker_starts_a_process_pool_while_the_app_runs(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", APP_STARTS_A_POOL, str(tmp_path / "ws")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip().splitlines()[-1] == "pool: 3", run.stdout + run.stderr[-2000:]
