"""The results workbook (XLSX: 成绩排名, 个人奖项, 团体奖项, 全国比试名单, 试题分析, 说明) and
the CSV files beside it (UTF-8 with a BOM, so Excel reads the Chinese), written from
`ResultsTables`. Every sheet has a bold, frozen header row, an autofilter on its table,
columns as wide as their headings and values, scores shown as 0.00 and whole numbers as
whole numbers, no value where there is none (an empty cell, never "None" or 0), and a
print set-up: A4, fitted to the page width, the header row repeated on every page,
landscape when the table is wide, the sheet's name on top and 第 N 页 共 M 页 below.

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
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from exam_center.io.reports.results_tables import NOT_FINAL, ResultsTables
from exam_center.io.reports.workbook_sheets import (
    AWARD_FORMATS,
    NATIONAL_FORMATS,
    TEAM_FORMATS,
    award_rows,
    item_sheet,
    national_sheet,
    notes_rows,
    rank_formats,
    rank_header,
    rank_rows,
    team_header,
    team_rows,
)
from exam_center.io.safe_text import csv_text, xlsx_text

Cell = str | int | float | None
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
WARNING = Font(bold=True, color="C00000", size=14)
AWARD_HEADER = ["奖项", "名次", "准考证号", "姓名", "设区市", "单位", "备注"]
# Columns (in Excel's units) an A4 portrait page holds at 100 %: wider tables print landscape.
PORTRAIT_WIDTH = 95


def display_width(value: Cell) -> int:
    """Columns in Excel's units: a CJK character is about two Latin ones wide."""
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _fit_columns(ws: Worksheet, header_row: int) -> None:
    """As wide as the widest value or the heading, so no heading is cut off; only a
    heading too long for any column wraps onto two lines."""
    data: dict[int, int] = {}
    for row in ws.iter_rows(min_row=header_row + 1):
        if sum(cell.value is not None for cell in row) == 1 and row[0].value is not None:
            continue  # a heading over a block below: its text may run over the next cells
        for cell in row:
            if cell.value is not None:
                col = int(cell.column)
                data[col] = max(data.get(col, 0), display_width(cell.value))
    for cell in ws[header_row]:
        col, heading = int(cell.column), display_width(cell.value)
        width = min(max(data.get(col, 0), heading) + 2, 60)
        if heading + 2 > width:
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.row_dimensions[header_row].height = 30
        ws.column_dimensions[get_column_letter(col)].width = max(width, 6)


def _print_setup(ws: Worksheet, header_row: int | None) -> None:
    """A4, fitted to the width of the page (as many pages down as it takes), the header
    row on every page, landscape when the columns would not fit upright."""
    wide = sum(d.width or 8 for d in ws.column_dimensions.values()) > PORTRAIT_WIDTH
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: as many pages as the rows need
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_options.horizontalCentered = True
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


def _append(ws: Worksheet, values: Sequence[Cell]) -> int:
    """One row; every text cell a string, never a formula; no value, no cell content.
    Returns the row's number."""
    ws.append([(xlsx_text(v) or None) if isinstance(v, str) else v for v in values])
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
        _number_formats(ws, formats, at)
    last = get_column_letter(len(header))
    ws.auto_filter.ref = f"A{header_row}:{last}{max(ws._current_row, header_row)}"
    _fit_columns(ws, header_row)
    _print_setup(ws, header_row)


def _number_formats(ws: Worksheet, formats: dict[int, str] | None, row: int) -> None:
    """The formats of a row's numbers (text and empty cells keep General)."""
    for col, fmt in (formats or {}).items():
        cell = ws.cell(row, col)
        if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
            cell.number_format = fmt


def _block(
    ws: Worksheet,
    heading: str,
    header: Sequence[str],
    rows: list[list[Cell]],
    formats: dict[int, str] | None = None,
) -> None:
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
        _number_formats(ws, formats, _append(ws, row))


def write_workbook(out: Path, tables: ResultsTables) -> Path:
    wb = Workbook()
    ranking = wb.active
    assert ranking is not None
    ranking.title = "成绩排名"
    _table(ranking, rank_header(tables), rank_rows(tables), formats=rank_formats(tables))

    awards = wb.create_sheet("个人奖项")
    _table(awards, AWARD_HEADER, award_rows(tables.awards), formats=AWARD_FORMATS)
    _block(
        awards,
        "名额边界并列，待成绩管理人员决定",
        AWARD_HEADER,
        award_rows(tables.award_ties),
        AWARD_FORMATS,
    )
    _block(
        awards,
        "往年已获同一荣誉，不重复授予",
        AWARD_HEADER,
        award_rows(tables.award_exclusions),
        AWARD_FORMATS,
    )

    teams = wb.create_sheet("团体奖项")
    _table(teams, team_header(), team_rows(tables), formats=TEAM_FORMATS)

    national = wb.create_sheet("全国比试名单")
    lines, header, rows, extra = national_sheet(tables)
    for line in lines:
        _append(national, [line])
        national.cell(national.max_row, 1).font = WARNING if line.startswith("模拟") else BOLD
    _table(national, header, rows, formats=NATIONAL_FORMATS)
    for heading, block_header, block_rows in extra:
        _block(national, heading, block_header, block_rows, AWARD_FORMATS)

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
    _print_setup(ws, 1)


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
