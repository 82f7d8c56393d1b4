"""Scanning: choose a folder (or files), read it in a thread worker while the screen
stays live: a progress bar with pages per second, live counts (read, questions flagged,
rejected, duplicates, conflicts), the rejected pages with their reasons, and a cancel
that stops after the pages in flight. Afterwards, the exam's completeness. With 监视
Watch ticked, the folder is watched while the scanners write into it (each file once it
is whole) until Cancel, and the completeness follows every delivery.

`services.scanning.scan_paths` is a generator that stores each page as it is read; the
worker iterates it and posts one message per page (messages up, as the STYLE says)."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Footer,
    Header,
    Input,
    ProgressBar,
    Static,
)

from exam_center.domain.vocabulary import page_outcome_chinese
from exam_center.services import scanning
from exam_center.services.scanning import Completeness, PageOutcome
from exam_center.tui.context import AppContext, Permission, refusal
from exam_center.tui.error_text import RECOVERABLE, describe_error
from exam_center.tui.screens.base import ExamScreen, PaletteCommand
from exam_center.tui.widgets.path_suggester import SCAN_SUFFIXES, PathSuggester
from exam_center.tui.widgets.stat_card import CardState, StatCard
from scans import iter_sources

# Seconds since some start; a module attribute so a snapshot test can stop the clock.
clock: Callable[[], float] = time.monotonic

WATCH_INTERVAL_S = 2.0  # seconds between looks at a watched folder
WATCH_TIP = "Keep reading what the scanners write into the folder, until Cancel"
SHOWN_NAMES = 5  # of those with no sheet or missing pages; the dashboard has the count

COUNTS = (
    ("read", "已读 Read"),
    ("flagged", "待复核题 Flagged"),
    ("rejected", "拒收 Rejected"),
    ("duplicate", "重复 Duplicates"),
    ("conflict", "冲突 Conflicts"),
)


def scan_workers() -> int:
    """Reader processes: every core (a module function so tests can use one)."""
    return os.cpu_count() or 1


def count_pages(paths: list[Path]) -> int:
    """Pages under `paths`, for the progress bar's total (multi-page PDF and TIFF count
    each page). Reading the files once more is cheap beside reading the sheets."""
    return sum(1 for _ in iter_sources(paths))


def suggested_folder(workspace_path: Path) -> str:
    """The workspace's scans folder, relative to where the app was started if inside it."""
    folder = workspace_path / "scans"
    try:
        return str(folder.resolve().relative_to(Path.cwd().resolve())) + "/"
    except ValueError:
        return str(folder.resolve()) + "/"


class ScanStarted(Message):
    def __init__(self, total: int | None) -> None:
        super().__init__()
        self.total = total


class PageScanned(Message):
    def __init__(self, outcome: PageOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class ScanEnded(Message):
    def __init__(self, cancelled: bool, error: str = "", *, watched: bool = False) -> None:
        super().__init__()
        self.cancelled = cancelled
        self.error = error
        self.watched = watched  # a watch ends by Cancel: that is its normal end


@dataclass
class ScanTally:
    counts: Counter[str]
    flagged: int = 0
    started: float = 0.0

    @property
    def pages(self) -> int:
        return sum(self.counts.values())

    def rate(self) -> str:
        elapsed = max(clock() - self.started, 1e-6)
        return f"{self.pages / elapsed:.1f} 页/秒 pages/s · 用时 {elapsed:.0f} s"


def describe_completeness(c: Completeness) -> Content:
    parts = [
        f"完整 complete {c.complete}/{c.seated}",
        f"缺页 missing pages {len(c.missing_pages)}",
        f"无答题卡 no sheet {len(c.absent)}",
        f"备用卡 spares {c.spares_mapped}",
        f"拒收 rejected {c.rejected}",
        f"冲突 conflicts {c.conflicts}",
        f"待复核 review open {c.review_open}",
    ]
    lines = ["  ·  ".join(parts)]
    if c.absent:
        names = [f"{adm} {name}" for adm, name in c.absent]
        lines.append("无答题卡 No sheet: " + _some(names))
    if c.missing_pages:
        missing = [f"{adm} {name} 第{','.join(map(str, p))}页" for adm, name, p in c.missing_pages]
        lines.append("缺页 Missing pages: " + _some(missing))
    return Content("\n".join(lines))


def _some(items: list[str], shown: int = SHOWN_NAMES) -> str:
    more = f" …等 {len(items)} 人 ({len(items)} in all)" if len(items) > shown else ""
    return "、".join(items[:shown]) + more


class ScanningScreen(ExamScreen):
    TITLE = "扫描 Scanning"
    BINDINGS = [
        Binding("ctrl+s", "scan", "扫描 Scan", tooltip=refusal(Permission.SCAN)),
        Binding(
            "escape", "cancel_scan", "取消扫描 Cancel", tooltip="Stop after the pages in flight"
        ),
        Binding("slash", "focus_folder", "文件夹 Folder", key_display="/"),
        Binding("ctrl+r", "refresh", "刷新", tooltip="Refresh the completeness"),
    ]
    REQUIRES = {"scan": Permission.SCAN}
    PALETTE = (
        PaletteCommand("扫描文件夹 Scan a folder", "Read the answer sheets in a folder", "scan"),
        PaletteCommand("取消扫描 Cancel the scan", "Stop after the pages in flight", "cancel_scan"),
    )

    running: reactive[bool] = reactive(False, init=False)

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.cancel = threading.Event()
        self.tally = ScanTally(Counter())

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="scan-form"):
            yield Input(
                value=suggested_folder(self.context.workspace.path),
                placeholder="扫描件文件夹或文件 folder or file of scans (→ completes)",
                id="scan-folder",
                suggester=PathSuggester(SCAN_SUFFIXES),
            )
            yield Checkbox("监视 Watch", id="scan-watch", tooltip=WATCH_TIP)
            yield Button("扫描 Scan", id="scan", variant="primary")
            yield Button("取消 Cancel", id="cancel-scan", disabled=True)
        with Horizontal(id="scan-progress-row"):
            yield ProgressBar(id="scan-bar", show_eta=False)
            yield Static("", id="scan-rate")
        yield Static("选择文件夹后按 ctrl+s 扫描 choose a folder, then ctrl+s", id="scan-status")
        with Grid(id="scan-counts"):
            for key, label in COUNTS:
                yield StatCard(label, id=f"count-{key}")
        with Vertical(id="scan-lists"):
            yield Static("拒收与冲突 Rejected pages and conflicts", classes="section-title")
            yield DataTable[str](id="rejected", cursor_type="row", zebra_stripes=True)
            yield Static("", id="completeness")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#rejected", DataTable)
        table.add_column("文件 File", key="file", width=28)
        table.add_column("页", key="page", width=3)
        table.add_column("状态", key="status", width=9)
        table.add_column("原因 Reason", key="reason")
        self.query_one("#scan-progress-row").display = False
        self.show_counts()
        self.query_one("#scan-folder", Input).focus()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def on_unmount(self) -> None:
        self.cancel.set()  # a reader left running would keep the app from closing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scan" and self.running:
            return None
        if action == "cancel_scan":
            return self.running or None
        return super().check_action(action, parameters)

    def watch_running(self) -> None:
        self.query_one("#scan", Button).disabled = self.running
        self.query_one("#cancel-scan", Button).disabled = not self.running
        self.query_one("#scan-folder", Input).disabled = self.running
        self.query_one("#scan-watch", Checkbox).disabled = self.running
        self.refresh_bindings()

    def action_refresh(self) -> None:
        self.run_service(
            lambda s: scanning.completeness(session=s), self._show_completeness, group="status"
        )

    def _show_completeness(self, c: Completeness) -> None:
        self.query_one("#completeness", Static).update(describe_completeness(c))

    def action_focus_folder(self) -> None:
        self.query_one("#scan-folder", Input).focus()

    def say(self, text: str, kind: str = "") -> None:
        status = self.query_one("#scan-status", Static)
        status.update(Content(text))
        status.set_classes(kind)

    def show_counts(self) -> None:
        counts = self.tally.counts
        for key, _label in COUNTS:
            value = self.tally.flagged if key == "flagged" else counts[key]
            state: CardState = "waiting"
            if value:
                state = "done" if key == "read" else "attention"
            self.query_one(f"#count-{key}", StatCard).show(str(value), state)

    # -- scanning --------------------------------------------------------------------

    @on(Input.Submitted, "#scan-folder")
    @on(Button.Pressed, "#scan")
    def action_scan(self) -> None:
        if self.running or not self.allowed(Permission.SCAN):
            return
        value = self.query_one("#scan-folder", Input).value.strip()
        folder = Path(value).expanduser() if value else None
        if folder is None or not folder.exists():
            self.say(f"找不到 not found: {value or '（空 empty）'}", "error")
            return
        self.cancel = threading.Event()
        self.tally = ScanTally(Counter(), started=clock())
        self.query_one("#rejected", DataTable).clear()
        self.show_counts()
        bar = self.query_one("#scan-bar", ProgressBar)
        bar.update(total=None, progress=0)
        self.query_one("#scan-progress-row").display = True
        self.query_one("#scan-rate", Static).update("")
        self.running = True
        if self.query_one("#scan-watch", Checkbox).value:
            self.say(f"正在监视 watching {folder} — 取消 Cancel (esc) to stop")
            self.read_pages(folder, self.cancel, watch=True)
        else:
            self.say(f"正在清点页数… counting the pages in {folder}")
            self.read_pages(folder, self.cancel)

    @on(Button.Pressed, "#cancel-scan")
    def action_cancel_scan(self) -> None:
        if self.running and not self.cancel.is_set():
            self.cancel.set()
            self.say("正在取消：等待处理中的页读完… cancelling after the pages in flight")

    @work(thread=True, exclusive=True, group="scan")
    def read_pages(self, folder: Path, cancel: threading.Event, watch: bool = False) -> None:
        workspace = self.context.workspace
        workers = scan_workers()
        try:
            if watch:
                outcomes = scanning.watch_paths(
                    [folder],
                    workspace=workspace,
                    workers=workers,
                    interval_s=WATCH_INTERVAL_S,
                    cancel=cancel,
                )
            else:
                self.post_message(ScanStarted(count_pages([folder])))
                outcomes = scanning.scan_paths(
                    [folder], workspace=workspace, workers=workers, cancel=cancel
                )
            for outcome in outcomes:
                self.post_message(PageScanned(outcome))
        except RECOVERABLE as exc:
            self.post_message(ScanEnded(cancel.is_set(), describe_error(exc)))
        else:
            # A watch ends only by Cancel: that is its normal end, not a cut-short scan.
            self.post_message(ScanEnded(cancel.is_set() and not watch, watched=watch))

    def on_scan_started(self, message: ScanStarted) -> None:
        self.query_one("#scan-bar", ProgressBar).update(total=message.total, progress=0)
        if not self.cancel.is_set():
            self.say(f"正在扫描 {message.total} 页… reading {message.total} pages")

    def on_page_scanned(self, message: PageScanned) -> None:
        outcome = message.outcome
        tally = self.tally
        tally.counts[outcome.status] += 1
        tally.flagged += outcome.flagged
        self.query_one("#scan-bar", ProgressBar).advance(1)
        self.query_one("#scan-rate", Static).update(Content(tally.rate()))
        self.show_counts()
        if self.query_one("#scan-watch", Checkbox).value:
            self.action_refresh()  # a watch has no end to wait for: keep it current
        if outcome.status in ("rejected", "conflict"):
            self.query_one("#rejected", DataTable).add_row(
                Path(outcome.file).name,
                str(outcome.page_index + 1),
                page_outcome_chinese(outcome.status),
                outcome.reason,
            )

    def on_scan_ended(self, message: ScanEnded) -> None:
        self.running = False
        pages = self.tally.pages
        if message.error:
            self.say(f"✗ 扫描中断 scan stopped after {pages} pages: {message.error}", "error")
        elif message.watched:
            self.say(f"✓ 已停止监视 stopped watching: {pages} 页 pages · {self.tally.rate()}", "ok")
        elif message.cancelled:
            self.say(
                f"已取消：已记录 {pages} 页；再次扫描会跳过已记录的页 "
                f"cancelled after {pages} pages; scanning again skips what was recorded",
                "error",
            )
        else:
            self.say(f"✓ 完成 done: {pages} 页 pages · {self.tally.rate()}", "ok")
        self.action_refresh()
