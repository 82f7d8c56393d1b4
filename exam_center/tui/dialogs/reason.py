"""Asking why: a decision (a review mark, a conflict, re-opening results) shown in one
line, the reason to record with it (prefilled where there is a usual one, always
editable, never empty), and optionally one value to type (an admission number).
Returns `Decided`, or None when cancelled."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, Static


@dataclass(frozen=True)
class Decided:
    reason: str
    value: str = ""


class ReasonDialog(ModalScreen[Decided | None]):
    BINDINGS = [
        Binding("escape", "cancel", "取消 Cancel"),
        Binding("ctrl+s", "confirm", "确认 Confirm"),
    ]

    def __init__(
        self,
        title: str,
        summary: str,
        *,
        reason: str = "",
        confirm: str = "确认 Confirm",
        value_label: str | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.summary = summary
        self.reason = reason
        self.confirm_label = confirm
        self.value_label = value_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.summary), classes="dialog-hint", id="decision-summary")
            if self.value_label is not None:
                yield Label(self.value_label)
                yield Input(id="decision-value")
            yield Label("原因 Reason (记入审计日志 recorded with the decision)")
            yield Input(value=self.reason, id="decision-reason")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, id="confirm", variant="primary")
                yield Button("取消 Cancel", id="cancel")
            yield Static("", classes="dialog-status error", id="decision-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        first = "#decision-value" if self.value_label is not None else "#decision-reason"
        self.query_one(first, Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        value = ""
        if self.value_label is not None:
            value = self.query_one("#decision-value", Input).value.strip()
            if not value:
                self._missing("#decision-value", f"请填写{self.value_label}")
                return
        reason = self.query_one("#decision-reason", Input).value.strip()
        if not reason:
            self._missing("#decision-reason", "请写明原因 a reason is needed")
            return
        self.dismiss(Decided(reason, value))

    def _missing(self, selector: str, message: str) -> None:
        self.query_one("#decision-status", Static).update(Content(message))
        self.query_one(selector, Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
