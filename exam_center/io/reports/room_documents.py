"""The room documents exam-centre staff print before the exam: door lists (门贴),
sign-in sheets (签到表), seat labels (座位贴), the invigilator roster (监考安排表)
and a plan of each room (考场座位图). All from the active seating plan.

Every list carries the exam time, page numbers and its title on each page; rows of one
room are never separated from their heading or from the signature lines below them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exam_center.domain.resident_id import mask_id
from exam_center.io.reports.pdf import DATE_BLANK, PagedPdf, fitted, new_pdf, sign_off, table_row
from exam_center.io.reports.room_plan import draw_room_plan
from exam_center.services.seating import RoomView, SeatingView


@dataclass(frozen=True)
class RoomDocuments:
    door_lists: Path
    sign_in: Path
    seat_labels: Path
    invigilators: Path
    room_plans: Path

    def all(self) -> list[Path]:
        return [self.door_lists, self.sign_in, self.seat_labels, self.invigilators, self.room_plans]


@dataclass(frozen=True)
class Sitting:
    """What every room document says about the exam: its title and when it is sat."""

    title: str
    when: str = ""  # 2022年7月10日 09:00—11:00 (ExamInfo.when)


def room_name(room: RoomView) -> str:
    return f"第{room.code}考场"


def admission_ranges(room: RoomView) -> str:
    """The room's admission numbers as runs of consecutive seats: an unusable or empty
    seat splits a run, so no number in the ranges belongs to a seat nobody sits in."""
    seats = sorted(room.seats, key=lambda s: s.seat)
    runs: list[list[str]] = []
    previous = None
    for s in seats:
        if previous is None or s.seat != previous + 1:
            runs.append([])
        runs[-1].append(s.admission_no)
        previous = s.seat
    return "、".join(run[0] if len(run) == 1 else f"{run[0]}—{run[-1]}" for run in runs)


def _when(sitting: Sitting) -> str:
    return f"考试时间：{sitting.when}" if sitting.when else ""


def write_room_documents(
    out: Path, exam_title: str, view: SeatingView, *, when: str = ""
) -> RoomDocuments:
    out.mkdir(parents=True, exist_ok=True)
    sitting = Sitting(exam_title, when)
    docs = RoomDocuments(
        out / "门贴.pdf",
        out / "签到表.pdf",
        out / "座位贴.pdf",
        out / "监考安排表.pdf",
        out / "考场座位图.pdf",
    )
    _door_lists(docs.door_lists, sitting, view)
    _sign_in(docs.sign_in, sitting, view)
    _seat_labels(docs.seat_labels, sitting, view)
    _invigilators(docs.invigilators, sitting, view)
    _room_plans(docs.room_plans, sitting, view)
    return docs


def _centred(pdf: PagedPdf, text: str, height: float, size: float, style: str = "") -> None:
    pdf.set_font("cjk", style, size)
    fitted(pdf, text, pdf.epw, size)
    pdf.cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


DOOR_WIDTHS = (13.0, 32.0, 30.0, 8.0, 13.0, 32.0, 30.0)


def _door_lists(path: Path, sitting: Sitting, view: SeatingView) -> None:
    pdf = PagedPdf(footer_text=f"{sitting.title} 门贴")
    pdf.set_title(f"{sitting.title} 门贴")
    for room in view.rooms:
        half = (len(room.seats) + 1) // 2
        pairs = [
            (room.seats[i], room.seats[i + half] if i + half < len(room.seats) else None)
            for i in range(half)
        ]
        first = True
        while first or pairs:
            pdf.add_page()
            _centred(pdf, sitting.title, 8, 13, "B")
            _centred(pdf, room_name(room) + ("" if first else "（续）"), 22, 40, "B")
            if sitting.when:
                _centred(pdf, _when(sitting), 10, 16, "B")
            _centred(pdf, f"{room.building}    考生 {len(room.seats)} 人", 7, 12)
            _centred(pdf, f"准考证号 {admission_ranges(room)}", 7, 12)
            pdf.ln(4)
            first = False
            pdf.set_left_margin((pdf.w - sum(DOOR_WIDTHS)) / 2)
            header = ["座号", "准考证号", "姓名", "", "座号", "准考证号", "姓名"]
            table_row(pdf, DOOR_WIDTHS, header, 7, heading=True, size=11)
            while pairs and pdf.fits(7):
                left, right = pairs.pop(0)
                cells = [f"{left.seat:02d}", left.admission_no, left.name, ""]
                cells += (
                    [f"{right.seat:02d}", right.admission_no, right.name] if right else [""] * 3
                )
                table_row(pdf, DOOR_WIDTHS, cells, 7, size=11)
            pdf.set_left_margin(12)
    pdf.output(str(path))


SIGN_IN_WIDTHS = (12.0, 30.0, 24.0, 20.0, 44.0, 56.0)
SIGN_IN_ROW = 7.0
SIGN_IN_CLOSE = 2 * 8.0 + 3  # 应到/实到/缺考 and the date; the two invigilators' signatures


def _sign_in_heading(pdf: PagedPdf, sitting: Sitting, room: RoomView, page: int) -> None:
    pdf.add_page()
    _centred(pdf, sitting.title, 8, 13, "B")
    more = f"（续，第 {page} 页）" if page > 1 else ""
    _centred(pdf, f"{room_name(room)} 考生签到表{more}", 10, 16, "B")
    _centred(pdf, f"{room.building}    {_when(sitting)}", 5.5, 10)
    _centred(pdf, f"准考证号 {admission_ranges(room)}", 5.5, 10)
    pdf.ln(1)
    header = ["座号", "准考证号", "姓名", "设区市", "身份证号", "考生签名"]
    table_row(pdf, SIGN_IN_WIDTHS, header, SIGN_IN_ROW, heading=True)


def _sign_in(path: Path, sitting: Sitting, view: SeatingView) -> None:
    pdf = PagedPdf(footer_text=f"{sitting.title} 考生签到表")
    pdf.set_title(f"{sitting.title} 考生签到表")
    for room in view.rooms:
        page = 1
        _sign_in_heading(pdf, sitting, room, page)
        seats = list(room.seats)
        for i, s in enumerate(seats):
            left = len(seats) - i
            # The last rows travel with the totals and signatures, never the block alone.
            tail = min(left, 3) * SIGN_IN_ROW + SIGN_IN_CLOSE if left <= 3 else 0
            if not pdf.fits(SIGN_IN_ROW) or (tail and not pdf.fits(tail)):
                page += 1
                _sign_in_heading(pdf, sitting, room, page)
            cells = [f"{s.seat:02d}", s.admission_no, s.name, s.team, mask_id(s.id_number), ""]
            table_row(pdf, SIGN_IN_WIDTHS, cells, SIGN_IN_ROW)
        if not pdf.fits(SIGN_IN_CLOSE):
            page += 1
            _sign_in_heading(pdf, sitting, room, page)
        pdf.ln(3)
        pdf.set_font("cjk", "", 11)
        pdf.cell(
            0,
            8,
            f"应到 {len(room.seats)} 人    实到 ______ 人    缺考 ______ 人"
            f"        日期：{DATE_BLANK}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        sign_off(pdf, ("主监考签名", "监考签名"), dated=False, height=8)
    pdf.output(str(path))


def _seat_labels(path: Path, sitting: Sitting, view: SeatingView) -> None:
    pdf = new_pdf()
    pdf.set_auto_page_break(False)
    w, h, cols, rows = 93.0, 44.0, 2, 6
    for room in view.rooms:
        for i, s in enumerate(room.seats):
            if i % (cols * rows) == 0:
                pdf.add_page()
            k = i % (cols * rows)
            x, y = 12 + (k % cols) * w, 12 + (k // cols) * h
            pdf.set_draw_color(120)
            pdf.rect(x + 1, y + 1, w - 2, h - 2)
            pdf.set_xy(x + 3, y + 3)
            pdf.set_font("cjk", "", 8)
            pdf.cell(w - 6, 5, sitting.title, align="C")
            pdf.set_xy(x + 3, y + 10)
            pdf.set_font("cjk", "B", 18)
            pdf.cell(w - 6, 10, f"{room_name(room)}  {s.seat:02d}号", align="C")
            pdf.set_xy(x + 3, y + 22)
            pdf.set_font("cjk", "", 14)
            pdf.cell(w - 6, 8, s.name, align="C")
            pdf.set_xy(x + 3, y + 31)
            pdf.set_font("cjk", "", 11)
            pdf.cell(w - 6, 7, f"准考证号 {s.admission_no}", align="C")
    pdf.output(str(path))


ROSTER_WIDTHS = (22.0, 16.0, 22.0, 20.0, 20.0, 56.0, 30.0)
ROSTER_ROW = 7.5


def _roster_heading(pdf: PagedPdf, sitting: Sitting) -> None:
    pdf.add_page()
    _centred(pdf, sitting.title, 8, 13, "B")
    _centred(pdf, "监考安排表", 10, 16, "B")
    _centred(pdf, f"{_when(sitting)}    每考场第一位为主监考".strip(), 6, 10)
    pdf.ln(2)
    header = ["考场", "职责", "工号", "姓名", "设区市", "单位", "手机"]
    table_row(pdf, ROSTER_WIDTHS, header, ROSTER_ROW, heading=True)


def _invigilators(path: Path, sitting: Sitting, view: SeatingView) -> None:
    pdf = PagedPdf(footer_text=f"{sitting.title} 监考安排表")
    pdf.set_title(f"{sitting.title} 监考安排表")
    _roster_heading(pdf, sitting)
    for room in view.rooms:
        # A room's invigilators stay on one page together.
        if not pdf.fits(max(len(room.invigilators), 1) * ROSTER_ROW):
            _roster_heading(pdf, sitting)
        if not room.invigilators:
            cells = [room_name(room), "", "", "尚未安排", "", "", ""]
            table_row(pdf, ROSTER_WIDTHS, cells, ROSTER_ROW)
        for p in room.invigilators:
            cells = [
                room_name(room),
                "主监考" if p.chief else "监考",
                p.staff_id,
                p.name,
                p.team or "—",
                p.unit,
                p.phone,
            ]
            table_row(pdf, ROSTER_WIDTHS, cells, ROSTER_ROW)
    total = sum(len(r.invigilators) for r in view.rooms)
    closing = 9.0 * 3 + 4
    if not pdf.fits(closing):
        _roster_heading(pdf, sitting)
    pdf.ln(4)
    pdf.set_font("cjk", "", 11)
    pdf.cell(0, 9, f"共 {len(view.rooms)} 个考场，监考员 {total} 人", new_x="LMARGIN", new_y="NEXT")
    sign_off(pdf, ("制表", "审核"))
    pdf.output(str(path))


def _room_plans(path: Path, sitting: Sitting, view: SeatingView) -> None:
    pdf = PagedPdf(landscape=True, footer_text=f"{sitting.title} 考场座位图")
    pdf.set_title(f"{sitting.title} 考场座位图")
    for room in view.rooms:
        pdf.add_page()
        _centred(pdf, sitting.title, 8, 13, "B")
        _centred(pdf, f"{room_name(room)} 座位图", 9, 15, "B")
        _centred(pdf, f"{room.building}    {_when(sitting)}", 6, 10)
        _centred(pdf, f"准考证号 {admission_ranges(room)}", 6, 10)
        draw_room_plan(pdf, room, top=pdf.get_y() + 4)
    pdf.output(str(path))
