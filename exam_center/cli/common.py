"""What every command shares: the workspace from the global options, output helpers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from exam_center.safe_text import for_terminal

if TYPE_CHECKING:
    from exam_center.services.workspace import Workspace

console = Console()
err_console = Console(stderr=True)


def workspace(ctx: typer.Context) -> Workspace:
    from exam_center.services.workspace import Workspace

    ws = ctx.obj
    assert isinstance(ws, Workspace), "the root callback sets the workspace"
    return ws


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def table(title: str, headers: list[str], rows: list[list[Any]]) -> None:
    t = Table(title=title, show_lines=False)
    for h in headers:
        t.add_column(h)
    for r in rows:
        t.add_row(*(shown(c) for c in r))
    console.print(t)


def shown(value: Any) -> str:
    """A value from the database as a terminal may print it: names come from rosters, so
    an ESC or a bidi override is shown escaped and ``[red]`` is not Rich markup."""
    return escape(for_terminal(value))
