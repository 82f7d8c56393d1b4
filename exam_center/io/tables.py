"""Reading tabular files (CSV in UTF-8 or GB18030, XLSX) into typed records, with
every problem reported by row and column. The column specs of each kind of file
(roster, rooms, invigilators, keys, scores) live with the service that imports it.

Hostile or broken files are errors, never tracebacks: whatever a parser raises becomes a
:class:`FileFormatError` naming the file and the row; a cell holding a control character
(NUL, BEL, ESC …) or a bidi override is a problem of its row and column; a number that is
not finite (``inf``, ``nan``) is not a value; identifiers are NFKC-normalised (full-width
digits are digits)."""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exam_center.domain.errors import FileFormatError, ImportRejected, RowProblem
from exam_center.io.safe_text import describe_character, unsafe_characters

CSV_FIELD_LIMIT = 1_000_000
"""Characters in one CSV cell (Python's default is 131,072). No roster cell is near it;
a longer one is a broken file (an unclosed quote swallowing the rest), said as such."""

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
        raise FileFormatError(f"{path}：文件不存在 (no such file)")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise FileFormatError(
        f"{path}：不支持的文件类型 {suffix!r}，请用 .csv 或 .xlsx (unsupported file type)"
    )


def _read_csv(path: Path) -> Table:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise FileFormatError(f"{path}：不是 UTF-8 或 GB18030 文本 (not UTF-8 or GB18030 text)")
    reader = csv.reader(io.StringIO(text))
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        rows = list(reader)
    except csv.Error as exc:
        row = reader.line_num
        if "field larger than field limit" in str(exc):
            raise FileFormatError(
                f"{path}: row {row}: a cell longer than {CSV_FIELD_LIMIT:,} characters "
                "(the limit); is a quote left open?"
            ) from exc
        raise FileFormatError(f"{path}: row {row}: not readable as CSV ({exc})") from exc
    finally:
        csv.field_size_limit(previous)
    if not rows:
        raise FileFormatError(f"{path}：文件为空 (the file is empty)")
    body = [
        (i, list[Cell](r)) for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)
    ]
    return Table(str(path), [h.strip() for h in rows[0]], body)


def _read_xlsx(path: Path) -> Table:
    """The first sheet; python-calamine (Rust) when installed, else openpyxl.

    calamine reads a 100,000-row roster in a few seconds where openpyxl's read-only mode
    takes minutes on a busy machine (benchmarks/bench_import.py prints both)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency; openpyxl reads the same cells
        return _read_xlsx_openpyxl(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own errors, zip and XML ones alike
        raise FileFormatError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    try:
        if not wb.sheet_names:
            raise FileFormatError(f"{path}: the workbook has no sheet")
        # From A1, as a person numbers rows and columns, not from the first filled cell.
        grid = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except FileFormatError:
        raise
    except Exception as exc:
        raise FileFormatError(
            f"{path}: not readable as XLSX ({type(exc).__name__}: {exc})"
        ) from exc
    finally:
        wb.close()
    if not grid:
        raise FileFormatError(f"{path}: the first sheet is empty")
    header, *rest = grid
    body: list[tuple[int, list[Cell]]] = []
    for row_no, row in enumerate(rest, start=2):
        cells = [_calamine_cell(c) for c in row]
        if any(c is not None and str(c).strip() for c in cells):
            body.append((row_no, cells))
    return Table(str(path), [str(h or "").strip() for h in header], body)


def _calamine_cell(value: object) -> Cell:
    # calamine gives "" for an empty cell and a float for every number; openpyxl gave None
    # and an int for 7, which the parsers (and the messages) expect.
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return _xlsx_cell(value)


def _read_xlsx_openpyxl(path: Path) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise FileFormatError(f"{path}: not a readable XLSX workbook ({exc})") from exc
    row_no = 1
    try:
        if not wb.worksheets:
            raise FileFormatError(f"{path}: the workbook has no sheet")
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None:
            raise FileFormatError(f"{path}: the first sheet is empty")
        body: list[tuple[int, list[Cell]]] = []
        for row_no, row in enumerate(it, start=2):
            if any(c is not None and str(c).strip() for c in row):
                body.append((row_no, [_xlsx_cell(c) for c in row]))
        return Table(str(path), [str(h or "").strip() for h in header], body)
    except FileFormatError:
        raise
    except Exception as exc:  # openpyxl raises what it likes on a damaged sheet
        raise FileFormatError(
            f"{path}: row {row_no}: not readable as XLSX ({type(exc).__name__}: {exc})"
        ) from exc
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
            problem = _cell_problem(value)
            if problem is None:
                try:
                    record[col.key] = col.parse(value)
                    continue
                except (ValueError, ArithmeticError, TypeError) as exc:
                    problem = str(exc) or type(exc).__name__
            problems.append(RowProblem(row_no, shown, problem))
            record[col.key] = col.default
        yield row_no, record, problems


def _cell_problem(value: Cell) -> str | None:
    """What makes a cell unusable whatever its column expects."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a number"
    if isinstance(value, str):
        bad = unsafe_characters(value)
        if bad:
            position, ch = bad[0]
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            return (
                f"contains the control character {describe_character(ch)} at position "
                f"{position}{more}"
            )
    return None


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
    """An identifier that Excel may have turned into a number; full-width digits and
    letters (an IME's "１２３") become ASCII (NFKC), so one person is one ID."""
    if isinstance(value, float) and not value.is_integer():
        raise ValueError(f"{value!r} is not an identifier (a fraction)")
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = f"{int(value)}"
        if len(digits) > 15:
            raise ValueError(
                f"stored as a number ({digits}): Excel keeps only 15 digits; "
                "format the column as text and enter it again"
            )
        return digits
    return unicodedata.normalize("NFKC", str(value)).strip()


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
