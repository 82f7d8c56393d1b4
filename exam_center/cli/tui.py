"""Opening the TUI from the CLI (the app itself lives in exam_center.tui)."""

from __future__ import annotations

import typer

from exam_center.cli.common import err_console, workspace


def run_tui(ctx: typer.Context) -> None:
    try:
        from exam_center.tui.app import make_app
    except ImportError:
        err_console.print(
            "此版本不含终端界面，请看 `exam-center --help` "
            "(the terminal UI is not part of this build)."
        )
        raise typer.Exit(2) from None
    ws = workspace(ctx)
    if not ws.create:
        ws.require_existing()  # before the screen takes the terminal
    make_app(ws).run()
