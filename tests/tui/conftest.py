"""Fixtures for the TUI tests: deterministic input files in the test's own folder and
a workspace holding the example exam, with or without everyone registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from exam_center.services.workspace import Workspace
from tests.tui.scenes import Inputs, register_everyone, write_inputs


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Inputs:
    monkeypatch.chdir(tmp_path)
    return write_inputs(Path("inputs"), candidates=60, seed=7)


@pytest.fixture
def registered_workspace(exam_workspace: Workspace, inputs: Inputs) -> Workspace:
    """The example exam with 60 candidates (3 not eligible), rooms and invigilators."""
    register_everyone(exam_workspace, inputs)
    return exam_workspace
