"""Completes a typed path from the file system (→ accepts), preferring folders and
the files the caller reads (by default the table files the importers read). Not
cached: the folder changes under us."""

from __future__ import annotations

from pathlib import Path

from textual.suggester import Suggester

TABLE_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".txt")
SCAN_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf")


class PathSuggester(Suggester):
    def __init__(self, suffixes: tuple[str, ...] = TABLE_SUFFIXES) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.suffixes = suffixes

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        typed = Path(value).expanduser()
        folder, stem = (typed, "") if value.endswith("/") else (typed.parent, typed.name)
        try:
            names = sorted(p for p in folder.iterdir() if p.name.startswith(stem))
        except OSError:
            return None
        wanted = [p for p in names if p.is_dir() or p.suffix.lower() in self.suffixes]
        if not wanted or (stem and wanted[0].name == stem):
            return None
        choice = wanted[0]
        head = value[: len(value) - len(stem)]
        return head + choice.name + ("/" if choice.is_dir() else "")
