"""A conflicting rescan judged side by side, at the whole terminal's width: the scan in
force on the left, the rescan on the right; first each page's header values (姓名,
准考证号: is it the same sheet?), then every question the two read differently, each
cut from both scans with what each read, the difference marked. k keeps the rescan,
x keeps the scan in force (the review screen then asks why and records who and when,
through `review.resolve_conflict`); escape goes back without deciding.

The crops are cut in a worker (they read the overlay files) by `load_header` and
`load_crop`, looked up in this module when called (a snapshot draws a committed picture
in their place)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from exam_center.services import conflicts
from exam_center.services.conflicts import ConflictPair, ScanSide
from exam_center.services.review import ReviewRow
from exam_center.services.workspace import Workspace
from exam_center.tui.error_text import RECOVERABLE, describe_error
from exam_center.tui.widgets.review_item import ReviewFacts, describe_differences, who
from exam_center.tui.widgets.sheet_image import Crop, SheetImage, load_crop, load_header

SHOWN_QUESTIONS = 8  # each on both scans; the list below names every one
SIDES = (("old", "现用 in force"), ("new", "重扫 rescan"))

# One side's crops: the header, then (question, crop) for each differing question.
SideCrops = tuple[Crop, list[tuple[int, Crop]]]


def side_crops(
    side: ScanSide | None,
    pair: ConflictPair,
    layout: dict[str, Any],
    width: int,
    label: str,
) -> SideCrops:
    """Cut one scan's header values and differing questions (runs in a worker)."""
    if side is None:
        gone = Crop(Text("现用扫描已不在 the scan in force was set aside", style="dim"), "")
        return gone, []
    page_label = f"{label} 扫描页 {side.page_id} · {side.read_at}"
    places = [(p.label, p.left, p.top, p.right, p.bottom) for p in side.header]
    try:
        header = load_header(side.overlay, layout, places, width=width, page_label=page_label)
        questions = [
            (
                q,
                load_crop(
                    side.overlay,
                    layout,
                    kind="question",
                    question=q,
                    width=width,
                    page_label=page_label,
                    spare=side.spare,
                ),
            )
            for q in pair.questions[:SHOWN_QUESTIONS]
        ]
    except (OSError, ValueError) as exc:
        return Crop(Text(f"图像无法读取 image unreadable: {exc}", style="red"), ""), []
    return header, questions


class ConflictDialog(ModalScreen[bool | None]):
    """Returns True to keep the rescan, False to keep the scan in force, None: undecided."""

    DEFAULT_CSS = """
    ConflictDialog { align: center middle; }
    #conflict-dialog {
        width: 100%;
        height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    #conflict-body { height: 1fr; }
    #question-rows { height: auto; }
    .conflict-row { height: auto; }
    .conflict-row SheetImage { width: 1fr; }
    .conflict-row SheetImage.differs { border: round $warning; }
    #conflict-marks { margin-top: 1; }
    """
    BINDINGS = [
        Binding("k", "keep_rescan", "采用重扫 Keep the rescan"),
        Binding("x", "keep_in_force", "保留现用 Keep the scan in force"),
        Binding("escape", "back", "返回 Back"),
    ]

    def __init__(self, workspace: Workspace, row: ReviewRow, layout: dict[str, Any]) -> None:
        super().__init__()
        self.workspace = workspace
        self.row = row
        self.sheet_layout = layout
        self.pair: ConflictPair | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="conflict-dialog"):
            yield Static(
                Content(f"重扫冲突 Conflicting rescan · {who(self.row)}"), classes="dialog-title"
            )
            yield Static(
                Content(
                    "左：现用扫描 · 右：重扫；读数不同的题两边并排，标 ≠。"
                    "按 k 采用重扫，按 x 保留现用（随后写明原因）\n"
                    "Left: the scan in force · right: the rescan; each question read "
                    "differently on both, marked ≠. k keeps the rescan, x the scan in force."
                ),
                classes="dialog-hint",
            )
            with VerticalScroll(id="conflict-body"):
                with Horizontal(classes="conflict-row", id="header-row"):
                    for key, label in SIDES:
                        image = SheetImage(id=f"{key}-header")
                        image.border_title = label
                        yield image
                yield Vertical(id="question-rows")
                yield ReviewFacts(id="conflict-marks")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        for key, _label in SIDES:
            self.query_one(f"#{key}-header", SheetImage).show(None)
        self.load(max(20, (self.app.size.width - 10) // 2 - 4))

    @work(thread=True, exclusive=True, group="conflict")
    def load(self, width: int) -> None:
        worker = get_current_worker()
        try:
            with self.workspace.session() as s:
                pair = conflicts.conflict_pair(self.row.page_id, session=s)
        except RECOVERABLE as exc:
            self.app.call_from_thread(self.notify, describe_error(exc), severity="error")
            return
        crops = [
            side_crops(side, pair, self.sheet_layout, width, label)
            for side, (_key, label) in zip((pair.in_force, pair.rescan), SIDES, strict=True)
        ]
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show, pair, crops)

    def show(self, pair: ConflictPair, crops: list[SideCrops]) -> None:
        self.pair = pair
        (old_header, old_questions), (new_header, new_questions) = crops
        self.query_one("#old-header", SheetImage).show(old_header)
        self.query_one("#new-header", SheetImage).show(new_header)
        readings = {d.question: d for d in pair.differences}
        rows = self.query_one("#question-rows", Vertical)
        rows.remove_children()
        old = dict(old_questions)
        for q, new_crop in new_questions:
            d = readings[q]
            images = []
            for key, label, crop, marks in (
                ("old", "现用 in force", old.get(q), d.in_force),
                ("new", "重扫 rescan", new_crop, d.rescan),
            ):
                image = SheetImage(id=f"{key}-q{q}", classes="differs")
                image.border_title = f"≠ 第 {q} 题 {label} 读 read {marks or '空 blank'}"
                image.show(crop or Crop(Text("—", style="dim"), ""))
                images.append(image)
            rows.mount(Horizontal(*images, classes="conflict-row"))
        self.query_one("#conflict-marks", ReviewFacts).update(describe_differences(pair))

    def action_keep_rescan(self) -> None:
        self.dismiss(True)

    def action_keep_in_force(self) -> None:
        self.dismiss(False)

    def action_back(self) -> None:
        self.dismiss(None)
