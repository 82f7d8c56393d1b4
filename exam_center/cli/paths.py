"""The paths commands are given: every one a command writes is checked before the command
runs (one clear line naming the path as typed, never a traceback half-way through), and
the files it reads are named when missing or a folder."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from exam_center.domain.errors import PathProblem
from exam_center.domain.vocabulary import (
    cannot_write_in,
    input_is_folder,
    is_a_folder,
    no_such_input,
    not_a_folder,
    os_error_label,
    output_problem,
)

Kind = Literal["file", "folder"]

# Every path a command writes, by (command, parameter): a folder it fills, or one file (an
# existing file is replaced). The CLI checks each before the command runs; the bad-path
# test fails for a writing command not listed here.
OUTPUT_PATHS: dict[tuple[str, str], Kind] = {
    ("demo", "dir"): "folder",
    ("export", "out"): "file",
    ("print certificates", "out"): "folder",
    ("print rooms", "out"): "folder",
    ("print sheets", "out"): "file",
    ("print sheets", "png_dir"): "folder",
    ("print spares", "out"): "file",
    ("register export", "out"): "file",
}


def check_output(path: Path, kind: Kind) -> Path:
    """`path` if the command can write it (a folder it may create, or a file it may create
    or replace); otherwise PathProblem naming the path and the cause."""
    if path.exists():
        if kind == "folder" and not path.is_dir():
            raise PathProblem(output_problem(path, not_a_folder(path)))
        if kind == "file" and path.is_dir():
            raise PathProblem(output_problem(path, is_a_folder(path)))
    # The nearest folder that exists is where the command creates what is missing.
    start = path if kind == "folder" else path.parent
    base = start.absolute()
    while not base.exists() and base != base.parent:
        base = base.parent
    if not base.is_dir():
        shown = base if path.is_absolute() else _relative(base)
        raise PathProblem(output_problem(path, not_a_folder(shown)))
    try:  # the only sure test of "may write here" (a read-only mount, /proc, ACLs)
        with tempfile.TemporaryDirectory(dir=base, prefix=".exam-center-check-"):
            pass
    except OSError as exc:
        cause = cannot_write_in(base, os_error_label(exc.errno, exc.strerror))
        raise PathProblem(output_problem(path, cause)) from exc
    return path


def check_input(path: Path, what: str = "文件 file") -> Path:
    """`path` if it is a file that exists; otherwise PathProblem naming it."""
    if not path.exists():
        raise PathProblem(no_such_input(path, what))
    if path.is_dir():
        raise PathProblem(input_is_folder(path))
    return path


def _relative(path: Path) -> Path:
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def output_callback(kind: Kind) -> Any:
    """A click parameter callback checking an output path (None passes: not given)."""

    def check(_ctx: Any, _param: Any, value: Path | None) -> Path | None:
        return None if value is None else check_output(Path(value), kind)

    return check
