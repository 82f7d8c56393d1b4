"""The Textual terminal UI for exam-centre staff, proctors and results officers.

Screens are thin: they call `exam_center.services` in thread workers and show the
plain read models those return. `make_app(workspace)` builds the app for the CLI
and the tests alike.
"""

from exam_center.tui.app import ExamCenterApp, make_app

__all__ = ["ExamCenterApp", "make_app"]
