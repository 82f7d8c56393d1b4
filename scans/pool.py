"""The reader processes' forkserver, started early: a module cheap to import.

``start_readers()`` starts the forkserver that ``scans.batch`` forks its readers from,
so that it imports the reader (OpenCV, zxing, numpy: ~0.5 s of a cold start) while the
caller is still importing the rest of itself and opening its database, not after.
"""

from __future__ import annotations

import multiprocessing

__all__ = ["FORKSERVER_PRELOAD", "start_readers"]

FORKSERVER_PRELOAD = ("__main__", "scans.batch")
"""What the forkserver imports once, before it forks the readers."""


def start_readers() -> None:
    """Start the forkserver now (a no-op where there is none: readers are then spawned
    when a batch starts, and where it is running already)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        from multiprocessing import forkserver

        multiprocessing.get_context("forkserver").set_forkserver_preload(list(FORKSERVER_PRELOAD))
        forkserver.ensure_running()
