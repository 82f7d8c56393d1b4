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
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from exam_center.cli.common import console, print_json, table, workspace
from exam_center.cli.lazy import lazy_module
from exam_center.domain.errors import PathProblem
from exam_center.domain.vocabulary import (
    CANDIDATE_STATUS_SCREEN_LABELS,
    FLAGGED_QUESTIONS,
    REVIEW_KIND_SHORT,
    SCAN_COUNTS,
    WARNING_PREFIX,
    page_outcome_label,
    review_status_label,
)

if TYPE_CHECKING:
    from exam_center.services import review, scanning
else:
    review = lazy_module("exam_center.services.review")
    scanning = lazy_module("exam_center.services.scanning")

OVERLAY_POLICIES = ("review", "all", "lazy")

review_app = typer.Typer(
    help="Doubtful marks (存疑), conflicting rescans (重扫冲突), unmatched spares (备用卡).",
    no_args_is_help=True,
)


def scan(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(
        ..., help="扫描文件或文件夹 files or folders: png, jpeg, tiff, pdf"
    ),
    workers: int = typer.Option(
        0,
        "--workers",
        show_default=False,
        help="工作进程数（默认：全部核心）worker processes (default: all cores)",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="每页一行 JSON one JSON object per page on stdout"
    ),
    watch: bool = typer.Option(
        False,
        "--watch",
        help="持续扫描扫描仪写入文件夹的新文件（Ctrl-C 结束）"
        "keep scanning what the scanners write into the folders",
    ),
    interval: float = typer.Option(
        2.0,
        "--interval",
        min=0.1,
        help="与 --watch 同用：每隔几秒查看一次（至少 0.1）with --watch: seconds between looks (at "
        "least 0.1)",
    ),
    idle_exit: float | None = typer.Option(
        None,
        "--idle-exit",
        min=0.0,
        help="与 --watch 同用：这么多秒无新文件即停止 "
        "with --watch: stop after this many seconds with nothing new",
    ),
    overlays: str = typer.Option(
        "review",
        "--overlays",
        help="扫描时绘制的标注图 evidence pictures drawn while scanning: review (the pages a "
        "person will look "
        "at; the others when asked for), all, or lazy (none: each drawn from its scan "
        "file when a reviewer opens it; keep the scan files)",
    ),
) -> None:
    """Read filled answer sheets: every mark certain, or sent to review with its reason."""
    if overlays not in OVERLAY_POLICIES:
        raise typer.BadParameter(f"--overlays 只能是 takes {', '.join(OVERLAY_POLICIES)}")
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
        TextColumn("扫描中 scanning"),
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
                rate = f"{sum(counts.values()) / elapsed:.1f} 页/秒 pages/s"
                progress.update(task, advance=1, rate=rate)
                progress.refresh()
        except KeyboardInterrupt:  # every page shown so far is stored
            interrupted = True
    elapsed = time.perf_counter() - started
    pages = sum(counts.values())
    per_s = pages / max(elapsed, 1e-9)
    table(
        f"{pages} 页，用时 {elapsed:.1f} 秒（{per_s:.1f} 页/秒，{n} 个进程） "
        f"{pages} pages in {elapsed:.1f} s ({per_s:.1f} pages/s, {n} workers)",
        [
            *(page_outcome_label(k) for k in SCAN_COUNTS),
            FLAGGED_QUESTIONS,
        ],
        [[*(counts[k] for k in SCAN_COUNTS), flagged]],
    )
    if rejected:
        table(
            "拒收与冲突 rejected / conflicts",
            ["页面 page", "原因 reason"],
            [list(r) for r in rejected[:50]],
        )
    if pages == 0 and not interrupted:
        console.print(
            f"[yellow]{WARNING_PREFIX} 没有找到扫描图像 no scanned images found[/] "
            f"在 under {escape(', '.join(str(p) for p in paths))} (png, jpeg, tiff, pdf)",
            highlight=False,
        )
    if counts["unidentified"]:
        console.print(
            f"{counts['unidentified']} 页待识别（未读到二维码），请看 `review list`，再用 "
            "`review identify PAGE ADMISSION_NO` "
            f"({counts['unidentified']} page(s) to identify: no QR code read)."
        )
    if interrupted:
        _interrupted(watch)


def _interrupted(watch: bool) -> None:
    """Ctrl-C ends a --watch session normally; it cuts a one-off scan short (status 130:
    what was stored is kept, and running the same scan again reads only the rest)."""
    if not watch:
        raise typer.Exit(130)


def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出 print JSON (for scripts)"),
) -> None:
    """Completeness: missing pages, absentees, spares mapped, open review items."""
    ws = workspace(ctx)
    with ws.session() as s:
        report = scanning.completeness(session=s)
    if as_json:
        print_json(asdict(report))
        return
    confirmed = set(report.confirmed_absent)
    unscanned = [a for a in report.absent if a[0] not in confirmed]
    console.print(
        f"齐全 {report.complete}/{report.seated} 人；确认缺考 {len(confirmed)} 人；"
        f"未扫描答题卡 {len(unscanned)} 人；缺页 {len(report.missing_pages)} 人；"
        f"备用卡已匹配 {report.spares_mapped} 张；拒收 {report.rejected} 页；"
        f"重扫冲突 {report.conflicts} 页；待复核 {report.review_open} 项 "
        f"({report.complete}/{report.seated} candidates complete; {len(confirmed)} confirmed "
        f"absent; {len(unscanned)} with no sheet; {len(report.missing_pages)} missing pages; "
        f"{report.spares_mapped} spare sheets mapped; {report.rejected} rejected; "
        f"{report.conflicts} conflicts; {report.review_open} review items open)."
    )
    if unscanned:
        table(
            "未扫描答题卡（缺考请用 `absent` 确认）"
            "no sheet scanned: confirm an absence with `absent`",
            ["准考证号", "姓名"],
            [list(a) for a in unscanned],
        )
    if report.missing_pages:
        table(
            "缺页 missing pages",
            ["准考证号", "姓名", "缺的页 pages"],
            [[a, n, "、".join(str(p) for p in pages)] for a, n, pages in report.missing_pages],
        )
    if confirmed:
        table(
            f"{CANDIDATE_STATUS_SCREEN_LABELS['absent']}（已确认）confirmed",
            ["准考证号", "姓名"],
            [list(a) for a in report.absent if a[0] in confirmed],
        )


@review_app.command("list")
def review_list(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json"),
    limit: int = typer.Option(200, help="最多显示条数 at most this many, most doubtful first"),
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
    page: int = typer.Argument(..., help="页面编号（见 review list）the page record"),
    question: int = typer.Argument(..., help="题号 the question number"),
    marks: str = typer.Option(
        ..., "--marks", help='填涂，如 "AC"；"-" 表示未填 the marks, e.g. "AC"; "-" for none'
    ),
    reason: str = typer.Option(
        ..., "--reason", help="理由（记入审计日志） why (recorded in the audit log)"
    ),
    seen: int | None = typer.Option(
        None,
        "--expect-version",
        help="列出时的版本（review list --json），已变则拒绝 "
        "the item's version as listed: refused if it changed",
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
    page: int = typer.Argument(..., help="冲突页面编号 the conflicting page record"),
    keep: bool = typer.Option(
        ..., "--keep/--discard", help="以此扫描为准，或搁置 count this scan, or set it aside"
    ),
    reason: str = typer.Option(..., "--reason"),
    seen: int | None = typer.Option(
        None,
        "--expect-version",
        help="列出时的版本（review list --json），已变则拒绝 "
        "the item's version as listed: refused if it changed",
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
    page: int = typer.Argument(..., help="备用卡页面编号 the spare sheet's page record"),
    admission_no: str = typer.Argument(..., help="准考证号 the candidate's admission number"),
    reason: str = typer.Option(..., "--reason"),
    seen: int | None = typer.Option(
        None,
        "--expect-version",
        help="列出时的版本（review list --json），已变则拒绝 "
        "the item's version as listed: refused if it changed",
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
    page: int = typer.Argument(..., help="待识别页面编号 the page record waiting to be identified"),
    admission_no: str = typer.Argument(
        ..., help="页面上印的准考证号 the admission number printed on it"
    ),
    page_no: int | None = typer.Option(
        None,
        "--page",
        help="答题卡第几页（几页相似时）which page of the sheet it is, when several look alike",
    ),
    reason: str = typer.Option(..., "--reason"),
    seen: int | None = typer.Option(
        None,
        "--expect-version",
        help="列出时的版本（review list --json），已变则拒绝 "
        "the item's version as listed: refused if it changed",
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
