"""Reading tabular files (CSV in UTF-8 or GB18030, XLSX) into typed records, with
every problem reported by row and column. The column specs of each kind of file
(roster, rooms, invigilators, keys, scores) live with the service that imports it."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exam_center.errors import FileFormatError, ImportRejected, RowProblem

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Column:
    key: str
    aliases: tuple[str, ...]
    required: bool = True
    parse: Callable[[Cell], Any] = lambda v: "" if v is None else str(v).strip()
    default: Any = None


@dataclass(frozen=True)
class Table:
    source: str
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number as the user sees it, cells)


def _norm(header: object) -> str:
    return "".join(str(header or "").split()).lower().replace("（", "(").replace("）", ")")


def read_table(path: Path) -> Table:
    """The header and the non-blank rows of a CSV or XLSX file."""
    if not path.exists():
        raise FileFormatError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise FileFormatError(f"{path}: unsupported file type {suffix!r} (use .csv or .xlsx)")


def _read_csv(path: Path) -> Table:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise FileFormatError(f"{path}: not UTF-8 or GB18030 text")
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise FileFormatError(f"{path}: the file is empty")
    body = [
        (i, list[Cell](r)) for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)
    ]
    return Table(str(path), [h.strip() for h in rows[0]], body)


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FileFormatError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None:
            raise FileFormatError(f"{path}: the first sheet is empty")
        body: list[tuple[int, list[Cell]]] = []
        for i, row in enumerate(it, start=2):
            if any(c is not None and str(c).strip() for c in row):
                body.append((i, [_xlsx_cell(c) for c in row]))
        return Table(str(path), [str(h or "").strip() for h in header], body)
    finally:
        wb.close()


def _xlsx_cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def map_columns(table: Table, columns: Sequence[Column]) -> dict[str, int]:
    """Which cell index holds each column; a missing required column is an error."""
    index: dict[str, int] = {}
    normalised = [_norm(h) for h in table.headers]
    problems: list[RowProblem] = []
    for col in columns:
        names = {_norm(a) for a in (col.key, *col.aliases)}
        hits = [i for i, h in enumerate(normalised) if h in names]
        if hits:
            index[col.key] = hits[0]
        elif col.required:
            problems.append(
                RowProblem(
                    1, col.aliases[0] if col.aliases else col.key, "required column is missing"
                )
            )
    if problems:
        raise ImportRejected(table.source, problems)
    return index


def parse_rows(
    table: Table, columns: Sequence[Column]
) -> Iterator[tuple[int, dict[str, Any], list[RowProblem]]]:
    """Each row as {key: parsed value}, with the row's problems (empty when clean)."""
    index = map_columns(table, columns)
    for row_no, cells in table.rows:
        record: dict[str, Any] = {}
        problems: list[RowProblem] = []
        for col in columns:
            shown = table.headers[index[col.key]] if col.key in index else col.key
            i = index.get(col.key)
            value = cells[i] if i is not None and i < len(cells) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                if col.required:
                    problems.append(RowProblem(row_no, shown, "is empty"))
                record[col.key] = col.default
                continue
            try:
                record[col.key] = col.parse(value)
            except ValueError as exc:
                problems.append(RowProblem(row_no, shown, str(exc)))
                record[col.key] = col.default
        yield row_no, record, problems


# Parsers shared by the import specs -------------------------------------------------

_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "参加", "获得"}
_FALSE = {"否", "无", "n", "no", "false", "0", "", "未参加", "未获得"}


def parse_bool(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{value!r} is not 是/否")


def parse_int(value: Cell) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip().replace(",", "")
    if not text.lstrip("-").isdigit():
        raise ValueError(f"{value!r} is not a whole number")
    return int(text)


def parse_text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_id_text(value: Cell) -> str:
    """An identifier that Excel may have turned into a number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = f"{int(value)}"
        if len(digits) > 15:
            raise ValueError(
                f"stored as a number ({digits}): Excel keeps only 15 digits; "
                "format the column as text and enter it again"
            )
        return digits
    return str(value).strip()


def parse_int_list(value: Cell) -> list[int]:
    text = str(value).replace("，", ",").replace("；", ",").replace(";", ",").replace("、", ",")
    out = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        if not part.isdigit():
            raise ValueError(f"{part!r} is not a seat number")
        out.append(int(part))
    return out
