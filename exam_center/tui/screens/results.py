"""Results (results officers): the ranking (paged), individual and team awards, the
ties at award boundaries waiting for a decision (a dialog records it), the national
list, item analysis with the distribution of totals, and finalising (confirmed first;
a refusal lists every reason) and re-opening (with a reason). Everything is computed
by the services in a worker; the screen only shows it."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from exam_center.services import finalising, standings, team_awards
from exam_center.services.finalising import Finalised, FinaliseRefused
from exam_center.services.signoff import SignOffPending
from exam_center.services.standings import ItemReport, PendingDecision
from exam_center.tui.context import AppContext, Permission, refusal
from exam_center.tui.dialogs.confirm import ConfirmDialog
from exam_center.tui.dialogs.reason import Decided, ReasonDialog
from exam_center.tui.dialogs.refusal import ReasonsDialog
from exam_center.tui.dialogs.second_officer import SecondOfficerDialog
from exam_center.tui.dialogs.tie import TieChoice, TieDialog
from exam_center.tui.error_text import RECOVERABLE, describe_error
from exam_center.tui.screens.base import PagedScreen, PaletteCommand
from exam_center.tui.screens.results_outputs import ResultsOutputs
from exam_center.tui.screens.results_scene import (
    ResultsScene,
    award_rows,
    item_report,
    item_rows,
    national_note,
    national_rows,
    points,
    ranking_columns,
    ranking_rows,
    results_scene,
    team_rows,
    tie_rows,
)
from exam_center.tui.widgets.histogram import ScoreHistogram
from exam_center.tui.widgets.page_bar import PageBar, PageWindow

PAGE_SIZE = 100
TABS = ("ranking", "awards", "ties", "national", "items", "final")
FINALISE_WARNING = (
    "定稿后成绩、奖项与名单按当前数据锁定并生成摘要；之后任何修改都须先重开并说明原因。\n"
    "Finalising locks the results, awards and lists as they stand, with their digest; "
    "any later change needs re-opening with a reason."
)


class ResultsScreen(PagedScreen, ResultsOutputs):
    TITLE = "成绩 Results"
    BINDINGS = [
        Binding("d", "decide_tie", "并列 Tie", tooltip=refusal(Permission.GRADE)),
        Binding("g", "organisation_award", "组织奖 Org. award", tooltip=refusal(Permission.GRADE)),
        Binding("f", "finalise", "定稿 Finalise", tooltip=refusal(Permission.FINALISE)),
        Binding("o", "reopen", "重开 Reopen", tooltip=refusal(Permission.FINALISE)),
        Binding("x", "export", "导出 Export", tooltip=refusal(Permission.GRADE)),
        Binding("c", "certificates", "证书 Certificates", tooltip=refusal(Permission.GRADE)),
        Binding("p", "previous_page", "上页", tooltip="Previous page"),
        Binding("n", "next_page", "下页", tooltip="Next page"),
        Binding("ctrl+r", "refresh", "刷新", tooltip="Recompute"),
        *(
            Binding(str(i), f"show_tab('{tab}')", tab, show=False)
            for i, tab in enumerate(TABS, start=1)
        ),
    ]
    REQUIRES = {
        "decide_tie": Permission.GRADE,
        "organisation_award": Permission.GRADE,
        "finalise": Permission.FINALISE,
        "reopen": Permission.FINALISE,
        "export": Permission.GRADE,
        "certificates": Permission.GRADE,
    }
    PALETTE = (
        PaletteCommand("定稿 Finalise the results", "Lock results with their digest", "finalise"),
        PaletteCommand("重开 Reopen the results", "Re-open finalised results", "reopen"),
        PaletteCommand("决定并列 Decide a tie", "Record who takes a tied award", "decide_tie"),
        PaletteCommand(
            "导出成绩 Export the results",
            "XLSX, CSV and the PDF award lists in exports/ (marked 未定稿 until final)",
            "export",
        ),
        PaletteCommand(
            "打印证书 Print the certificates",
            "One certificate per award and the numbered register (final results only)",
            "certificates",
        ),
        PaletteCommand(
            "岗位练兵优秀组织奖 Organisation award",
            "Record or withdraw it for the team selected on the awards tab",
            "organisation_award",
        ),
    )

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.scene: ResultsScene | None = None
        self.window = PageWindow(PAGE_SIZE)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("正在计算… computing the results", id="results-summary")
        with TabbedContent(id="results-tabs"):
            with TabPane("1 排名 Ranking", id="ranking"):
                yield DataTable[str](id="ranking-table", cursor_type="row", zebra_stripes=True)
                yield PageBar(id="ranking-pages")
            with TabPane("2 奖项 Awards", id="awards"), Horizontal():
                with Vertical():
                    yield Static("个人奖 Individual awards", classes="section-title")
                    yield DataTable[str](id="individual", cursor_type="row", zebra_stripes=True)
                with Vertical():
                    yield Static("团体 Teams", classes="section-title")
                    yield DataTable[str](id="teams", cursor_type="row", zebra_stripes=True)
            with TabPane("3 并列 Ties", id="ties"):
                yield Static("", id="ties-note")
                yield DataTable[str](id="ties-table", cursor_type="row", zebra_stripes=True)
            with TabPane("4 全国 National", id="national"):
                yield Static("", id="national-note")
                yield DataTable[str](id="national-table", cursor_type="row", zebra_stripes=True)
            with TabPane("5 题目分析 Items", id="items"), Vertical():
                yield Static("", id="items-summary")
                yield ScoreHistogram(id="histogram")
                yield DataTable[str](id="items-table", cursor_type="row", zebra_stripes=True)
            with TabPane("6 定稿 Finalise", id="final"), VerticalScroll():
                yield Static("", id="final-status")
                yield Static("", id="blockers")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        columns = {
            "individual": ("奖项 Award", "名次", "准考证号", "姓名", "备注"),
            "teams": ("名次", "代表队", "到考/人数", "总分", "奖项", "组织奖"),
            "ties-table": ("范围 Scope", "奖项 Award", "名次", "名额", "并列者 Tied"),
            "national-table": (
                "名单 List",
                "序",
                "名次",
                "准考证号",
                "姓名",
                "代表队",
                "抽取 Draw",
            ),
            "items-table": ("题", "答案", "难度p", "区分rpb", "D", "空白", "选项分布", "提示"),
        }
        for table_id, labels in columns.items():
            self.query_one(f"#{table_id}", DataTable).add_columns(*labels)

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_service(results_scene, self._show)

    def action_show_tab(self, tab: str) -> None:
        self.query_one("#results-tabs", TabbedContent).active = tab

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        scene = self.scene
        if action == "decide_tie" and (scene is None or not scene.pending or scene.finalised):
            return None
        if action == "organisation_award":
            # Shown only beside the teams table (the awards tab); greyed out once final.
            if self.query_one("#results-tabs", TabbedContent).active != "awards":
                return False
            if scene is None or scene.finalised or not scene.teams.teams:
                return None
        if action == "finalise" and scene is not None and scene.finalised:
            return None
        if action == "reopen" and (scene is None or not scene.finalised):
            return None
        if action == "export" and (scene is None or not scene.candidates):
            return None
        if action == "certificates" and (scene is None or not scene.finalised):
            return None  # printed from the locked results only
        # Paging keys show only when there is another page (the footer is full).
        if action == "next_page":
            return self.window.has_next
        if action == "previous_page":
            return self.window.has_previous
        return super().check_action(action, parameters)

    # -- showing ------------------------------------------------------------------------

    def _show(self, scene: ResultsScene) -> None:
        self.scene = scene
        ranked = sum(1 for c in scene.candidates if c.rank)
        state = (
            "[b $success]已定稿 finalised[/] 摘要 digest $digest"
            if scene.finalised
            else "[b $warning]未定稿 open[/] · $blocking 项待处理 to settle"
        )
        self.query_one("#results-summary", Static).update(
            Content.from_markup(
                f"$ranked / $all 人排名 ranked · 满分 max $top · 并列待决 ties $ties · {state}",
                ranked=str(ranked),
                all=str(len(scene.candidates)),
                top=points(scene.max_score),
                ties=str(len(scene.pending)),
                digest=scene.digest[:16] + "…",
                blocking=str(len(scene.blockers)),
            )
        )
        self.show_ranking()
        self.show_awards(scene)
        self.show_ties(scene)
        self.show_national(scene)
        self.show_items(scene)
        self.show_final(scene)
        self.refresh_bindings()
        if scene.items_pending:  # finalised: the rest came from the seal, this follows
            self.run_service(item_report, self._show_items, group="items")

    def _show_items(self, report: ItemReport | None) -> None:
        if self.scene is None or not self.scene.items_pending:
            return
        self.scene = self.scene.with_items(report)
        self.show_items(self.scene)

    def show_ranking(self) -> None:
        scene = self.scene
        if scene is None:
            return
        everyone = scene.candidates
        self.window = self.window.received(len(everyone) - self.window.offset)
        page = ranking_rows(scene, self.window.offset, self.window.size)
        table = self.query_one("#ranking-table", DataTable)
        columns = ranking_columns(scene)
        if len(table.columns) != len(columns):
            # The tie-break chain is the exam's: its extra keys become columns.
            table.clear(columns=True)
            table.add_columns(*columns)
        table.clear()
        for row in page:
            table.add_row(*row)
        self.query_one("#ranking-pages", PageBar).show(
            self.window, len(page), f"共 {len(everyone)} 人 in all"
        )

    def show_awards(self, scene: ResultsScene) -> None:
        for table_id, table_rows in (("#individual", award_rows), ("#teams", team_rows)):
            table = self.query_one(table_id, DataTable)
            table.clear()
            for row in table_rows(scene):
                table.add_row(*row)

    def show_ties(self, scene: ResultsScene) -> None:
        note = (
            "选中一行按 d 或 enter 记录决定 select one, then d or enter to record the decision"
            if scene.pending
            else "没有待决的并列 no tie waits for a decision"
        )
        self.query_one("#ties-note", Static).update(Content(note))
        table = self.query_one("#ties-table", DataTable)
        table.clear()
        for row in tie_rows(scene):
            table.add_row(*row)
        tabs = self.query_one("#results-tabs", TabbedContent)
        tabs.get_tab("ties").label = Content(f"3 并列 Ties ({len(scene.pending)})")

    def show_national(self, scene: ResultsScene) -> None:
        self.query_one("#national-note", Static).update(Content(national_note(scene)))
        table = self.query_one("#national-table", DataTable)
        table.clear()
        for row in national_rows(scene):
            table.add_row(*row)

    def show_items(self, scene: ResultsScene) -> None:
        report = scene.items
        table = self.query_one("#items-table", DataTable)
        table.clear()
        summary = self.query_one("#items-summary", Static)
        if report is None and scene.items_pending:
            summary.update(Content("正在计算题目分析… computing the item analysis"))
            return
        if report is None:
            summary.update(
                Content("尚无题目分析：需要答案和至少两名考生的成绩 needs the key and scores")
            )
            self.query_one("#histogram", ScoreHistogram).show([], scene.max_score)
            return
        summary.update(
            Content(
                f"{report.candidates} 人 candidates · KR-20 {report.kr20:.3f} · "
                f"总分分布 distribution of totals (0–{points(scene.max_score)})"
            )
        )
        self.query_one("#histogram", ScoreHistogram).show(report.totals, scene.max_score)
        for row in item_rows(report):
            table.add_row(*row)

    def show_final(self, scene: ResultsScene) -> None:
        if scene.finalised:
            status = Content.from_markup(
                "[b $success]已定稿 Finalised.[/] 摘要 digest: $d\n按 o 重开（须写明原因）"
                " press o to re-open (a reason is recorded)",
                d=scene.digest,
            )
        elif scene.blockers:
            status = Content.from_markup(
                "[b $warning]尚不能定稿 Not ready:[/] $n 项须先处理 (定稿时会逐项列出)",
                n=str(len(scene.blockers)),
            )
        else:
            status = Content.from_markup("[b $success]可以定稿 Ready to finalise:[/] 按 f")
        self.query_one("#final-status", Static).update(status)
        lines = [f"{i}. {b}" for i, b in enumerate(scene.blockers, start=1)]
        self.query_one("#blockers", Static).update(Content("\n".join(lines)))

    # -- paging -------------------------------------------------------------------------

    def show_page(self) -> None:
        self.show_ranking()

    # -- ties ---------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#ties-table")
    def action_decide_tie(self) -> None:
        scene = self.scene
        if scene is None or not scene.pending or not self.allowed(Permission.GRADE):
            return
        table = self.query_one("#ties-table", DataTable)
        tie = scene.pending[min(table.cursor_row, len(scene.pending) - 1)]
        self.action_show_tab("ties")
        self.app.push_screen(TieDialog(tie), lambda choice: self._decide(tie, choice))

    def _decide(self, tie: PendingDecision, choice: TieChoice | None) -> None:
        if choice is None:
            return

        def record(s: Session) -> str:
            standings.decide_tie(
                tie.scope,
                tie.award,
                tie.rank,
                choice.winners,
                session=s,
                reason=choice.reason,
            )
            return f"{tie.award} 第 {tie.rank} 名: {'、'.join(choice.winners)}"

        self.run_service(record, self._changed, group="decide")

    def _changed(self, what: str) -> None:
        self.notify(what, title="已记录 Recorded")
        self.action_refresh()

    # -- 岗位练兵优秀组织奖 -----------------------------------------------------------------

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()

    def action_organisation_award(self) -> None:
        scene = self.scene
        if scene is None or scene.finalised or not self.allowed(Permission.GRADE):
            return
        teams = [t for t in scene.teams.teams if t.rank is not None]
        if not teams:
            return
        table = self.query_one("#teams", DataTable)
        team = teams[min(table.cursor_row, len(teams) - 1)]
        name, has = team.team, team.organisation_award
        verb = "撤销 Withdraw" if has else "授予 Record"
        dialog = ReasonDialog(
            f"{verb}岗位练兵优秀组织奖：{name}",
            "组织奖由成绩管理人员依据组织情况和在线学习记录决定，系统不计算；决定及依据记入审计日志。\n"
            "The officers decide it from organisation and online-learning records; "
            "the decision and its basis are recorded.",
            confirm=verb,
        )
        self.app.push_screen(dialog, lambda d: self._organisation_award(name, has, d))

    def _organisation_award(self, team: str, withdraw: bool, decided: Decided | None) -> None:
        if decided is None:
            return
        change = (
            team_awards.withdraw_organisation_award
            if withdraw
            else team_awards.record_organisation_award
        )

        def record(s: Session) -> str:
            change(team, session=s, reason=decided.reason)
            return f"{team} 岗位练兵优秀组织奖{'已撤销' if withdraw else ''}：{decided.reason}"

        self.run_service(record, self._changed, group="organisation")

    # -- finalising and re-opening ---------------------------------------------------------

    def action_finalise(self) -> None:
        if not self.allowed(Permission.FINALISE):
            return
        dialog = ConfirmDialog(
            "定稿 Finalise the results?", FINALISE_WARNING, confirm="定稿 Finalise"
        )
        self.app.push_screen(dialog, self._finalise_confirmed)

    def _finalise_confirmed(self, confirmed: bool | None) -> None:
        if not confirmed:
            return
        self.run_worker(
            lambda: self._finalise_in_thread(None), thread=True, group="finalise", exclusive=True
        )

    def _finalise_in_thread(self, second: tuple[str, str] | None) -> None:
        ws = self.context.workspace
        try:
            actor = ws.check_account(*second) if second else None
            with ws.session(actor) as s:
                done = finalising.finalise(session=s)
        except FinaliseRefused as refused:
            self.app.call_from_thread(self._refused, refused.reasons)
        except RECOVERABLE as exc:
            self.app.call_from_thread(self.report_error, describe_error(exc))
        else:
            if isinstance(done, SignOffPending):
                self.app.call_from_thread(self._ask_second, done, self._finalise_in_thread)
            else:
                self.app.call_from_thread(self._finalised, done)

    def _ask_second(
        self, asked: SignOffPending, then: Callable[[tuple[str, str] | None], None]
    ) -> None:
        """The request waits for a second officer: one at this terminal signs now, or
        later at theirs (the same action again)."""
        self.action_refresh()

        def signed(second: tuple[str, str] | None) -> None:
            if second is not None:
                self.run_worker(lambda: then(second), thread=True, group="signoff", exclusive=True)

        dialog = SecondOfficerDialog("双人复核 Second officer", asked.message())
        self.app.push_screen(dialog, signed)

    def _refused(self, reasons: list[str]) -> None:
        self.app.push_screen(ReasonsDialog("定稿被拒绝 Finalising refused", reasons))
        self.action_refresh()

    def _finalised(self, done: Finalised) -> None:
        self.notify(f"摘要 digest {done.digest}", title="已定稿 Finalised", timeout=10)
        self.action_refresh()

    def action_reopen(self) -> None:
        if not self.allowed(Permission.FINALISE):
            return
        dialog = ReasonDialog(
            "重开成绩 Re-open the results",
            "重开后可再修改成绩；原因记入审计日志。\n"
            "Re-opening allows changes again; the reason is recorded.",
            confirm="重开 Reopen",
        )
        self.app.push_screen(dialog, self._reopen)

    def _reopen(self, decided: Decided | None) -> None:
        if decided is None:
            return

        reason = decided.reason

        def reopen(second: tuple[str, str] | None) -> None:
            ws = self.context.workspace
            try:
                actor = ws.check_account(*second) if second else None
                with ws.session(actor) as s:
                    asked = finalising.reopen(session=s, reason=reason)
            except RECOVERABLE as exc:
                self.app.call_from_thread(self.report_error, describe_error(exc))
                return
            if asked is not None:
                self.app.call_from_thread(self._ask_second, asked, reopen)
            else:
                self.app.call_from_thread(self._changed, f"原因 reason: {reason}")

        self.run_worker(lambda: reopen(None), thread=True, group="reopen", exclusive=True)
