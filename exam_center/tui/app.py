"""The app: one mode per registered screen, the start screen first, navigation keys
from the registry, and the operator's sign-in. `make_app` is the one factory the CLI
and the tests use."""

from __future__ import annotations

from functools import partial

from textual.app import App
from textual.binding import Binding, BindingType

from exam_center.services.workspace import Workspace
from exam_center.tui.commands import ExamCommands
from exam_center.tui.context import AppContext, Operator, refusal
from exam_center.tui.registry import HOME, SCREENS, entry
from exam_center.tui.screens.start import StartScreen
from exam_center.tui.worker_processes import start_resource_tracker

NAVIGATION: list[BindingType] = [
    Binding(e.key, f"goto('{e.name}')", e.title.split()[0], tooltip=e.help) for e in SCREENS
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
        mounted = self.switch_mode(name)
        if then is not None:
            screen = self.screen

            async def run_then() -> None:
                await mounted
                await screen.run_action(then)

            self.call_later(run_then)

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
