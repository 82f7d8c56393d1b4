"""The results workbook (XLSX: 成绩排名, 个人奖项, 团体奖项, 全国比试名单, 试题分析, 说明) and
the CSV files beside it (UTF-8 with a BOM, so Excel reads the Chinese), written from
`ResultsTables`. Every sheet has a bold, frozen header row and columns sized to fit.

No text cell is ever a formula: names come from rosters, and a name such as
``=HYPERLINK(…)`` or ``@SUM(…)`` is written as text (a string cell in the workbook, a
``'``-prefixed cell in the CSV files, as OWASP advises), its control characters escaped."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exam_center.reports.results_tables import NOT_FINAL, ResultsTables
from exam_center.reports.workbook_sheets import (
    award_rows,
    item_sheet,
    national_sheet,
    notes_rows,
    rank_header,
    rank_rows,
    team_header,
    team_rows,
)
from exam_center.safe_text import csv_text, xlsx_text

Cell = str | int | float | None
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
WARNING = Font(bold=True, color="C00000", size=14)
AWARD_HEADER = ["奖项", "名次", "准考证号", "姓名", "设区市", "单位", "备注"]


def display_width(value: Cell) -> int:
    """Columns in Excel's units: a CJK character is about two Latin ones wide."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _fit_columns(ws: Worksheet, header_row: int) -> None:
    """Wide enough for the values; a long heading wraps onto two lines instead."""
    data: dict[int, int] = {}
    for row in ws.iter_rows(min_row=header_row + 1):
        for cell in row:
            if cell.value is not None:
                col = int(cell.column)
                data[col] = max(data.get(col, 0), display_width(cell.value))
    wrapped = False
    for cell in ws[header_row]:
        col, heading = int(cell.column), display_width(cell.value)
        width = max(data.get(col, 0), min(heading, 14))
        if heading > width:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            wrapped = True
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 6), 60)
    if wrapped:
        ws.row_dimensions[header_row].height = 30


def _append(ws: Worksheet, values: Sequence[Cell]) -> int:
    """One row; every text cell a string, never a formula. Returns the row's number."""
    ws.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
    # The row append just wrote, cell by cell: `ws.max_row` and `ws[row]` scan every
    # cell of the sheet, which made writing 10,000 rows quadratic (over a minute).
    row: int = ws._current_row
    for cell in (ws.cell(row, c) for c in range(1, len(values) + 1)):
        if isinstance(cell.value, str):
            # openpyxl makes any text beginning with "=" a formula; Excel evaluates it.
            cell.data_type = "s"
            if cell.value.startswith(("=", "+", "-", "@")):
                # Shown as text in Excel's formula bar too: editing it keeps it text.
                cell.quotePrefix = True
    return row


def _table(
    ws: Worksheet,
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    formats: dict[int, str] | None = None,
) -> None:
    """Header at the next free row (frozen below it), then the rows."""
    _append(ws, list(header))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = f"A{header_row + 1}"
    for row in rows:
        at = _append(ws, list(row))
        for col, fmt in (formats or {}).items():
            ws.cell(at, col).number_format = fmt
    _fit_columns(ws, header_row)


def _block(ws: Worksheet, heading: str, header: Sequence[str], rows: list[list[Cell]]) -> None:
    """A second table further down a sheet (not frozen), under a bold heading."""
    if not rows:
        return
    _append(ws, [])
    _append(ws, [heading])
    ws.cell(ws.max_row, 1).font = BOLD
    _append(ws, list(header))
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    for row in rows:
        _append(ws, row)


def write_workbook(out: Path, tables: ResultsTables) -> Path:
    wb = Workbook()
    ranking = wb.active
    assert ranking is not None
    ranking.title = "成绩排名"
    _table(ranking, rank_header(tables), rank_rows(tables))

    awards = wb.create_sheet("个人奖项")
    _table(awards, AWARD_HEADER, award_rows(tables.awards))
    _block(awards, "名额边界并列，待成绩管理人员决定", AWARD_HEADER, award_rows(tables.award_ties))
    _block(
        awards, "往年已获同一荣誉，不重复授予", AWARD_HEADER, award_rows(tables.award_exclusions)
    )

    teams = wb.create_sheet("团体奖项")
    _table(teams, team_header(), team_rows(tables))

    national = wb.create_sheet("全国比试名单")
    lines, header, rows, extra = national_sheet(tables)
    for line in lines:
        _append(national, [line])
        national.cell(national.max_row, 1).font = WARNING if line.startswith("模拟") else BOLD
    _table(national, header, rows)
    for heading, block_header, block_rows in extra:
        _block(national, heading, block_header, block_rows)

    items = wb.create_sheet("试题分析")
    lead, header, rows, formats = item_sheet(tables)
    for cells in lead:
        _append(items, cells)
        items.cell(items.max_row, 1).font = BOLD
    _table(items, header, rows, formats=formats)

    notes = wb.create_sheet("说明")
    _notes(notes, tables)
    if not tables.info.final:
        # Open on the warning, so nobody publishes a draft by mistake.
        wb.active = wb.sheetnames.index("说明")
        notes.sheet_properties.tabColor = "C00000"
    wb.save(out)
    return out


def _notes(ws: Worksheet, tables: ResultsTables) -> None:
    info = tables.info
    _append(ws, ["项目", "内容"])
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEADER_FILL
    ws.freeze_panes = "A2"
    if not info.final:
        _append(ws, ["状态", NOT_FINAL])
        ws.cell(ws.max_row, 2).font = WARNING
        _append(ws, ["", "成绩尚未定稿，本文件仅供核对，不得公布。"])
        ws.cell(ws.max_row, 2).font = WARNING
    for label, value in notes_rows(tables):
        _append(ws, [label, value])
        if label in ("警告", "摘要核对") and "不一致" in str(value):
            ws.cell(ws.max_row, 2).font = WARNING
    for cell in ws["A"]:
        cell.font = BOLD
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100
    for row in ws.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def _csv_cell(value: Cell) -> str:
    """As Excel shows it: no cell for None, 78 rather than 78.0; text never a formula."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(value).removesuffix(".0")
    if isinstance(value, str):
        return csv_text(value)
    return str(value)


def _csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows([_csv_cell(v) for v in row] for row in rows)
    return path


def write_csv_files(
    folder: Path, stem: str, suffix: str, tables: ResultsTables
) -> tuple[Path, Path, Path]:
    """`<stem>-成绩排名<suffix>.csv`, `-个人奖项` and `-团体奖项` likewise."""
    return (
        _csv(folder / f"{stem}-成绩排名{suffix}.csv", rank_header(tables), rank_rows(tables)),
        _csv(
            folder / f"{stem}-个人奖项{suffix}.csv",
            AWARD_HEADER,
            award_rows(tables.awards + tables.award_ties),
        ),
        _csv(folder / f"{stem}-团体奖项{suffix}.csv", team_header(), team_rows(tables)),
    )
