"""Room order and admission numbers (准考证号).

Rooms in a plan are ordered by code in natural order ("R2" before "R10"; codes
equal but for leading zeros fall back to plain string order). A room's ordinal
is its 1-based position in that order.

An admission number is digits only:
    admission_prefix + room ordinal (3 digits) + seat number (2 digits)
e.g. prefix "202201", room 7, seat 5 -> "20220100705". The seat part has 3
digits when any room of the plan has more than 99 seat numbers (rows x cols,
usable or not), and the room part grows past 3 digits only for plans of more
than 999 rooms, so every number of one plan has the same length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_DIGIT_RUNS = re.compile(r"([0-9]+)")


def natural_key(code: str) -> tuple[tuple[object, ...], str]:
    """Sort key: digit runs compare as numbers, the rest as text."""
    parts = _DIGIT_RUNS.split(code)
    # split() alternates text, digits, text, ... so each position has one type.
    key = tuple(int(p) if i % 2 else p for i, p in enumerate(parts))
    return key, code


def room_digits(room_count: int) -> int:
    return max(3, len(str(room_count)))


def seat_digits(seat_counts: Iterable[int]) -> int:
    return 3 if any(count > 99 for count in seat_counts) else 2


def admission_number(
    prefix: str, room_ordinal: int, seat: int, room_width: int, seat_width: int
) -> str:
    return f"{prefix}{room_ordinal:0{room_width}d}{seat:0{seat_width}d}"
