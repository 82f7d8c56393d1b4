"""Every reason an action was refused, one per line, so nothing is hidden behind a
"and N more" (finalising lists each missing sheet, open review item and tie)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, OptionList, Static
from textual.widgets.option_list import Option


class ReasonsDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "关闭 Close")]

    def __init__(self, title: str, reasons: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.reasons = reasons

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reasons-dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(
                Content(
                    f"共 {len(self.reasons)} 项须先处理 {len(self.reasons)} thing(s) to settle"
                ),
                classes="dialog-hint",
            )
            yield OptionList(
                *(Option(Content(f"{i}. {r}")) for i, r in enumerate(self.reasons, start=1)),
                id="reasons",
            )
            yield Button("关闭 Close", id="close", variant="primary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#reasons", OptionList).focus()

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
