"""Shared fixtures: a real workspace on a real database (SQLite; PostgreSQL too for
tests marked `postgres` when EXAM_CENTER_TEST_PG holds a server URL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings
from tests.signing import actor

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_TOML = ROOT / "examples" / "jiangsu-2022" / "exam.toml"
PG_URL = os.environ.get("EXAM_CENTER_TEST_PG", "")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("postgres"):
            backends.append("postgres")
        metafunc.parametrize("backend", backends)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'exam.db'}"
        return
    if not PG_URL:
        pytest.skip("EXAM_CENTER_TEST_PG is not set")
    import psycopg

    name = f"ec_test_{uuid.uuid4().hex[:12]}"
    admin = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def make_workspace(tmp_path: Path) -> Iterator[object]:
    opened: list[Workspace] = []

    def _make(
        url: str | None = None, folder: Path | None = None, operator: str = "张考务"
    ) -> Workspace:
        settings = Settings(workspace=folder or tmp_path / "ws", db=url)
        ws = open_workspace(settings)
        # Signed in as one person holding every role; the account tests sign in for real.
        ws.actor = actor(operator)
        opened.append(ws)
        return ws

    yield _make
    for ws in opened:
        ws.close()


@pytest.fixture
def workspace(db_url: str, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    """An empty workspace on the parametrised backend."""
    return make_workspace(db_url)  # type: ignore[no-any-return]


@pytest.fixture
def exam_workspace(workspace: Workspace) -> Workspace:
    """A workspace holding the example exam (no candidates yet)."""
    from exam_center.services import exams

    with workspace.session() as s:
        exams.init_exam(EXAMPLE_TOML, session=s)
    return workspace
