"""How many: one whole number to type before an action (spare sheets to print), checked
before the dialog closes. Returns the number, or None when cancelled."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static


class CountDialog(ModalScreen[int | None]):
    BINDINGS = [
        Binding("escape", "cancel", "取消 Cancel"),
        Binding("ctrl+s", "confirm", "确认 Confirm"),
    ]

    def __init__(
        self, title: str, hint: str, label: str, *, value: int, most: int = 10_000
    ) -> None:
        super().__init__()
        self.title_text, self.hint, self.label = title, hint, label
        self.value, self.most = value, most

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.hint), classes="dialog-hint")
            yield Label(self.label)
            yield Input(value=str(self.value), type="integer", id="count-value")
            with Horizontal(classes="dialog-buttons"):
                yield Button("确认 Confirm", id="confirm", variant="primary")
                yield Button("取消 Cancel", id="cancel")
            yield Static("", classes="dialog-status error", id="count-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#count-value", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        text = self.query_one("#count-value", Input).value.strip()
        if not text.isdigit() or not 1 <= int(text) <= self.most:
            self.query_one("#count-status", Static).update(
                Content(f"请填写 1–{self.most} 之间的整数 a whole number from 1 to {self.most}")
            )
            return
        self.dismiss(int(text))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
