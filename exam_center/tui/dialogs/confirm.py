"""A yes-or-no question before an action that is hard to undo (finalising). Returns
True only when confirmed; escape and "cancel" return False."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "cancel", "取消 Cancel"),
        Binding("ctrl+s", "confirm", "确认 Confirm"),
    ]

    def __init__(self, title: str, message: str, *, confirm: str = "确认 Confirm") -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.confirm_label = confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.message), classes="dialog-hint")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, id="confirm", variant="warning")
                yield Button("取消 Cancel", id="cancel", variant="primary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        # The safe answer has the focus: Enter alone does not confirm.
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)
