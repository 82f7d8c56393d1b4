"""Every command given a bad path says so in one line and leaves nothing behind: no
traceback, no workspace created where none was, a missing scan folder an error and an
empty one a warning. Run through the real console entry point, as a person would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_accounts import PASSWORD, USER, ensure_accounts
from tests.conftest import EXAMPLE_TOML


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXAM_CENTER_")}
    env["COLUMNS"] = "200"  # one line per message, however narrow the CI's terminal
    if "--workspace" in args:
        folder = Path(args[args.index("--workspace") + 1])
        ensure_accounts(folder if folder.is_absolute() else cwd / folder)
    env |= {"EXAM_CENTER_USER": USER, "EXAM_CENTER_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "exam_center", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_clear_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert "Traceback" not in out, out
    assert "error" in result.stderr, out
    for word in words:
        assert word in out, out


READ_COMMANDS = [
    ["results"],
    ["awards", "--json"],
    ["scan-status"],
    ["seat"],
    ["review", "list"],
    ["audit", "verify"],
    ["candidates", "check"],
    ["tui"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: " ".join(c))
def test_a_missing_workspace_is_named_and_never_created(tmp_path: Path, command: list[str]) -> None:
    for where in ([], ["--workspace", "nope"]):
        result = run(tmp_path, *where, *command)
        assert_clear_error(result, "--workspace", "nope" if where else "workspace")
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def exam_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad-paths")
    created = run(folder, "--workspace", "ws", "init", str(EXAMPLE_TOML))
    assert created.returncode == 0, created.stdout + created.stderr
    (folder / "afile").write_text("not a folder")
    (folder / "empty").mkdir()
    return folder


@pytest.mark.parametrize(
    "command",
    [
        ["print", "rooms", "--out", "afile"],
        ["print", "rooms", "--out", "/proc/nope"],
        ["print", "sheets", "--out", "afile/sheets.pdf"],
        ["export", "--out", "afile/r.xlsx"],
        ["candidates", "import", "no-such-roster.xlsx"],
        ["rooms", "import", "no-such-rooms.csv"],
        ["key", "import", "no-such-key.csv"],
        ["scan", "no-such-folder"],
        ["scan", "--watch", "no-such-folder"],
    ],
    ids=lambda c: " ".join(c),
)
def test_bad_paths_on_an_exam_give_one_clear_line(exam_folder: Path, command: list[str]) -> None:
    assert_clear_error(run(exam_folder, "--workspace", "ws", *command))


def test_an_empty_scan_folder_is_a_warning(exam_folder: Path) -> None:
    result = run(exam_folder, "--workspace", "ws", "scan", "empty")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no scanned images found" in result.stdout
