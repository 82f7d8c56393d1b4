"""The distribution of total scores: counts in equal bins drawn as columns of eighth
blocks, the bin edges under them and each bin's count above its column."""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

EIGHTHS = " ▁▂▃▄▅▆▇█"


def bin_counts(values: Sequence[float], top: float, bins: int) -> list[int]:
    counts = [0] * bins
    width = top / bins
    for v in values:
        counts[min(bins - 1, max(0, int(v // width)))] += 1
    return counts


def draw_histogram(
    values: Sequence[float], *, top: float, bins: int = 20, height: int = 8, column: int = 3
) -> Text:
    """`column` cells per bin (a space between); `height` lines of bars."""
    if not values:
        return Text("尚无成绩 no ranked totals yet", style="dim")
    counts = bin_counts(values, top, bins)
    most = max(counts)
    out = Text(no_wrap=True)
    out.append("".join(f"{c or '':^{column}}" for c in counts) + "\n", style="dim")
    for line in range(height, 0, -1):
        for c in counts:
            eighths = round(c / most * height * 8) if most else 0
            level = max(0, min(8, eighths - (line - 1) * 8))
            out.append(EIGHTHS[level] * (column - 1) + " ", style="#8ab4f8")
        out.append("\n")
    step = top / bins
    out.append(
        "".join(f"{math.floor(i * step):<{column * 2}}" for i in range(0, bins, 2)), style="dim"
    )
    return out


class ScoreHistogram(Static):
    DEFAULT_CSS = """
    ScoreHistogram { height: auto; padding: 0 1; }
    """

    def show(self, values: Sequence[float], top: float) -> None:
        self.update(draw_histogram(values, top=top))
