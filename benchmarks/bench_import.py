"""Registration speed: an XLSX roster (100,000 rows by default) imported into a fresh
SQLite workspace.

Targets: 10,000 rows under 10 s (issue 2); 100,000 rows under 30 s (issue 16). Prints the
time to read the workbook (python-calamine, as the import does; with --openpyxl also
openpyxl's read-only mode, the reader before) and the import end to end.

    python benchmarks/bench_import.py [--rows N] [--runs K] [--openpyxl]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exam_center.demo.synth import roster_rows, write_roster  # noqa: E402
from exam_center.io import tables  # noqa: E402
from exam_center.services import exams, registration  # noqa: E402
from exam_center.services.workspace import open_workspace  # noqa: E402
from exam_center.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--openpyxl", action="store_true", help="also time openpyxl's reader")
    args = parser.parse_args()
    rows = args.rows
    with tempfile.TemporaryDirectory() as tmp:
        roster = Path(tmp) / "roster.xlsx"
        write_roster(roster, roster_rows(rows, random.Random(1)))
        read_times, totals = [], []
        for run in range(args.runs):
            t0 = time.perf_counter()
            tables.read_table(roster)
            read_times.append(time.perf_counter() - t0)
            ws = open_workspace(Settings(workspace=Path(tmp) / f"ws{run}"))
            from exam_center.services.permissions import Actor, Role

            ws.actor = Actor("bench", "基准测试", frozenset(Role))  # every role
            with ws.session() as s:
                exams.init_exam(ROOT / "examples/jiangsu-2022/exam.toml", session=s)
            t0 = time.perf_counter()
            with ws.session() as s:
                report = registration.import_candidates(roster, session=s)
            totals.append(time.perf_counter() - t0)
            assert report.imported == rows
            ws.close()
        target = 30 if rows > 10_000 else 10
        print(f"roster import, {rows:,} XLSX rows (SQLite, WAL), {args.runs} run(s)")
        print(f"  read workbook (calamine)  median {statistics.median(read_times):7.2f} s")
        if args.openpyxl:
            t0 = time.perf_counter()
            tables._read_xlsx_openpyxl(roster)
            print(f"  read workbook (openpyxl)         {time.perf_counter() - t0:7.2f} s")
        print(
            f"  import end to end         median {statistics.median(totals):7.2f} s"
            f"  (target < {target} s)"
        )
        print(f"  runs: {', '.join(f'{t:.2f}' for t in totals)} s")


if __name__ == "__main__":
    main()
