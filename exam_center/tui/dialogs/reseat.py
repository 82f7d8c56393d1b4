"""Seating (or re-seating) with a seed. When answer sheets were printed for the current
plan the service refuses unless forced with a reason; the dialog shows the refusal as
it is and offers the force switch and the reason field. Returns the outcome, or None.

The dialog knows no service: the screen hands it `run(seed, force, reason)`, which it
calls in a thread worker."""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Static

from exam_center.domain.errors import NotAllowed
from exam_center.services.seating import SeatingOutcome
from exam_center.tui.error_text import RECOVERABLE, describe_error

SeatRun = Callable[[int | None, bool, str], SeatingOutcome]

PRINTED_WARNING = (
    "答题卡已按当前编排打印：重排会使其作废，须勾选强制并写明原因，之后重新打印。\n"
    "Answer sheets were printed for this plan: re-seating voids them. Force it with a "
    "reason, then print the sheets again."
)


class ReseatDialog(ModalScreen[SeatingOutcome | None]):
    BINDINGS = [
        Binding("escape", "cancel", "取消 Cancel"),
        Binding("ctrl+s", "seat", "编排 Seat"),
    ]

    busy: reactive[bool] = reactive(False, init=False)

    def __init__(self, run: SeatRun, *, printed: bool, seed: int | None = None) -> None:
        super().__init__()
        self.run = run
        self.printed = printed
        self.seed = seed

    def compose(self) -> ComposeResult:
        with Vertical(id="reseat-dialog", classes="dialog"):
            yield Static("编排座位 Seat the candidates", classes="dialog-title")
            yield Static(
                "同一种子、同一名单总得到同一编排。留空则随机选一个种子（记入审计日志）。\n"
                "The same seed and lists always give the same plan; empty picks one at random "
                "(it is recorded).",
                classes="dialog-hint",
            )
            yield Input(
                value="" if self.seed is None else str(self.seed),
                placeholder="种子 seed (空 = 随机 random)",
                type="integer",
                id="seed",
            )
            yield Static(PRINTED_WARNING, id="printed-warning")
            yield Checkbox("强制重排 force (作废已打印的答题卡)", id="force")
            yield Input(placeholder="原因 reason (强制时必填 needed to force)", id="reason")
            with Horizontal(classes="dialog-buttons"):
                yield Button("编排 Seat", id="seat", variant="primary")
                yield Button("取消 Cancel", id="cancel")
            yield Static("", id="reseat-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_force(self.printed)
        self.query_one("#seed", Input).focus()

    def show_force(self, shown: bool) -> None:
        for selector in ("#printed-warning", "#force", "#reason"):
            self.query_one(selector).display = shown

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "seat":
            return not self.busy or None
        return True

    def watch_busy(self) -> None:
        self.query_one("#seat", Button).disabled = self.busy
        self.refresh_bindings()

    def say(self, text: str, kind: str = "") -> None:
        status = self.query_one("#reseat-status", Static)
        status.update(Content(text))
        status.set_classes(kind)

    @on(Input.Submitted)
    @on(Button.Pressed, "#seat")
    def action_seat(self) -> None:
        if self.busy:
            return
        raw = self.query_one("#seed", Input).value.strip()
        force = self.query_one("#force", Checkbox).value
        reason = self.query_one("#reason", Input).value.strip()
        if force and not reason:
            self.say("强制重排须写明原因 a forced re-seat needs a reason", "error")
            self.query_one("#reason", Input).focus()
            return
        self.busy = True
        self.say("正在编排… seating")
        self._run(int(raw) if raw else None, force, reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True)
    def _run(self, seed: int | None, force: bool, reason: str) -> None:
        try:
            outcome = self.run(seed, force, reason)
        except NotAllowed as refused:
            self.app.call_from_thread(self._refused, str(refused))
        except RECOVERABLE as exc:
            self.app.call_from_thread(self._failed, describe_error(exc))
        else:
            self.app.call_from_thread(self.dismiss, outcome)

    def _refused(self, reason: str) -> None:
        self.busy = False
        self.say(f"✗ 拒绝 refused: {reason}", "error")
        if self.printed:
            self.show_force(True)
            self.query_one("#force", Checkbox).focus()

    def _failed(self, message: str) -> None:
        self.busy = False
        self.say(f"✗ {message}", "error")
