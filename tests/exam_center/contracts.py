"""The CLI's JSON contracts (`results`, `awards`, `teams`, `national`) printed on a small
graded exam at two moments: with ties waiting for a decision and no draw, then with
the ties decided, the ministry's draw and the national results on record (honours);
and once more after finalising, read from the sealed snapshot: the decided bytes.

The goldens in `golden/` were printed by the code before the grading chain moved into
`grading.grade` and the read models became typed; `test_contracts` compares every
byte. Regenerate (only for a deliberate, additive contract change):

    PYTHONPATH=. .venv/bin/python -m tests.exam_center.contracts
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlmodel import select

import grading
from exam_center.db.models import Candidate, Seat
from exam_center.services import marking, national_stage, results, standings
from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings
from tests.cli_accounts import cli_env
from tests.exam_center.graded_exam import graded_exam, write_csv
from tests.signing import actor, finalise_by_two

GOLDEN = Path(__file__).resolve().parent / "golden"
COMMANDS = ("results", "awards", "teams", "national")
POLICY = {"national_selected": "3", "national_recommended": "6", "national_drawn": "2"}


def cli_json(ws: Path, command: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws), command, "--json"],
        capture_output=True,
        text=True,
        env={**cli_env(ws), "PYTHONPATH": str(Path.cwd())},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def contract_outputs(folder: Path) -> dict[str, str]:
    """`{moment}-{command}.json` -> what the CLI printed."""
    ws: Workspace = open_workspace(Settings(workspace=folder / "ws"))
    ws.actor = actor("张考务")
    try:
        # Seats 8-11 answer alike: a tie across 江苏省人社知识通's tenth place and the
        # recommended list's boundary; seat 20 is recorded absent (a sheet on record).
        exam = graded_exam(ws, folder, policy=dict(POLICY), alike=(8, 9, 10, 11))
        r = exam.ranked
        with ws.session() as s:
            # The second best held 江苏省人社知识通 in 2021: passed over, with the reason.
            seat = s.exec(select(Seat).where(Seat.admission_no == r[1])).one()
            holder = s.get(Candidate, seat.candidate_id)
            assert holder is not None
            holder.prior_honours = [{"honour": grading.PROVINCIAL_EXPERT, "year": 2021}]
            s.add(holder)
        with ws.session() as s:
            marking.record_absence(r[20], session=s, reason="签到表未签到")
        out = {f"pending-{c}.json": cli_json(ws.path, c) for c in COMMANDS}
        with ws.session() as s:
            for tie in standings.pending_ties(results.compute(s)):
                winners = sorted(tie.tied)[: tie.slots]
                standings.decide_tie(
                    tie.scope,
                    tie.award,
                    tie.rank,
                    winners,
                    session=s,
                    reason="按准考证号",
                )
        with ws.session() as s:
            still = standings.pending_ties(results.compute(s))
        assert not still, still
        write_csv(folder / "drawn.csv", ["准考证号"], [[r[4]], [r[7]]])
        with ws.session() as s:
            national_stage.import_draw(folder / "drawn.csv", session=s)
        write_csv(
            folder / "national.csv",
            ["准考证号", "全国排名"],
            [[r[0], 40], [r[1], 70], [r[2], 2], [r[4], 1], [r[7], 300]],
        )
        with ws.session() as s:
            national_stage.import_national_results(folder / "national.csv", session=s)
        out |= {f"decided-{c}.json": cli_json(ws.path, c) for c in COMMANDS}
        # Finalised, the CLI reads the sealed snapshot instead of computing: the same bytes.
        with ws.session() as s:
            finalise_by_two(s)
        out |= {f"finalised-{c}.json": cli_json(ws.path, c) for c in COMMANDS}
        return out
    finally:
        ws.close()


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        for name, text in contract_outputs(Path(scratch)).items():
            if name.startswith("finalised-"):
                continue  # compared with the decided goldens
            (GOLDEN / name).write_text(text, encoding="utf-8")
            print(name, len(text))
