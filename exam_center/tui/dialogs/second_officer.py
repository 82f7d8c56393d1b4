"""双人复核: the second results officer signs at this terminal with their own account and
password. Returns (name, password), or None when cancelled."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static


class SecondOfficerDialog(ModalScreen[tuple[str, str] | None]):
    BINDINGS = [
        Binding("escape", "cancel", "取消 Cancel"),
        Binding("ctrl+s", "sign", "签署 Sign"),
    ]

    def __init__(self, title: str, message: str) -> None:
        super().__init__()
        self.title_text = title
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.message), classes="dialog-hint")
            yield Label("第二位成绩管理人员 账户 Second officer's account")
            yield Input(placeholder="账户名 account", id="second-name")
            yield Label("密码 Password")
            yield Input(password=True, placeholder="密码 password", id="second-password")
            with Horizontal(classes="dialog-buttons"):
                yield Button("签署 Sign", id="sign", variant="warning")
                yield Button("稍后 Later", id="cancel", variant="primary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#second-name", Input).focus()

    @on(Input.Submitted, "#second-name")
    def _next(self) -> None:
        self.query_one("#second-password", Input).focus()

    @on(Input.Submitted, "#second-password")
    @on(Button.Pressed, "#sign")
    def action_sign(self) -> None:
        name = self.query_one("#second-name", Input).value.strip()
        password = self.query_one("#second-password", Input).value
        if name and password:
            self.dismiss((name, password))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
