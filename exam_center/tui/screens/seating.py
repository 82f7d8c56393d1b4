"""Seating: the rooms and invigilators (imported through the same dialog as the
roster). The seat grid of each room arrives with the seating service; until then a
placeholder says what will be drawn here."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from exam_center.services import venues
from exam_center.services.venues import InvigilatorRow, RoomRow
from exam_center.tui.context import Permission, refusal
from exam_center.tui.dialogs.import_file import ImportDialog, ImportSpec
from exam_center.tui.screens.base import ExamScreen, PaletteCommand

ROOMS_HINT = "CSV 或 XLSX，表头：考场号、考点(可选)、行数、列数、不可用座位(可选，如 3;17)。"
INVIGILATORS_HINT = "CSV 或 XLSX，表头：工号、姓名、设区市(可选)、单位(可选)、手机(可选)。"
SEAT_GRID_PLACEHOLDER = (
    "座位图 Seat grid — 待座位编排服务上线 (comes with the seating service)\n"
    "每个考场按实际方位绘制（讲台在前、门侧标出），按代表队着色；可用种子重新编排，打印考场文档。\n"
    "Each room drawn as it stands (front, door side), coloured by team; re-seat with a seed; "
    "print the room documents."
)


def venue_lists(session: Session) -> tuple[list[RoomRow], list[InvigilatorRow]]:
    return venues.list_rooms(session=session), venues.list_invigilators(session=session)


class SeatingScreen(ExamScreen):
    TITLE = "考场 Rooms & seating"
    BINDINGS = [
        Binding("r", "import_rooms", "导入考场 Rooms", tooltip=refusal(Permission.IMPORT_VENUES)),
        Binding(
            "v",
            "import_invigilators",
            "导入监考 Invigilators",
            tooltip=refusal(Permission.IMPORT_VENUES),
        ),
        Binding("ctrl+r", "refresh", "刷新", tooltip="Refresh"),
    ]
    REQUIRES = {
        "import_rooms": Permission.IMPORT_VENUES,
        "import_invigilators": Permission.IMPORT_VENUES,
    }
    PALETTE = (
        PaletteCommand("导入考场 Import rooms", "Check and import a rooms table", "import_rooms"),
        PaletteCommand(
            "导入监考 Import invigilators",
            "Check and import an invigilators table",
            "import_invigilators",
        ),
    )

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(SEAT_GRID_PLACEHOLDER, id="seat-grid-placeholder")
        with Horizontal(id="venue-lists"):
            with Vertical():
                yield Static("", id="rooms-title", classes="section-title")
                yield DataTable[str](id="rooms", cursor_type="row", zebra_stripes=True)
            with Vertical():
                yield Static("", id="invigilators-title", classes="section-title")
                yield DataTable[str](id="invigilators", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        rooms = self.query_one("#rooms", DataTable)
        rooms.add_columns("考场号", "考点 Building", "行×列", "不可用", "座位数")
        people = self.query_one("#invigilators", DataTable)
        people.add_columns("工号", "姓名", "设区市", "单位")
        rooms.focus()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_service(venue_lists, self._show)

    def _show(self, lists: tuple[list[RoomRow], list[InvigilatorRow]]) -> None:
        rooms, people = lists
        table = self.query_one("#rooms", DataTable)
        table.clear()
        for r in rooms:
            unusable = ",".join(map(str, r.unusable)) or "—"
            table.add_row(r.code, r.building, f"{r.rows}×{r.cols}", unusable, str(r.capacity))
        seats = sum(r.capacity for r in rooms)
        self.query_one("#rooms-title", Static).update(
            Content(f"考场 Rooms: {len(rooms)} 个，共 {seats} 座")
        )
        table = self.query_one("#invigilators", DataTable)
        table.clear()
        for p in people:
            table.add_row(p.staff_id, p.name, p.team or "—", p.unit)
        self.query_one("#invigilators-title", Static).update(
            Content(f"监考 Invigilators: {len(people)} 人")
        )

    def action_import_rooms(self) -> None:
        if self.allowed(Permission.IMPORT_VENUES):
            spec = ImportSpec("导入考场 Import rooms", ROOMS_HINT, self._import_rooms)
            self.app.push_screen(ImportDialog(spec), self._after_import)

    def action_import_invigilators(self) -> None:
        if self.allowed(Permission.IMPORT_VENUES):
            spec = ImportSpec(
                "导入监考 Import invigilators", INVIGILATORS_HINT, self._import_invigilators
            )
            self.app.push_screen(ImportDialog(spec), self._after_import)

    def _import_rooms(self, path: Path, dry_run: bool) -> str:
        """Runs in the dialog's worker thread."""
        workspace = self.context.workspace
        with workspace.session() as s:
            report = venues.import_rooms(
                path, session=s, operator=workspace.operator, dry_run=dry_run
            )
        return "全部无误 every row is valid" if dry_run else f"已导入 {report.imported} 个考场"

    def _import_invigilators(self, path: Path, dry_run: bool) -> str:
        """Runs in the dialog's worker thread."""
        workspace = self.context.workspace
        with workspace.session() as s:
            report = venues.import_invigilators(
                path, session=s, operator=workspace.operator, dry_run=dry_run
            )
        return "全部无误 every row is valid" if dry_run else f"已导入 {report.imported} 名监考"

    def _after_import(self, summary: str | None) -> None:
        if summary:
            self.notify(summary, title="导入完成 Imported")
            self.action_refresh()
