"""The root command: global options, sub-commands, and one clear message per error."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
import typer.main
from rich.markup import escape
from typer import Context
from typer.core import TyperGroup

from exam_center.cli import accounts as accounts_cli
from exam_center.cli import grading as grading_cli
from exam_center.cli import registration
from exam_center.cli.audit import audit_app
from exam_center.cli.common import err_console
from exam_center.cli.demo import demo
from exam_center.cli.paths import OUTPUT_PATHS, output_callback
from exam_center.cli.register import register_app
from exam_center.cli.scanning import review_app, scan, status
from exam_center.cli.seating import layout, print_app, seat
from exam_center.cli.signoff import signoff_app
from exam_center.cli.verify import verify
from exam_center.domain.errors import ExamCenterError
from exam_center.domain.vocabulary import ERROR_PREFIX, FILE_ERROR_PREFIX, os_error_label

if TYPE_CHECKING:
    from typer._click.core import Command

# The only commands that may make a new workspace; every other one needs an exam.
CREATE_WORKSPACE = frozenset({"init", "demo"})
# Commands that sign in themselves (or make the first account); the TUI asks at its start.
WITHOUT_ACCOUNT = frozenset({"init", "demo", "login", "tui", None})

app = typer.Typer(
    name="exam-center",
    help="考试中心 Offline exam administration and grading: roster to awards.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        metavar="URL",
        help="数据库地址（默认：工作区中的 SQLite）database URL (default: SQLite in the workspace)",
    ),
    workspace: Path | None = typer.Option(
        None,
        "--workspace",
        "-w",
        metavar="DIR",
        help="考试文件夹 the exam's folder: database, scans, exports "
        "(EXAM_CENTER_WORKSPACE; default ./workspace)",
    ),
) -> None:
    if ctx.invoked_subcommand == "scan":
        # The readers' forkserver imports OpenCV while this process imports the database.
        from scans import start_readers

        start_readers()
    from exam_center.services.workspace import open_workspace
    from exam_center.settings import load_settings

    settings = load_settings(db=db, workspace=workspace)
    ctx.obj = open_workspace(settings, create=ctx.invoked_subcommand in CREATE_WORKSPACE)
    if ctx.invoked_subcommand not in WITHOUT_ACCOUNT:
        from exam_center.cli.accounts import resolve_actor

        # Found when the command first opens the database (so --help needs no account).
        ctx.obj.resolve_actor = resolve_actor
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand is None:
        from exam_center.cli.tui import run_tui

        run_tui(ctx)


app.command()(registration.init)
app.command()(accounts_cli.login)
app.command()(accounts_cli.logout)
app.command()(accounts_cli.whoami)
app.add_typer(accounts_cli.users_app, name="users")
app.add_typer(signoff_app, name="signoff")
app.add_typer(registration.candidates_app, name="candidates")
app.add_typer(registration.rooms_app, name="rooms")
app.add_typer(registration.invigilators_app, name="invigilators")
app.add_typer(audit_app, name="audit")
app.add_typer(register_app, name="register")
app.command()(seat)
app.add_typer(print_app, name="print")
app.command()(layout)
app.command()(scan)
app.command("scan-status")(status)
app.add_typer(review_app, name="review")
app.add_typer(grading_cli.key_app, name="key")
app.add_typer(grading_cli.scores_app, name="scores")
app.command()(grading_cli.absent)
app.command()(grading_cli.grade)
app.command("results")(grading_cli.results_cmd)
app.command()(grading_cli.awards)
app.command()(grading_cli.teams)
app.command()(grading_cli.national)
app.add_typer(grading_cli.tie_app, name="tie")
app.command()(grading_cli.items)
app.command()(grading_cli.finalise)
app.command()(grading_cli.reopen)
app.command()(grading_cli.export)
app.command()(verify)
app.command()(demo)


@app.command()
def tui(ctx: typer.Context) -> None:
    """The terminal UI for exam-centre staff, proctors and results officers."""
    from exam_center.cli.tui import run_tui

    run_tui(ctx)


def command() -> TyperGroup:
    """The command tree, each command's help Chinese first, each output path checked before
    the command runs, and each command but init and demo refused on a missing workspace."""
    from exam_center.cli.helptext import humanise

    root_command = typer.main.get_command(app)
    assert isinstance(root_command, TyperGroup)
    found: set[tuple[str, str]] = set()
    for name, leaf in leaves(root_command):
        for param in leaf.params:
            kind = OUTPUT_PATHS.get((name, param.name or ""))
            if kind is not None:
                assert param.callback is None, f"{name} --{param.name} has its own callback"
                param.callback = output_callback(kind)
                found.add((name, param.name or ""))
        if name.split()[0] not in CREATE_WORKSPACE:
            _needs_exam(leaf)
    assert found == set(OUTPUT_PATHS), f"not a command's parameter: {set(OUTPUT_PATHS) - found}"
    humanise(root_command)
    return root_command


def leaves(group: TyperGroup, path: tuple[str, ...] = ()) -> Iterator[tuple[str, Command]]:
    """Every command that runs (not the groups), by its path: "print rooms"."""
    for name, sub in group.commands.items():
        if isinstance(sub, TyperGroup):
            yield from leaves(sub, (*path, name))
        else:
            yield " ".join((*path, name)), sub


def _needs_exam(leaf: Command) -> None:
    invoke = leaf.invoke

    def checked(ctx: Context) -> Any:
        # Before the command reads a file or a session: a mistyped --workspace is said
        # first, whatever the command would have done without the database.
        ctx.find_root().obj.require_existing()
        return invoke(ctx)

    leaf.invoke = checked  # type: ignore[method-assign,assignment]


def main() -> None:
    try:
        command()(standalone_mode=True, prog_name="exam-center")
    except ExamCenterError as exc:
        # soft_wrap: a long path is not cut into lines where a narrow terminal ends.
        err_console.print(
            f"[red]{ERROR_PREFIX}[/] {escape(str(exc))}", highlight=False, soft_wrap=True
        )
        sys.exit(1)
    except OSError as exc:
        # A path the command was given or writes to (exists, no such folder, no right to
        # write, a file where a folder should be): the person needs the path and the cause.
        where = f": {exc.filename}" if exc.filename else ""
        err_console.print(
            f"[red]{FILE_ERROR_PREFIX}[/] {escape(os_error_label(exc.errno, exc.strerror))}"
            f"{escape(where)}",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
