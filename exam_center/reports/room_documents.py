"""The room documents exam-centre staff print before the exam: door lists (门贴),
sign-in sheets (签到表), seat labels (座位贴), the invigilator roster (监考安排表)
and a plan of each room (考场座位图). All from the active seating plan."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from exam_center.reports.pdf import HEADING, new_pdf, title
from exam_center.resident_id import mask_id
from exam_center.services.seating import RoomView, SeatingView

TEAM_SHADES = [(255, 255, 255), (232, 232, 232), (208, 208, 208), (244, 244, 244)]


@dataclass(frozen=True)
class RoomDocuments:
    door_lists: Path
    sign_in: Path
    seat_labels: Path
    invigilators: Path
    room_plans: Path

    def all(self) -> list[Path]:
        return [self.door_lists, self.sign_in, self.seat_labels, self.invigilators, self.room_plans]


def _room_name(room: RoomView) -> str:
    return f"第{room.code}考场"


def _range(room: RoomView) -> str:
    if not room.seats:
        return ""
    nos = sorted(s.admission_no for s in room.seats)
    return f"准考证号 {nos[0]} – {nos[-1]}"


def write_room_documents(out: Path, exam_title: str, view: SeatingView) -> RoomDocuments:
    out.mkdir(parents=True, exist_ok=True)
    docs = RoomDocuments(
        out / "门贴.pdf",
        out / "签到表.pdf",
        out / "座位贴.pdf",
        out / "监考安排表.pdf",
        out / "考场座位图.pdf",
    )
    _door_lists(docs.door_lists, exam_title, view)
    _sign_in(docs.sign_in, exam_title, view)
    _seat_labels(docs.seat_labels, exam_title, view)
    _invigilators(docs.invigilators, exam_title, view)
    _room_plans(docs.room_plans, exam_title, view)
    return docs


def _door_lists(path: Path, exam_title: str, view: SeatingView) -> None:
    pdf = new_pdf()
    for room in view.rooms:
        pdf.add_page()
        title(pdf, exam_title, size=13)
        pdf.set_font("cjk", "B", 40)
        pdf.cell(0, 22, _room_name(room), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("cjk", "", 12)
        pdf.cell(
            0,
            7,
            f"{room.building}    {len(room.seats)} 人    {_range(room)}",
            align="C",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(4)
        pdf.set_font("cjk", "", 10)
        half = (len(room.seats) + 1) // 2
        with pdf.table(
            col_widths=(12, 30, 25, 4, 12, 30, 25), headings_style=HEADING, line_height=6.2
        ) as table:
            table.row(["座号", "准考证号", "姓名", "", "座号", "准考证号", "姓名"])
            for i in range(half):
                left = room.seats[i]
                right = room.seats[i + half] if i + half < len(room.seats) else None
                cells = [str(left.seat), left.admission_no, left.name, ""]
                cells += (
                    [str(right.seat), right.admission_no, right.name] if right else ["", "", ""]
                )
                table.row(cells)
    pdf.output(str(path))


def _sign_in(path: Path, exam_title: str, view: SeatingView) -> None:
    pdf = new_pdf()
    for room in view.rooms:
        pdf.add_page()
        title(pdf, f"{exam_title}", f"{_room_name(room)} 考生签到表    {room.building}", size=13)
        pdf.set_font("cjk", "", 10)
        with pdf.table(
            col_widths=(12, 30, 22, 20, 42, 40), headings_style=HEADING, line_height=7.5
        ) as table:
            table.row(["座号", "准考证号", "姓名", "设区市", "身份证号", "考生签名"])
            for s in room.seats:
                table.row([str(s.seat), s.admission_no, s.name, s.team, mask_id(s.id_number), ""])
        pdf.ln(4)
        pdf.cell(
            0,
            7,
            f"应到 {len(room.seats)} 人    实到 ____ 人    缺考 ____ 人",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.cell(0, 7, "监考员签名：____________________    ____________________")
    pdf.output(str(path))


def _seat_labels(path: Path, exam_title: str, view: SeatingView) -> None:
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
            pdf.cell(w - 6, 5, exam_title, align="C")
            pdf.set_xy(x + 3, y + 10)
            pdf.set_font("cjk", "B", 18)
            pdf.cell(w - 6, 10, f"{_room_name(room)}  {s.seat:02d}号", align="C")
            pdf.set_xy(x + 3, y + 22)
            pdf.set_font("cjk", "", 14)
            pdf.cell(w - 6, 8, s.name, align="C")
            pdf.set_xy(x + 3, y + 31)
            pdf.set_font("cjk", "", 11)
            pdf.cell(w - 6, 7, f"准考证号 {s.admission_no}", align="C")
    pdf.output(str(path))


def _invigilators(path: Path, exam_title: str, view: SeatingView) -> None:
    pdf = new_pdf()
    pdf.add_page()
    title(pdf, exam_title, "监考安排表（每考场第一位为主监考）", size=13)
    pdf.set_font("cjk", "", 10)
    with pdf.table(col_widths=(22, 14, 22, 22, 20, 52, 30), headings_style=HEADING) as table:
        table.row(["考场", "职责", "工号", "姓名", "设区市", "单位", "手机"])
        for room in view.rooms:
            for p in room.invigilators:
                table.row(
                    [
                        _room_name(room),
                        "主监考" if p.chief else "监考",
                        p.staff_id,
                        p.name,
                        p.team or "—",
                        p.unit,
                        p.phone,
                    ]
                )
    pdf.output(str(path))


def _room_plans(path: Path, exam_title: str, view: SeatingView) -> None:
    pdf = new_pdf(landscape=True)
    pdf.set_auto_page_break(False)
    for room in view.rooms:
        pdf.add_page()
        title(
            pdf, exam_title, f"{_room_name(room)} 座位图    {room.building}    {_range(room)}", 13
        )
        _draw_room(pdf, room)
    pdf.output(str(path))


def _draw_room(pdf: FPDF, room: RoomView) -> None:
    """Row 1 (the front, 讲台) at the top; column 1 (the door side) on the left."""
    left, top, width, height = 24.0, 44.0, 250.0, 140.0
    cw, ch = width / room.cols, min(height / room.rows, 30.0)
    pdf.set_font("cjk", "B", 12)
    pdf.set_xy(left, top - 12)
    pdf.cell(width, 8, "讲  台（前）", border=1, align="C")
    pdf.set_xy(4, top + ch * room.rows / 2 - 8)
    pdf.multi_cell(14, 6, "门\n↓", align="C")
    teams = sorted({s.team for s in room.seats})
    shade = {t: TEAM_SHADES[i % len(TEAM_SHADES)] for i, t in enumerate(teams)}
    by_pos = {(s.row, s.col): s for s in room.seats}
    for r in range(1, room.rows + 1):
        for c in range(1, room.cols + 1):
            x, y = left + (c - 1) * cw, top + (r - 1) * ch
            s = by_pos.get((r, c))
            pdf.set_fill_color(*(shade[s.team] if s else (255, 255, 255)))
            pdf.set_draw_color(60)
            pdf.rect(x + 1, y + 1, cw - 2, ch - 2, style="DF")
            pdf.set_xy(x + 2, y + 2)
            pdf.set_font("cjk", "", 8)
            if s is None:
                pdf.cell(cw - 4, 5, "空", align="L")
                continue
            pdf.cell(cw - 4, 5, f"{s.seat:02d}  {s.team}", align="L")
            pdf.set_xy(x + 2, y + 8)
            pdf.set_font("cjk", "B", 11)
            pdf.cell(cw - 4, 7, s.name, align="C")
            pdf.set_xy(x + 2, y + 16)
            pdf.set_font("cjk", "", 8)
            pdf.cell(cw - 4, 5, s.admission_no, align="C")
