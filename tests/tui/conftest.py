"""Fixtures for the TUI tests: deterministic input files in the test's own folder, a
workspace holding the example exam with or without everyone registered, and copies of
the demo's later stages (printed, scanned, graded)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from exam_center.services.workspace import Workspace
from tests.tui.demo_scenes import DemoFolders, copy_of, start_build, wait_for_build
from tests.tui.scenes import Inputs, register_everyone, write_inputs


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests on the demo's stages run last: their build (~15 s, in a process of its own,
    started with the run) goes on while the other tests run."""
    items.sort(key=lambda item: "demo_folders" in getattr(item, "fixturenames", ()))


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Inputs:
    monkeypatch.chdir(tmp_path)
    return write_inputs(Path("inputs"), candidates=60, seed=7)


@pytest.fixture
def registered_workspace(exam_workspace: Workspace, inputs: Inputs) -> Workspace:
    """The example exam with 60 candidates (3 not eligible), rooms and invigilators."""
    register_everyone(exam_workspace, inputs)
    return exam_workspace


@pytest.fixture(scope="session", autouse=True)
def demo_build(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Start building the demo's stages as the run starts, once for all workers, if any
    selected test needs them."""
    base = tmp_path_factory.getbasetemp()
    if not any("demo_folders" in getattr(i, "fixturenames", ()) for i in request.session.items):
        return base / "tui-demo"
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # shared by the workers of this run
    return start_build(base)


@pytest.fixture(scope="session")
def demo_folders(demo_build: Path) -> DemoFolders:
    """The demo's printed, scanned and graded stages, once they are built."""
    return wait_for_build(demo_build)


@pytest.fixture
def printed_workspace(
    demo_folders: DemoFolders, tmp_path: Path, make_workspace: Callable[..., Workspace]
) -> Workspace:
    """Seated, sheets printed; the filled sheets wait in scans/incoming."""
    return copy_of(demo_folders.printed, tmp_path / "printed", make_workspace)


@pytest.fixture
def scanned_workspace(
    demo_folders: DemoFolders, tmp_path: Path, make_workspace: Callable[..., Workspace]
) -> Workspace:
    """Every page read; the review queue open."""
    return copy_of(demo_folders.scanned, tmp_path / "scanned", make_workspace)


@pytest.fixture
def graded_workspace(
    demo_folders: DemoFolders, tmp_path: Path, make_workspace: Callable[..., Workspace]
) -> Workspace:
    """Graded, with one tie at an award boundary waiting for a decision."""
    return copy_of(demo_folders.graded, tmp_path / "graded", make_workspace)
