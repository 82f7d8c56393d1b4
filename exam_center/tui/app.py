"""The app: one mode per registered screen, the start screen first, navigation keys
from the registry, and the operator's sign-in. `make_app` is the one factory the CLI
and the tests use."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from textual.actions import ActionParseResult
from textual.app import App
from textual.binding import Binding, BindingType
from textual.dom import DOMNode

from exam_center.services.workspace import Workspace
from exam_center.tui.commands import ExamCommands
from exam_center.tui.context import AppContext, Operator, Permission, refusal
from exam_center.tui.registry import HOME, SCREENS, ScreenEntry, entry
from exam_center.tui.screens.base import ExamScreen
from exam_center.tui.screens.start import StartScreen
from exam_center.tui.worker_processes import start_resource_tracker


def _tooltip(e: ScreenEntry) -> str:
    """The screen's help, and who may open it when not every role may (the footer greys
    the key out for the others; the tooltip and a notification give the reason)."""
    return e.help if e.permission is None else f"{e.help} · {refusal(e.permission)}"


NAVIGATION: list[BindingType] = [
    Binding(e.key, f"goto('{e.name}')", e.title.split()[0], tooltip=_tooltip(e)) for e in SCREENS
]


class ExamCenterApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "考务系统 exam-center"
    COMMANDS = App.COMMANDS | {ExamCommands}
    BINDINGS = [
        *NAVIGATION,
        Binding(
            "ctrl+o", "switch_operator", "换人", tooltip="Switch operator: sign in as someone else"
        ),
    ]

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.context = AppContext(workspace)
        # A demo workspace says so on every screen: its accounts' passwords are public.
        self.demo = (workspace.path / ".exam-center-demo").exists()
        # Now, while sys.stderr is still the real one: any screen may then start worker
        # processes (see worker_processes).
        start_resource_tracker()

    def on_mount(self) -> None:
        for e in SCREENS:
            self.add_mode(e.name, partial(e.make, self.context))
        self.push_screen(StartScreen(self.context), self.signed_in)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "goto":
            if self.context.operator is None:
                return False
            target = entry(str(parameters[0]))
            if target.permission is not None and not self.context.can(target.permission):
                return None
            return True
        if action == "switch_operator":
            return self.context.operator is not None
        return True

    def goto(self, name: str, then: str | None = None) -> None:
        """Switch to a main screen if the role may open it; then run the action `then`
        on it, once it is mounted."""
        target = entry(name)
        if target.permission is not None and not self.context.can(target.permission):
            self.notify(refusal(target.permission), title="无权限 Not allowed", severity="warning")
            return
        if then is not None and self.current_mode == name:
            screen = self.screen
            if isinstance(screen, ExamScreen):
                self.call_later(screen.run_offered, then)
            return
        self.switch_mode(name)
        screen = self.screen
        if then is not None and isinstance(screen, ExamScreen):
            # Run once the screen shows its data (its scene decides what is possible).
            screen.run_when_loaded(then)

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Run a key's action; a key greyed out for the signed-in role is not silent: the
        notification gives the reason (仅限成绩管理 …)."""
        done = await super().run_action(action, default_namespace, namespaces)
        if not done and self.context.operator is not None:
            target, name, params = self._parse_action(
                action, self if default_namespace is None else default_namespace, namespaces
            )
            needed = self.needed_for(target, name, params)
            if needed is not None and not self.context.can(needed):
                self.notify(refusal(needed), title="无权限 Not allowed", severity="warning")
            elif isinstance(target, ExamScreen) and target.check_action(name, params) is None:
                # Greyed out by the exam's state (certificates before finalising …).
                target.say_unavailable(name)
        return done

    @staticmethod
    def needed_for(target: object, name: str, params: tuple[object, ...]) -> Permission | None:
        """The permission an action needs, as the footer's greying knows it."""
        if isinstance(target, ExamCenterApp) and name == "goto" and params:
            return entry(str(params[0])).permission
        if isinstance(target, ExamScreen):
            return target.REQUIRES.get(name)
        return None

    def action_goto(self, name: str) -> None:
        self.goto(name)

    def action_switch_operator(self) -> None:
        self.push_screen(StartScreen(self.context), self.signed_in)

    def signed_in(self, operator: Operator | None) -> None:
        if operator is None:
            return
        self.context.sign_in(operator)
        demo = " · 演示 DEMO" if self.demo else ""
        self.sub_title = f"{operator.label}{demo}"
        # Always land on the dashboard: the new role may not open the screen that was shown.
        self.switch_mode(HOME)
        self.refresh_bindings()


def make_app(workspace: Workspace) -> ExamCenterApp:
    return ExamCenterApp(workspace)
