"""The national stage through the services and the CLI: national results are checked
against the delegation (the chosen and the drawn), row by row, all or nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from exam_center.db.models import NationalResultRecord
from exam_center.domain.errors import ImportRejected
from exam_center.services import national_stage, results, standings
from exam_center.services.workspace import Workspace
from tests.cli_accounts import cli_env
from tests.exam_center.graded_exam import GradedExam, graded_exam, write_csv

SMALL_NATIONAL = {
    "national_selected": "3",
    "national_recommended": "6",
    "national_drawn": "2",
}


@pytest.fixture
def drawn(tmp_path: Path, make_workspace) -> GradedExam:  # type: ignore[no-untyped-def]
    """Ranks 1-3 chosen, 4-9 recommended, the ministry drew ranks 5 and 8."""
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    exam = graded_exam(ws, tmp_path, policy=dict(SMALL_NATIONAL))
    write_csv(tmp_path / "drawn.csv", ["准考证号"], [[exam.ranked[4]], [exam.ranked[7]]])
    with ws.session() as s:
        national_stage.import_draw(tmp_path / "drawn.csv", session=s)
    return exam


def _national_cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws), "national", *args],
        capture_output=True,
        text=True,
        env=cli_env(ws, columns="200"),
    )


def test_a_result_for_someone_outside_the_delegation_imports_nothing(
    drawn: GradedExam, tmp_path: Path
) -> None:
    r = drawn.ranked
    bad = write_csv(
        tmp_path / "national.csv",
        ["准考证号", "全国排名"],
        [
            [r[0], 40],
            [r[16], 1],  # provincial rank 17: on neither list
            [r[4], 2],
            [r[5], 3],  # recommended, but the ministry did not draw rank 6
        ],
    )
    out = _national_cli(drawn.ws.path, "--import-results", str(bad))
    assert out.returncode == 1
    assert "row 3" in out.stderr and r[16] in out.stderr and "全省排名 17" in out.stderr
    assert "row 5" in out.stderr and r[5] in out.stderr and "未被人社部抽取" in out.stderr
    assert "row 2" not in out.stderr and "row 4" not in out.stderr
    with drawn.ws.session() as s:
        assert s.exec(select(NationalResultRecord)).first() is None
        assert results.compute(s).honours is None
    doc = json.loads(_national_cli(drawn.ws.path, "--json").stdout)
    assert "honours" not in doc


def test_the_delegations_results_give_the_honours(drawn: GradedExam, tmp_path: Path) -> None:
    r = drawn.ranked
    good = write_csv(
        tmp_path / "national.csv",
        ["准考证号", "全国排名"],
        [[r[0], 40], [r[1], 70], [r[2], 2], [r[4], 1], [r[7], 300]],
    )
    out = _national_cli(drawn.ws.path, "--import-results", str(good))
    assert out.returncode == 0, out.stderr
    doc = json.loads(_national_cli(drawn.ws.path, "--json").stdout)
    titles = {(h["award"], h["admission_no"]) for h in doc["honours"]}
    assert ("全国人社知识通", r[4]) in titles and ("全国人社知识通", r[0]) in titles
    assert not any(adm == r[16] for _, adm in titles)


def test_results_imported_before_the_draw_changed_block_finalising(
    drawn: GradedExam, tmp_path: Path
) -> None:
    """Results stored for a drawn contestant, then a different draw: no honours are
    given from results that no longer match, and it is said."""
    r = drawn.ranked
    write_csv(tmp_path / "national.csv", ["准考证号", "全国排名"], [[r[4], 1]])
    with drawn.ws.session() as s:
        national_stage.import_national_results(tmp_path / "national.csv", session=s)
    write_csv(tmp_path / "drawn2.csv", ["准考证号"], [[r[3]], [r[8]]])
    with drawn.ws.session() as s:
        national_stage.import_draw(tmp_path / "drawn2.csv", session=s)
    with drawn.ws.session() as s:
        c = results.compute(s)
    assert c.honours is None
    assert any("全国比试成绩与当前名单不符" in p for p in c.problems)
    assert standings.national_json(c)["drawn"] == [r[3], r[8]]


def test_rows_are_checked_even_before_the_draw(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
) -> None:
    """With no draw on record, anyone the ministry could still draw may have a result."""
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    exam = graded_exam(ws, tmp_path, policy=dict(SMALL_NATIONAL))
    r = exam.ranked
    write_csv(tmp_path / "n.csv", ["准考证号", "全国排名"], [[r[6], 5], [r[9], 6]])
    with ws.session() as s, pytest.raises(ImportRejected) as rejected:
        national_stage.import_national_results(tmp_path / "n.csv", session=s)
    assert [p.row for p in rejected.value.problems] == [3]
    assert "全省排名 10" in rejected.value.problems[0].message


def test_the_national_thresholds_come_from_the_exam_definition(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
) -> None:
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    policy = SMALL_NATIONAL | {"national_knowledge_top": "1", "national_star_count": "1"}
    exam = graded_exam(ws, tmp_path, policy=policy)
    r = exam.ranked
    write_csv(tmp_path / "n.csv", ["准考证号", "全国排名"], [[r[0], 1], [r[1], 2], [r[2], 9]])
    with ws.session() as s:
        national_stage.import_national_results(tmp_path / "n.csv", session=s)
    with ws.session() as s:
        doc = standings.national_json(results.compute(s))
    by_award: dict[str, list[str]] = {}
    for h in doc["honours"]:
        by_award.setdefault(h["award"], []).append(h["admission_no"])
    assert by_award["全国人社知识通"] == [r[0]]  # only the national top 1
    assert by_award["全国岗位练兵明星"] == [r[1]]  # one star, passing over the expert
