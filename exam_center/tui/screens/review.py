"""Review: the queue of doubtful marks, conflicting rescans and unmatched spare sheets,
most doubtful first (paged through `review.open_items`). For the item under the cursor,
the question as it stands on the scanned sheet beside what the reader read, measured
and why it was flagged. Letters toggle the marks, enter records them with a reason
(prefilled, editable), and the cursor stays put, so the next item comes up. Every
decision is recorded by the signed-in operator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from sqlmodel import Session
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import get_current_worker

from exam_center.domain.vocabulary import REVIEW_KIND_SHORT
from exam_center.services import conflicts, review, scanning, sheets
from exam_center.services.review import ReviewRow
from exam_center.tui.context import AppContext, Permission, refusal
from exam_center.tui.dialogs.conflict import ConflictDialog
from exam_center.tui.dialogs.reason import Decided, ReasonDialog
from exam_center.tui.error_text import RECOVERABLE, describe_error
from exam_center.tui.screens.base import PagedScreen, PaletteCommand
from exam_center.tui.widgets.page_bar import PageBar, PageWindow
from exam_center.tui.widgets.review_item import (
    ReviewFacts,
    describe_decision,
    describe_differences,
    describe_item,
    who,
)
from exam_center.tui.widgets.sheet_image import Crop, SheetImage, load_crop

PAGE_SIZE = 100
DEFAULT_REASON = "复核：按图像判读"
OPTION_KEYS = "abcdefgh"
KIND_SHORT = REVIEW_KIND_SHORT

LETTER_BINDINGS: list[BindingType] = [
    Binding(
        key,
        f"toggle_mark('{key.upper()}')",
        "选项 Toggle",
        key_display="A-H",
        show=key == "a",
        tooltip="Toggle the option's mark",
    )
    for key in OPTION_KEYS
]


QueuePage = tuple[list[ReviewRow], int]  # the page's rows, and how many are open


def review_page(offset: int, limit: int) -> Callable[[Session], QueuePage]:
    def query(s: Session) -> QueuePage:
        rows = review.open_items(session=s, offset=offset, limit=limit)
        # No count in the service: the whole queue is read for its length.
        return rows, len(review.open_items(session=s))

    return query


class ReviewScreen(PagedScreen):
    TITLE = "复核 Review"
    BINDINGS = [
        *LETTER_BINDINGS,
        Binding("enter", "decide", "确认 Record", tooltip=refusal(Permission.REVIEW)),
        Binding("delete,backspace", "clear_marks", "清空 Blank", key_display="del"),
        Binding("v", "compare", "并排比较 Compare", tooltip="Both scans side by side, full width"),
        Binding("k", "conflict(True)", "采用 Keep", tooltip="Keep this rescan"),
        Binding("x", "conflict(False)", "弃用 Set aside", tooltip="Set this rescan aside"),
        Binding("p", "previous_page", "上页", tooltip="Previous page"),
        Binding("n", "next_page", "下页", tooltip="Next page"),
        Binding("ctrl+r", "refresh", "刷新", tooltip="Refresh"),
    ]
    REQUIRES = {
        "decide": Permission.REVIEW,
        "conflict": Permission.REVIEW,
        "compare": Permission.REVIEW,
    }
    PALETTE = (
        PaletteCommand("确认复核 Record the decision", "Record the marks shown", "decide"),
        PaletteCommand("刷新队列 Refresh the queue", "Reload the open items", "refresh"),
    )

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.window = PageWindow(PAGE_SIZE)
        self.rows: list[ReviewRow] = []
        self.current: ReviewRow | None = None
        self.marks: set[str] = set()
        self.sheet_layout: dict[str, Any] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-summary")
        with Horizontal(id="review-body"):
            yield DataTable[str | Text](id="queue", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="review-detail"):
                with Horizontal(id="scan-pair"):
                    # A conflict: the scan in force on the left, the rescan beside it.
                    yield SheetImage(id="in-force-image")
                    yield SheetImage(id="sheet-image")
                yield ReviewFacts(id="item-facts")
                yield ReviewFacts(id="conflict-facts")
                yield ReviewFacts(id="decision")
        yield PageBar(id="queue-pages")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#queue", DataTable)
        for label, key, width in (
            ("疑", "doubt", 4),
            ("类", "kind", 4),
            ("题", "question", 3),
            ("读", "read", 5),
            ("准考证号", "admission", 9),
            ("姓名", "name", 6),
        ):
            table.add_column(label, key=key, width=width)
        table.focus()

    def on_screen_resume(self) -> None:
        if self.sheet_layout is None:
            self.run_service(
                lambda s: sheets.layout_json(session=s), self._got_layout, group="layout"
            )
        self.load()

    def _got_layout(self, layout: dict[str, Any]) -> None:
        self.sheet_layout = layout
        self.show_item(self.current)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        row = self.current
        # Keys for another kind of item are hidden, so the footer shows what applies.
        if action in ("toggle_mark", "clear_marks"):
            return row is not None and row.kind == "question"
        if action in ("conflict", "compare") and (row is None or row.kind != "conflict"):
            return False
        if action == "decide" and (row is None or row.kind == "conflict"):
            return False
        if action == "next_page":
            return self.window.has_next
        if action == "previous_page":
            return self.window.has_previous
        return super().check_action(action, parameters)

    # -- the queue ------------------------------------------------------------------------

    def load(self) -> None:
        self.run_service(review_page(self.window.offset, self.window.fetch), self._show_page)

    def action_refresh(self) -> None:
        self.load()

    def _show_page(self, result: QueuePage) -> None:
        rows, total = result
        self.window = self.window.received(len(rows))
        self.rows = rows[: self.window.size]
        table = self.query_one("#queue", DataTable)
        at = table.cursor_row
        table.clear()
        for row in self.rows:
            table.add_row(
                f"{row.doubt:.2f}",
                KIND_SHORT.get(row.kind, row.kind),
                str(row.question or ""),
                row.read_marks or "—",
                row.admission_no or "—",
                row.candidate_name or "—",
                key=str(row.item_id),
            )
        if self.rows:
            table.move_cursor(row=min(at, len(self.rows) - 1))
        operator = self.context.operator.name if self.context.operator else "—"
        self.query_one("#review-summary", Static).update(
            Text.assemble(
                ("待复核 Open: ", "bold"),
                f"{total} 项 items, 最可疑在前 most doubtful first  ·  复核人 reviewer: ",
                (operator, "bold"),
            )
        )
        self.query_one("#queue-pages", PageBar).show(self.window, len(self.rows))
        self.show_item(self.rows[table.cursor_row] if self.rows else None)

    @on(DataTable.RowHighlighted, "#queue")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            row = self.rows[event.cursor_row]
            if self.current is None or row.item_id != self.current.item_id:
                self.show_item(row)

    @on(DataTable.RowSelected, "#queue")
    def _selected(self) -> None:
        self.action_decide()

    def show_item(self, row: ReviewRow | None) -> None:
        self.current = row
        self.marks = set(row.read_marks) if row else set()
        facts = self.query_one("#item-facts", ReviewFacts)
        facts.update(describe_item(row) if row else "")
        self.show_decision()
        image = self.query_one("#sheet-image", SheetImage)
        image.display = row is not None
        pair = row is not None and row.kind == "conflict"
        other = self.query_one("#in-force-image", SheetImage)
        other.display = pair
        self.query_one("#conflict-facts", ReviewFacts).display = pair
        if row is not None and self.sheet_layout is not None:
            image.show(None)
            width = max(20, image.content_size.width or 70)
            if pair:
                other.show(None)
                self.load_pair(row, self.sheet_layout, width)
            else:
                self.load_image(row, self.sheet_layout, width)
        self.refresh_bindings()

    def show_decision(self) -> None:
        self.query_one("#decision", ReviewFacts).update(describe_decision(self.current, self.marks))

    @work(thread=True, exclusive=True, group="image")
    def load_image(self, row: ReviewRow, layout: dict[str, Any], width: int) -> None:
        worker = get_current_worker()
        try:
            overlay = row.overlay
            if overlay and not Path(overlay).is_file():
                # Not drawn while scanning (scan --overlays lazy): drawn now, from the scan.
                with self.context.workspace.session() as s:
                    overlay = scanning.page_overlay(s, row.page_id)
            crop = load_crop(
                overlay,
                layout,
                kind=row.kind,
                question=row.question,
                width=width,
                page_label=f"扫描页 {row.page_id} scanned page {row.page_id}",
                spare=row.spare,
            )
        except (OSError, ValueError) as exc:
            crop = Crop(Text(f"图像无法读取 image unreadable: {exc}", style="red"), "")
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_image, row.item_id, crop)

    def _show_image(self, item_id: int, crop: Crop, where: str = "#sheet-image") -> None:
        if self.current is not None and self.current.item_id == item_id:
            self.query_one(where, SheetImage).show(crop)

    @work(thread=True, exclusive=True, group="image")
    def load_pair(self, row: ReviewRow, layout: dict[str, Any], width: int) -> None:
        """Both scans of a conflict, cut at the first question they read differently."""
        worker = get_current_worker()
        try:
            with self.context.workspace.session() as s:
                pair = conflicts.conflict_pair(row.page_id, session=s)
        except RECOVERABLE as exc:
            self.app.call_from_thread(self.report_error, describe_error(exc))
            return
        if worker.is_cancelled:
            return
        self.app.call_from_thread(self._show_differences, row.item_id, pair)
        sides = (
            ("#in-force-image", pair.in_force, "现用 in force"),
            ("#sheet-image", pair.rescan, "重扫 rescan"),
        )
        for where, side, label in sides:
            if side is None:
                crop = Crop(Text("现用扫描已不在 the scan in force was set aside", style="dim"), "")
            else:
                crop = self._crop(side.overlay, layout, pair.first_question, width, label, side)
            if not worker.is_cancelled:
                self.app.call_from_thread(self._show_image, row.item_id, crop, where)

    @staticmethod
    def _crop(
        overlay: str,
        layout: dict[str, Any],
        question: int | None,
        width: int,
        label: str,
        side: conflicts.ScanSide,
    ) -> Crop:
        try:
            return load_crop(
                overlay,
                layout,
                kind="question" if question is not None else "conflict",
                question=question,
                width=width,
                page_label=f"{label} 扫描页 {side.page_id} · {side.read_at}",
            )
        except (OSError, ValueError) as exc:
            return Crop(Text(f"图像无法读取 image unreadable: {exc}", style="red"), "")

    def _show_differences(self, item_id: int, pair: conflicts.ConflictPair) -> None:
        if self.current is None or self.current.item_id != item_id:
            return
        self.query_one("#conflict-facts", ReviewFacts).update(describe_differences(pair))

    # -- deciding -------------------------------------------------------------------------

    def action_toggle_mark(self, letter: str) -> None:
        row = self.current
        if row is None or row.kind != "question" or letter not in row.labels:
            return
        self.marks ^= {letter}
        if row.kind == "question" and len(self.marks) > 1 and len(row.labels) == 2:
            self.marks = {letter}  # a true/false question takes one mark
        self.show_decision()

    def action_clear_marks(self) -> None:
        self.marks = set()
        self.show_decision()

    def action_decide(self) -> None:
        row = self.current
        if row is None or not self.allowed(Permission.REVIEW):
            return
        if row.kind == "conflict":
            self.action_compare()
        elif row.kind == "question":
            marks = "".join(sorted(self.marks))
            summary = (
                f"{who(row)} 第 {row.question} 题：读到 read {row.read_marks or '空 blank'}"
                f" → 判定 decided {marks or '空 blank'}"
            )
            dialog = ReasonDialog("记录复核 Record the decision", summary, reason=DEFAULT_REASON)
            self.app.push_screen(dialog, lambda d: self._resolve_question(row, marks, d))
        elif row.kind == "admission":
            dialog = ReasonDialog(
                "备用卡归属 Whose spare sheet is this?",
                f"页面 {row.page_id}: {row.reason}",
                reason="复核：按备用卡填写的准考证号",
                value_label="准考证号 Admission number",
            )
            self.app.push_screen(dialog, lambda d: self._resolve_admission(row, d))
        elif row.kind == "identify":
            dialog = ReasonDialog(
                "待识别页面 Identify this page",
                f"页面 {row.page_id}: {row.reason}\n"
                "输入页眉上的准考证号（几页相同时再加页码，如 202207001 2）\n"
                "Type the admission number printed in the header (and the page number "
                "when several pages look alike).",
                reason="复核：按页眉印刷的姓名和准考证号",
                value_label="准考证号 [页码] Admission number [page]",
            )
            self.app.push_screen(dialog, lambda d: self._resolve_identify(row, d))

    def action_compare(self) -> None:
        """The two scans side by side at the full width (enter on a conflict, or v)."""
        row = self.current
        if row is None or row.kind != "conflict" or not self.allowed(Permission.REVIEW):
            return
        if self.sheet_layout is None:
            return
        dialog = ConflictDialog(self.context.workspace, row, self.sheet_layout)

        def decided(keep: bool | None) -> None:
            if keep is not None:
                self.action_conflict(keep)

        self.app.push_screen(dialog, decided)

    def action_conflict(self, keep: bool) -> None:
        row = self.current
        if row is None or row.kind != "conflict" or not self.allowed(Permission.REVIEW):
            return
        verb = "采用此扫描 keep this scan" if keep else "弃用此扫描 set this scan aside"
        dialog = ReasonDialog(
            "重扫冲突 Conflicting rescan",
            f"{who(row)}: {verb}\n{row.reason}",
            reason="复核：按图像清晰度",
        )
        self.app.push_screen(dialog, lambda d: self._resolve_conflict(row, keep, d))

    def _by(self) -> str:
        return self.context.operator.name if self.context.operator else ""

    def _resolve_question(self, row: ReviewRow, marks: str, decided: Decided | None) -> None:
        if decided is None or row.question is None:
            return
        question = row.question

        def record(s: Session) -> str:
            review.resolve_question(
                row.page_id,
                question,
                marks,
                session=s,
                reason=decided.reason,
                expected_version=row.version,  # as shown: refused if decided meanwhile
            )
            return f"{who(row)} 第 {question} 题 → {marks or '空 blank'}"

        self.run_service(record, self._recorded, group="decide")

    def _resolve_conflict(self, row: ReviewRow, keep: bool, decided: Decided | None) -> None:
        if decided is None:
            return

        def record(s: Session) -> str:
            review.resolve_conflict(
                row.page_id,
                keep=keep,
                session=s,
                reason=decided.reason,
                expected_version=row.version,
            )
            return f"{who(row)}: {'采用 kept' if keep else '弃用 set aside'}"

        self.run_service(record, self._recorded, group="decide")

    def _resolve_admission(self, row: ReviewRow, decided: Decided | None) -> None:
        if decided is None:
            return

        def record(s: Session) -> str:
            review.resolve_admission(
                row.page_id,
                decided.value,
                session=s,
                reason=decided.reason,
                expected_version=row.version,
            )
            return f"page {row.page_id} → {decided.value}"

        self.run_service(record, self._recorded, group="decide")

    def _resolve_identify(self, row: ReviewRow, decided: Decided | None) -> None:
        if decided is None:
            return
        parts = decided.value.replace("/", " ").split()
        admission_no = parts[0] if parts else ""
        page_no = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None

        def record(s: Session) -> str:
            filed = review.identify_page(
                row.page_id,
                admission_no,
                page_no=page_no,
                session=s,
                reason=decided.reason,
                expected_version=row.version,
            )
            return f"page {row.page_id} → {admission_no} 第 {filed.page_no} 页"

        self.run_service(record, self._recorded, group="decide")

    def _recorded(self, what: str) -> None:
        self.notify(what, title=f"已记录 Recorded ({self._by()})")
        self.load()

    def show_page(self) -> None:
        self.load()
