"""What every main screen shares: the app context handed down, service calls run in
thread workers (the UI never waits on the database), role checks for actions, and
the commands a screen offers to the command palette."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from sqlmodel import Session
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from exam_center.tui.context import AppContext, Permission, refusal
from exam_center.tui.dialogs.working import WorkingDialog
from exam_center.tui.error_text import RECOVERABLE, describe_error
from exam_center.tui.widgets.page_bar import PageWindow

if TYPE_CHECKING:
    from exam_center.tui.app import ExamCenterApp

T = TypeVar("T")


@dataclass(frozen=True)
class PaletteCommand:
    """A screen action offered in the command palette (only while it is enabled)."""

    title: str
    help: str
    action: str


class ExamScreen(Screen[None]):
    PALETTE: ClassVar[tuple[PaletteCommand, ...]] = ()
    # action name -> the permission it needs; the footer greys out what the role lacks.
    REQUIRES: ClassVar[dict[str, Permission]] = {}

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        # An action asked for from elsewhere (the palette, the dashboard's next step),
        # run once the screen has shown its data (its next "load").
        self.pending_action: str | None = None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        permission = self.REQUIRES.get(action)
        if permission is not None and not self.context.can(permission):
            return None  # shown greyed out, with the reason in the binding's tooltip
        return True

    def allowed(self, permission: Permission) -> bool:
        """Guard inside an action too: the palette or a test may call it directly."""
        if self.context.can(permission):
            return True
        self.notify(refusal(permission), title="无权限 Not allowed", severity="warning")
        return False

    def open_screen(self, name: str, then: str | None = None) -> None:
        """Go to another main screen, as its F-key would (refused if the role may not
        open it), then run the action `then` there (e.g. show one of its tabs)."""
        cast("ExamCenterApp", self.app).goto(name, then)

    def run_service(
        self,
        call: Callable[[Session], T],
        then: Callable[[T], None],
        *,
        group: str = "load",
        exclusive: bool = True,
    ) -> Worker[None]:
        """Run `call(session)` in a thread worker and hand its result to `then` on the UI
        thread. A newer call in the same exclusive group makes an older result stale."""
        return self.run_worker(
            partial(self._in_thread, call, then),
            name=group,
            group=group,
            thread=True,
            exclusive=exclusive,
        )

    def run_with_progress(
        self, call: Callable[[Session], T], then: Callable[[T], None], *, what: str, group: str
    ) -> Worker[None]:
        """`run_service` for an action that takes time (exporting, printing): a dialog
        says what is being done, with a moving bar, until the worker ends."""
        dialog = WorkingDialog(what)
        self.app.push_screen(dialog)

        def close() -> None:
            if dialog.is_attached and dialog.is_current:
                dialog.dismiss()

        return self.run_worker(
            partial(self._in_thread, call, then, close),
            name=group,
            group=group,
            thread=True,
            exclusive=True,
        )

    def _in_thread(
        self,
        call: Callable[[Session], T],
        then: Callable[[T], None],
        finished: Callable[[], None] | None = None,
    ) -> None:
        worker = get_current_worker()
        try:
            with self.context.workspace.session() as session:
                result = call(session)
        except RECOVERABLE as exc:
            if finished is not None:
                self.app.call_from_thread(finished)
            if not worker.is_cancelled:
                self.app.call_from_thread(self.report_error, describe_error(exc))
            return
        except BaseException:
            if finished is not None:
                self.app.call_from_thread(finished)
            raise
        if finished is not None:
            self.app.call_from_thread(finished)
        if not worker.is_cancelled:
            self.app.call_from_thread(then, result)
            if worker.group == "load" and self.pending_action is not None:
                self.app.call_from_thread(self._run_pending)

    def run_when_loaded(self, action: str) -> None:
        """Run `action` as soon as the screen's data has loaded (it is being opened)."""
        self.pending_action = action

    def _run_pending(self) -> None:
        action, self.pending_action = self.pending_action, None
        if action is not None:
            self.call_later(self.run_offered, action)

    async def run_offered(self, action: str) -> None:
        """Run an action offered from elsewhere, or say why it cannot run: the role's
        reason, or that the screen's state does not allow it now."""
        name = action.split("(", 1)[0]
        permission = self.REQUIRES.get(name)
        if permission is not None and not self.context.can(permission):
            self.notify(refusal(permission), title="无权限 Not allowed", severity="warning")
            return
        if not await self.app.run_action(action, self):
            self.say_unavailable(action)

    def say_unavailable(self, action: str) -> None:
        """The action is greyed out by the exam's state (not the role's): say so."""
        name = action.split("(", 1)[0]
        title = next((c.title for c in self.PALETTE if c.action.split("(", 1)[0] == name), action)
        self.notify(f"{title}：此时不可用 not available now", title="暂不可用", severity="warning")

    def report_error(self, message: str) -> None:
        self.notify(message, title="错误 Error", severity="error", timeout=10)


class PagedScreen(ExamScreen):
    """A screen with one paged table: `window` says which page, `show_page` draws it."""

    window: PageWindow

    def show_page(self) -> None:
        raise NotImplementedError

    def action_next_page(self) -> None:
        self.window = self.window.next()
        self.show_page()
        self.refresh_bindings()

    def action_previous_page(self) -> None:
        self.window = self.window.previous()
        self.show_page()
        self.refresh_bindings()
