"""The room documents as an office prints them, read back as PDF text page by page:
the exam time, page numbers and titles on every page, admission ranges that skip seats
nobody sits in, the plan's door, legend and 不可用 seats, and lists that keep a room's
rows together with their signature lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium

from exam_center.io.reports.room_documents import (
    admission_ranges,
    door_pages,
    write_room_documents,
)
from exam_center.services.seating import DutyView, RoomView, SeatingView, SeatView
from seating.geometry import position_in_grid

WHEN = "2022年7月10日 09:00—11:00"
TEAMS = ("南京", "无锡", "徐州", "常州")


def _room(
    ordinal: int,
    rows: int,
    cols: int,
    *,
    unusable: tuple[int, ...] = (),
    empty: tuple[int, ...] = (),
    invigilators: int = 2,
    teams: tuple[str, ...] = TEAMS,
) -> RoomView:
    seats = []
    for number in range(1, rows * cols + 1):
        if number in unusable or number in empty:
            continue
        row, col = position_in_grid(rows, cols, number)
        seats.append(
            SeatView(
                number,
                row,
                col,
                f"2207{ordinal:03d}{number:02d}",
                ordinal * 100 + number,
                f"考生{ordinal}{number:02d}",
                teams[number % len(teams)],
                f"32010519900101{number:04d}",
                "某市人社局",
            )
        )
    duties = tuple(
        DutyView(
            f"J{ordinal}{i}", f"监考{ordinal:02d}号{i}", "", "省人事考试中心", "13800000000", i == 0
        )
        for i in range(invigilators)
    )
    return RoomView(f"{ordinal:02d}", "南京考点", rows, cols, unusable, tuple(seats), duties)


def _view(*rooms: RoomView) -> SeatingView:
    return SeatingView(1, "f" * 16, 8, datetime(2022, 7, 1, tzinfo=UTC), "t", (), rooms)


def _pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def _overlaps(path: Path) -> list[int]:
    """For each page, how many pairs of text runs overlap (by more than 0.5 pt each way)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        counts = []
        for i in range(len(pdf)):
            text = pdf[i].get_textpage()
            rects = [text.get_rect(k) for k in range(text.count_rects())]
            counts.append(
                sum(
                    min(a[2], b[2]) - max(a[0], b[0]) > 0.5
                    and min(a[3], b[3]) - max(a[1], b[1]) > 0.5
                    for n, a in enumerate(rects)
                    for b in rects[n + 1 :]
                )
            )
        return counts
    finally:
        pdf.close()


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_admission_ranges_leave_out_unusable_and_empty_seats() -> None:
    room = _room(2, 5, 6, unusable=(9,), empty=(30,))
    assert admission_ranges(room) == "220700201—220700208、220700210—220700229"
    assert admission_ranges(_room(1, 2, 2)) == "220700101—220700104"
    assert admission_ranges(_room(1, 2, 2, empty=(2, 4))) == "220700101、220700103"


def test_every_page_says_when_and_which_page_it_is(tmp_path: Path) -> None:
    view = _view(_room(1, 5, 6), _room(2, 5, 6, unusable=(9,), empty=(30,)))
    docs = write_room_documents(tmp_path, "测试考试", view, when=WHEN)
    for path in (docs.door_lists, docs.sign_in, docs.invigilators, docs.room_plans):
        pages = _pages(path)
        for number, text in enumerate(pages, start=1):
            flat = _flat(text)
            assert f"第{number}页共{len(pages)}页" in flat, (path.name, number)
            assert "测试考试" in flat, (path.name, number)
    for path in (docs.door_lists, docs.sign_in, docs.room_plans):
        for text in _pages(path):
            assert _flat(f"考试时间：{WHEN}") in _flat(text), path.name
    door = _flat(_pages(docs.door_lists)[1])
    assert "第02考场" in door and "220700201—220700208、220700210—220700229" in door


def test_the_plan_marks_the_door_the_front_unusable_seats_and_a_legend(tmp_path: Path) -> None:
    room = _room(2, 5, 6, unusable=(9,), empty=(30,))
    docs = write_room_documents(tmp_path, "测试考试", _view(room), when=WHEN)
    (plan,) = _pages(docs.room_plans)
    flat = _flat(plan)
    for words in ("讲台", "门", "前门", "图例", "不可用1", "空座1", "黑白打印"):
        assert words in flat, words
    assert flat.count("不可用") == 2  # the crossed seat and its legend entry
    for team in TEAMS:
        count = sum(s.team == team for s in room.seats)
        assert f"{team}{count}人" in flat
    assert all(s.name in flat for s in room.seats)


def test_a_long_sign_in_sheet_continues_with_its_heading_and_ends_with_signatures(
    tmp_path: Path,
) -> None:
    big, small = _room(1, 8, 8), _room(2, 5, 6)
    docs = write_room_documents(tmp_path, "测试考试", _view(big, small), when=WHEN)
    pages = [_flat(p) for p in _pages(docs.sign_in)]
    big_pages = [p for p in pages if "第01考场" in p]
    assert len(big_pages) >= 2 and len(pages) == len(big_pages) + 1
    for number, page in enumerate(big_pages[1:], start=2):
        assert f"（续，第{number}页）" in page and "身份证号" in page
    for page in big_pages:
        # Seat rows on every page (the range heading holds two numbers); the signatures
        # only under the room's last rows, never alone on a page.
        assert len(re.findall(r"2207001\d\d", page)) >= 2 + 3
    assert not any("主监考签名" in p for p in big_pages[:-1])
    assert "考生164" in big_pages[-1] and "主监考签名" in big_pages[-1]
    assert "应到64人" in big_pages[-1] and "日期" in big_pages[-1]
    # A room of 30 fits its page with the totals and signatures.
    assert "应到30人" in pages[-1] and "主监考签名" in pages[-1] and "（续" not in pages[-1]


def test_the_roster_keeps_each_rooms_invigilators_together(tmp_path: Path) -> None:
    rooms = [_room(i, 2, 2, invigilators=3) for i in range(1, 16)]
    docs = write_room_documents(tmp_path, "测试考试", _view(*rooms), when=WHEN)
    pages = [_flat(p) for p in _pages(docs.invigilators)]
    assert len(pages) > 1
    for page in pages:
        assert "监考安排表" in page and "工号" in page  # the title and headings on every page
    for i in range(1, 16):
        holding = [p for p in pages if f"监考{i:02d}号0" in p]
        assert len(holding) == 1
        assert all(f"监考{i:02d}号{k}" in holding[0] for k in range(3)), i
    assert "共15个考场，监考员45人" in pages[-1]
    assert "制表" in pages[-1] and "审核" in pages[-1] and "日期" in pages[-1]


def test_door_pages_read_in_seat_order() -> None:
    ((left, right),) = door_pages(63, 32)
    assert (left, right) == (range(0, 32), range(32, 63))
    pages = door_pages(100, 28)
    assert [(p[0].start, p[0].stop, p[1].start, p[1].stop) for p in pages] == [
        (0, 28, 28, 56),
        (56, 78, 78, 100),
    ]
    assert door_pages(0, 28) == [(range(0, 0), range(0, 0))]


def test_a_big_room_keeps_its_door_list_on_one_page_in_seat_order(tmp_path: Path) -> None:
    """64 seats fit one door page (shorter rows); 100 run on, each page in seat order."""
    big, huge = _room(1, 8, 8, unusable=(10,)), _room(2, 10, 10)
    docs = write_room_documents(tmp_path, "测试考试", _view(big, huge), when=WHEN)
    pages = _pages(docs.door_lists)
    assert len(pages) == 3 and "第01考场" in _flat(pages[0]) and "（续）" not in pages[0]
    assert all(f"考生1{n:02d}" in pages[0] for n in range(1, 65) if n != 10)
    for page in pages[1:]:
        assert "第02考场" in _flat(page)
    assert "（续）" in pages[2] and "考试时间" in pages[2]
    # Each page: its run of seats down the left column, then the right; pages in order.
    runs = [[int(n) for n in re.findall(r"考生2(\d{2,3})", page)] for page in pages[1:]]
    for seats in runs:
        left, right = seats[0::2], seats[1::2]  # text runs row by row: left, then right
        assert left == sorted(left) and right == sorted(right) and max(left) < min(right)
    assert max(runs[0]) < min(runs[1]) and sorted(runs[0] + runs[1]) == list(range(1, 101))


def test_a_plan_of_many_rows_letters_its_seats_without_overlap(tmp_path: Path) -> None:
    long_names = ("省厅本级", "连云港", *TEAMS)
    rooms = (
        _room(1, 12, 8, unusable=(5,)),
        _room(2, 5, 6, unusable=(9,), empty=(30,)),
        _room(3, 8, 14, teams=long_names),  # 112 narrow seats, 省厅本级 in the legend
    )
    docs = write_room_documents(tmp_path, "测试考试", _view(*rooms), when=WHEN)
    assert _overlaps(docs.room_plans) == [0, 0, 0]
    flat = _flat(_pages(docs.room_plans)[0])
    assert all(s.name in flat and s.admission_no in flat for s in rooms[0].seats)
