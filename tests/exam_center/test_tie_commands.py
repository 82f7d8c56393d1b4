"""Ties at award boundaries from the CLI: `tie list` prints the command for each tie,
and `tie decide` takes either the award's boundary or the rank the tied share."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from exam_center.domain.errors import NotAllowed
from exam_center.services import results, standings
from exam_center.services.workspace import Workspace
from tests.cli_accounts import cli_env
from tests.exam_center.graded_exam import GradedExam, graded_exam


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env=cli_env(ws, columns="250"),
    )


@pytest.fixture
def tied(tmp_path: Path, make_workspace) -> GradedExam:  # type: ignore[no-untyped-def]
    """Places 9, 10 and 11 answer alike: three share rank 9, two of them get the last
    two 江苏省人社知识通 (boundary 10)."""
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    return graded_exam(ws, tmp_path, alike=(8, 9, 10))


def _expert_tie(exam: GradedExam) -> standings.PendingDecision:
    with exam.ws.session() as s:
        pending = standings.pending_ties(results.compute(s))
    (tie,) = [p for p in pending if p.award == "江苏省人社知识通"]
    return tie


def test_tie_list_prints_the_command_and_the_boundary_decides(tied: GradedExam) -> None:
    tie = _expert_tie(tied)
    assert (tie.rank, tie.boundary, tie.slots) == (9, 10, 2)
    listed = cli(tied.ws.path, "tie", "list")
    assert listed.returncode == 0, listed.stderr
    line = next(x.strip() for x in listed.stdout.splitlines() if "江苏省人社知识通 10" in x)
    assert line.startswith(f"exam-center --workspace {tied.ws.path} tie decide individual")
    assert "<准考证号1> <准考证号2> --reason <决定依据>" in line
    winners = sorted(tie.tied)[:2]
    command = line.replace("<准考证号1>", winners[0]).replace("<准考证号2>", winners[1])
    command = command.replace("<决定人>", "主任").replace("<决定依据>", "评审组会议决定")
    args = command.split()[3:]  # what follows "exam-center --workspace DIR"
    done = cli(tied.ws.path, *args)
    assert done.returncode == 0, done.stderr
    doc = json.loads(cli(tied.ws.path, "awards", "--json").stdout)
    experts = {a["admission_no"] for a in doc["individual"] if a["award"] == "江苏省人社知识通"}
    assert set(winners) <= experts and len(experts) == 10
    assert not [p for p in doc["pending_ties"] if p["award"] == "江苏省人社知识通"]
    as_json = json.loads(cli(tied.ws.path, "tie", "list", "--json").stdout)
    assert all("command" in p and "boundary" in p for p in as_json)


def test_the_shared_rank_decides_too_and_any_other_number_is_refused(tied: GradedExam) -> None:
    tie = _expert_tie(tied)
    winners = sorted(tie.tied)[1:]
    with tied.ws.session() as s, pytest.raises(NotAllowed, match="tie list"):
        standings.decide_tie(
            "individual", "江苏省人社知识通", 11, winners, session=s, reason="会议"
        )
    with tied.ws.session() as s:
        standings.decide_tie("individual", "江苏省人社知识通", 9, winners, session=s, reason="会议")
    with tied.ws.session() as s:
        c = results.compute(s)
    assert c.individual is not None
    chosen = {a["admission_no"] for a in standings.awards_json(c)["individual"] if a["by_decision"]}
    assert chosen == set(winners)
