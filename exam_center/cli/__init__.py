"""The `exam-center` command line: thin commands over exam_center.services."""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """The console script. The commands are imported here, not at module level: scanning's
    worker processes import the running script's module, and it must cost them nothing."""
    from exam_center.cli.main import main as run

    run()
