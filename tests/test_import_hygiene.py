"""The pure libraries stay pure: checked in a fresh interpreter, not hoped."""

import subprocess
import sys

import pytest

FORBIDDEN = ("exam_center", "textual", "sqlmodel", "sqlalchemy", "typer")
PURE = ("seating", "scans", "grading")


@pytest.mark.parametrize("package", PURE)
def test_pure_library_imports_nothing_from_the_app(package: str) -> None:
    others = [p for p in PURE if p != package]
    code = (
        "import importlib, pkgutil, sys\n"
        f"import {package}\n"
        f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = [m for m in {FORBIDDEN + tuple(others)!r} if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{package} imports {out}"
