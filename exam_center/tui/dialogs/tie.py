"""A tie at an award boundary: choose exactly as many of the tied as there are places
left, and say why. Returns the winners (admission numbers, or team names for team
awards) with the reason, or None."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Label, SelectionList, Static

from exam_center.services.standings import PendingDecision

SCOPES = {
    "individual": "个人奖 individual",
    "team": "团体奖 team",
    "national": "全国名单 national list",
    "honours": "全国荣誉 national honours",
}


@dataclass(frozen=True)
class TieChoice:
    winners: list[str]
    reason: str


def describe_tie(tie: PendingDecision) -> str:
    scope = SCOPES.get(tie.scope, tie.scope)
    return (
        f"{scope} · {tie.award} · 第 {tie.rank} 名起 from rank {tie.rank}: "
        f"{len(tie.tied)} 人并列争 {tie.slots} 个名额 ({len(tie.tied)} tied for {tie.slots})"
    )


class TieDialog(ModalScreen[TieChoice | None]):
    BINDINGS = [
        Binding("escape", "cancel", "取消 Cancel"),
        Binding("ctrl+s", "confirm", "记录 Record"),
    ]

    def __init__(self, tie: PendingDecision) -> None:
        super().__init__()
        self.tie = tie

    def compose(self) -> ComposeResult:
        tie = self.tie
        with Vertical(classes="dialog"):
            yield Static("并列决定 Decide a tie", classes="dialog-title")
            yield Static(Content(describe_tie(tie)), classes="dialog-hint")
            yield Label(f"选出 {tie.slots} 名 Choose {tie.slots} (space toggles)")
            yield SelectionList[str](
                *(
                    (f"{key}  {name}" if name != key else key, key)
                    for key, name in zip(tie.tied, tie.names, strict=True)
                ),
                id="tie-winners",
            )
            yield Label("原因 Reason (记入审计日志 recorded with the decision)")
            yield Input(
                placeholder="如：经评审委员会决定 e.g. by the board's decision", id="tie-reason"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("记录 Record", id="confirm", variant="primary")
                yield Button("取消 Cancel", id="cancel")
            yield Static("", classes="dialog-status error", id="tie-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#tie-winners", SelectionList).focus()

    @on(Input.Submitted, "#tie-reason")
    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        winners = list(self.query_one("#tie-winners", SelectionList).selected)
        reason = self.query_one("#tie-reason", Input).value.strip()
        status = self.query_one("#tie-status", Static)
        if len(winners) != self.tie.slots:
            status.update(
                Content(
                    f"须恰好选出 {self.tie.slots} 名 choose exactly {self.tie.slots} "
                    f"(已选 {len(winners)} chosen)"
                )
            )
            self.query_one("#tie-winners", SelectionList).focus()
            return
        if not reason:
            status.update(Content("请写明原因 a reason is needed"))
            self.query_one("#tie-reason", Input).focus()
            return
        self.dismiss(TieChoice(winners, reason))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
