"""A national draw that no longer fits the list blocks finalising, named in Chinese by
`grade` and `finalise`; it does not crash `results`, `tie list` or `export`."""

from __future__ import annotations

from pathlib import Path

import pytest

from exam_center.domain.errors import NotAllowed
from exam_center.services import finalising, marking, national_stage, results
from exam_center.services.workspace import Workspace
from tests.exam_center.graded_exam import graded_exam
from tests.exam_center.test_cli import cli
from tests.exam_center.test_national_stage import SMALL_NATIONAL


def test_a_stale_rehearsal_draw_is_a_blocker_not_a_crash(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
) -> None:
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    exam = graded_exam(ws, tmp_path, candidates=20, policy=dict(SMALL_NATIONAL))
    with ws.session() as s:
        national_stage.rehearse_draw(4, session=s)
    # Most candidates are then confirmed absent: too few are ranked to draw 2 of the 6.
    with ws.session() as s:
        for adm in exam.ranked[3:]:
            marking.record_absence(adm, session=s, reason="签到表未签到")
    with ws.session() as s:
        c = results.compute(s)
        blocking = finalising.blockers(c, s)
    assert any("全国比试演练抽取与当前名单不符" in b for b in blocking)
    with pytest.raises(NotAllowed, match="全国比试名单尚不能抽取"), ws.session() as s:
        national_stage.rehearse_draw(5, session=s)
    ws.close()
    graded = cli(ws.path, "grade")
    assert graded.returncode == 0 and "全国比试演练抽取与当前名单不符" in graded.stdout
    refused = cli(ws.path, "finalise")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "全国比试演练抽取与当前名单不符" in refused.stderr
    for command in (["results", "--json"], ["tie", "list"], ["national", "--json"]):
        out = cli(ws.path, *command)
        assert out.returncode == 0 and "Traceback" not in out.stderr, (command, out.stderr)
    export = cli(ws.path, "export", "--out", str(tmp_path / "out" / "成绩.xlsx"))
    assert export.returncode == 0 and "未定稿" in export.stdout, export.stderr
