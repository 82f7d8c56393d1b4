"""Text from outside (rosters, file names) that is safe to keep, print and export.

Three hazards, one place that knows them:
- control characters (NUL, BEL, ESC …) and bidirectional overrides, which an import
  refuses (with the row and column) and a terminal never receives raw: an ESC sequence can
  rewrite the screen, and a right-to-left override makes ``exe.txt`` read as ``txt.exe``;
- spreadsheet formulas: a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a CR is
  evaluated by Excel and LibreOffice (``=HYPERLINK(…)``, ``=cmd|…``). OWASP's advice for
  CSV: prefix such a cell with ``'``; for XLSX the cell is written as a string instead.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "BIDI_CONTROLS",
    "csv_text",
    "describe_character",
    "for_terminal",
    "formula_like",
    "unsafe_characters",
    "xlsx_text",
]

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
"""Arabic letter mark, LRM/RLM, the embeddings and overrides (LRE … RLO) and isolates."""

# Kept: a tab or a line break inside a cell (Alt+Enter in Excel) is text, not a command.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BS", "\x1b": "ESC", "\x7f": "DEL"}


def _unsafe(ch: str) -> bool:
    if ch in BIDI_CONTROLS:
        return True
    return unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS


def unsafe_characters(text: str) -> list[tuple[int, str]]:
    """(position from 1, character) of every control or bidi-override character."""
    return [(i, ch) for i, ch in enumerate(text, start=1) if _unsafe(ch)]


def describe_character(ch: str) -> str:
    """``U+001B (ESC)``, ``U+202E (RIGHT-TO-LEFT OVERRIDE)``."""
    name = _NAMES.get(ch) or unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def _escaped(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_UNSAFE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + "".join(sorted(BIDI_CONTROLS)) + "]"
)


def for_terminal(text: object) -> str:
    """The text with every control or bidi character shown as an escape (``\\x1b``)."""
    shown = str(text)
    return _UNSAFE_RE.sub(lambda m: _escaped(m.group()), shown)


def formula_like(text: str) -> bool:
    """Would a spreadsheet take this cell as a formula (or a DDE command)?"""
    return text.startswith(_FORMULA_START)


def csv_text(text: str) -> str:
    """A CSV cell no spreadsheet evaluates: ``'`` before a formula-like start (OWASP),
    control characters escaped."""
    text = for_terminal(text)
    return "'" + text if formula_like(text) else text


def xlsx_text(text: str) -> str:
    """A cell openpyxl can write: the control characters XML 1.0 forbids, escaped
    (openpyxl raises IllegalCharacterError on them; an ESC in a name used to stop the
    export). The caller writes it with the string data type, so ``=`` is not a formula."""
    return for_terminal(text)
