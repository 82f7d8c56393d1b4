"""One figure of the pipeline on the dashboard: a label, a value, and whether that
step is done (green), waiting (muted) or needs attention (warning); the class `next`
marks the step to take next."""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

CardState = Literal["done", "waiting", "attention"]


class StatCard(Widget):
    DEFAULT_CSS = """
    StatCard {
        height: 5;
        border: round $surface-lighten-2;
        padding: 0 1;
    }
    StatCard .stat-label { color: $text-muted; }
    StatCard .stat-value { text-style: bold; }
    StatCard.done { border: round $success; }
    StatCard.done .stat-value { color: $success; }
    StatCard.attention { border: round $warning; }
    StatCard.attention .stat-value { color: $warning; }
    StatCard.next { border: double $accent; }
    StatCard.next .stat-label { color: $accent; text-style: bold; }
    """

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label

    def compose(self) -> ComposeResult:
        yield Static(self.label, classes="stat-label")
        yield Static("…", classes="stat-value")
        yield Static("", classes="stat-note")

    def show(self, value: str, state: CardState = "waiting", note: str = "") -> None:
        # Content(...) is plain text: a value is never read as markup.
        self.query_one(".stat-value", Static).update(Content(value))
        self.query_one(".stat-note", Static).update(Content(note))
        self.set_class(state == "done", "done")
        self.set_class(state == "attention", "attention")
