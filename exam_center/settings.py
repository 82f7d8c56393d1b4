"""Settings: one pydantic-settings class, read from EXAM_CENTER_* variables and the
CLI. Nothing is read at import; `load_settings` is called by the CLI, TUI and tests."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REGISTER_FILE = "nengshouku.db"  # 能手库


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EXAM_CENTER_", extra="ignore")

    workspace: Path = Field(default=Path("workspace"))
    db: str | None = None
    # For scripts: the account to act as (EXAM_CENTER_USER) and its password
    # (EXAM_CENTER_PASSWORD); people sign in with `exam-center login` instead.
    user: str | None = None
    password: str | None = Field(default=None, repr=False)
    # A CLI sign-in expires after this many minutes without a command (EXAM_CENTER_IDLE_MINUTES).
    idle_minutes: int = 30
    font: Path | None = None
    # The 能手库 register, shared by the exams of every year: by default one file beside
    # the workspaces (their parent folder), so each year's workspace finds the same one.
    register_file: Path | None = None  # EXAM_CENTER_REGISTER_FILE
    # The workspace key (audit chain, results seal, QR secret): by default in the workspace;
    # EXAM_CENTER_KEY_FILE puts it elsewhere, e.g. on removable media, or names the copy a
    # second terminal of a shared PostgreSQL database uses.
    key_file: Path | None = None

    @property
    def register_path(self) -> Path:
        return self.register_file or self.workspace.resolve().parent / REGISTER_FILE

    @property
    def key_path(self) -> Path:
        from exam_center.services.workspace_key import KEY_FILE

        return self.key_file or self.workspace / KEY_FILE

    @property
    def database_url(self) -> str:
        if self.db:
            return self.db
        return f"sqlite:///{(self.workspace / 'exam.db').resolve()}"

    def ensure_workspace(self) -> Path:
        # 0700: the database holds every candidate's resident ID, the folder the key.
        self.workspace.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self.workspace


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit values (CLI options) on top."""
    given = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**given)  # type: ignore[arg-type]
