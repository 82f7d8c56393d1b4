"""Benchmark: the exam office's commands at size (issue 17 item 8).

Builds an exam of N candidates (default 10,000) through the real services: roster
import, seating, key and case scores imported; the answer sheets are put on record as
read pages (the reader has benchmarks of its own), answered by ability like the demo's
candidates, two of every hundred absent. Then prints the median of R runs of:

- `results --json`, `awards --json` (target: under 3 s each), `export` (under 3 s),
  each in a fresh session, as the CLI runs them, before and after finalising; the
  finalising itself (both signatures, the seal) and `verify`;
- the TUI's F8 results screen (under 1 s): from the key to the ranking on screen, the
  first visit and a visit after a change elsewhere, through the real Textual Pilot;
- with --demo N: `demo --candidates N` end to end (target: 3,000 under 5 minutes).

    .venv/bin/python benchmarks/bench_office.py [--candidates N] [--runs R] [--demo 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import col, select

from exam_center.db.models import Absence, ScannedPage, Seat
from exam_center.demo.answers import LETTERS, DemoQuestion, answer_sheet, make_key, questions
from exam_center.demo.run import settle_boundary_ties
from exam_center.demo.synth import write_inputs
from exam_center.services import (
    exams,
    marking,
    registration,
    seating,
    venues,
)
from exam_center.services.grading_model import grading_paper
from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "jiangsu-2022" / "exam.toml"
OFFICER = "成绩员"
DEMO = [sys.executable, "-m", "exam_center", "demo"]


def stored_marks(q: DemoQuestion, marks: str, rng: random.Random) -> dict[str, object]:
    """A question as the scanner stores it: the marks with the per-bubble measures."""
    labels = LETTERS[: q.options]
    return {
        "number": q.number,
        "kind": q.kind,
        "labels": labels,
        "marks": marks,
        "status": "ok" if marks else "blank",
        "reason": "",
        "measures": [
            round(rng.uniform(0.6, 0.9) if c in marks else rng.uniform(0, 0.1), 3) for c in labels
        ],
        "coverage": [round(rng.uniform(0, 1), 3) for _ in labels],
        "spread": [round(rng.uniform(0, 0.2), 3) for _ in labels],
    }


def build_exam(folder: Path, candidates: int, seed: int = 7) -> Workspace:
    ws = open_workspace(Settings(workspace=folder / "ws"))
    from exam_center.services.permissions import Actor, Role

    ws.actor = Actor("bench", "基准测试", frozenset(Role))  # every role
    made = write_inputs(folder / "inputs", candidates, seed, EXAMPLE)
    with ws.session() as s:
        exams.init_exam(made.definition, session=s)
    with ws.session() as s:
        registration.import_candidates(made.roster, session=s)
        venues.import_rooms(made.rooms, session=s)
        venues.import_invigilators(made.invigilators, session=s)
    with ws.session() as s:
        seating.seat_exam(session=s, seed=seed)
    rng = random.Random(seed)
    with ws.session() as s:
        view = seating.seating_view(session=s)
        assert view is not None
        qs = questions(exams.exam_definition(s))
        subjective = [(q.number, float(q.points)) for q in grading_paper(s).subjective_questions]
        key = make_key(qs, rng)
        exam_id = exams.current_exam_id(s)
        seats = [st for r in view.rooms for st in r.seats]
        absent = {st.admission_no for st in rng.sample(seats, max(1, len(seats) // 50))}
        present = []
        for k, st in enumerate(seats):
            if st.admission_no in absent:
                continue
            present.append(st.admission_no)
            meant = answer_sheet(qs, key, rng.betavariate(6, 2.5), rng)
            marks = [stored_marks(q, meant[q.number], rng) for q in qs]
            s.add(
                ScannedPage(
                    exam_id=exam_id,
                    sha256=f"{k:064d}",
                    file=f"{st.admission_no}.png",
                    status="read",
                    admission_no=st.admission_no,
                    candidate_id=st.candidate_id,
                    page_no=1,
                    pages=1,
                    marks=marks,
                    current=True,
                    read_at=datetime.now(UTC),
                )
            )
    inputs = folder / "inputs"
    with (inputs / "key.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["题号", "答案"])
        w.writerows(sorted(key.items()))
    with (inputs / "scores.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["准考证号", "题号", "评次", "评分人", "分数"])
        for adm in present:
            for q, top in subjective:
                score = rng.randrange(0, int(top * 2) + 1) / 2
                w.writerow([adm, q, 1, "阅卷组A", score])
                w.writerow([adm, q, 2, "阅卷组B", score])
    with ws.session() as s:
        marking.import_key(inputs / "key.csv", session=s)
        marking.import_scores(inputs / "scores.csv", session=s)
        for adm in sorted(absent):
            marking.record_absence(adm, session=s, reason="签到表未签到")
    settle_boundary_ties(ws, reason="bench: by admission number", rounds=40)
    return ws


def timed(runs: int, call: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cli(ws: Workspace, *args: str) -> None:
    """One command as an office runs it: a process of its own, output to a file."""
    from bench_accounts import cli_account

    command = [sys.executable, "-m", "exam_center", "--workspace", str(ws.path), *args]
    env = {**os.environ, **cli_account(ws.path, ws.settings.db)}
    with tempfile.TemporaryFile() as out:
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")


def floor(ws: Workspace) -> None:
    """The same process doing nothing with the exam: start-up, imports, opening the database."""
    cli(ws, "layout")


def export_cmd(ws: Workspace, out: Path) -> None:
    for p in out.parent.glob("*"):
        p.unlink()
    cli(ws, "export", "--out", str(out))


def a_change(ws: Workspace) -> None:
    """Something changes the database (an audited absence), so kept results are stale."""
    with ws.session() as s:
        absent = set(s.exec(select(Absence.candidate_id)))
        seats = s.exec(select(Seat.candidate_id, Seat.admission_no).order_by(col(Seat.id).desc()))
        adm = next(a for c, a in seats if c not in absent)
        marking.record_absence(adm, session=s, reason="bench: a late absence")


async def f8_times(ws: Workspace, runs: int) -> tuple[float, float, float]:
    from textual.widgets import DataTable

    from exam_center.tui import make_app
    from exam_center.tui.context import Operator, Role

    app = make_app(ws)
    firsts: list[float] = []
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        app.screen.dismiss(Operator("成绩员", "成绩员", frozenset({Role.OFFICER})))  # signed in
        await pilot.pause()

        async def visit() -> float:
            await pilot.press("f2")
            await pilot.pause()
            started = time.perf_counter()
            await pilot.press("f8")
            while True:
                await asyncio.sleep(0.005)
                screen = app.screen
                if getattr(screen, "scene", None) is not None:
                    table = screen.query_one("#ranking-table", DataTable)
                    if table.row_count:
                        return time.perf_counter() - started
                    # A scene from before a change may show first; wait for rows anyway.

        firsts.append(await visit())
        again = [await visit() for _ in range(runs)]
        changed = []
        for _ in range(runs):
            a_change(ws)
            changed.append(await visit())
    return firsts[0], statistics.median(again), statistics.median(changed)


def run_demo(candidates: int) -> float:
    import subprocess

    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        done = subprocess.run(
            [*DEMO, "--dir", f"{scratch}/demo", "--candidates", str(candidates)],
            capture_output=True,
            text=True,
        )
        took = time.perf_counter() - started
        if done.returncode != 0:
            print(done.stdout, done.stderr)
        return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidates", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--demo", type=int, default=0, help="also time demo --candidates N")
    parser.add_argument("--no-tui", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(EXAMPLE.parents[2]))  # the tests' helpers: 双人复核, the TUI steps
    from tests.signing import finalise_by_two, reopen_by_two

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        started = time.perf_counter()
        ws = build_exam(folder, args.candidates)
        print(
            f"built a graded exam of {args.candidates} candidates in "
            f"{time.perf_counter() - started:.1f} s"
        )
        out = folder / "exports" / "results.xlsx"
        out.parent.mkdir()
        base = timed(args.runs, lambda: floor(ws))
        print(f"floor (a command that reads nothing of the results): {base:.2f} s")
        shutil.rmtree(ws.path / "cache", ignore_errors=True)
        cold = timed(1, lambda: cli(ws, "results", "--json"))
        print(f"results --json, first call after scanning (every page decoded): {cold:.2f} s")
        for state in ("open", "finalised"):
            if state == "finalised":
                started = time.perf_counter()
                with ws.session() as s:
                    finalise_by_two(s)
                print(
                    f"finalise (both signatures, the seal): {time.perf_counter() - started:.2f} s"
                )
                v = timed(args.runs, lambda: cli(ws, "verify"))
                print(f"verify: {v:.2f} s (median of {args.runs}; floor {base:.2f} s)")
            r = timed(args.runs, lambda: cli(ws, "results", "--json"))
            t = timed(args.runs, lambda: cli(ws, "results"))
            a = timed(args.runs, lambda: cli(ws, "awards", "--json"))
            e = timed(args.runs, lambda: export_cmd(ws, out))
            print(
                f"{state:>9}: results --json {r:.2f} s · results (table) {t:.2f} s · "
                f"awards --json {a:.2f} s · export {e:.2f} s (median of {args.runs}; "
                f"target < 3 s each; floor {base:.2f} s)"
            )
        if not args.no_tui:
            with ws.session() as s:
                reopen_by_two(s, reason="bench")
            first, again, changed = asyncio.run(f8_times(ws, args.runs))
            print(
                f"F8 results screen: first visit {first:.2f} s, later visits {again:.2f} s, "
                f"after a change {changed:.2f} s (median of {args.runs}; target < 1 s)"
            )
        ws.close()
    if args.demo:
        took = run_demo(args.demo)
        print(f"demo --candidates {args.demo}: {took:.0f} s (target < 300 s)")


if __name__ == "__main__":
    main()
