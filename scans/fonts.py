"""Finding a CJK font on the system, and measuring text with it.

`find_cjk_font()` looks, in order, at an explicit path, the `EXAM_CENTER_FONT`
environment variable and the usual Debian/Ubuntu, Fedora and macOS places for
WenQuanYi or Noto CJK; it raises `FontNotFound` (with the command that installs
one) rather than print boxes instead of Chinese. `FontMetrics` measures text in
em units so the raster and the PDF renderer place every string identically.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

__all__ = [
    "FONT_ENV_VAR",
    "FontFile",
    "FontMetrics",
    "FontNotFound",
    "find_cjk_font",
    "font_metrics",
    "pil_font",
]

FONT_ENV_VAR = "EXAM_CENTER_FONT"

# (path, index inside a .ttc collection); the first that exists wins. First a font
# installed with the software into its own environment (the offline bundle puts
# WenQuanYi Micro Hei there, for exam machines with no network to fetch one).
KNOWN_FONTS: tuple[tuple[str, int], ...] = (
    (str(Path(sys.prefix, "share", "fonts", "wqy-microhei.ttc")), 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: SC
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)

INSTALL_HINT = (
    "no CJK font found for the answer sheets; install one with "
    "`sudo apt-get install fonts-wqy-microhei` (or fonts-noto-cjk), "
    f"or point {FONT_ENV_VAR} at a .ttf/.ttc/.otf file that has Chinese glyphs"
)


class FontNotFound(Exception):
    """No usable CJK font; the message says how to install one."""

    def __init__(self, message: str = INSTALL_HINT, *, tried: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.tried = tried


@dataclass(frozen=True)
class FontFile:
    """A font file and, for a .ttc collection, which face in it."""

    path: Path
    index: int = 0


def find_cjk_font(explicit: str | os.PathLike[str] | None = None) -> FontFile:
    """The CJK font to print with: `explicit`, else $EXAM_CENTER_FONT, else a system font."""
    for source in (explicit, os.environ.get(FONT_ENV_VAR) or None):
        if source is None:
            continue
        path = Path(source)
        if not path.is_file():
            raise FontNotFound(
                f"font file {str(path)!r} does not exist; {INSTALL_HINT}", tried=(str(path),)
            )
        return FontFile(path, _default_index(path))
    for candidate, index in KNOWN_FONTS:
        if Path(candidate).is_file():
            return FontFile(Path(candidate), index)
    raise FontNotFound(tried=tuple(p for p, _ in KNOWN_FONTS))


def _default_index(path: Path) -> int:
    # Noto CJK collections order their faces JP, KR, SC, TC: pick Simplified Chinese.
    return 2 if path.suffix.lower() == ".ttc" and "notosanscjk" in path.name.lower() else 0


@dataclass(frozen=True)
class FontMetrics:
    """Text measured in em: multiply by the font size (mm) to get mm."""

    font: FontFile
    ascent_em: float
    descent_em: float

    @property
    def baseline_below_middle_em(self) -> float:
        """How far the baseline sits below the vertical middle of a line of text."""
        return (self.ascent_em - self.descent_em) / 2

    def width_em(self, text: str) -> float:
        return _width_em(self.font, text)

    def fit_size(self, text: str, size_mm: float, max_width_mm: float) -> float:
        """`size_mm`, shrunk so that `text` is at most `max_width_mm` wide."""
        width = self.width_em(text) * size_mm
        return size_mm if width <= max_width_mm else size_mm * max_width_mm / width


_MEASURE_PX = 1000


@lru_cache(maxsize=8)
def font_metrics(font: FontFile) -> FontMetrics:
    pil = _pil_font(font, _MEASURE_PX)
    ascent, descent = pil.getmetrics()
    return FontMetrics(font, ascent / _MEASURE_PX, descent / _MEASURE_PX)


@lru_cache(maxsize=64)
def _pil_font(font: FontFile, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font.path), size_px, index=font.index)


@lru_cache(maxsize=4096)
def _width_em(font: FontFile, text: str) -> float:
    return float(_pil_font(font, _MEASURE_PX).getlength(text)) / _MEASURE_PX


def pil_font(font: FontFile, size_px: int) -> ImageFont.FreeTypeFont:
    """A Pillow font of `size_px` pixels per em (cached)."""
    return _pil_font(font, max(1, size_px))
