"""Dashboard: the exam's pipeline at a glance (`services.status.pipeline_status`) and
the next action, refreshed in a worker while the screen is shown."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.widgets import Footer, Header, ProgressBar, Static

from exam_center.services import status
from exam_center.services.status import PipelineStatus
from exam_center.tui.screens.base import ExamScreen, PaletteCommand
from exam_center.tui.widgets.stat_card import CardState, StatCard

REFRESH_SECONDS = 5.0

CARDS = (
    ("registered", "已报名 Registered"),
    ("eligible", "符合资格 Eligible"),
    ("rooms", "考场 Rooms"),
    ("invigilators", "监考 Invigilators"),
    ("seated", "已编座 Seated"),
    ("sheets", "答题卡 Sheets"),
    ("pages", "已扫描 Scanned"),
    ("review", "待复核 Review"),
    ("scores", "成绩 Scores"),
    ("finalised", "定稿 Finalised"),
)


def _state(done: bool, attention: bool = False) -> CardState:
    return "attention" if attention else "done" if done else "waiting"


class DashboardScreen(ExamScreen):
    TITLE = "总览 Dashboard"
    BINDINGS = [Binding("ctrl+r", "refresh", "刷新", tooltip="Refresh")]
    PALETTE = (PaletteCommand("刷新总览 Refresh dashboard", "Reload the pipeline", "refresh"),)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="dashboard"):
            yield Static("", id="exam-heading")
            with Grid(id="stat-grid"):
                for key, label in CARDS:
                    yield StatCard(label, id=f"card-{key}")
            with Vertical(id="scan-section"):
                yield Static("扫描进度 Scanning", classes="section-title")
                yield ProgressBar(id="scan-progress", show_eta=False)
            yield Static("", id="next-action")
            yield Static("", id="notes")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.set_interval(REFRESH_SECONDS, self._refresh_if_shown)

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def _refresh_if_shown(self) -> None:
        if self.is_current:
            self.action_refresh()

    def action_refresh(self) -> None:
        self.run_service(lambda s: status.pipeline_status(session=s), self.show_status)

    def card(self, key: str) -> StatCard:
        return self.query_one(f"#card-{key}", StatCard)

    def show_status(self, st: PipelineStatus) -> None:
        heading = self.query_one("#exam-heading", Static)
        if st.exam_code is None:
            heading.update("本工作区尚无考试 No exam in this workspace yet")
        else:
            heading.update(Content.from_markup("[b]$t[/b]  $c", t=st.exam_title, c=st.exam_code))
        self.card("registered").show(str(st.registered), _state(st.registered > 0))
        ineligible = st.registered - st.eligible
        self.card("eligible").show(
            str(st.eligible), _state(st.eligible > 0), f"不符合 {ineligible}" if ineligible else ""
        )
        self.card("rooms").show(str(st.rooms), _state(st.rooms > 0))
        self.card("invigilators").show(str(st.invigilators), _state(st.invigilators > 0))
        self.card("seated").show(
            f"{st.seated} / {st.eligible}", _state(st.eligible > 0 and st.seated >= st.eligible)
        )
        self.card("sheets").show(
            "已打印 printed" if st.sheets_printed else "未打印 not yet", _state(st.sheets_printed)
        )
        self.card("pages").show(
            f"{st.pages_read} / {st.pages_expected}",
            _state(st.pages_expected > 0 and st.pages_read >= st.pages_expected),
        )
        self.card("review").show(str(st.review_open), _state(False, st.review_open > 0))
        self.card("scores").show(
            "完整 complete" if st.scores_complete else "未完成 incomplete",
            _state(st.scores_complete),
        )
        self.card("finalised").show(
            "已定稿 finalised" if st.finalised else "未定稿 open", _state(st.finalised)
        )
        # No total yet would make an indeterminate (animated) bar: hide it until sheets exist.
        self.query_one("#scan-section").display = st.pages_expected > 0
        self.query_one("#scan-progress", ProgressBar).update(
            total=max(st.pages_expected, 1), progress=st.pages_read
        )
        self.query_one("#next-action", Static).update(
            Content.from_markup("[b]下一步 Next:[/b] $a", a=st.next_action or "—")
        )
        self.query_one("#notes", Static).update(Content("\n".join(st.notes)))
