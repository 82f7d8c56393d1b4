"""Signing in (login, logout, whoami), the administrator's `users` commands, and how
every other command finds its account: EXAM_CENTER_USER + EXAM_CENTER_PASSWORD (for
scripts), else the workspace's session file from `exam-center login`."""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from exam_center.cli.common import console, print_json, table, workspace

if TYPE_CHECKING:
    from exam_center.services.permissions import Actor
    from exam_center.services.workspace import Workspace

SESSION_FILE = ".session"
users_app = typer.Typer(help="考试管理员: accounts and their roles.", no_args_is_help=True)


def _session_path(ws: Workspace) -> Path:
    return ws.path / SESSION_FILE


def _write_session(ws: Workspace, name: str, token: str) -> None:
    path = _session_path(ws)
    doc = {"user": name, "token": token, "last_used": datetime.now(UTC).isoformat()}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    path.chmod(0o600)


def resolve_actor(ws: Workspace) -> Actor:
    """The account this command acts for (NotSignedIn when there is none)."""
    from exam_center.domain.errors import NotAllowed
    from exam_center.services import accounts
    from exam_center.services.permissions import NotSignedIn

    settings = ws.settings
    if settings.user:
        if settings.password is None:
            raise NotAllowed(
                "设置了 EXAM_CENTER_USER 却没有 EXAM_CENTER_PASSWORD：请两者都设，或运行 "
                "`exam-center login` (EXAM_CENTER_USER is set without EXAM_CENTER_PASSWORD)"
            )
        return ws.check_account(settings.user, settings.password)
    path = _session_path(ws)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        name, token = str(doc["user"]), str(doc["token"])
        last = datetime.fromisoformat(str(doc["last_used"]))
    except (OSError, ValueError, KeyError, TypeError):
        raise NotSignedIn() from None
    if datetime.now(UTC) - last > timedelta(minutes=settings.idle_minutes):
        path.unlink(missing_ok=True)
        raise NotAllowed(
            f"登录已过期 the sign-in expired after {settings.idle_minutes} minutes without a "
            "command: run `exam-center login` again"
        )
    with ws.session() as s:
        actor = accounts.resume_cli_session(s, name, token)
    if actor is None:
        path.unlink(missing_ok=True)
        raise NotSignedIn()
    _write_session(ws, name, token)  # the idle time starts again
    return actor


def _ask_password(prompt: str, *, confirm: bool = False, stdin: bool = False) -> str:
    if stdin:
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm))


def login(
    ctx: typer.Context,
    user: str | None = typer.Option(None, "--user", "-u", help="账户名 account name"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read the password from standard input (scripts)"
    ),
) -> None:
    """登录 Sign in: later commands in this workspace act as this account until logout or
    the idle time (EXAM_CENTER_IDLE_MINUTES, 30) passes."""
    from exam_center.services import accounts

    ws = workspace(ctx)
    ws.require_existing()
    name = user or ws.settings.user or str(typer.prompt("账户名 Account"))
    password = _ask_password("密码 Password", stdin=password_stdin)
    actor = ws.check_account(name, password)
    with ws.session(actor) as s:
        token = accounts.open_cli_session(s, actor.name)
    _write_session(ws, actor.name, token)
    console.print(
        f"已登录 signed in as {actor.label}; 闲置 {ws.settings.idle_minutes} 分钟后失效 "
        f"(expires after {ws.settings.idle_minutes} idle minutes)",
        markup=False,
        highlight=False,
    )


def logout(ctx: typer.Context) -> None:
    """退出登录 Sign out of this workspace."""
    from exam_center.services import accounts

    ws = workspace(ctx)
    path = _session_path(ws)
    try:
        name = str(json.loads(path.read_text(encoding="utf-8"))["user"])
    except (OSError, ValueError, KeyError, TypeError):
        console.print("未登录 nobody was signed in here.")
        return
    with ws.session() as s:
        accounts.close_cli_session(s, name)
    path.unlink(missing_ok=True)
    console.print(f"已退出 {name} signed out.", markup=False)


def whoami(ctx: typer.Context) -> None:
    """当前账户 The account this workspace's commands act as."""
    console.print(workspace(ctx).signed_in().label, markup=False, highlight=False)


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="账户名 account name (no spaces)"),
    role: list[str] = typer.Option(
        ..., "--role", "-r", help="staff 考务人员 | proctor 扫描员 | officer 成绩管理 | admin"
    ),
    display: str = typer.Option("", "--display", help="姓名 the person's name as shown"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="password from stdin"),
) -> None:
    """新建账户 Add an account (考试管理员 only)."""
    from exam_center.services import accounts

    ws = workspace(ctx)
    ws.signed_in()  # before the prompt: nobody types a password for a refused command
    password = _ask_password(f"{name} 的密码 password", confirm=True, stdin=password_stdin)
    with ws.session() as s:
        info = accounts.add_account(
            s, name=name, password=password, roles=role, display_name=display
        )
    console.print(
        f"已添加 added {info.name} ({info.display_name}): {info.roles_label}", markup=False
    )


@users_app.command("list")
def users_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """账户列表 Accounts, their roles and state."""
    from exam_center.services import accounts

    ws = workspace(ctx)
    with ws.session() as s:
        rows = accounts.list_accounts(s)
    if as_json:
        print_json(
            [
                {
                    "name": r.name,
                    "display_name": r.display_name,
                    "roles": [str(x) for x in r.roles],
                    "status": r.status_label,
                    "disabled": r.disabled,
                }
                for r in rows
            ]
        )
        return
    table(
        "账户 Accounts",
        ["账户 name", "姓名 display", "角色 roles", "状态 status", "创建人 created by"],
        [[r.name, r.display_name, r.roles_label, r.status_label, r.created_by] for r in rows],
    )


@users_app.command("disable")
def users_disable(ctx: typer.Context, name: str = typer.Argument(...)) -> None:
    """停用账户 Disable an account (its sign-in session ends)."""
    _set_disabled(ctx, name, disabled=True)


@users_app.command("enable")
def users_enable(ctx: typer.Context, name: str = typer.Argument(...)) -> None:
    """启用账户 Enable an account again (and lift a lock-out)."""
    _set_disabled(ctx, name, disabled=False)


def _set_disabled(ctx: typer.Context, name: str, *, disabled: bool) -> None:
    from exam_center.services import accounts

    with workspace(ctx).session() as s:
        info = accounts.set_disabled(s, name=name, disabled=disabled)
    console.print(f"{info.name}: {info.status_label}", markup=False)


@users_app.command("roles")
def users_roles(
    ctx: typer.Context,
    name: str = typer.Argument(...),
    role: list[str] = typer.Option(..., "--role", "-r", help="the account's roles from now on"),
) -> None:
    """设置角色 Set an account's roles."""
    from exam_center.services import accounts

    with workspace(ctx).session() as s:
        info = accounts.set_roles(s, name=name, roles=role)
    console.print(f"{info.name}: {info.roles_label}", markup=False)


@users_app.command("passwd")
def users_passwd(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, help="default: your own account"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="old (own account) and new password, one per line"
    ),
) -> None:
    """修改密码 Change your password, or (administrator) set anyone's (lifting a lock-out)."""
    from exam_center.services import accounts
    from exam_center.services.permissions import Role

    ws = workspace(ctx)
    actor = ws.signed_in()
    target = name or actor.name
    old = ""
    if target == actor.name and Role.ADMIN not in actor.roles:
        old = _ask_password("原密码 Current password", stdin=password_stdin)
    new = _ask_password("新密码 New password", confirm=True, stdin=password_stdin)
    with ws.session() as s:  # no transaction held open while a person types
        accounts.change_password(s, name=target, new_password=new, old_password=old)
    console.print(f"{target}: 密码已更改 password changed", markup=False)


def admin_password(ws: Workspace, name: str) -> str:
    """The new exam administrator's password: EXAM_CENTER_PASSWORD, or asked twice."""
    if ws.settings.password is not None:
        return ws.settings.password
    return _ask_password(f"考试管理员 {name} 的密码 administrator's password", confirm=True)
