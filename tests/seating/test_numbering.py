"""Room order and the admission-number format."""

from __future__ import annotations

from seating import natural_key
from seating.numbering import admission_number, room_digits, seat_digits


def test_room_codes_sort_naturally() -> None:
    codes = ["R10", "R2", "R1", "第3考场", "第12考场", "R02"]
    assert sorted(codes, key=natural_key) == ["R1", "R02", "R2", "R10", "第3考场", "第12考场"]


def test_admission_number_is_prefix_room_and_seat_digits_only() -> None:
    assert admission_number("202201", 7, 5, room_digits(12), seat_digits([30])) == "20220100705"
    assert admission_number("", 1, 1, 3, 2) == "00101"


def test_seat_part_has_three_digits_when_a_room_has_more_than_99_seats() -> None:
    assert seat_digits([30, 99]) == 2
    assert seat_digits([30, 100]) == 3
    assert room_digits(999) == 3
    assert room_digits(1000) == 4
