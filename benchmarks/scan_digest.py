"""What a scan decided, written canonically, to prove a speed change changed no decision.

Scans FOLDER into a fresh copy of the printed workspace BASE with the code of the tree
this script sits in (PYTHONPATH), then writes one JSON document: for every page, by its
sha256, every stored column a decision shows in (status, reason, reject kind, candidate,
page, transform fit, thresholds, every question's marks, status, reason, measures,
coverage, spread, erasures and profile, the admission grid) with its review items, and
the `scan --json` line of the page without its overlay path (which is where a picture is,
not what was read). Run it on two trees and compare the files byte for byte:

    PYTHONPATH=TREE_A python TREE_A/benchmarks/scan_digest.py BASE FOLDER a.json
    PYTHONPATH=TREE_B python TREE_B/benchmarks/scan_digest.py BASE FOLDER b.json
    cmp a.json b.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGE_COLUMNS = (
    "status",
    "reason",
    "reject_kind",
    "admission_no",
    "candidate_id",
    "page_no",
    "pages",
    "layout_hash",
    "reader_version",
    "residual_mm",
    "rotation",
    "thresholds",
    "marks",
    "admission_grid",
    "spare_serial",
    "current",
    "page_index",
)
ITEM_COLUMNS = ("kind", "question", "status", "reason", "read_marks", "doubt", "open")


def digest(base: Path, folder: Path, workers: int) -> dict[str, Any]:
    from sqlmodel import col, select

    from exam_center.db.models import ReviewItem, ScannedPage
    from exam_center.services import scanning
    from exam_center.services.workspace import open_workspace
    from exam_center.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "ws"
        shutil.copytree(base, scratch)
        ws = open_workspace(Settings(workspace=scratch))
        from exam_center.services.permissions import Actor, Role

        ws.actor = Actor("bench", "基准测试", frozenset(Role))  # every role
        lines = {}
        for outcome in scanning.scan_paths([folder], workspace=ws, workers=workers):
            line = outcome.to_json()
            line.pop("overlay")
            line["file"] = Path(line["file"]).name
            lines[outcome.sha256] = line
        pages: dict[str, Any] = {}
        with ws.session() as s:
            for page in s.exec(select(ScannedPage).order_by(col(ScannedPage.sha256))):
                stored = {c: getattr(page, c) for c in PAGE_COLUMNS}
                items = s.exec(
                    select(ReviewItem)
                    .where(ReviewItem.page_id == page.id)
                    .order_by(col(ReviewItem.kind), col(ReviewItem.question))
                )
                stored["review"] = [{c: getattr(i, c) for c in ITEM_COLUMNS} for i in items]
                stored["scan_json"] = lines.get(page.sha256)
                pages[page.sha256] = stored
        ws.close()
    return pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base", type=Path, help="a printed workspace (copied, not changed)")
    parser.add_argument("folder", type=Path, help="the scans")
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    pages = digest(args.base, args.folder, args.workers)
    text = json.dumps(pages, sort_keys=True, ensure_ascii=False, indent=1, default=str)
    args.out.write_text(text + "\n", encoding="utf-8")
    statuses: dict[str, int] = {}
    for page in pages.values():
        statuses[page["status"]] = statuses.get(page["status"], 0) + 1
    print(f"{len(pages)} pages {statuses}, written to {args.out}")


if __name__ == "__main__":
    main()
