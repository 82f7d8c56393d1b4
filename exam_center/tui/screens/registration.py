"""Registration: the candidate table (filter by team and eligibility, search by name
or resident ID), paged through `registration.list_candidates` so 10,000 candidates
stay smooth; the roster import dialog; the selected candidate's eligibility."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Select

from exam_center.services import exams, registration
from exam_center.services.registration import CandidateRow
from exam_center.tui.context import AppContext, Permission, refusal
from exam_center.tui.dialogs.import_file import Checked, ImportDialog, ImportSpec
from exam_center.tui.screens.base import PagedScreen, PaletteCommand
from exam_center.tui.widgets.candidate_detail import CandidateDetail
from exam_center.tui.widgets.page_bar import PageBar, PageWindow

PAGE_SIZE = 100
SEARCH_DELAY = 0.3  # seconds of no typing before the search runs

ROSTER_HINT = (
    "CSV 或 XLSX，首行为表头：姓名、身份证号、设区市、日日学之星次数、周周练积分 "
    "(单位、性别、手机、参赛经历、既往荣誉 可选)。先检查，全部无误才导入；有错则一行不导。"
)


def team_names(session: Session) -> list[str]:
    return [t.name for t in exams.teams(session)]


def describe_import(report: registration.ImportReport) -> str:
    if report.dry_run:
        text = f"{report.rows} 行可导入，其中 {report.ineligible} 人不符合参赛条件"
    else:
        text = f"已导入 {report.imported} 名考生，其中 {report.ineligible} 人不符合参赛条件"
    # A team over the exam's per-team limit is said with its rows; the city decides.
    return "\n".join([text, *(o.message() for o in report.over_limit)])


class RegistrationScreen(PagedScreen):
    TITLE = "报名 Registration"
    BINDINGS = [
        Binding(
            "i", "import_roster", "导入名单 Import", tooltip=refusal(Permission.IMPORT_CANDIDATES)
        ),
        Binding("slash", "focus_search", "搜索 Search", key_display="/"),
        Binding("p", "previous_page", "上页", tooltip="Previous page"),
        Binding("n", "next_page", "下页", tooltip="Next page"),
        Binding("ctrl+r", "refresh", "刷新", tooltip="Refresh"),
    ]
    REQUIRES = {"import_roster": Permission.IMPORT_CANDIDATES}
    PALETTE = (
        PaletteCommand(
            "导入报名表 Import roster", "Check and import a CSV/XLSX roster", "import_roster"
        ),
        PaletteCommand(
            "搜索考生 Search candidates", "Search by name or resident ID", "focus_search"
        ),
    )

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.window = PageWindow(PAGE_SIZE)
        self.rows: dict[str, CandidateRow] = {}
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield Input(placeholder="/ 搜索 姓名或身份证号 name or ID", id="search")
            yield Select[str]([], prompt="代表队 All teams", id="team-filter")
            yield Select[bool](
                [("符合 eligible", True), ("不符合 not eligible", False)],
                prompt="资格 Any eligibility",
                id="eligibility-filter",
            )
        with Horizontal(id="registration-body"):
            yield DataTable[str | Text](id="candidates", cursor_type="row", zebra_stripes=True)
            yield CandidateDetail(id="candidate-detail")
        yield PageBar(id="candidate-pages")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#candidates", DataTable)
        for label, key, width in (
            ("编号", "id", 6),
            ("姓名", "name", 8),
            ("身份证号", "id_number", 18),
            ("代表队", "team", 8),
            ("性别", "gender", 4),
            ("资格", "eligible", 10),
        ):
            table.add_column(label, key=key, width=width)
        table.focus()
        self.run_service(team_names, self._show_teams, group="teams")

    def on_screen_resume(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_page":
            return self.window.has_next or None
        if action == "previous_page":
            return self.window.has_previous or None
        return super().check_action(action, parameters)

    # -- loading -------------------------------------------------------------------

    def load(self) -> None:
        search = self.query_one("#search", Input).value.strip() or None
        team = self.query_one("#team-filter", Select).value
        eligible = self.query_one("#eligibility-filter", Select).value
        window = self.window

        def query(s: Session) -> tuple[list[CandidateRow], int]:
            rows = registration.list_candidates(
                session=s,
                team=team if isinstance(team, str) else None,
                eligible=eligible if isinstance(eligible, bool) else None,
                search=search,
                offset=window.offset,
                limit=window.fetch,
            )
            return rows, registration.count_candidates(session=s)

        self.run_service(query, self._show_page)

    def _show_teams(self, names: list[str]) -> None:
        self.query_one("#team-filter", Select).set_options((n, n) for n in names)

    def _show_page(self, result: tuple[list[CandidateRow], int]) -> None:
        rows, registered = result
        self.window = self.window.received(len(rows))
        rows = rows[: self.window.size]
        table = self.query_one("#candidates", DataTable)
        table.clear()
        self.rows = {}
        for row in rows:
            key = str(row.id)
            self.rows[key] = row
            verdict = (
                Text("✓ 符合", style="green")
                if row.eligible
                else Text("✗ 不符合", style="bold red")
            )
            table.add_row(
                str(row.id), row.name, row.id_number, row.team, row.gender, verdict, key=key
            )
        self.query_one("#candidate-pages", PageBar).show(
            self.window, len(rows), f"已报名共 {registered} 人 registered"
        )
        self.query_one("#candidate-detail", CandidateDetail).show(rows[0] if rows else None)
        self.refresh_bindings()

    def reload_from_start(self) -> None:
        self.window = self.window.first()
        self.load()

    # -- events and actions -----------------------------------------------------------

    @on(DataTable.RowHighlighted, "#candidates")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self.rows.get(event.row_key.value or "")
        self.query_one("#candidate-detail", CandidateDetail).show(row)

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self._search_timer = self.set_timer(SEARCH_DELAY, self.reload_from_start)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
        self.reload_from_start()
        self.query_one("#candidates", DataTable).focus()

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload_from_start()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def show_page(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_import_roster(self) -> None:
        if not self.allowed(Permission.IMPORT_CANDIDATES):
            return
        spec = ImportSpec("导入报名表 Import roster", ROSTER_HINT, self._import_roster)
        self.app.push_screen(ImportDialog(spec), self._after_import)

    def _import_roster(self, path: Path, dry_run: bool, _reason: str) -> Checked:
        """Runs in the dialog's worker thread. A roster import adds; it needs no reason."""
        workspace = self.context.workspace
        with workspace.session() as s:
            report = registration.import_candidates(path, session=s, dry_run=dry_run)
        return Checked(describe_import(report))

    def _after_import(self, summary: str | None) -> None:
        if summary:
            self.notify(summary, title="导入完成 Imported")
            self.reload_from_start()
