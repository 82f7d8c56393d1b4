"""The root command: global options, sub-commands, and one clear message per error."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape

from exam_center.cli import accounts as accounts_cli
from exam_center.cli import grading as grading_cli
from exam_center.cli import registration
from exam_center.cli.audit import audit_app
from exam_center.cli.common import err_console
from exam_center.cli.demo import demo
from exam_center.cli.register import register_app
from exam_center.cli.scanning import review_app, scan, status
from exam_center.cli.seating import layout, print_app, seat
from exam_center.cli.signoff import signoff_app
from exam_center.cli.verify import verify
from exam_center.domain.errors import ExamCenterError

# The only commands that may make a new workspace; every other one needs an exam.
CREATE_WORKSPACE = frozenset({"init", "demo"})
# Commands that sign in themselves (or make the first account); the TUI asks at its start.
WITHOUT_ACCOUNT = frozenset({"init", "demo", "login", "tui", None})

app = typer.Typer(
    name="exam-center",
    help="Offline exam administration and grading: roster to awards.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None, "--db", help="database URL (default: SQLite in the workspace)"
    ),
    workspace: Path | None = typer.Option(
        None, "--workspace", "-w", help="the exam's folder (database, scans, exports)"
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


def main() -> None:
    try:
        app(standalone_mode=True)
    except ExamCenterError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(1)
    except OSError as exc:
        # A path the command was given or writes to (exists, no such folder, no right to
        # write, a file where a folder should be): the person needs the path and the cause.
        where = f": {exc.filename}" if exc.filename else ""
        err_console.print(
            f"[red]文件错误 error:[/] {escape(exc.strerror or str(exc))}{escape(where)}",
            highlight=False,
        )
        sys.exit(1)
