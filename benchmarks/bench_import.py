"""Registration speed: a 10,000-row XLSX roster imported into a fresh SQLite workspace.

Target (issue 2): under 10 s. Prints the median of 3 runs and the split between
reading the workbook and validating + writing.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exam_center.demo.synth import roster_rows, write_roster  # noqa: E402
from exam_center.services import exams, registration  # noqa: E402
from exam_center.services.workspace import open_workspace  # noqa: E402
from exam_center.settings import Settings  # noqa: E402
from exam_center.tables import read_table  # noqa: E402

ROWS = 10_000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "roster.xlsx"
        write_roster(roster, roster_rows(ROWS, random.Random(1)))
        read_times, totals = [], []
        for run in range(3):
            t0 = time.perf_counter()
            read_table(roster)
            read_times.append(time.perf_counter() - t0)
            ws = open_workspace(Settings(workspace=Path(tmp) / f"ws{run}", operator="bench"))
            with ws.session() as s:
                exams.init_exam(ROOT / "examples/jiangsu-2022/exam.toml", session=s, operator="b")
            t0 = time.perf_counter()
            with ws.session() as s:
                report = registration.import_candidates(roster, session=s, operator="bench")
            totals.append(time.perf_counter() - t0)
            assert report.imported == ROWS
            ws.close()
    print(f"roster import, {ROWS:,} XLSX rows (SQLite, WAL)")
    print(f"  read workbook      median {statistics.median(read_times):6.2f} s")
    print(f"  import end to end  median {statistics.median(totals):6.2f} s  (target < 10 s)")
    print(f"  runs: {', '.join(f'{t:.2f}' for t in totals)} s")


if __name__ == "__main__":
    main()
