"""The benchmarks' account: every role, made in the workspace they measure, and the
environment a CLI process signs in with."""

from __future__ import annotations

from pathlib import Path

BENCH_USER = "bench"
BENCH_PASSWORD = "bench-password"


def cli_account(folder: Path, db: str | None = None) -> dict[str, str]:
    """Make the bench account in the workspace at `folder` (once); its sign-in variables."""
    from exam_center.services import accounts
    from exam_center.services.permissions import Actor, Role
    from exam_center.services.workspace import open_workspace
    from exam_center.settings import Settings

    ws = open_workspace(Settings(workspace=folder, db=db), create=False)
    ws.actor = Actor("基准测试", "基准测试", frozenset({Role.ADMIN}))
    try:
        with ws.session() as s:
            if not any(a.name == BENCH_USER for a in accounts.list_accounts(s)):
                accounts.add_account(
                    s, name=BENCH_USER, password=BENCH_PASSWORD, roles=[r.value for r in Role]
                )
    finally:
        ws.close()
    return {"EXAM_CENTER_USER": BENCH_USER, "EXAM_CENTER_PASSWORD": BENCH_PASSWORD}
