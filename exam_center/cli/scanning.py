"""scan, review."""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from exam_center.cli.common import console, print_json, table, workspace
from exam_center.cli.lazy import lazy_module
from exam_center.domain.errors import PathProblem
from exam_center.domain.vocabulary import REVIEW_KIND_SHORT, review_status_label

if TYPE_CHECKING:
    from exam_center.services import review, scanning
else:
    review = lazy_module("exam_center.services.review")
    scanning = lazy_module("exam_center.services.scanning")

OVERLAY_POLICIES = ("review", "all", "lazy")

review_app = typer.Typer(
    help="Doubtful marks, conflicting rescans, unmatched spares.", no_args_is_help=True
)


def scan(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="files or folders: png, jpeg, tiff, pdf"),
    workers: int = typer.Option(0, "--workers", help="worker processes (default: all cores)"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object per page on stdout"),
    watch: bool = typer.Option(
        False, "--watch", help="keep scanning what the scanners write into the folders (Ctrl-C)"
    ),
    interval: float = typer.Option(
        2.0, "--interval", min=0.1, help="with --watch: seconds between looks"
    ),
    idle_exit: float | None = typer.Option(
        None,
        "--idle-exit",
        min=0.0,
        help="with --watch: stop after this many seconds with nothing new",
    ),
    overlays: str = typer.Option(
        "review",
        "--overlays",
        help="evidence pictures drawn while scanning: review (the pages a person will look "
        "at; the others when asked for), all, or lazy (none: each drawn from its scan "
        "file when a reviewer opens it; keep the scan files)",
    ),
) -> None:
    """Read filled answer sheets: every mark certain, or sent to review with its reason."""
    if overlays not in OVERLAY_POLICIES:
        raise typer.BadParameter(f"--overlays takes {', '.join(OVERLAY_POLICIES)}")
    ws = workspace(ctx)
    n = workers or os.cpu_count() or 1
    counts: Counter[str] = Counter()
    flagged = 0
    started = time.perf_counter()
    missing = [str(p) for p in paths if not p.exists()]
    if missing:  # a mistyped folder would be stored as a rejected page, or watched for ever
        raise PathProblem(f"找不到文件或文件夹 no such file or folder: {', '.join(missing)}")
    if watch:
        outcomes = scanning.watch_paths(
            paths,
            workspace=ws,
            workers=n,
            interval_s=interval,
            idle_exit_s=idle_exit,
            overlays=overlays,
        )
    else:
        outcomes = scanning.scan_paths(paths, workspace=ws, workers=n, overlays=overlays)
    if as_json:
        try:
            for outcome in outcomes:
                typer.echo(json.dumps(outcome.to_json(), ensure_ascii=False))
        except KeyboardInterrupt:  # every page yielded so far is stored
            _interrupted(watch)
        return
    interrupted = False
    rejected: list[tuple[str, str]] = []
    with Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        console=console,
        auto_refresh=False,  # no refresh thread: a single-threaded process forks its readers
    ) as progress:
        task = progress.add_task("scan", total=None, rate="")
        try:
            for outcome in outcomes:
                counts[outcome.status] += 1
                flagged += outcome.flagged
                if outcome.status in ("rejected", "conflict"):
                    rejected.append((f"{outcome.file}#{outcome.page_index}", outcome.reason))
                elapsed = time.perf_counter() - started
                rate = f"{sum(counts.values()) / elapsed:.1f} pages/s"
                progress.update(task, advance=1, rate=rate)
                progress.refresh()
        except KeyboardInterrupt:  # every page shown so far is stored
            interrupted = True
    elapsed = time.perf_counter() - started
    pages = sum(counts.values())
    table(
        f"{pages} pages in {elapsed:.1f} s ({pages / max(elapsed, 1e-9):.1f} pages/s, {n} workers)",
        ["read", "unidentified", "rejected", "duplicate", "conflict", "questions flagged"],
        [
            [
                counts["read"],
                counts["unidentified"],
                counts["rejected"],
                counts["duplicate"],
                counts["conflict"],
                flagged,
            ]
        ],
    )
    if rejected:
        table("rejected / conflicts", ["page", "reason"], [list(r) for r in rejected[:50]])
    if pages == 0 and not interrupted:
        console.print(
            "[yellow]没有找到扫描图像 no scanned images found[/] under "
            f"{', '.join(str(p) for p in paths)} (png, jpeg, tiff, pdf)",
            highlight=False,
        )
    if counts["unidentified"]:
        console.print(
            f"{counts['unidentified']} page(s) to identify (待识别页面: no QR code read); "
            "see `review list`, then `review identify PAGE ADMISSION_NO`."
        )
    if interrupted:
        _interrupted(watch)


def _interrupted(watch: bool) -> None:
    """Ctrl-C ends a --watch session normally; it cuts a one-off scan short (status 130:
    what was stored is kept, and running the same scan again reads only the rest)."""
    if not watch:
        raise typer.Exit(130)


def status(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Completeness: missing pages, absentees, spares mapped, open review items."""
    ws = workspace(ctx)
    with ws.session() as s:
        report = scanning.completeness(session=s)
    if as_json:
        print_json(asdict(report))
        return
    console.print(
        f"{report.complete}/{report.seated} candidates complete; {len(report.absent)} with no "
        f"sheet; {len(report.missing_pages)} missing pages; {report.spares_mapped} spare sheets "
        f"mapped; {report.rejected} rejected; {report.conflicts} conflicts; "
        f"{report.review_open} review items open."
    )
    if report.absent:
        table("no sheet scanned (absent?)", ["准考证号", "姓名"], [list(a) for a in report.absent])


@review_app.command("list")
def review_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json"),
    limit: int = typer.Option(200, help="at most this many, most doubtful first"),
) -> None:
    """The open review items, most doubtful first."""
    ws = workspace(ctx)
    with ws.session() as s:
        rows = review.open_items(session=s, limit=limit)
        if as_json:
            # A page scanned with --overlays lazy has its picture drawn when asked for.
            drawn: dict[int, str] = {}
            for i, r in enumerate(rows):
                if r.overlay and not Path(r.overlay).is_file():
                    if r.page_id not in drawn:
                        drawn[r.page_id] = scanning.page_overlay(s, r.page_id)
                    rows[i] = replace(r, overlay=drawn[r.page_id])
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    table(
        f"待复核 {len(rows)} 项 open review items",
        ["页面 page", "类别 kind", "题号", "读到 read", "状态 status", "原因 reason", "准考证号"],
        [
            [
                r.page_id,
                REVIEW_KIND_SHORT.get(r.kind, r.kind),
                r.question or "",
                r.read_marks,
                review_status_label(r.status),
                r.reason,
                r.admission_no or "",
            ]
            for r in rows
        ],
    )


@review_app.command("resolve")
def review_resolve(
    ctx: typer.Context,
    page: int = typer.Argument(..., help="the page record (see review list)"),
    question: int = typer.Argument(..., help="the question number"),
    marks: str = typer.Option(..., "--marks", help='the marks, e.g. "AC"; "-" for none'),
    reason: str = typer.Option(..., "--reason", help="why"),
    seen: int | None = typer.Option(
        None,
        "--expect-version",
        help="the item's version as listed (review list --json): refused if it changed",
    ),
) -> None:
    """Set the marks of a doubtful question (recorded with who, when and why). A question
    someone else decided since it was listed is refused, naming them."""
    ws = workspace(ctx)
    with ws.session() as s:
        d = review.resolve_question(
            page, question, marks, session=s, reason=reason, expected_version=seen
        )
    console.print(
        f"第 {question} 题: {d.marks or '（空 blank）'}，由 {ws.operator} 决定 "
        f"(question {question} decided by {ws.operator})."
    )


@review_app.command("conflict")
def review_conflict(
    ctx: typer.Context,
    page: int = typer.Argument(..., help="the conflicting page record"),
    keep: bool = typer.Option(..., "--keep/--discard", help="count this scan, or set it aside"),
    reason: str = typer.Option(..., "--reason"),
    seen: int | None = typer.Option(
        None,
        "--expect-version",
        help="the item's version as listed (review list --json): refused if it changed",
    ),
) -> None:
    """Choose which of two different scans of one page counts."""
    ws = workspace(ctx)
    with ws.session() as s:
        review.resolve_conflict(page, keep=keep, session=s, reason=reason, expected_version=seen)
    console.print(f"页面 {page}: {'已保留 kept' if keep else '已搁置 set aside'}.")


@review_app.command("admission")
def review_admission(
    ctx: typer.Context,
    page: int = typer.Argument(..., help="the spare sheet's page record"),
    admission_no: str = typer.Argument(..., help="the candidate's admission number"),
    reason: str = typer.Option(..., "--reason"),
    seen: int | None = typer.Option(
        None,
        "--expect-version",
        help="the item's version as listed (review list --json): refused if it changed",
    ),
) -> None:
    """Give a spare sheet its candidate when the admission grid could not be read."""
    ws = workspace(ctx)
    with ws.session() as s:
        review.resolve_admission(
            page, admission_no, session=s, reason=reason, expected_version=seen
        )
    console.print(f"页面 {page} 属于 {admission_no} (page {page} belongs to {admission_no}).")


@review_app.command("identify")
def review_identify(
    ctx: typer.Context,
    page: int = typer.Argument(..., help="the page record waiting to be identified"),
    admission_no: str = typer.Argument(..., help="the admission number printed on it"),
    page_no: int | None = typer.Option(
        None, "--page", help="which page of the sheet it is, when several look alike"
    ),
    reason: str = typer.Option(..., "--reason"),
    seen: int | None = typer.Option(
        None,
        "--expect-version",
        help="the item's version as listed (review list --json): refused if it changed",
    ),
) -> None:
    """Say whose page it is when neither QR code could be read (待识别页面), or whose spare
    sheet it is: checked against the roster, the layout and the pages already read."""
    ws = workspace(ctx)
    with ws.session() as s:
        filed = review.identify_page(
            page,
            admission_no,
            page_no=page_no,
            session=s,
            reason=reason,
            expected_version=seen,
        )
        number, status = filed.page_no, filed.status
    extra = (
        "（该页已有计数扫描，请处理冲突 a page already counts there: settle the conflict）"
        if status == "conflict"
        else ""
    )
    console.print(
        f"页面 {page} 是 {admission_no} 的第 {number} 页{extra} "
        f"(page {page} is page {number} of {admission_no})."
    )
