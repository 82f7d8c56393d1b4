"""岗位练兵优秀组织奖 from the CLI: recorded with its basis for a ranked team, once,
withdrawn with a reason, carried into `teams --json`, the workbook and the PDF award
lists, and refused once the results are final, like every other change."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
from openpyxl import load_workbook

from exam_center.services.workspace import Workspace
from tests.cli_accounts import as_second_officer, cli_env
from tests.exam_center.graded_exam import graded_exam


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env=cli_env(ws, columns="200"),
    )


def pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    pdf.close()
    return text


def test_the_award_from_the_cli_to_the_exports_and_refused_when_final(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
) -> None:
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    graded_exam(ws, tmp_path)
    ws.close()  # the CLI processes below open the workspace themselves
    path = ws.path
    award = ("teams", "--organisation-award")
    assert cli(path, *award, "南京").returncode == 1  # no reason
    refused = cli(path, *award, "省厅本级", "--reason", "组织得力")
    assert refused.returncode == 1 and "不是参与排名的代表队" in refused.stderr
    done = cli(path, *award, "南京", "--reason", "组织情况及在线学习记录评审")
    assert done.returncode == 0, done.stderr
    assert "岗位练兵优秀组织奖" in done.stdout
    again = cli(path, *award, "南京", "--reason", "重复")
    assert again.returncode == 1 and "已记录" in again.stderr
    assert cli(path, *award, "苏州", "--reason", "组织得力").returncode == 0
    withdrawn = cli(path, "teams", "--withdraw-organisation-award", "苏州", "--reason", "误录")
    assert withdrawn.returncode == 0, withdrawn.stderr
    doc = json.loads(cli(path, "teams", "--json").stdout)
    assert {t["team"] for t in doc["teams"] if t["organisation_award"]} == {"南京"}
    audit = json.loads(cli(path, "audit", "list", "--json").stdout)
    actions = [e["action"] for e in audit if e["action"].startswith("team.organisation")]
    assert actions == [
        "team.organisation_award.withdraw",
        "team.organisation_award",
        "team.organisation_award",
    ]

    assert "双人复核" in cli(path, "finalise").stdout
    assert as_second_officer(path, "finalise").returncode == 0
    late = cli(path, *award, "苏州", "--reason", "补录")
    assert late.returncode == 1 and "reopen" in late.stderr
    late = cli(path, "teams", "--withdraw-organisation-award", "南京", "--reason", "撤销")
    assert late.returncode == 1 and "reopen" in late.stderr

    out = cli(path, "export", "--out", str(tmp_path / "results.xlsx"))
    assert out.returncode == 0, out.stderr
    wb = load_workbook(tmp_path / "results.xlsx", read_only=True)
    cells = [v for row in wb["团体奖项"].iter_rows(values_only=True) for v in row]
    wb.close()
    nanjing = cells.index("南京")
    assert "岗位练兵优秀组织奖" in cells[nanjing : nanjing + 10]
    (lists,) = (tmp_path).glob("*获奖名单*.pdf")
    text = pdf_text(lists)
    assert "岗位练兵优秀组织奖" in text and "南京" in text.split("岗位练兵优秀组织奖")[-1]
