"""Safe imports (issue 16, item 4), through the real roster import on a real database:
one spelling per resident ID, control and bidi characters refused with row and column,
every parser failure a file-format error naming the file and row, and a hypothesis fuzz
of rosters in which no file gives a traceback and none is half imported."""

from __future__ import annotations

import csv
import random
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlmodel import delete, func, select

from exam_center.db.models import Candidate
from exam_center.demo.synth import ROSTER_HEADERS, roster_rows
from exam_center.domain.errors import ExamCenterError, FileFormatError, ImportRejected
from exam_center.io.safe_text import unsafe_characters
from exam_center.io.tables import CSV_FIELD_LIMIT
from exam_center.services import registration
from exam_center.services.workspace import Workspace

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def _rows(n: int = 5, seed: int = 1) -> list[list[object]]:
    rows = roster_rows(max(n, 1), random.Random(seed))[:n]
    for r in rows:  # plain, eligible rows; each test adds its trouble
        r[7], r[10], r[6], r[13], r[14] = 1500, "否", 2, "否", ""
    return rows


def _csv(path: Path, rows: list[list[object]], headers: list[str] = ROSTER_HEADERS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(headers)
        w.writerows(rows)
    return path


def _xlsx(path: Path, rows: list[list[object]], headers: list[str] = ROSTER_HEADERS) -> Path:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    for values in [headers, *rows]:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text as typed, never a formula
    wb.save(path)
    return path


def _import(ws: Workspace, path: Path) -> registration.ImportReport:
    with ws.session() as s:
        return registration.import_candidates(path, session=s)


def _count(ws: Workspace) -> int:
    with ws.session() as s:
        return int(s.exec(select(func.count()).select_from(Candidate)).one())


def _rejected(ws: Workspace, path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        _import(ws, path)
    assert _count(ws) == 0
    return [str(p) for p in caught.value.problems]


def test_a_full_width_id_is_the_same_person(exam_workspace: Workspace, tmp_path: Path) -> None:
    rows = _rows(3)
    rows[2][1] = str(rows[0][1]).translate(FULL_WIDTH)
    problems = _rejected(exam_workspace, _csv(tmp_path / "r.csv", rows))
    assert problems == [f"row 4, column 身份证号: {rows[0][1]} repeats row 2"]
    # Alone, it is registered in ASCII, and the ASCII spelling later is "already registered".
    _import(exam_workspace, _csv(tmp_path / "fw.csv", [rows[2]]))
    with exam_workspace.session() as s:
        assert s.exec(select(Candidate.id_number)).all() == [rows[0][1]]
    with pytest.raises(ImportRejected, match="already registered"):
        _import(exam_workspace, _csv(tmp_path / "ascii.csv", [rows[0]]))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("张\x00三", "U+0000 (NUL) at position 2"),
        ("李\x1b[2J四", "U+001B (ESC) at position 2"),
        ("王五\x07", "U+0007 (BEL) at position 3"),
        ("\u202e赵六", "U+202E (RIGHT-TO-LEFT OVERRIDE) at position 1"),
    ],
)
def test_control_and_bidi_characters_are_refused_with_row_and_column(
    exam_workspace: Workspace, tmp_path: Path, text: str, shown: str
) -> None:
    rows = _rows(3)
    rows[1][0] = text
    rows[2][3] = "单位" + text
    problems = _rejected(exam_workspace, _csv(tmp_path / "r.csv", rows))
    assert problems[0] == f"row 3, column 姓名: contains the control character {shown}"
    assert problems[1].startswith("row 4, column 单位: contains the control character")


def test_inf_and_nan_cells_are_problems_not_tracebacks(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    rows = _rows(3)
    rows[0][6], rows[1][7], rows[2][1] = 777001, 777002, 777003
    good = _xlsx(tmp_path / "r.xlsx", rows)
    # openpyxl will not write a non-finite number; other writers do: <v>inf</v>.
    path = _rewrite_sheet(
        good,
        tmp_path / "inf.xlsx",
        {b"<v>777001</v>": b"<v>inf</v>", b"<v>777002</v>": b"<v>nan</v>"}
        | {b"<v>777003</v>": b"<v>-inf</v>"},
    )
    problems = _rejected(exam_workspace, path)
    assert problems == [
        "row 2, column 日日学之星次数: inf is not a number",
        "row 3, column 周周练积分: nan is not a number",
        "row 4, column 身份证号: -inf is not a number",
    ]


def _rewrite_sheet(src: Path, dst: Path, replace: dict[bytes, bytes]) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                for old, new in replace.items():
                    assert old in data, old
                    data = data.replace(old, new)
            zout.writestr(item, data)
    return dst


def test_a_long_csv_cell_is_read_and_an_endless_one_is_named(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    rows = _rows(2)
    rows[0][3] = "长" * 200_000  # over Python's default field limit of 131,072
    assert _import(exam_workspace, _csv(tmp_path / "long.csv", rows)).imported == 2
    path = _csv(tmp_path / "open.csv", _rows(2, seed=5))
    path.write_text(path.read_text() + '"' + "x" * (CSV_FIELD_LIMIT + 1), encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"open\.csv: row 4: a cell longer than 1,000,000"):
        _import(exam_workspace, path)
    assert _count(exam_workspace) == 2


@pytest.mark.postgres
def test_a_phone_longer_than_its_column_is_a_problem(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    rows = _rows(2)
    rows[1][5] = "1" * 21  # on PostgreSQL the insert itself failed, a traceback
    problems = _rejected(exam_workspace, _csv(tmp_path / "r.csv", rows))
    assert problems == ["row 3, column 手机: longer than 20 characters"]


def test_a_damaged_workbook_names_the_file(exam_workspace: Workspace, tmp_path: Path) -> None:
    good = _xlsx(tmp_path / "good.xlsx", _rows(3))
    broken = _rewrite_sheet(good, tmp_path / "broken.xlsx", {b"</sheetData>": b"<row r="})
    with pytest.raises(FileFormatError, match=r"broken\.xlsx"):
        _import(exam_workspace, broken)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[:-200])
    with pytest.raises(FileFormatError, match=r"truncated\.xlsx"):
        _import(exam_workspace, truncated)
    assert _count(exam_workspace) == 0


# --- the fuzz -------------------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://x")',
    "\x00",
    "\x1b[31m",
    "\u202e",
    "inf",
    "nan",
    "1e309",
    "９" * 18,
    "\ufeff",
    '"',
    "\r\n",
    "9" * 5000,
    "是",
    "否",
    "江苏省技术能手2020；；",
    "长" * 140_000,  # past Python's default CSV field limit
]
cell_values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(HOSTILE),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.none(),
)


@st.composite
def rosters(
    draw: st.DrawFn,
) -> tuple[str, list[str], list[list[object]], tuple[int, bytes] | None]:
    n = draw(st.integers(min_value=0, max_value=6))
    rows = _rows(n, seed=draw(st.integers(0, 3)))
    for _ in range(draw(st.integers(0, 6))):
        if rows:
            r = draw(st.integers(0, len(rows) - 1))
            c = draw(st.integers(0, len(ROSTER_HEADERS) + 1))
            value = draw(cell_values)
            if c < len(rows[r]):
                rows[r][c] = value
            else:
                rows[r].append(value)  # a ragged row
    headers = list(ROSTER_HEADERS)
    if draw(st.integers(0, 9)) == 0:
        headers[draw(st.integers(0, len(headers) - 1))] = draw(st.text(max_size=8))
    kind = draw(st.sampled_from(["csv", "xlsx"]))
    # Bytes to splice in somewhere (a percentage into the file), or the file left intact.
    splice = draw(st.one_of(st.none(), st.tuples(st.integers(0, 99), st.binary(max_size=8))))
    return kind, headers, rows, splice


@pytest.mark.postgres
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(roster=rosters())
def test_fuzzed_rosters_never_traceback_nor_half_import(
    exam_workspace: Workspace,
    tmp_path: Path,
    roster: tuple[str, list[str], list[list[object]], tuple[int, bytes] | None],
) -> None:
    kind, headers, rows, splice = roster
    path = tmp_path / f"fuzz.{kind}"
    if kind == "csv":
        _csv(path, rows, headers)
    else:
        # Characters XML cannot hold never reach an .xlsx: openpyxl refuses to write them.
        def clean(v: object) -> object:
            return ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v

        _xlsx(path, [[clean(v) for v in r] for r in rows], [str(clean(h)) for h in headers])
    if splice is not None:  # damage the file: a few bytes written over it somewhere
        data = path.read_bytes()
        at = len(data) * splice[0] // 100
        path.write_bytes(data[:at] + splice[1] + data[at + len(splice[1]) :])
    before = _count(exam_workspace)
    try:
        report = _import(exam_workspace, path)
    except ExamCenterError:
        assert _count(exam_workspace) == before  # nothing half imported
    else:
        assert report.imported == report.rows == _count(exam_workspace) - before
        with exam_workspace.session() as s:
            stored = s.exec(select(Candidate)).all()
            for c in stored:  # what was imported is clean: one ID spelling, no controls
                assert re.fullmatch(r"[0-9]{17}[0-9X]", c.id_number), c.id_number
                for text in (c.name, c.unit, c.gender, c.phone):
                    assert not unsafe_characters(text), text
            s.exec(delete(Candidate))  # type: ignore[call-overload]
