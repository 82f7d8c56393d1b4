"""The `exam-center` command line: thin commands over exam_center.services."""

from exam_center.cli.main import main

__all__ = ["main"]
