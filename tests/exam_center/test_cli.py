"""The CLI as a user runs it: a real process on a real workspace."""

import json
import subprocess
import sys
from pathlib import Path

from tests.cli_accounts import cli_env
from tests.conftest import EXAMPLE_TOML


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "exam_center",
            "--workspace",
            str(ws),
            *args,
        ],
        capture_output=True,
        text=True,
        env=cli_env(ws, columns="200"),
    )


def test_init_import_check_and_audit(tmp_path: Path) -> None:
    from exam_center.demo.synth import write_inputs

    inputs = write_inputs(tmp_path / "in", 60, 7, EXAMPLE_TOML)
    ws = tmp_path / "ws"
    assert cli(ws, "init", str(inputs.definition)).returncode == 0
    out = cli(ws, "candidates", "import", str(inputs.roster))
    assert out.returncode == 0 and "已导入 60 人 imported 60" in out.stdout
    assert cli(ws, "rooms", "import", str(inputs.rooms)).returncode == 0
    assert cli(ws, "invigilators", "import", str(inputs.invigilators)).returncode == 0
    report = json.loads(cli(ws, "candidates", "check", "--json").stdout)
    assert report["candidates"] == 60 and len(report["ineligible"]) == 3
    assert all(item["failures"] for item in report["ineligible"])
    verify = cli(ws, "audit", "verify")
    assert verify.returncode == 0 and "Audit log intact" in verify.stdout
    listed = json.loads(cli(ws, "audit", "list", "--json").stdout)
    # Each command's sign-in (EXAM_CENTER_USER) and the accounts made are recorded too.
    entries = [e for e in listed if not e["action"].startswith(("account.", "users."))]
    assert {e["action"] for e in listed} >= {"account.sign_in", "users.add"}
    assert [e["action"] for e in entries][::-1] == [
        "workspace.key",
        "exam.init",
        "candidates.import",
        "rooms.import",
        "invigilators.import",
    ]
    assert {e["operator"] for e in entries[:-1]} == {"测试员"}  # the key is the program's


def test_errors_are_one_clear_message(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    out = cli(ws, "candidates", "check")
    assert out.returncode == 1 and "exam-center init" in out.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE_TOML.read_text(encoding="utf-8").replace("count = 60", "count = -1"))
    out = cli(ws, "init", str(bad))
    assert out.returncode == 1 and "paper.sections[0].count" in out.stderr
    assert "Traceback" not in out.stderr


def test_seat_json_contract(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    out = subprocess.run(
        [sys.executable, "-m", "exam_center", "demo", "--dir", str(ws), "--until", "register"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    plan = json.loads(cli(ws, "seat", "--seed", "9", "--json").stdout)
    assert plan["seed"] == 9
    seats = [s for r in plan["rooms"] for s in r["seats"]]
    assert len(seats) == 147
    room = plan["rooms"][0]
    assert {"code", "rows", "cols", "seats", "invigilators"} <= room.keys()
    assert {"seat", "row", "col", "admission_no", "candidate_id", "team"} <= room["seats"][0].keys()
    assert room["seats"][0]["seat"] == 1 and (room["seats"][0]["row"], room["seats"][0]["col"]) == (
        1,
        1,
    )
    assert {"id", "name", "team", "chief"} <= room["invigilators"][0].keys()
    shown = json.loads(cli(ws, "seat", "--show", "--json").stdout)
    assert shown == plan


def test_audit_list_reads_in_chinese(tmp_path: Path) -> None:
    """The table says what was done in Chinese, details as key: value; --json keeps codes."""
    from exam_center.demo.synth import write_inputs

    inputs = write_inputs(tmp_path / "in", 20, 7, EXAMPLE_TOML)
    ws = tmp_path / "ws"
    assert cli(ws, "init", str(inputs.definition)).returncode == 0
    assert cli(ws, "rooms", "import", str(inputs.rooms)).returncode == 0
    out = cli(ws, "audit", "list")
    assert out.returncode == 0
    assert "动作 action" in out.stdout and "详情 detail" in out.stdout
    assert "导入考场 rooms imported" in out.stdout and "创建考试 exam created" in out.stdout
    assert "登录 sign-in" in out.stdout
    assert "行数: " in out.stdout and "{'" not in out.stdout and "=False" not in out.stdout
    listed = json.loads(cli(ws, "audit", "list", "--json").stdout)
    assert {"rooms.import", "exam.init"} <= {e["action"] for e in listed}
