"""What every command shares: the workspace from the global options, output helpers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from exam_center.io.safe_text import for_terminal

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


# Above this many rows a table is printed as aligned plain columns: Rich measures every
# cell of every row (20 s for the 10,000 rows of `results`), plain columns take 0.1 s.
PLAIN_ROWS = 500


def table(title: str, headers: list[str], rows: list[list[Any]]) -> None:
    if len(rows) > PLAIN_ROWS:
        _plain_table(title, headers, [[for_terminal(c) for c in r] for r in rows])
        return
    t = Table(title=title, show_lines=False)
    for h in headers:
        t.add_column(h)
    for r in rows:
        t.add_row(*(shown(c) for c in r))
    console.print(t)


def _plain_table(title: str, headers: list[str], rows: list[list[str]]) -> None:
    widths = [cell_len(h) for h in headers]
    for r in rows:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, r, strict=True)]

    def line(cells: list[str]) -> str:
        # Chinese characters take two columns: pad by display width, not by length.
        return "  ".join(c + " " * (w - cell_len(c)) for c, w in zip(cells, widths, strict=True))

    text = "\n".join([title, line(headers), *(line(r).rstrip() for r in rows)])
    console.file.write(text + "\n")


def shown(value: Any) -> str:
    """A value from the database as a terminal may print it: names come from rosters, so
    an ESC or a bidi override is shown escaped and ``[red]`` is not Rich markup."""
    return escape(for_terminal(value))
