"""The workspace: the folder holding an exam's database, scans and exports. The one
place that opens the database for the CLI, the TUI and the demo."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from exam_center.db import open_database, session_scope
from exam_center.settings import Settings


@dataclass
class Workspace:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        return self.settings.workspace

    @property
    def operator(self) -> str:
        return self.settings.operator

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self.settings.ensure_workspace()
            self._engine = open_database(self.settings.database_url)
        return self._engine

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.engine) as s:
            # Services that keep the 能手库 register up to date find it here.
            s.info["register"] = self.settings.register_path
            yield s

    def folder(self, name: str) -> Path:
        """A sub-folder of the workspace (scans, overlays, exports, print), created on use."""
        path = self.path / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def open_workspace(settings: Settings) -> Workspace:
    return Workspace(settings)
