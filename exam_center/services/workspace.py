"""The workspace: the folder holding an exam's database, scans and exports. The one
place that opens the database for the CLI, the TUI and the demo."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import Session

from exam_center.db.engine import open_database, session_scope
from exam_center.domain.errors import WorkspaceMissing
from exam_center.services import write_guard
from exam_center.services.permissions import Actor, NotSignedIn
from exam_center.services.workspace_key import adopt_key
from exam_center.settings import Settings

_OPENING = threading.RLock()


@dataclass
class Workspace:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)
    # False for the CLI's and TUI's commands other than init and demo: they work on an
    # exam that exists, and a wrong folder must be an error, not a new empty exam.
    create: bool = True
    # The signed-in account every session of this workspace acts for (`sign_in`), and,
    # for the CLI, how to find it when the first session opens (login session, variables).
    actor: Actor | None = None
    resolve_actor: Callable[[Workspace], Actor] | None = field(default=None, repr=False)

    @property
    def path(self) -> Path:
        return self.settings.workspace

    @property
    def operator(self) -> str:
        """The signed-in account's name (NotSignedIn without one)."""
        return self.signed_in().name

    def signed_in(self) -> Actor:
        """The signed-in account, found now if the CLI has not asked yet."""
        self._resolve()
        if self.actor is None:
            raise NotSignedIn()
        return self.actor

    def _resolve(self) -> None:
        if self.actor is None and self.resolve_actor is not None:
            if not self.create:
                self.require_existing()  # a wrong folder is named before any sign-in
            resolve, self.resolve_actor = self.resolve_actor, None
            self.actor = resolve(self)

    def sign_in(self, name: str, password: str) -> Actor:
        """Check the password and act as that account from now on."""
        self.actor = self.check_account(name, password)
        return self.actor

    def check_account(self, name: str, password: str) -> Actor:
        """The account's actor if the password is right (a second officer signing). A
        failure is committed (audited, counted towards the lock-out) before it is raised."""
        from exam_center.services.accounts import SignInFailed, authenticate

        failure: SignInFailed | None = None
        with session_scope(self.engine) as s:
            self._fill(s)
            try:
                actor = authenticate(s, name, password)
            except SignInFailed as exc:
                failure = exc
        if failure is not None:
            raise failure
        return actor

    @property
    def engine(self) -> Engine:
        # Screens open sessions from worker threads; the first opening runs Alembic, whose
        # module-level context must not be entered twice at once.
        with _OPENING:
            return self._open_engine()

    def _open_engine(self) -> Engine:
        if self._engine is None:
            if self.create:
                self.settings.ensure_workspace()
            else:
                self.require_existing()
            protect_files(self.path)
            self._engine = open_database(self.settings.database_url)
            with self.session() as s:
                adopt_key(s)  # a workspace from before the key file: its QR secret moves out
        return self._engine

    @contextmanager
    def session(self, actor: Actor | None = None) -> Iterator[Session]:
        """One unit of work acting for `actor` (a second officer signing), by default the
        signed-in account."""
        if actor is None:
            self._resolve()
        with session_scope(self.engine) as s:
            self._fill(s)
            if actor is not None or self.actor is not None:
                s.info["actor"] = actor or self.actor
            yield s

    def _fill(self, s: Session) -> None:
        write_guard.guard(s)
        # Services that keep the 能手库 register up to date find it here.
        s.info["register"] = self.settings.register_path
        # Where services keep what they may compute again (services.page_answers).
        s.info["cache"] = self.path / "cache"
        s.info["key_file"] = self.settings.key_path

    def require_existing(self) -> None:
        """Raise WorkspaceMissing unless the workspace holds an exam's database (SQLite:
        its exam.db; with a database server, the folder for the scans and exports)."""
        path = self.path
        where = f"{path} ({path.resolve()})" if not path.is_absolute() else str(path)
        hint = (
            "name the exam's folder with --workspace DIR or EXAM_CENTER_WORKSPACE; "
            "`exam-center init EXAM.toml` creates a new one"
        )
        if not path.is_dir():
            raise WorkspaceMissing(f"工作区不存在 no workspace at {where}: {hint}")
        if self.settings.db is None and not (path / "exam.db").is_file():
            raise WorkspaceMissing(f"工作区中没有考试数据库 no exam.db in {where}: {hint}")

    def folder(self, name: str) -> Path:
        """A sub-folder of the workspace (scans, overlays, exports, print), created on use."""
        path = self.path / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def protect_files(folder: Path) -> None:
    """Every file this process writes is 0600 (umask 077), and the workspace, its database
    and key are closed to other local users, also in a workspace made before this rule."""
    os.umask(0o077)
    if not folder.is_dir():
        return
    for path in (folder, *(folder / name for name in ("exam.db", "exam.db-wal", "exam.db-shm"))):
        try:
            if path.exists() and path.stat().st_mode & 0o077:
                path.chmod(0o700 if path.is_dir() else 0o600)
        except PermissionError:  # not ours (a shared mount): leave it, say nothing
            pass


def open_workspace(settings: Settings, *, create: bool = True) -> Workspace:
    return Workspace(settings, create=create)
