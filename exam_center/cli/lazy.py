"""Modules the commands import when a command runs, not when the CLI starts.

`exam-center --help` (and every command that needs no OpenCV, fpdf or Alembic) would
otherwise pay for every service's imports: 1.7 s of the 2.7 s start-up. A command
module names its services once, as usual for mypy:

    if TYPE_CHECKING:
        from exam_center.services import scanning
    else:
        scanning = lazy_module("exam_center.services.scanning")

and the module is imported on the first attribute a command reads from it.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

__all__ = ["lazy_module"]


class _LazyModule(ModuleType):
    def __getattr__(self, attr: str) -> Any:
        module = importlib.import_module(self.__name__)
        # Later reads find the attributes here and skip __getattr__.
        self.__dict__.update(module.__dict__)
        return getattr(module, attr)


def lazy_module(name: str) -> ModuleType:
    """A stand-in for module `name` that imports it on first use."""
    return _LazyModule(name)
