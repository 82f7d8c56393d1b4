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


HEAVY = ("cv2", "fpdf", "openpyxl", "alembic", "textual", "sqlmodel", "numpy")


def test_the_cli_starts_without_the_heavy_libraries() -> None:
    """`exam-center --help` and the command table cost nothing of what the commands use."""
    code = (
        "import sys\n"
        "import exam_center.cli.main as cli\n"
        "cli.app(['--help'], standalone_mode=False)\n"
        f"print('loaded:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert "Usage" in out and "scan-status" in out
    loaded = out.splitlines()[-1]
    assert loaded == "loaded:", f"the CLI imports {loaded} at start-up"
