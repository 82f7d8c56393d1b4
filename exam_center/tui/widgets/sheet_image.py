"""The evidence for a review decision: the part of the scanned page that holds the
question, cut from the reader's overlay image and drawn with half blocks (▀, the top
pixel as the foreground colour, the bottom one as the background), which any colour
terminal shows. textual-image would draw it sharper; it is not a dependency.

The overlay is the page upright at `ReadParams.overlay_px_per_mm` under a white band
(status line and legend); the layout (`services.sheets.layout_json`) gives each bubble's
centre and size in mm from the page's top-left corner. The review row does not say
whether the page is a candidate's sheet or a spare (their layouts differ), so both
are tried and the one whose place is framed in the reader's red wins: the reader frames
every flagged question in red.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from scans import ReadParams

# Around a question's bubbles: its printed number sits to the left.
MARGIN_MM = (9.0, 2.5, 2.0, 2.5)  # left, top, right, bottom
HEADER_MM = 62.0  # the top of a page: title, name, admission number, room, seat


@dataclass(frozen=True)
class Box:
    """A region of the page in mm from its top-left corner."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left


@dataclass(frozen=True)
class Crop:
    """What the widget draws: the picture as text and a line saying what it is."""

    picture: Text
    caption: str
    labels: Text | None = None


def _pages(layout: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The candidate sheet's pages, then the spare sheet's."""
    sheets = [layout, layout.get("spare") or {}]
    return [p.get("questions", []) for sheet in sheets for p in sheet.get("pages", [])]


def question_boxes(layout: dict[str, Any], question: int) -> list[tuple[Box, list[dict[str, Any]]]]:
    """Every place `question` may be printed (one per layout), with its bubbles."""
    found = []
    for questions in _pages(layout):
        for q in questions:
            if q["number"] == question:
                bubbles = q["options"]
                box = Box(
                    min(b["x_mm"] - b["w_mm"] / 2 for b in bubbles) - MARGIN_MM[0],
                    min(b["y_mm"] - b["h_mm"] / 2 for b in bubbles) - MARGIN_MM[1],
                    max(b["x_mm"] + b["w_mm"] / 2 for b in bubbles) + MARGIN_MM[2],
                    max(b["y_mm"] + b["h_mm"] / 2 for b in bubbles) + MARGIN_MM[3],
                )
                found.append((box, bubbles))
    return found


def admission_box(layout: dict[str, Any]) -> Box | None:
    """The spare sheet's admission-number grid, with the boxes written above it."""
    for page in (layout.get("spare") or {}).get("pages", []):
        grid = page.get("admission_grid")
        if grid:
            bubbles = [b for column in grid["bubbles"] for b in column]
            return Box(
                min(b["x_mm"] - b["w_mm"] for b in bubbles) - 2,
                min(b["y_mm"] for b in bubbles) - 14,
                max(b["x_mm"] + b["w_mm"] for b in bubbles) + 2,
                max(b["y_mm"] + b["h_mm"] for b in bubbles) + 2,
            )
    return None


class PagePicture:
    """An overlay image in page millimetres."""

    def __init__(self, image: Image.Image, page_mm: tuple[float, float]) -> None:
        self.image = image.convert("RGB")
        self.scale = ReadParams().overlay_px_per_mm
        # The band above the page is whatever the image has beyond the page's height.
        self.band = max(0, self.image.height - round(page_mm[1] * self.scale))

    def pixels(self, box: Box) -> tuple[int, int, int, int]:
        s = self.scale
        left, right = max(0, round(box.left * s)), min(self.image.width, round(box.right * s))
        top = max(0, round(box.top * s) + self.band)
        bottom = min(self.image.height, round(box.bottom * s) + self.band)
        return left, top, max(right, left + 1), max(bottom, top + 1)

    def redness(self, box: Box) -> int:
        """Pixels of the reader's red (flagged) and orange (unclear) in the box."""
        r, g, b = (
            np.asarray(band, dtype=np.int16) for band in self.image.crop(self.pixels(box)).split()
        )
        return int(((r > 180) & (g < 170) & (b < 90)).sum())

    def cut(self, box: Box, width: int, max_rows: int) -> Image.Image:
        """The box scaled to `width` cells (or fewer, to stay within `max_rows`)."""
        region = self.image.crop(self.pixels(box))
        w = max(1, min(width, round(region.width * 2 * max_rows / max(region.height, 1))))
        h = max(2, round(region.height * w / region.width))
        return region.resize((w, h + h % 2), Image.Resampling.BOX)


def _rgb(pixel: Any) -> str:
    r, g, b = pixel
    return f"#{r:02x}{g:02x}{b:02x}"


def half_blocks(image: Image.Image) -> Text:
    """Two pixel rows per line of text: ▀ in the top pixel's colour on the bottom's."""
    rgb = image.convert("RGB")
    width, height = rgb.size
    px = rgb.load()
    assert px is not None
    out = Text(no_wrap=True, overflow="crop")
    for y in range(0, height - 1, 2):
        if y:
            out.append("\n")
        for x in range(width):
            top, bottom = _rgb(px[x, y]), _rgb(px[x, y + 1])
            out.append("▀", Style(color=top, bgcolor=bottom))
    return out


def bubble_labels(bubbles: list[dict[str, Any]], box: Box, width: int) -> Text:
    """Each option's letter under the middle of its bubble."""
    cells = [" "] * width
    for b in bubbles:
        at = round((b["x_mm"] - box.left) / box.width * width)
        if 0 <= at < width:
            cells[at] = b["label"]
    return Text("".join(cells), style="bold")


def load_crop(
    overlay: str,
    layout: dict[str, Any],
    *,
    kind: str,
    question: int | None,
    width: int,
    max_rows: int = 12,
    page_label: str = "",
    spare: bool | None = None,
) -> Crop:
    """Cut and draw the evidence of one review item (runs in a worker: it reads a file).

    ``page_label`` names the scanned page in the caption (the screen passes its record
    number: the overlay's file name says nothing to a person). ``spare``: whether the page
    is a spare sheet's, which says which layout's place to cut; without it, the place the
    overlay drew reddest (the two layouts' rows sit only 1.25 mm apart, so it can err)."""
    if not overlay or not Path(overlay).exists():
        return Crop(Text("（无图像 no overlay image for this page）", style="dim"), "")
    width_mm, height_mm = layout.get("page_size_mm", (210, 297))
    with Image.open(overlay) as image:
        page = PagePicture(image, (float(width_mm), float(height_mm)))
    if kind == "question" and question is not None:
        places = question_boxes(layout, question)
        if places:
            if spare is not None and len(places) == 2:
                box, bubbles = places[1 if spare else 0]
            else:
                box, bubbles = max(places, key=lambda place: page.redness(place[0]))
            picture = page.cut(box, width, max_rows)
            return Crop(
                half_blocks(picture),
                f"第 {question} 题 question {question} · {page_label}",
                bubble_labels(bubbles, box, picture.width),
            )
    if kind == "admission":
        grid = admission_box(layout)
        if grid is not None:
            picture = page.cut(grid, width, max_rows * 2)
            return Crop(half_blocks(picture), f"准考证号填涂区 admission grid · {page_label}")
    header = Box(0, 0, float(width_mm), HEADER_MM)
    return Crop(
        half_blocks(page.cut(header, width, max_rows)),
        f"页眉 page header · {page_label}",
    )


HEADER_VALUES = 2  # 姓名 and 准考证号 (or a spare's handwritten name and room)
VALUE_TRIM_MM = 1.0  # above and below the printed value, inside its box


def load_header(
    overlay: str,
    layout: dict[str, Any],
    places: Sequence[tuple[str, float, float, float, float]],
    *,
    width: int,
    max_rows: int = 8,
    page_label: str = "",
) -> Crop:
    """The header's values as printed on the scan (name, admission number), each cut
    from its own box and drawn as wide as `width` allows, one under the other: the
    whole header at a terminal's width is too small to read; one value is not.
    ``places``: (label, left, top, right, bottom) in mm (`services.conflicts`)."""
    if not overlay or not Path(overlay).exists():
        return Crop(Text("（无图像 no overlay image for this page）", style="dim"), "")
    width_mm, height_mm = layout.get("page_size_mm", (210, 297))
    with Image.open(overlay) as image:
        page = PagePicture(image, (float(width_mm), float(height_mm)))
    out = Text(no_wrap=True, overflow="crop")
    for label, left, top, right, bottom in list(places)[:HEADER_VALUES]:
        box = Box(left, top + VALUE_TRIM_MM, right, bottom - VALUE_TRIM_MM)
        if out:
            out.append("\n")
        out.append(f"{label}\n", style="bold")
        out.append_text(half_blocks(page.cut(box, width, max_rows)))
    return Crop(out, f"页眉 page header · {page_label}")


class SheetImage(Static):
    DEFAULT_CSS = """
    SheetImage {
        border: round $surface-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        height: auto;
        min-height: 4;
        width: 1fr;
    }
    """

    def on_mount(self) -> None:
        if not self.border_title:
            self.border_title = "答题卡图像 The sheet"

    def show(self, crop: Crop | None) -> None:
        if crop is None:
            self.border_subtitle = ""
            self.update(Text("正在读取图像… loading the image", style="dim"))
            return
        self.border_subtitle = crop.caption
        picture = crop.picture.copy()
        if crop.labels is not None:
            picture.append("\n")
            picture.append_text(crop.labels)
        self.update(picture)
