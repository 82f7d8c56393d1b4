"""Paging for long lists: a window (offset, size) over a service's offset/limit
query, and the line under a table that says where in the list you are."""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.content import Content
from textual.widgets import Static


@dataclass(frozen=True)
class PageWindow:
    """Ask the service for `size + 1` rows: the extra one says whether a next page exists."""

    size: int
    offset: int = 0
    has_next: bool = False

    @property
    def fetch(self) -> int:
        return self.size + 1

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    def first(self) -> PageWindow:
        return replace(self, offset=0, has_next=False)

    def next(self) -> PageWindow:
        return replace(self, offset=self.offset + self.size) if self.has_next else self

    def previous(self) -> PageWindow:
        return replace(self, offset=max(0, self.offset - self.size))

    def received(self, count: int) -> PageWindow:
        return replace(self, has_next=count > self.size)


class PageBar(Static):
    DEFAULT_CSS = """
    PageBar { height: 1; padding: 0 1; color: $text-muted; background: $panel; }
    """

    def show(self, window: PageWindow, shown: int, total_note: str = "") -> None:
        if shown:
            where = f"第 {window.offset + 1}–{window.offset + shown} 条"
        else:
            where = "没有符合条件的记录 nothing matches"
        parts = [where, f"第 {window.offset // window.size + 1} 页 page"]
        if window.has_previous:
            parts.append("p 上一页")
        if window.has_next:
            parts.append("n 下一页")
        if total_note:
            parts.append(total_note)
        self.update(Content("  ·  ".join(parts)))
