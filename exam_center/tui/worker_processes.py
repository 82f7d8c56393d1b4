"""Worker processes started from inside the app (the scanner's reader pool, or any
screen's): multiprocessing's resource tracker must already be running, with the real
stderr, before Textual takes sys.stderr over.

Textual swaps sys.stderr for a capture whose fileno() is -1; the resource tracker hands
that number to the process it starts and fails ("bad value(s) in fds_to_keep"), so no
forkserver or spawn pool could start while the app runs. Started once, before the app
runs, the tracker then serves every later pool."""

from __future__ import annotations

import sys
from multiprocessing import resource_tracker


def start_resource_tracker() -> None:
    saved = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = saved
