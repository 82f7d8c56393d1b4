"""Start: who is at the keyboard (name and role). Returns the `Operator` through
`dismiss`; the app signs them in. Shown at launch and on "switch operator"."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, RadioButton, RadioSet, Static

from exam_center.services import exams
from exam_center.services.exams import ExamSummary
from exam_center.tui.context import AppContext, Operator, Role
from exam_center.tui.error_text import RECOVERABLE, describe_error


class StartScreen(Screen[Operator | None]):
    TITLE = "登录 Sign in"
    BINDINGS = [
        Binding("ctrl+s", "sign_in", "进入 Sign in", priority=True),
        Binding("escape", "cancel", "返回 Back"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

    def compose(self) -> ComposeResult:
        current = self.context.operator
        role = current.role if current else Role.STAFF
        yield Header()
        with Center(), Vertical(id="start-form"):
            yield Static("考务系统  exam-center", id="start-title")
            yield Static("正在读取考试… loading the exam", id="start-exam")
            yield Label("操作人 Operator")
            name = current.name if current else self.context.workspace.operator
            yield Input(value=name, placeholder="姓名 name", id="operator-name")
            yield Label("角色 Role")
            with RadioSet(id="role"):
                for r in Role:
                    yield RadioButton(r.label, value=r is role, id=f"role-{r.value}")
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

    def selected_role(self) -> Role:
        pressed = self.query_one("#role", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return Role.STAFF
        return Role(pressed.id.removeprefix("role-"))

    @on(Input.Submitted, "#operator-name")
    @on(Button.Pressed, "#sign-in")
    def action_sign_in(self) -> None:
        name = self.query_one("#operator-name", Input).value.strip()
        if not name:
            self.query_one("#start-error", Static).update("请输入操作人姓名 (a name is needed)")
            self.query_one("#operator-name", Input).focus()
            return
        self.dismiss(Operator(name, self.selected_role()))

    def action_cancel(self) -> None:
        self.dismiss(None)
