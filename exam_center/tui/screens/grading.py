"""Grading (results officers): the answer key's versions and their import, the first
key or a correction (which needs a reason and shows the questions it changes); the
subjective scores' import (changed scores need a reason) and the double-marking issues
(paged, disagreements first); confirmed absences. Item analysis lives on the results
screen (F8): `i` goes there.

Imports go through the check-then-import dialog; everything runs in workers and is
recorded by the services with the signed-in operator."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from exam_center.services import marking
from exam_center.tui.context import AppContext, Permission, refusal
from exam_center.tui.dialogs.import_file import Checked, ImportDialog, ImportSpec
from exam_center.tui.dialogs.reason import Decided, ReasonDialog
from exam_center.tui.screens.base import PagedScreen, PaletteCommand
from exam_center.tui.screens.grading_scene import (
    GradingScene,
    describe_key_import,
    describe_scores_import,
    grading_scene,
    issue_row,
    summary_line,
    version_row,
)
from exam_center.tui.widgets.page_bar import PageBar, PageWindow
from exam_center.tui.widgets.path_suggester import TABLE_SUFFIXES

PAGE_SIZE = 100

KEY_HINT = (
    "CSV 或 XLSX，表头：题号、答案（多选如 ABD）、作废(可选)；或 TOML：[answers] 与 voided。"
    "首次导入为第 1 版；之后每次导入都是更正：列出改动的题，须写明原因，所有考生重新计分。"
)
SCORES_HINT = (
    "CSV 或 XLSX，表头：准考证号、题号、评次（1、2；3 为三评）、评分人、分数。"
    "全部无误才导入，有错则一行不导；修改已录入的成绩须写明原因。"
)
ABSENCE_NOTE = (
    "经签到表确认缺考的考生不再阻碍定稿，列入名单但不排名；原因记入审计日志。\n"
    "A confirmed absence no longer blocks finalising; the candidate is listed without a rank."
)


class GradingScreen(PagedScreen):
    TITLE = "评分 Grading"
    BINDINGS = [
        Binding("k", "import_key", "导入答案 Key", tooltip=refusal(Permission.GRADE)),
        Binding("s", "import_scores", "导入主观分 Scores", tooltip=refusal(Permission.GRADE)),
        Binding("a", "record_absence", "缺考 Absent", tooltip=refusal(Permission.GRADE)),
        Binding("i", "item_analysis", "题目分析 Items", tooltip="Item analysis on F8 Results"),
        Binding("p", "previous_page", "上页", tooltip="Previous page"),
        Binding("n", "next_page", "下页", tooltip="Next page"),
        Binding("ctrl+r", "refresh", "刷新", tooltip="Refresh"),
    ]
    REQUIRES = {
        "import_key": Permission.GRADE,
        "import_scores": Permission.GRADE,
        "record_absence": Permission.GRADE,
    }
    PALETTE = (
        PaletteCommand(
            "导入答案 Import the answer key", "The first key, or a correction", "import_key"
        ),
        PaletteCommand(
            "导入主观分 Import subjective scores", "Double-marked case scores", "import_scores"
        ),
        PaletteCommand("登记缺考 Record an absence", "From the sign-in sheet", "record_absence"),
        PaletteCommand(
            "题目分析 Item analysis", "Difficulty, discrimination, histogram", "item_analysis"
        ),
    )

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.scene: GradingScene | None = None
        self.window = PageWindow(PAGE_SIZE)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("正在读取… loading", id="grading-summary")
        with Vertical(id="key-section"):
            yield Static("答案版本 Answer key versions（k 导入或更正）", classes="section-title")
            yield DataTable[str](id="key-versions", cursor_type="row", zebra_stripes=True)
        with Vertical(id="issues-section"):
            yield Static(
                "双评问题 Double-marking issues（s 导入主观分，a 登记缺考）",
                classes="section-title",
            )
            yield DataTable[str](id="marking-issues", cursor_type="row", zebra_stripes=True)
            yield PageBar(id="issue-pages")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        versions = self.query_one("#key-versions", DataTable)
        for label, width in (
            ("版本", 4),
            ("题数", 4),
            ("作废 Voided", 11),
            ("导入人 By", 14),
            ("时间 At", 16),
            ("文件 File", 18),
            ("原因 Reason", 38),
        ):
            versions.add_column(label, width=width)
        issues = self.query_one("#marking-issues", DataTable)
        for label, width in (
            ("准考证号", 10),
            ("姓名", 8),
            ("题", 4),
            ("问题 Issue", 32),
            ("评次", 7),
            ("", 4),
            ("说明 Detail", 40),
        ):
            issues.add_column(label, width=width)
        issues.focus()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_service(grading_scene, self._show)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        finalised = self.scene is not None and self.scene.finalised
        if action in self.REQUIRES and finalised:
            return None  # the services refuse changes to finalised results
        # Paging keys show only when there is another page (the footer is full).
        if action == "next_page":
            return self.window.has_next
        if action == "previous_page":
            return self.window.has_previous
        return super().check_action(action, parameters)

    # -- showing --------------------------------------------------------------------------

    def _show(self, scene: GradingScene) -> None:
        self.scene = scene
        self.query_one("#grading-summary", Static).update(Content(summary_line(scene)))
        table = self.query_one("#key-versions", DataTable)
        table.clear()
        for v in scene.versions:
            table.add_row(*version_row(v))
        self.show_issues()
        self.refresh_bindings()

    def show_issues(self) -> None:
        issues = self.scene.issues if self.scene else []
        self.window = self.window.received(len(issues) - self.window.offset)
        page = issues[self.window.offset : self.window.offset + self.window.size]
        table = self.query_one("#marking-issues", DataTable)
        table.clear()
        for issue in page:
            table.add_row(*issue_row(issue))
        note = f"共 {len(issues)} 项 in all" if issues else "双评无问题 no double-marking issue"
        self.query_one("#issue-pages", PageBar).show(self.window, len(page), note)

    def show_page(self) -> None:
        self.show_issues()

    # -- imports --------------------------------------------------------------------------

    def action_import_key(self) -> None:
        if self.allowed(Permission.GRADE):
            spec = ImportSpec(
                "导入答案 Import the answer key",
                KEY_HINT,
                self._import_key,
                suffixes=(*TABLE_SUFFIXES, ".toml"),
                kinds=".csv, .xlsx or .toml",
            )
            self.app.push_screen(ImportDialog(spec), self._imported)

    def action_import_scores(self) -> None:
        if self.allowed(Permission.GRADE):
            spec = ImportSpec(
                "导入主观分 Import subjective scores", SCORES_HINT, self._import_scores
            )
            self.app.push_screen(ImportDialog(spec), self._imported)

    def _import_key(self, path: Path, dry_run: bool, reason: str) -> Checked:
        """Runs in the dialog's worker thread."""
        workspace = self.context.workspace
        with workspace.session() as s:
            found = marking.import_key(path, session=s, reason=reason, dry_run=dry_run)
        return describe_key_import(found, dry_run=dry_run)

    def _import_scores(self, path: Path, dry_run: bool, reason: str) -> Checked:
        """Runs in the dialog's worker thread."""
        workspace = self.context.workspace
        with workspace.session() as s:
            found = marking.import_scores(path, session=s, reason=reason, dry_run=dry_run)
        return describe_scores_import(found, dry_run=dry_run)

    def _imported(self, summary: str | None) -> None:
        if summary:
            self.notify(summary, title="导入完成 Imported")
            self.action_refresh()

    # -- absences -------------------------------------------------------------------------

    def action_record_absence(self) -> None:
        if not self.allowed(Permission.GRADE):
            return
        dialog = ReasonDialog(
            "登记缺考 Record an absence",
            ABSENCE_NOTE,
            reason="签到表未签到",
            confirm="登记 Record",
            value_label="准考证号 Admission no.",
        )
        self.app.push_screen(dialog, self._record_absence)

    def _record_absence(self, decided: Decided | None) -> None:
        if decided is None:
            return

        def record(s: Session) -> str:
            marking.record_absence(decided.value, session=s, reason=decided.reason)
            return f"{decided.value}：{decided.reason}"

        self.run_service(record, self._recorded, group="absence")

    def _recorded(self, what: str) -> None:
        self.notify(what, title="已登记缺考 Absence recorded")
        self.action_refresh()

    # -- elsewhere ------------------------------------------------------------------------

    def action_item_analysis(self) -> None:
        self.open_screen("results", "show_tab('items')")
