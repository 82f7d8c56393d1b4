"""The room documents as an office prints them, read back as PDF text page by page:
the exam time, page numbers and titles on every page, admission ranges that skip seats
nobody sits in, the plan's door, legend and 不可用 seats, and lists that keep a room's
rows together with their signature lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium

from exam_center.io.reports.room_documents import admission_ranges, write_room_documents
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
                TEAMS[number % len(TEAMS)],
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
