"""The full error report of a rejected import: one line per problem, by row and column."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable

from exam_center.domain.errors import RowProblem


class ProblemTable(DataTable[str]):
    DEFAULT_CSS = """
    ProblemTable { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("行 Row", key="row", width=7)
        self.add_column("列 Column", key="column", width=22)
        self.add_column("问题 Problem", key="problem")

    def show(self, problems: Iterable[RowProblem]) -> None:
        self.clear()
        for p in problems:
            self.add_row(str(p.row) if p.row else "—", p.column or "—", p.message)
