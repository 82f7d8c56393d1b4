"""Start: sign in with an account and its password (the roles come from the account).
Returns the signed-in `Actor` through `dismiss`. Shown at launch and on "switch
operator"; a wrong password is said here, counted, and may lock the account."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from exam_center.services import exams
from exam_center.services.exams import ExamSummary
from exam_center.services.permissions import Actor
from exam_center.tui.context import AppContext
from exam_center.tui.error_text import RECOVERABLE, describe_error


class StartScreen(Screen[Actor | None]):
    TITLE = "登录 Sign in"
    BINDINGS = [
        Binding("ctrl+s", "sign_in", "进入 Sign in", priority=True),
        Binding("escape", "cancel", "返回 Back"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="start-form"):
            yield Static("考务系统  exam-center", id="start-title")
            yield Static("正在读取考试… loading the exam", id="start-exam")
            yield Label("账户 Account")
            yield Input(placeholder="账户名 account name", id="operator-name")
            yield Label("密码 Password")
            yield Input(password=True, placeholder="密码 password", id="operator-password")
            yield Static("", id="start-error")
            yield Button("进入 Sign in", variant="primary", id="sign-in")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#operator-name", Input).focus()
        self.load_exam()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel":
            return self.context.operator is not None  # nothing to go back to at launch
        return True

    @work(thread=True, exclusive=True)
    def load_exam(self) -> None:
        try:
            with self.context.workspace.session() as session:
                summary: ExamSummary | str = exams.exam_summary(session=session)
        except RECOVERABLE as exc:
            summary = describe_error(exc)
        self.app.call_from_thread(self._show_exam, summary)

    def _show_exam(self, summary: ExamSummary | str) -> None:
        where = str(self.context.workspace.path)
        if isinstance(summary, str):
            text = Content(f"{summary}\n工作区 Workspace: {where}")
        else:
            text = Content.from_markup(
                "[b]$title[/b]\n$code · $date · $venue\n工作区 Workspace: $w",
                title=summary.title,
                code=summary.code,
                date=f"{summary.exam_date:%Y-%m-%d}",
                venue=summary.venue,
                w=where,
            )
        self.query_one("#start-exam", Static).update(text)

    @on(Input.Submitted, "#operator-name")
    def _to_password(self) -> None:
        self.query_one("#operator-password", Input).focus()

    @on(Input.Submitted, "#operator-password")
    @on(Button.Pressed, "#sign-in")
    def action_sign_in(self) -> None:
        name = self.query_one("#operator-name", Input).value.strip()
        password = self.query_one("#operator-password", Input).value
        if not name or not password:
            self._error("请输入账户名和密码 (an account name and its password are needed)")
            self.query_one("#operator-name" if not name else "#operator-password", Input).focus()
            return
        self.check(name, password)

    @work(thread=True, exclusive=True, group="sign-in")
    def check(self, name: str, password: str) -> None:
        try:
            actor = self.context.workspace.check_account(name, password)
        except RECOVERABLE as exc:
            self.app.call_from_thread(self._failed, describe_error(exc))
        else:
            self.app.call_from_thread(self.dismiss, actor)

    def _failed(self, message: str) -> None:
        self._error(message)
        password = self.query_one("#operator-password", Input)
        password.value = ""
        password.focus()

    def _error(self, message: str) -> None:
        self.query_one("#start-error", Static).update(Content(message))

    def action_cancel(self) -> None:
        self.dismiss(None)
