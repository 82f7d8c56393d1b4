"""Rooms & seating: the rooms and invigilators (imported through the same dialog as the
roster), each room's seat grid as the room stands, coloured by team, with the
invigilators on duty; seating or re-seating with a seed; printing the room documents
(door lists, sign-in sheets, seat labels, invigilator roster, room plans)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Footer, Header, Static

from exam_center.services import documents, exams, seating, sheets, venues
from exam_center.services.seating import RoomView, SeatingOutcome, SeatingView
from exam_center.services.venues import InvigilatorRow, RoomRow
from exam_center.tui.context import AppContext, Permission, refusal
from exam_center.tui.dialogs.count import CountDialog
from exam_center.tui.dialogs.import_file import Checked, ImportDialog, ImportSpec
from exam_center.tui.dialogs.reseat import ReseatDialog
from exam_center.tui.screens.base import ExamScreen, PaletteCommand
from exam_center.tui.widgets.seat_grid import RoomDrawing, SeatGrid, team_legend
from exam_center.tui.widgets.team_colours import TeamColours

ROOMS_HINT = "CSV 或 XLSX，表头：考场号、考点(可选)、行数、列数、不可用座位(可选，如 3;17)。"
INVIGILATORS_HINT = "CSV 或 XLSX，表头：工号、姓名、设区市(可选)、单位(可选)、手机(可选)。"
DOCUMENTS_FOLDER = ("print", "rooms")
SHEETS_FILE = "sheets.pdf"  # in print/, where `demo` writes it too


@dataclass(frozen=True)
class SeatingScene:
    rooms: list[RoomRow]
    invigilators: list[InvigilatorRow]
    plan: SeatingView | None
    teams: list[str]
    sheets_printed: bool

    def room_view(self, code: str) -> RoomView | None:
        """The room as the plan uses it, or empty (its shape only) if the plan does not."""
        if self.plan is not None:
            for room in self.plan.rooms:
                if room.code == code:
                    return room
        row = next((r for r in self.rooms if r.code == code), None)
        if row is None:
            return None
        return RoomView(row.code, row.building, row.rows, row.cols, row.unusable, ())

    def duties(self) -> dict[str, str]:
        """Staff id -> where they invigilate, for the invigilators' table."""
        out: dict[str, str] = {}
        for room in self.plan.rooms if self.plan else ():
            for p in room.invigilators:
                out[p.staff_id] = f"{room.code}{' 主' if p.chief else ''}"
        return out


def seating_scene(session: Session) -> SeatingScene:
    return SeatingScene(
        venues.list_rooms(session=session),
        venues.list_invigilators(session=session),
        seating.seating_view(session=session),
        [t.name for t in exams.teams(session)],
        sheets.sheets_printed(session=session),
    )


def describe_plan(scene: SeatingScene) -> Content:
    plan = scene.plan
    if plan is None:
        return Content("尚未编排 Not seated yet — 导入考场与监考后按 s 编排 (import rooms, then s)")
    seated = sum(len(r.seats) for r in plan.rooms)
    printed = " · 答题卡已打印 sheets printed" if scene.sheets_printed else ""
    return Content.from_markup(
        "[b]编排 Plan[/b] 种子 seed $seed · 指纹 $fp… · $n 人 in $r 个考场 · 编排人 $by$printed",
        seed=str(plan.seed),
        fp=plan.fingerprint[:12],
        n=str(seated),
        r=str(len(plan.rooms)),
        by=plan.created_by,
        printed=printed,
    )


def describe_duty(room: RoomView | None) -> Text:
    if room is None or not room.invigilators:
        return Text("监考 Invigilators: —", style="dim")
    out = Text("监考 Invigilators: ")
    for i, p in enumerate(room.invigilators):
        if i:
            out.append("、")
        out.append(p.name, style="bold" if p.chief else "")
        out.append(f"（{'主监考 chief' if p.chief else p.unit or p.staff_id}）", style="dim")
    return out


class SeatingScreen(ExamScreen):
    TITLE = "考场 Rooms & seating"
    BINDINGS = [
        Binding("s", "seat", "编排 Seat", tooltip=refusal(Permission.SEAT)),
        Binding(
            "p", "print_documents", "打印考场文档 Print", tooltip=refusal(Permission.PRINT_ROOMS)
        ),
        Binding("a", "print_sheets", "打印答题卡 Sheets", tooltip=refusal(Permission.PRINT)),
        Binding("e", "print_spares", "备用答题卡 Spares", tooltip=refusal(Permission.PRINT_SPARES)),
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
        "seat": Permission.SEAT,
        "print_documents": Permission.PRINT_ROOMS,
        "print_sheets": Permission.PRINT,
        "print_spares": Permission.PRINT_SPARES,
        "import_rooms": Permission.IMPORT_VENUES,
        "import_invigilators": Permission.IMPORT_VENUES,
    }
    PALETTE = (
        PaletteCommand("编排座位 Seat / re-seat", "Assign seats with a seed", "seat"),
        PaletteCommand(
            "打印考场文档 Print room documents",
            "考场文件：门贴、签到表、座位标签、监考安排表、座位图 · "
            "Door lists, sign-in sheets, seat labels, rosters, room plans",
            "print_documents",
        ),
        PaletteCommand(
            "打印答题卡 Print the answer sheets",
            "Every seated candidate's sheet, in room and seat order (print/sheets.pdf)",
            "print_sheets",
        ),
        PaletteCommand(
            "打印备用答题卡 Print spare sheets",
            "Numbered spare sheets; the candidate fills the admission number",
            "print_spares",
        ),
        PaletteCommand("导入考场 Import rooms", "Check and import a rooms table", "import_rooms"),
        PaletteCommand(
            "导入监考 Import invigilators",
            "Check and import an invigilators table",
            "import_invigilators",
        ),
    )

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.scene: SeatingScene | None = None
        self.colours = TeamColours()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plan-summary")
        with Horizontal(id="seating-body"):
            with Vertical(id="venue-lists"):
                yield Static("", id="rooms-title", classes="section-title")
                yield DataTable[str](id="rooms", cursor_type="row", zebra_stripes=True)
                yield Static("", id="invigilators-title", classes="section-title")
                yield DataTable[str](id="invigilators", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="room-view"):
                yield SeatGrid(id="seat-grid")
                yield Static("", id="room-duty")
                yield Static("", id="team-legend")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        rooms = self.query_one("#rooms", DataTable)
        for label, key, width in (
            ("考场", "code", 4),
            ("行×列", "size", 5),
            ("不可用", "unusable", 6),
            ("座位", "capacity", 4),
            ("已排", "seated", 4),
        ):
            rooms.add_column(label, key=key, width=width)
        people = self.query_one("#invigilators", DataTable)
        for label, key, width in (
            ("工号", "id", 6),
            ("姓名", "name", 6),
            ("设区市", "team", 6),
            ("监考", "duty", 6),
        ):
            people.add_column(label, key=key, width=width)
        rooms.focus()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.run_service(seating_scene, self._show)

    def _show(self, scene: SeatingScene) -> None:
        self.scene = scene
        self.colours = TeamColours(scene.teams)
        self.query_one("#plan-summary", Static).update(describe_plan(scene))
        table = self.query_one("#rooms", DataTable)
        selected = self.selected_room()
        table.clear()
        for r in scene.rooms:
            view = scene.room_view(r.code)
            seated = str(len(view.seats)) if view and view.seats else "—"
            unusable = ",".join(map(str, r.unusable)) or "—"
            table.add_row(
                r.code, f"{r.rows}×{r.cols}", unusable, str(r.capacity), seated, key=r.code
            )
        codes = [r.code for r in scene.rooms]
        if selected in codes:
            table.move_cursor(row=codes.index(selected))
        seats = sum(r.capacity for r in scene.rooms)
        self.query_one("#rooms-title", Static).update(
            Content(f"考场 Rooms: {len(scene.rooms)} 个，共 {seats} 座")
        )
        duties = scene.duties()
        table = self.query_one("#invigilators", DataTable)
        table.clear()
        for p in scene.invigilators:
            table.add_row(p.staff_id, p.name, p.team or "—", duties.get(p.staff_id, "—"))
        on_duty = f" · {len(duties)} 在岗 on duty" if duties else ""
        self.query_one("#invigilators-title", Static).update(
            Content(f"监考 Invigilators: {len(scene.invigilators)} 人{on_duty}")
        )
        self.show_room(self.selected_room())
        self.refresh_bindings()

    def selected_room(self) -> str | None:
        table = self.query_one("#rooms", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def show_room(self, code: str | None) -> None:
        scene = self.scene
        view = scene.room_view(code) if scene and code else None
        unplanned = view is not None and (scene is None or scene.plan is None)
        self.query_one("#seat-grid", SeatGrid).show(
            RoomDrawing(view, self.colours) if view else None,
            "尚未编排 not seated yet" if unplanned else "",
        )
        self.query_one("#room-duty", Static).update(describe_duty(view))
        self.query_one("#team-legend", Static).update(
            team_legend(view.seats, self.colours) if view else ""
        )

    @on(DataTable.RowHighlighted, "#rooms")
    def _room_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_room(str(event.row_key.value) if event.row_key.value is not None else None)

    # -- seating and printing ----------------------------------------------------------

    def action_seat(self) -> None:
        if not self.allowed(Permission.SEAT):
            return
        printed = self.scene.sheets_printed if self.scene else False
        seed = self.scene.plan.seed if self.scene and self.scene.plan else None
        self.app.push_screen(ReseatDialog(self._seat, printed=printed, seed=seed), self._seated)

    def _seat(self, seed: int | None, force: bool, reason: str) -> SeatingOutcome:
        """Runs in the dialog's worker thread."""
        workspace = self.context.workspace
        with workspace.session() as s:
            return seating.seat_exam(session=s, seed=seed, force=force, reason=reason)

    def _seated(self, outcome: SeatingOutcome | None) -> None:
        if outcome is None:
            return
        lines = [
            f"{outcome.seated} 人入座 {outcome.rooms_used} 个考场，种子 seed {outcome.seed}；"
            f"监考 {outcome.invigilators} 人"
        ]
        if outcome.not_seated:
            lines.append(f"{len(outcome.not_seated)} 人不符合条件未编排 not eligible, not seated")
        lines += [f"放宽 fallback: {f}" for f in outcome.fallbacks]
        if outcome.reprint_needed:
            lines.append("答题卡须重新打印 the answer sheets must be printed again")
        self.notify("\n".join(lines), title="已编排 Seated", timeout=8)
        self.action_refresh()

    def action_print_documents(self) -> None:
        if not self.allowed(Permission.PRINT_ROOMS):
            return
        workspace = self.context.workspace

        def print_documents(s: Session) -> list[Path]:
            out = workspace.folder(DOCUMENTS_FOLDER[0]) / DOCUMENTS_FOLDER[1]
            docs = documents.print_room_documents(out, session=s)
            return docs.all()

        self.run_with_progress(
            print_documents,
            self._printed,
            what="正在生成考场文档… writing the room documents",
            group="print",
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Answer sheets carry the seat: greyed out until everyone is seated.
        no_plan = self.scene is None or self.scene.plan is None
        if action in ("print_sheets", "print_spares") and no_plan:
            return None
        return super().check_action(action, parameters)

    def action_print_sheets(self) -> None:
        if not self.allowed(Permission.PRINT):
            return
        workspace = self.context.workspace

        def print_all(s: Session) -> list[Path]:
            out = workspace.folder(DOCUMENTS_FOLDER[0]) / SHEETS_FILE
            done = sheets.print_sheets(session=s, out_pdf=out)
            return [done.path]

        self.run_with_progress(
            print_all,
            self._printed,
            what="正在生成答题卡… writing the answer sheets",
            group="print",
        )

    def action_print_spares(self) -> None:
        if not self.allowed(Permission.PRINT_SPARES):
            return
        dialog = CountDialog(
            "打印备用答题卡 Print spare sheets",
            "备用答题卡不印考生信息，考生填涂准考证号；编号接续已打印的备用卡。\n"
            "Spare sheets carry no candidate: the candidate fills the admission number; "
            "serials continue those printed before.",
            "份数 How many",
            value=10,
        )
        self.app.push_screen(dialog, self._print_spares)

    def _print_spares(self, count: int | None) -> None:
        if count is None:
            return
        workspace = self.context.workspace

        def print_some(s: Session) -> list[Path]:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            out = workspace.folder(DOCUMENTS_FOLDER[0]) / f"spares-{stamp}.pdf"
            done = sheets.print_spares(session=s, count=count, out_pdf=out)
            return [done.path]

        self.run_with_progress(
            print_some,
            self._printed,
            what=f"正在生成 {count} 份备用答题卡… writing the spare sheets",
            group="print",
        )

    def _printed(self, paths: list[Path]) -> None:
        where = paths[0].parent if paths else Path(*DOCUMENTS_FOLDER)
        names = "、".join(p.name for p in paths)
        self.notify(f"{names}\n→ {where}", title=f"已打印 {len(paths)} 份 Printed", timeout=8)

    # -- imports -------------------------------------------------------------------------

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

    def _import_rooms(self, path: Path, dry_run: bool, _reason: str) -> Checked:
        """Runs in the dialog's worker thread."""
        workspace = self.context.workspace
        with workspace.session() as s:
            report = venues.import_rooms(path, session=s, dry_run=dry_run)
        return Checked(
            "全部无误 every row is valid" if dry_run else f"已导入 {report.imported} 个考场"
        )

    def _import_invigilators(self, path: Path, dry_run: bool, _reason: str) -> Checked:
        """Runs in the dialog's worker thread."""
        workspace = self.context.workspace
        with workspace.session() as s:
            report = venues.import_invigilators(path, session=s, dry_run=dry_run)
        return Checked(
            "全部无误 every row is valid" if dry_run else f"已导入 {report.imported} 名监考"
        )

    def _after_import(self, summary: str | None) -> None:
        if summary:
            self.notify(summary, title="导入完成 Imported")
            self.action_refresh()
