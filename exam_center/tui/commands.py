"""The command palette's provider: the ACTIONS of every screen (导出, 打印答题卡,
打印考场文档, 定稿 …), searchable in Chinese and English, and going to any screen.

- the current screen's commands, while they are enabled right now;
- every other screen's actions (those that need a permission): run on their screen
  once it has loaded (`ExamScreen.run_when_loaded`), which says so if the exam's state
  does not allow it yet;
- what the signed-in role may not do, greyed out with the reason (仅限成绩管理 …):
  choosing it says the reason again, nothing runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from exam_center.tui.context import Permission, refusal
from exam_center.tui.registry import SCREENS, ScreenEntry
from exam_center.tui.screens.base import ExamScreen, PaletteCommand

if TYPE_CHECKING:
    from exam_center.tui.app import ExamCenterApp

Command = tuple[str, str, Callable[[], object]]


@dataclass(frozen=True)
class Refused:
    """A command the role may not use: shown greyed out, with the reason."""

    title: str
    reason: str


def screen_class(e: ScreenEntry) -> type[ExamScreen] | None:
    make = e.make
    return make if isinstance(make, type) and issubclass(make, ExamScreen) else None


def offered_elsewhere(e: ScreenEntry) -> list[tuple[PaletteCommand, Permission]]:
    """A screen's actions offered from any screen, with the permission each needs: those
    that need one (its other commands, such as searching or refreshing, only make sense
    on it)."""
    cls = screen_class(e)
    if cls is None:
        return []
    return [
        (c, cls.REQUIRES[c.action.split("(", 1)[0]])
        for c in cls.PALETTE
        if c.action.split("(", 1)[0] in cls.REQUIRES
    ]


class ExamCommands(Provider):
    def app_(self) -> ExamCenterApp:
        return cast("ExamCenterApp", self.app)

    def commands(self) -> list[Command]:
        """What the signed-in role can run from here (title, help, callback)."""
        app = self.app_()
        found: list[Command] = []
        screen = self.screen
        current = screen if isinstance(screen, ExamScreen) else None
        for e in SCREENS:
            if app.check_action("goto", (e.name,)):
                found.append(
                    (f"前往 {e.title}", f"{e.help} ({e.key.upper()})", partial(app.goto, e.name))
                )
        if current is not None:
            for c in current.PALETTE:
                if current.check_action(c.action, ()):
                    found.append((c.title, c.help, partial(current.run_action, c.action)))
        for e in SCREENS:
            if current is not None and isinstance(current, screen_class(e) or ()):
                continue
            if not app.check_action("goto", (e.name,)):
                continue
            for c, needed in offered_elsewhere(e):
                if app.context.can(needed):
                    where = f"{e.title} ({e.key.upper()})"
                    found.append(
                        (c.title, f"{c.help} · 在 {where}", partial(app.goto, e.name, c.action))
                    )
        return found

    def refused(self) -> list[Refused]:
        """What the signed-in role may not do: the screens it may not open and every
        action whose permission its roles lack, each with the reason."""
        app = self.app_()
        if app.context.operator is None:
            return []
        out: list[Refused] = []
        for e in SCREENS:
            if e.permission is not None and not app.context.can(e.permission):
                out.append(Refused(f"前往 {e.title}", refusal(e.permission)))
            opens = e.permission is None or app.context.can(e.permission)
            for c, needed in offered_elsewhere(e):
                lacking = needed if not app.context.can(needed) else None
                if lacking is None and not opens:
                    lacking = e.permission
                if lacking is not None:
                    out.append(Refused(c.title, refusal(lacking)))
        return out

    def _refuse(self, reason: str) -> None:
        self.app.notify(reason, title="无权限 Not allowed", severity="warning")

    @staticmethod
    def greyed(title: str, reason: str) -> Content:
        short = reason.split(" (", 1)[0]
        return Content.from_markup("[dim]$t  ($r)[/]", t=title, r=short)

    async def discover(self) -> Hits:
        for title, help_text, run in self.commands():
            yield DiscoveryHit(title, run, help=help_text)
        for r in self.refused():
            yield DiscoveryHit(
                self.greyed(r.title, r.reason),
                partial(self._refuse, r.reason),
                text=r.title,
                help=r.reason,
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, run in self.commands():
            # The title and help as one text: 打印考场文件 finds 打印考场文档 (考场文件 …).
            score = max(matcher.match(title), matcher.match(f"{title} {help_text}"))
            if score > 0:
                yield Hit(score, matcher.highlight(title), run, text=title, help=help_text)
        for r in self.refused():
            score = matcher.match(r.title)
            if score > 0:
                # Below what may be run, greyed out, with the reason as its help.
                yield Hit(
                    score / 2,
                    self.greyed(r.title, r.reason),
                    partial(self._refuse, r.reason),
                    text=r.title,
                    help=r.reason,
                )
