"""The main screens, in menu order. Adding a screen is one entry here: the app turns
each into a mode, a navigation key in the footer and a command in the palette.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual.screen import Screen

from exam_center.tui.context import AppContext, Permission
from exam_center.tui.screens.audit import AuditScreen
from exam_center.tui.screens.dashboard import DashboardScreen
from exam_center.tui.screens.grading import GradingScreen
from exam_center.tui.screens.registration import RegistrationScreen
from exam_center.tui.screens.results import ResultsScreen
from exam_center.tui.screens.review import ReviewScreen
from exam_center.tui.screens.scanning import ScanningScreen
from exam_center.tui.screens.seating import SeatingScreen


@dataclass(frozen=True)
class ScreenEntry:
    name: str
    title: str
    key: str
    help: str
    make: Callable[[AppContext], Screen[None]]
    # None: every role may open the screen (actions inside may still need a permission).
    permission: Permission | None = None


SCREENS: tuple[ScreenEntry, ...] = (
    ScreenEntry("dashboard", "总览 Dashboard", "f2", "The exam's pipeline", DashboardScreen),
    ScreenEntry("registration", "报名 Registration", "f3", "Candidates", RegistrationScreen),
    ScreenEntry("seating", "考场 Rooms", "f4", "Rooms and invigilators", SeatingScreen),
    ScreenEntry(
        "scanning",
        "扫描 Scanning",
        "f5",
        "Read filled answer sheets",
        ScanningScreen,
        Permission.SCAN,
    ),
    ScreenEntry(
        "review",
        "复核 Review",
        "f6",
        "Doubtful marks, rescans, spare sheets",
        ReviewScreen,
        Permission.REVIEW,
    ),
    ScreenEntry(
        "grading",
        "评分 Grading",
        "f7",
        "Answer key, subjective scores, double-marking issues, absences",
        GradingScreen,
        Permission.GRADE,
    ),
    ScreenEntry(
        "results",
        "成绩 Results",
        "f8",
        "Ranking, awards, ties, national list, finalising",
        ResultsScreen,
        Permission.GRADE,
    ),
    ScreenEntry("audit", "审计 Audit", "f9", "Audit log and its verification", AuditScreen),
)

HOME = "dashboard"


def entry(name: str) -> ScreenEntry:
    return next(e for e in SCREENS if e.name == name)
