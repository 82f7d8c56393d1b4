"""The 18-digit PRC resident identity number (GB 11643-1999): region, birth date,
sequence (odd = male) and the ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# ASCII only: str.isdigit() also takes "١٢٣" and "²", which int() reads as digits too, so
# one person could be registered under several spellings of one number.
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def id_problem(value: str, *, not_after: date | None = None) -> str | None:
    """Why `value` is not a valid resident ID, or None when it is."""
    if len(value) != 18:
        return f"must have 18 characters (has {len(value)})"
    if not _SHAPE.fullmatch(value):
        return "must be 17 digits and a final digit or X (0-9, X)"
    try:
        born = birth_date(value)
    except ValueError:
        return f"birth date {value[6:14]} is not a date"
    if born.year < 1900 or (not_after is not None and born > not_after):
        return f"birth date {born.isoformat()} is not plausible"
    expected = check_character(value[:17])
    if value[17] != expected:
        return f"check digit is {value[17]}, expected {expected} (a digit is mistyped)"
    return None


def normalise_id(value: str) -> str:
    """One spelling per ID: NFKC first (full-width "１２３" and the ideographic space
    become ASCII), then no spaces, an upper-case X."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(text.split()).upper()


def birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender_of(value: str) -> str:
    return "男" if int(value[16]) % 2 == 1 else "女"


def mask_id(value: str) -> str:
    """For printed lists: keep the region and the last four, hide the birth date."""
    return value[:6] + "********" + value[-4:] if len(value) == 18 else value
