"""A stable colour per team (city): by the team's place in the exam definition, so a
city keeps its colour on every screen and every day; a name the exam does not list
gets one from its checksum (never Python's per-process `hash`)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from rich.style import Style

# Light enough for black text, distinct enough side by side (13 cities and the province).
PALETTE = (
    "#f28b82",
    "#81c995",
    "#8ab4f8",
    "#fdd663",
    "#c58af9",
    "#78d9ec",
    "#fcad70",
    "#ff8bcb",
    "#b5d96a",
    "#a7b8f0",
    "#e6c9a8",
    "#9fe0c9",
    "#d7aefb",
    "#e8eaed",
    "#f6aea9",
    "#cbf0f8",
)


class TeamColours:
    def __init__(self, teams: Sequence[str] = ()) -> None:
        self._index = {name: i for i, name in enumerate(teams)}

    def colour(self, team: str) -> str:
        index = self._index.get(team)
        if index is None:
            index = zlib.crc32(team.encode("utf-8"))
        return PALETTE[index % len(PALETTE)]

    def style(self, team: str) -> Style:
        return Style(color="black", bgcolor=self.colour(team))
