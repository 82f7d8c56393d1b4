"""`scan-status` in Chinese: a confirmed absence is listed as 缺考 absent, not as a sheet
still to scan; the sheets not yet scanned are listed as such, with what to do."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli_accounts import cli_env
from tests.conftest import EXAMPLE_TOML


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env=cli_env(ws, columns="200"),
    )


def test_a_confirmed_absence_is_not_a_missing_sheet(tmp_path: Path) -> None:
    from exam_center.demo.synth import write_inputs

    inputs = write_inputs(tmp_path / "in", 20, 3, EXAMPLE_TOML)
    ws = tmp_path / "ws"
    assert cli(ws, "init", str(inputs.definition)).returncode == 0
    for what, path in (
        ("candidates", inputs.roster),
        ("rooms", inputs.rooms),
        ("invigilators", inputs.invigilators),
    ):
        done = cli(ws, what, "import", str(path))
        assert done.returncode == 0, done.stderr
    plan = json.loads(cli(ws, "seat", "--seed", "1", "--json").stdout)
    seated = sorted(s["admission_no"] for r in plan["rooms"] for s in r["seats"])
    away = seated[0]
    marked = cli(ws, "absent", away, "--reason", "签到表未签到")
    assert marked.returncode == 0, marked.stderr

    out = cli(ws, "scan-status")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "(absent?)" not in text and "Traceback" not in text + out.stderr
    assert "确认缺考 1 人" in text and f"未扫描答题卡 {len(seated) - 1} 人" in text
    unscanned, _, confirmed = text.partition("缺考 absent（已确认）")
    assert away in confirmed and away not in unscanned
    assert all(a in unscanned for a in seated[1:])
    report = json.loads(cli(ws, "scan-status", "--json").stdout)
    assert report["confirmed_absent"] == [away]
    assert len(report["absent"]) == len(seated)  # the field keeps its meaning: no page at all
