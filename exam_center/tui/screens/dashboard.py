"""Dashboard: the exam's pipeline at a glance (`services.status.pipeline_status`),
refreshed in a worker while the screen is shown: a card per step in pipeline order, the
next step's card marked, and the next action named as the TUI does it (打印答题卡,
导出成绩 …) with a key (enter or g) that opens its screen and runs it there, if the
operator's role may."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.widgets import Footer, Header, ProgressBar, Static

from exam_center.services import status
from exam_center.services.status import PipelineStatus
from exam_center.tui.context import Permission, refusal
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
    ("key", "答案 Answer key"),
    ("scores", "主观分 Scores"),
    ("finalised", "定稿 Finalised"),
)


@dataclass(frozen=True)
class Step:
    """Where a step of the pipeline is done: its card, the screen and the TUI action run
    there (its key on that screen), what the action is called, and the permission the
    step itself needs."""

    card: str
    screen: str
    then: str | None = None
    permission: Permission | None = None
    label: str = ""


STEPS = {
    "register": Step(
        "registered",
        "registration",
        "import_roster",
        Permission.IMPORT_CANDIDATES,
        "导入报名表 Import the candidates' roster",
    ),
    "rooms": Step(
        "rooms", "seating", "import_rooms", Permission.IMPORT_VENUES, "导入考场 Import the rooms"
    ),
    "invigilators": Step(
        "invigilators",
        "seating",
        "import_invigilators",
        Permission.IMPORT_VENUES,
        "导入监考 Import the invigilators",
    ),
    "seat": Step("seated", "seating", "seat", Permission.SEAT, "编排座位 Seat the candidates"),
    "print": Step(
        "sheets", "seating", "print_sheets", Permission.PRINT, "打印答题卡 Print the answer sheets"
    ),
    "scan": Step(
        "pages", "scanning", "focus_folder", Permission.SCAN, "扫描答题卡 Scan the sheets"
    ),
    "review": Step("review", "review", None, Permission.REVIEW, "复核 Settle the review items"),
    "key": Step("key", "grading", "import_key", Permission.GRADE, "导入答案 Import the answer key"),
    "scores": Step(
        "scores",
        "grading",
        "import_scores",
        Permission.GRADE,
        "导入主观分 Import the case-analysis scores",
    ),
    "finalise": Step(
        "finalised",
        "results",
        "show_tab('final')",
        Permission.FINALISE,
        "定稿 Finalise the results (ties decided first)",
    ),
    "done": Step(
        "finalised",
        "results",
        "export",
        Permission.EXPORT,
        "导出成绩 Export the results · 打印证书 print the certificates",
    ),
}


def step_key(step: Step) -> str | None:
    """The key that runs the step's action on its screen, for the hint."""
    from exam_center.tui.registry import entry  # the registry imports every screen

    make = entry(step.screen).make
    bindings = getattr(make, "BINDINGS", ())
    for b in bindings:
        if isinstance(b, Binding) and step.then is not None and b.action == step.then:
            return b.key_display or b.key
    return None


def _state(done: bool, attention: bool = False) -> CardState:
    return "attention" if attention else "done" if done else "waiting"


class DashboardScreen(ExamScreen):
    TITLE = "总览 Dashboard"
    BINDINGS = [
        Binding("g", "go_next", "前往下一步 Go", tooltip="Open the screen for the next step"),
        Binding("enter", "go_next", "前往下一步 Go", show=False),
        Binding("ctrl+r", "refresh", "刷新", tooltip="Refresh"),
    ]
    PALETTE = (
        PaletteCommand("前往下一步 Go to the next step", "Open its screen", "go_next"),
        PaletteCommand("刷新总览 Refresh dashboard", "Reload the pipeline", "refresh"),
    )

    pipeline: PipelineStatus | None = None

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

    def next_step(self) -> Step | None:
        return STEPS.get(self.pipeline.next_step) if self.pipeline is not None else None

    def may_open(self, screen: str) -> bool:
        return bool(self.app.check_action("goto", (screen,)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go_next":
            step = self.next_step()
            return (step is not None and self.may_open(step.screen)) or None
        return super().check_action(action, parameters)

    def action_go_next(self) -> None:
        step = self.next_step()
        if step is not None:
            self.open_screen(step.screen, step.then)

    # -- showing ------------------------------------------------------------------------

    def card(self, key: str) -> StatCard:
        return self.query_one(f"#card-{key}", StatCard)

    def show_status(self, st: PipelineStatus) -> None:
        self.pipeline = st
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
        self.card("review").show(
            f"{st.review_open} 项 open" if st.review_open else "0",
            _state(False, st.review_open > 0),
        )
        self.card("key").show(
            "已导入 loaded" if st.key_loaded else "未导入 not yet", _state(st.key_loaded)
        )
        self.card("scores").show(
            "完整 complete" if st.scores_complete else "未完成 incomplete",
            _state(st.scores_complete),
        )
        self.card("finalised").show(
            "已定稿 finalised" if st.finalised else "未定稿 open", _state(st.finalised)
        )
        step = self.next_step()
        for key, _label in CARDS:
            self.card(key).set_class(step is not None and key == step.card, "next")
        # No total yet would make an indeterminate (animated) bar: hide it until sheets exist.
        self.query_one("#scan-section").display = st.pages_expected > 0
        self.query_one("#scan-progress", ProgressBar).update(
            total=max(st.pages_expected, 1), progress=st.pages_read
        )
        self.query_one("#next-action", Static).update(self.describe_next(st, step))
        self.query_one("#notes", Static).update(Content("\n".join(st.notes)))
        self.refresh_bindings()

    def describe_next(self, st: PipelineStatus, step: Step | None) -> Content:
        if step is None or not step.label:
            return Content.from_markup("[b]下一步 Next:[/b] $a", a=st.next_action or "—")
        line = Content.from_markup(
            "[b]下一步 Next:[/b] [b]$l[/b] [dim]($a)[/]", l=step.label, a=st.next_action
        )
        # Imported here: the registry imports every screen, this one too.
        from exam_center.tui.registry import entry

        target = entry(step.screen)
        key = step_key(step)
        where = f"{target.title} ({target.key.upper()}{f' → {key}' if key else ''})"
        if target.permission is not None and not self.may_open(step.screen):
            how = Content.from_markup(
                "[$warning]$w $why[/]", w=where, why=refusal(target.permission)
            )
        else:
            verb = (
                "执行 do it" if step.then and step.then != "show_tab('final')" else "前往 go there"
            )
            how = Content.from_markup("按 [b]enter[/b] 或 [b]g[/b] 在 $w $v", w=where, v=verb)
            if step.permission is not None and not self.context.can(step.permission):
                how += Content.from_markup(" · [$warning]此步$why[/]", why=refusal(step.permission))
        return Content("\n").join([line, how])
