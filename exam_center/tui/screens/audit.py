"""Audit log: the entries, newest first and paged (`audit.list_entries`), filtered by
action, each entry's full detail, and verification of the hash chain
(`audit.verify_chain`)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Input, Static

from exam_center.domain.vocabulary import action_label, detail_line, detail_text
from exam_center.services import audit
from exam_center.services.audit import AuditLine, ChainReport
from exam_center.tui.context import AppContext
from exam_center.tui.screens.base import PagedScreen, PaletteCommand
from exam_center.tui.widgets.page_bar import PageBar, PageWindow

PAGE_SIZE = 200


def local_time(at: datetime) -> str:
    """Entries are written in UTC; databases may hand them back without the zone."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return f"{aware.astimezone():%Y-%m-%d %H:%M:%S}"


def one_line(detail: dict[str, object]) -> str:
    """The detail column: Chinese keys, readable values (the pane below has it all)."""
    return detail_line(detail, width=160)


class AuditScreen(PagedScreen):
    TITLE = "审计 Audit log"
    BINDINGS = [
        Binding("v", "verify", "校验 Verify chain"),
        Binding("slash", "focus_filter", "筛选 Filter", key_display="/"),
        Binding("p", "previous_page", "上页", tooltip="Previous page"),
        Binding("n", "next_page", "下页", tooltip="Next page"),
        Binding("ctrl+r", "refresh", "刷新", tooltip="Refresh"),
    ]
    PALETTE = (
        PaletteCommand("校验审计链 Verify audit chain", "Recompute every entry's hash", "verify"),
        PaletteCommand("筛选审计 Filter audit log", "Show one kind of action", "focus_filter"),
    )

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.window = PageWindow(PAGE_SIZE)
        self.lines: dict[str, AuditLine] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="audit-body"):
            yield Input(
                placeholder="/ 按动作筛选 action starts with (e.g. candidates.)", id="action-filter"
            )
            yield Static("按 v 校验审计链 press v to verify the chain", id="chain-status")
            yield DataTable[str](id="audit-entries", cursor_type="row", zebra_stripes=True)
            yield Static("", id="audit-detail")
        yield PageBar(id="audit-pages")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#audit-entries", DataTable)
        table.add_column("序号", key="id", width=6)
        table.add_column("时间 Time", key="at", width=19)
        table.add_column("操作人", key="operator", width=10)
        table.add_column("动作 Action", key="action", width=30)
        table.add_column("摘要 Detail", key="detail")
        table.focus()

    def on_screen_resume(self) -> None:
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_page":
            return self.window.has_next or None
        if action == "previous_page":
            return self.window.has_previous or None
        return super().check_action(action, parameters)

    def load(self) -> None:
        prefix = self.query_one("#action-filter", Input).value.strip() or None
        window = self.window

        def query(s: Session) -> list[AuditLine]:
            return audit.list_entries(
                session=s, offset=window.offset, limit=window.fetch, action=prefix
            )

        self.run_service(query, self._show)

    def _show(self, lines: list[AuditLine]) -> None:
        self.window = self.window.received(len(lines))
        lines = lines[: self.window.size]
        table = self.query_one("#audit-entries", DataTable)
        table.clear()
        self.lines = {}
        for line in lines:
            key = str(line.id)
            self.lines[key] = line
            table.add_row(
                key,
                local_time(line.at),
                line.operator,
                action_label(line.action),
                one_line(line.detail),
                key=key,
            )
        self.query_one("#audit-pages", PageBar).show(
            self.window, len(lines), "最新在前 newest first"
        )
        self._show_detail(lines[0] if lines else None)
        self.refresh_bindings()

    def _show_detail(self, line: AuditLine | None) -> None:
        text = "" if line is None else f"{action_label(line.action)}\n{detail_text(line.detail)}"
        self.query_one("#audit-detail", Static).update(Content(text))

    @on(DataTable.RowHighlighted, "#audit-entries")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(self.lines.get(event.row_key.value or ""))

    @on(Input.Submitted, "#action-filter")
    def _filter(self) -> None:
        self.window = self.window.first()
        self.load()
        self.query_one("#audit-entries", DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#action-filter", Input).focus()

    def show_page(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_verify(self) -> None:
        self.query_one("#chain-status", Static).update("正在校验… verifying")
        self.run_service(lambda s: audit.verify_chain(session=s), self._show_chain, group="verify")

    def _show_chain(self, report: ChainReport) -> None:
        status = self.query_one("#chain-status", Static)
        if report.ok:
            status.update(Content(f"✓ 审计链完整 chain intact: {report.entries} 条 entries"))
        else:
            status.update(Content(f"✗ 审计链被破坏 chain broken: {report.problem}"))
        status.set_class(report.ok, "ok")
        status.set_class(not report.ok, "error")
        if report.first_bad_id is not None and str(report.first_bad_id) in self.lines:
            table = self.query_one("#audit-entries", DataTable)
            table.move_cursor(row=table.get_row_index(str(report.first_bad_id)))
