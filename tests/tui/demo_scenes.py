"""Workspaces at the later stages of an exam, for the scanning, review and results
screens, built once by the demo and copied per test.

One seeded demo run (30 candidates) leaves three folders:

- `printed`: seated and printed, the filled sheets waiting in `scans/incoming`, nothing
  scanned yet (the scanning screen reads them);
- `scanned`: every page read, the review queue open (the review screen decides it);
- `graded`: review settled, key and scores in, and the boundary ties left undecided (the
  results screen decides them, and finalising is refused until it does).

The demo settles everything it can, so three of its steps are wrapped while it runs:
the scan snapshots the folder first, the review settling snapshots it too, and the tie
loop is shown no pending ties (the rehearsal draw is skipped: 30 candidates recommend
too few for it). The exam secret is fixed and pages are read in one process, in file
order, so what is read, and the review queue's order, are the same on every run (the
snapshots show them) as long as the reader is; the key and scores are stamped with a
fixed time, which the grading screen shows.

The build runs in a process of its own (`python -m tests.tui.demo_scenes DIR`),
started as the test run starts, so it overlaps the tests that do not need it.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlmodel import col, select

from exam_center.db.models import ReviewItem, ScannedPage
from exam_center.demo import run as demo_run
from exam_center.services import (
    marking,
    national_stage,
    results,
    review,
    scanning,
    standings,
    workspace_key,
)
from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings
from tests.signing import actor
from tests.tui.scenes import FrozenClock

CANDIDATES = 30
SEED = 1
OPERATOR = "张考务"
FIRST_AWARD = "江苏省人社知识通"  # the example exam's widest individual award
ROOT = Path(__file__).resolve().parents[2]
DONE, FAILED = "built", "failed"
BUILD_TIMEOUT = 300.0  # seconds; ~15 s on an idle machine


@dataclass(frozen=True)
class DemoFolders:
    printed: Path
    scanned: Path
    graded: Path


def _snapshot(workspace: Workspace, to: Path) -> None:
    # Closing the engine checkpoints SQLite's write-ahead log into the database file;
    # the demo reopens it on its next session.
    workspace.close()
    shutil.copytree(workspace.path, to)


def build(root: Path) -> DemoFolders:
    """Run the demo into `root/graded`, leaving the other two stages beside it."""
    folders = DemoFolders(root / "printed", root / "scanned", root / "graded")
    workspace = open_workspace(Settings(workspace=folders.graded))
    workspace.actor = actor("演示")  # every role, to build the scenes
    real_scan, real_settle = scanning.scan_paths, demo_run._settle_review

    def scan_after_snapshot(*args: Any, **kwargs: Any) -> Iterator[scanning.PageOutcome]:
        _snapshot(workspace, folders.printed)
        return real_scan(*args, **{**kwargs, "workers": 1})

    def settle_after_snapshot(run: demo_run.DemoRun) -> int:
        _snapshot(workspace, folders.scanned)
        return real_settle(run)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scanning, "scan_paths", scan_after_snapshot)
        patch.setattr(demo_run, "_settle_review", settle_after_snapshot)
        # A fixed exam secret: the sheets' signed QR codes, and so the scanned images and
        # what the reader makes of them, are then the same on every run.
        patch.setattr(
            workspace_key,
            "secrets",
            SimpleNamespace(token_hex=lambda n: "5e" * n, token_bytes=lambda n: b"^" * n),
        )
        patch.setattr(marking, "datetime", FrozenClock)
        patch.setattr(standings, "pending_ties", lambda _c: [])
        # 30 candidates recommend too few for the rehearsal draw of the national test.
        patch.setattr(national_stage, "rehearse_draw", lambda *_a, **_k: None)
        demo_run.run_demo(
            workspace, candidates=CANDIDATES, seed=SEED, until="grade", say=lambda _: None
        )
    make_boundary_tie(workspace)
    workspace.close()
    return folders


def _letters(mask: int) -> str:
    return "".join(c for i, c in enumerate("ABCDEFGH") if mask >> i & 1)


def make_boundary_tie(workspace: Workspace) -> None:
    """Thirty candidates rarely tie on every key, so make two do so: the candidate just
    below the first award's last place is given, through review decisions and a score
    correction, exactly the answers and scores of the one on it."""
    with workspace.session() as s:
        c = results.compute(s)
        ranked = [x for x in standings.results_json(c, s)["candidates"] if x["rank"]]
        # The award's last place (a prior holder passed over may leave it below its count).
        last = [g for g in standings.awards_json(c)["individual"] if g["award"] == FIRST_AWARD][-1]
        at = next(
            i
            for i, x in enumerate(ranked)
            if (x["rank"], x["name"]) == (last["rank"], last["name"])
        )
        on, below = ranked[at], ranked[at + 1]
        rows = {cid: i for i, cid in enumerate(c.roster.ids)}
        want = c.responses[rows[str(on["candidate_id"])]]
        have = c.responses[rows[str(below["candidate_id"])]]
        page = s.exec(
            select(ScannedPage).where(
                ScannedPage.candidate_id == below["candidate_id"], col(ScannedPage.current)
            )
        ).one()
        assert page.id is not None
        for question, (mask, old) in enumerate(zip(want, have, strict=True), start=1):
            if mask != old:
                # Some of these were decided in the demo's review: decided again, on
                # the version that decision left.
                item = s.exec(
                    select(ReviewItem).where(
                        ReviewItem.page_id == page.id, ReviewItem.question == question
                    )
                ).first()
                review.resolve_question(
                    page.id,
                    question,
                    _letters(int(mask)),
                    session=s,
                    reason="测试场景：制造并列",
                    expected_version=None if item is None else item.version,
                )
    scores = workspace.path / "inputs" / "scores.csv"
    with scores.open(encoding="utf-8") as f:
        table = list(csv.reader(f))
    same = [[below["admission_no"], *r[1:]] for r in table[1:] if r[0] == on["admission_no"]]
    tie_scores = workspace.path / "inputs" / "tie-scores.csv"
    with tie_scores.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([table[0], *same])
    with workspace.session() as s:
        marking.import_scores(tie_scores, session=s, reason="测试场景：制造并列")
        after = results.compute(s)
        pending = standings.pending_ties(after)
    assert [(p.award, p.rank, p.slots) for p in pending] == [(FIRST_AWARD, on["rank"], 1)], pending


@dataclass(frozen=True)
class SecondThoughts:
    key: Path  # question 1's answer changed, question 7 voided
    scores: Path  # one second marking changed
    admission_no: str  # whose marking now needs a third


def write_second_thoughts(stage: Path, folder: Path) -> SecondThoughts:
    """A results officer's second thoughts on the graded stage, for the grading screen: a
    key correction, and one candidate's second marking changed so the two markers differ
    by more than the tolerance (2.0). Written to `folder`, not imported."""
    inputs = stage / "inputs"
    with (inputs / "key.csv").open(encoding="utf-8") as f:
        key = list(csv.reader(f))
    key[0].append("作废")
    for row in key[1:]:
        row[1] = {"A": "B", "B": "C", "C": "D", "D": "A"}[row[1]] if row[0] == "1" else row[1]
        row.append("是" if row[0] == "7" else "")
    with (inputs / "scores.csv").open(encoding="utf-8") as f:
        header, *scores = list(csv.reader(f))
    thirds = {(r[0], r[1]) for r in scores if r[2] == "3"}
    first = next(r for r in scores if r[2] == "1" and (r[0], r[1]) not in thirds)
    assert float(first[4]) >= 3
    second = [first[0], first[1], "2", "阅卷组B", f"{float(first[4]) - 3:g}"]
    folder.mkdir(parents=True, exist_ok=True)
    found = SecondThoughts(folder / "key-corrected.csv", folder / "scores-rechecked.csv", first[0])
    with found.key.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(key)
    with found.scores.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, second])
    return found


KEY_REASON = "第1题答案更正，第7题作废（命题组函）"
SCORES_REASON = "二评复查"


def correct_key_and_a_score(workspace: Workspace, folder: Path, operator: str) -> str:
    """Import the second thoughts, as the grading screen's dialogs would; returns the
    admission number whose marking now needs a third."""
    found = write_second_thoughts(workspace.path, folder)
    with workspace.session() as s:
        marking.import_key(found.key, session=s, reason=KEY_REASON)
        marking.import_scores(found.scores, session=s, reason=SCORES_REASON)
    return found.admission_no


def start_build(base: Path) -> Path:
    """Start building the stages under `base/tui-demo` in a process of its own, unless a
    worker of this run already did; return the folder. The build runs while the tests
    that do not need it do."""
    root = base / "tui-demo"
    try:
        os.mkdir(root)  # atomic: exactly one pytest-xdist worker starts the build
    except FileExistsError:
        return root
    log = (root / "build.log").open("w")
    subprocess.Popen(
        [sys.executable, "-m", "tests.tui.demo_scenes", str(root)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return root


def wait_for_build(root: Path, timeout: float = BUILD_TIMEOUT) -> DemoFolders:
    deadline = time.monotonic() + timeout
    while not (root / DONE).exists():
        if (root / FAILED).exists() or time.monotonic() > deadline:
            log = (root / "build.log").read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"building the demo stages failed:\n{log[-4000:]}")
        time.sleep(0.2)
    return DemoFolders(root / "printed", root / "scanned", root / "graded")


# A few of the printed stage's scans: two sheets, a refeed of the first, a stray page. The
# demo's scanner writes each as PNG or JPEG, so they are found by name without suffix.
SOME_PAGES = ("220700101-p1", "220700102-p1", "zz-refeed-220700101-p1", "zz-stray-page")


def copy_pages(incoming: Path, to: Path, stems: Sequence[str] = SOME_PAGES) -> list[str]:
    """Copy the scans named by ``stems`` from ``incoming`` into ``to``; their file names."""
    names = []
    for stem in stems:
        (found,) = incoming.glob(f"{stem}.*")
        shutil.copy(found, to / found.name)
        names.append(found.name)
    return names


def copy_of(folder: Path, to: Path, make_workspace: Callable[..., Workspace]) -> Workspace:
    """A test's own copy of a stage: it may change anything in it."""
    shutil.copytree(folder, to)
    return make_workspace(folder=to)


def main() -> None:
    root = Path(sys.argv[1])
    try:
        build(root)
    except BaseException:
        (root / FAILED).write_text("failed", encoding="utf-8")
        raise
    (root / DONE).write_text("built", encoding="utf-8")


if __name__ == "__main__":
    main()
