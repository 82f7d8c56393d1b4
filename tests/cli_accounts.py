"""The CLI as a real process needs a real account: the test user (every role) and the
second results officer, made in the workspace's database through the services, and the
environment that signs the process in (EXAM_CENTER_USER + EXAM_CENTER_PASSWORD)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from exam_center.services import accounts
from exam_center.services.permissions import Actor, Role
from exam_center.services.workspace import open_workspace
from exam_center.settings import Settings
from tests.signing import SECOND

USER = "测试员"
PASSWORD = "test-password-1"
SECOND_USER = SECOND.name
_prepared: set[tuple[str, str | None]] = set()


def ensure_accounts(folder: Path, db: str | None = None) -> None:
    """The test user with every role and the second officer (idempotent)."""
    if (str(folder), db) in _prepared or (db is None and not (folder / "exam.db").exists()):
        return
    ws = open_workspace(Settings(workspace=folder, db=db), create=False)
    ws.actor = Actor("测试准备", "测试准备", frozenset({Role.ADMIN}))
    try:
        with ws.session() as s:
            have = {a.name for a in accounts.list_accounts(s)}
            if USER in have:
                accounts.set_roles(s, name=USER, roles=[r.value for r in Role])
            else:
                accounts.add_account(s, name=USER, password=PASSWORD, roles=[r.value for r in Role])
            if SECOND_USER not in have:
                accounts.add_account(s, name=SECOND_USER, password=PASSWORD, roles=["officer"])
    finally:
        ws.close()
    _prepared.add((str(folder), db))


def cli_env(
    ws: Any, *, user: str = USER, columns: str = "200", db: str | None = None
) -> dict[str, str]:
    """The environment of a CLI process acting as `user` on the workspace `ws` (a folder
    or a Workspace), its accounts made first when the workspace exists."""
    folder = Path(getattr(ws, "path", ws))
    if db is None and hasattr(ws, "settings"):
        db = ws.settings.db
    ensure_accounts(folder, db)
    env = {"COLUMNS": columns, "PATH": "/usr/bin:/bin"}
    env |= {"EXAM_CENTER_USER": user, "EXAM_CENTER_PASSWORD": PASSWORD}
    if os.environ.get("EXAM_CENTER_FONT"):
        env["EXAM_CENTER_FONT"] = os.environ["EXAM_CENTER_FONT"]
    return env


def as_second_officer(ws: Any, *args: str) -> subprocess.CompletedProcess[str]:
    """The same command by the second results officer (双人复核's second signature)."""
    return subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(getattr(ws, "path", ws)), *args],
        capture_output=True,
        text=True,
        env=cli_env(ws, user=SECOND_USER),
    )
