"""The command palette's provider: go to any screen the role may open, and run the
current screen's commands that are enabled right now."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from exam_center.tui.registry import SCREENS
from exam_center.tui.screens.base import ExamScreen

if TYPE_CHECKING:
    from exam_center.tui.app import ExamCenterApp

Command = tuple[str, str, Callable[[], object]]


class ExamCommands(Provider):
    def commands(self) -> list[Command]:
        app = cast("ExamCenterApp", self.app)
        found: list[Command] = []
        for e in SCREENS:
            if app.check_action("goto", (e.name,)):
                found.append(
                    (f"前往 {e.title}", f"{e.help} ({e.key.upper()})", partial(app.goto, e.name))
                )
        screen = self.screen
        if isinstance(screen, ExamScreen):
            for c in screen.PALETTE:
                if screen.check_action(c.action, ()):
                    found.append((c.title, c.help, partial(screen.run_action, c.action)))
        return found

    async def discover(self) -> Hits:
        for title, help_text, run in self.commands():
            yield DiscoveryHit(title, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self.commands():
            score = max(matcher.match(title), matcher.match(help_text))
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_text)
