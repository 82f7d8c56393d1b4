"""`--help` of every command (walked from the command tree, so a new one is covered) as a
person reads it: a Chinese title, a description for every option and argument, values
named PATH, N or TEXT, never the developer's <list[Path]> or <float range> [x>=0.1]."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.core import TyperGroup

from exam_center.cli.main import command as cli_command
from exam_center.domain.vocabulary import COMMAND_TITLES

ROOT = cli_command()
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def every_command(group: TyperGroup, path: tuple[str, ...] = ()) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, sub in group.commands.items():
        found[" ".join((*path, name))] = sub
        if isinstance(sub, TyperGroup):
            found |= every_command(sub, (*path, name))
    return found


COMMANDS = every_command(ROOT)


def help_text(name: str, command: Any, capsys: pytest.CaptureFixture[str]) -> str:
    from typer._click.core import Context

    parent = Context(ROOT, info_name="exam-center")
    for part in name.split()[:-1]:
        parent = Context(parent.command.commands[part], info_name=part, parent=parent)  # type: ignore[attr-defined]
    ctx = Context(command, info_name=name.split()[-1], parent=parent)
    capsys.readouterr()
    plain = command.get_help(ctx)
    return plain + capsys.readouterr().out


def test_every_command_has_a_chinese_title() -> None:
    assert set(COMMANDS) <= set(COMMAND_TITLES), set(COMMANDS) - set(COMMAND_TITLES)
    for name, command in COMMANDS.items():
        assert (command.help or "").startswith(COMMAND_TITLES[name]), name


@pytest.mark.parametrize("name", sorted(COMMANDS), ids=str)
def test_every_option_is_described(
    name: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    command = COMMANDS[name]
    for param in command.params:
        described = (param.help or "").strip()
        assert described, f"{name} {param.name}: no description"
        assert CHINESE.search(described), f"{name} {param.name}: {described!r}"
    text = help_text(name, command, capsys)
    assert COMMAND_TITLES[name] in text
    for bad in ("<list[", "<int>", "<str>", "<path>", "<bool>", "<float", " range", "[x>", "[x<"):
        assert bad not in text, f"{name}: {bad!r} in\n{text}"
    assert "[default: " not in text and "[required]" not in text, text  # 默认 default, 必填
    assert "Show this message and exit" not in text, text


def test_help_runs_as_a_person_types_it() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXAM_CENTER_")}
    env["COLUMNS"] = "120"
    for args in ([], ["scan"], ["print", "sheets"]):
        done = subprocess.run(
            [sys.executable, "-m", "exam_center", *args, "--help"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stdout + done.stderr
        assert "exam-center" in done.stdout and "选项 Options" in done.stdout
        assert "<list[Path]>" not in done.stdout and "[x>=" not in done.stdout


def test_a_mistyped_command_line_is_refused_chinese_first(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXAM_CENTER_")}
    env["COLUMNS"] = "120"
    for args, gloss in (
        (["review", "resolve", "1", "2", "--marks", "A"], "缺少参数或选项 Missing option"),
        (["scan", "--no-such-option", "x"], "没有此选项 No such option"),
        (["print", "spares", "--count", "0", "--out", "s.pdf"], "值无效 Invalid value"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "exam_center", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
        assert done.returncode == 2, done.stdout + done.stderr
        assert gloss in done.stderr and "帮助 help:" in done.stderr, done.stderr
        assert "Traceback" not in done.stdout + done.stderr
    assert list(tmp_path.iterdir()) == []  # no workspace made for a refused command line
