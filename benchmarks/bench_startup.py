"""Benchmark: how long `exam-center --help` takes, from a fresh process (target < 0.5 s).

Runs the installed console script (the one beside this interpreter) N times and prints
the median wall time and the median CPU time of the child, with the slowest imports of
one start as `python -X importtime` reports them.

    .venv/bin/python benchmarks/bench_startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_S = 0.5


def one_run(script: Path) -> tuple[float, float]:
    start = time.perf_counter()
    before = os.times()
    subprocess.run([str(script), "--help"], check=True, capture_output=True)
    after = os.times()
    wall = time.perf_counter() - start
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def slowest_imports(count: int = 8) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import exam_center.cli.main"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    rows = []
    for line in out.splitlines()[1:]:
        parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
        if len(parts) == 3 and parts[1].isdigit():
            rows.append((int(parts[1]), parts[2].strip()))
    return [f"{us / 1000:7.1f} ms  {name}" for us, name in sorted(rows, reverse=True)[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    script = Path(sys.executable).with_name("exam-center")
    one_run(script)  # warm the file cache
    runs = [one_run(script) for _ in range(args.runs)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    met = "met" if wall < TARGET_S else "NOT met"
    print(f"exam-center --help: median wall {wall:.3f} s, CPU {cpu:.3f} s over {args.runs} runs")
    print(f"target {TARGET_S} s: {met}")
    print("slowest imports (cumulative) of `import exam_center.cli.main`:")
    for line in slowest_imports():
        print("  " + line)


if __name__ == "__main__":
    main()
