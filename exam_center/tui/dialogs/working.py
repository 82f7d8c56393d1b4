"""While an action that takes time runs in its worker (exporting, printing the sheets or
the room documents, the certificates): what is being done, a moving bar and the seconds
so far, so a long export at 10,000 candidates does not look like nothing happening. The
services give no count of their steps, so the bar is indeterminate. The screen that
started the action closes it when the worker ends, with its result line or its error."""

from __future__ import annotations

from time import monotonic

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static


class WorkingDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    WorkingDialog { align: center middle; }
    #working-dialog {
        width: 64;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    #working-bar { margin-top: 1; }
    """

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what
        self.started = monotonic()

    def compose(self) -> ComposeResult:
        with Vertical(id="working-dialog"):
            yield Static(Content(self.what), classes="dialog-title")
            yield Static(Content("请稍候 please wait"), id="working-elapsed")
            yield ProgressBar(total=None, show_eta=False, show_percentage=False, id="working-bar")

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)

    def _tick(self) -> None:
        seconds = int(monotonic() - self.started)
        self.query_one("#working-elapsed", Static).update(
            Content(f"请稍候 please wait · 已用 {seconds} 秒 s")
        )
