"""Importing a file (roster, rooms, invigilators, answer key, subjective scores): a
path, a dry run that shows the full error report, then the import. When the check finds
a correction of what is already stored (a new key version, changed scores), the import
also needs a reason, asked for in the dialog and recorded with it. Returns the import's
summary, or None.

The dialog knows no service: the screen hands it `ImportSpec.run(path, dry_run,
reason)`, which it calls in a thread worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static

from exam_center.domain.errors import ImportRejected
from exam_center.tui.error_text import RECOVERABLE, describe_error
from exam_center.tui.widgets.path_suggester import TABLE_SUFFIXES, PathSuggester
from exam_center.tui.widgets.problem_table import ProblemTable


@dataclass(frozen=True)
class Checked:
    """What a check (or an import) found: a summary, and, when the file corrects what
    is stored, why a reason must go with it ("" when none is needed)."""

    summary: str
    reason_needed: str = ""


@dataclass(frozen=True)
class ImportSpec:
    title: str
    hint: str
    # (path, dry_run, reason) -> what was found; raises ImportRejected or another error
    # the UI survives (see error_text).
    run: Callable[[Path, bool, str], Checked]
    suffixes: tuple[str, ...] = TABLE_SUFFIXES  # what the path field completes
    kinds: str = ".csv or .xlsx"


class ImportDialog(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "cancel", "取消 Cancel"),
        Binding("ctrl+t", "check", "检查 Check (dry run)"),
        Binding("ctrl+s", "commit", "导入 Import", tooltip="先检查通过才能导入 (check first)"),
    ]

    checked: reactive[Path | None] = reactive(None, init=False)
    busy: reactive[bool] = reactive(False, init=False)
    reason_needed: reactive[str] = reactive("", init=False)

    def __init__(self, spec: ImportSpec) -> None:
        super().__init__()
        self.spec = spec

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog"):
            yield Static(self.spec.title, classes="dialog-title")
            yield Static(Content(self.spec.hint), classes="dialog-hint")
            yield Input(
                placeholder=f"文件路径 path to a {self.spec.kinds} file (→ completes)",
                id="import-path",
                suggester=PathSuggester(self.spec.suffixes),
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("检查 Check", id="check")
                yield Button("导入 Import", id="commit", variant="primary", disabled=True)
                yield Button("取消 Cancel", id="cancel")
            yield Static("", id="import-status")
            with Vertical(id="import-reason-row"):
                yield Label("", id="import-reason-label")
                yield Input(placeholder="原因 reason (记入审计日志)", id="import-reason")
            yield ProblemTable(id="import-problems")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#import-problems", ProblemTable).display = False
        self.query_one("#import-reason-row").display = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "commit":
            return (self.checked is not None and not self.busy) or None
        if action == "check":
            return not self.busy
        return True

    def watch_checked(self) -> None:
        self.query_one("#commit", Button).disabled = self.checked is None
        self.refresh_bindings()

    def watch_busy(self) -> None:
        self.query_one("#check", Button).disabled = self.busy
        self.refresh_bindings()

    def watch_reason_needed(self) -> None:
        self.query_one("#import-reason-row").display = bool(self.reason_needed)
        self.query_one("#import-reason-label", Label).update(
            Content(f"原因 Reason（必填 required）：{self.reason_needed}")
        )

    def say(self, text: str | Content, kind: str = "") -> None:
        status = self.query_one("#import-status", Static)
        status.update(text if isinstance(text, Content) else Content(text))
        status.set_classes(kind)

    @on(Input.Changed, "#import-path")
    def _path_changed(self) -> None:
        self.checked = None  # a different file must be checked again
        self.reason_needed = ""

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#check")
    def action_check(self) -> None:
        value = self.query_one("#import-path", Input).value.strip()
        if not value:
            self.say("请输入文件路径 enter the file's path", "error")
            return
        self.busy = True
        self.say("正在检查… checking")
        self._run(Path(value).expanduser(), dry_run=True, reason="")

    @on(Input.Submitted, "#import-reason")
    @on(Button.Pressed, "#commit")
    def action_commit(self) -> None:
        if self.checked is None or self.busy:
            return
        reason = self.query_one("#import-reason", Input).value.strip()
        if self.reason_needed and not reason:
            self.say("✗ 请写明原因，未导入 a reason is needed; nothing was imported", "error")
            self.query_one("#import-reason", Input).focus()
            return
        self.busy = True
        self.say("正在导入… importing")
        self._run(self.checked, dry_run=False, reason=reason if self.reason_needed else "")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True)
    def _run(self, path: Path, dry_run: bool, reason: str) -> None:
        try:
            found = self.spec.run(path, dry_run, reason)
        except ImportRejected as rejected:
            self.app.call_from_thread(self._rejected, rejected)
        except RECOVERABLE as exc:
            self.app.call_from_thread(self._failed, describe_error(exc))
        else:
            done = self._checked if dry_run else self._imported
            self.app.call_from_thread(done, path, found)

    def _checked(self, path: Path, found: Checked) -> None:
        self.busy = False
        self.query_one("#import-problems", ProblemTable).display = False
        self.checked = path
        self.reason_needed = found.reason_needed
        then = (
            "写明原因后按 ctrl+s 导入 give the reason, then ctrl+s"
            if found.reason_needed
            else "按 ctrl+s 导入"
        )
        self.say(f"✓ 检查通过 check passed: {found.summary}\n{then} (nothing imported yet)", "ok")
        self.query_one("#import-reason" if found.reason_needed else "#commit").focus()

    def _imported(self, path: Path, found: Checked) -> None:
        self.dismiss(found.summary)

    def _rejected(self, rejected: ImportRejected) -> None:
        self.busy = False
        self.checked = None
        self.reason_needed = ""
        self.say(
            f"✗ {len(rejected.problems)} 个错误，未导入任何数据 "
            f"{len(rejected.problems)} error(s); nothing was imported",
            "error",
        )
        table = self.query_one("#import-problems", ProblemTable)
        table.show(rejected.problems)
        table.display = True

    def _failed(self, message: str) -> None:
        self.busy = False
        self.checked = None
        self.reason_needed = ""
        self.query_one("#import-problems", ProblemTable).display = False
        self.say(f"✗ {message}", "error")
