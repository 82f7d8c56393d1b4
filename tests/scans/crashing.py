"""What a decoder's segfault does to a worker, for the batch tests: a page whose load kills
the process reading it, and a way to kill a live worker from outside (``os.kill``).

A module of its own (not the test module) so that the worker processes can unpickle it."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from pathlib import Path

from scans.ingest import GrayImage, PageSource


@dataclass(frozen=True, slots=True)
class KillsItsReader(PageSource):
    """A page that takes its reader process down every time, as a decoder crash would."""

    def load(self) -> GrayImage:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable: the process is dead")


def _parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The command may hold spaces and parentheses: the fields follow the last ")".
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        parents[int(entry.name)] = int(fields[1])
    return parents


def worker_pids() -> list[int]:
    """This process's grandchildren: the pool's workers, forked by the forkserver child."""
    parents = _parents()
    children = {pid for pid, parent in parents.items() if parent == os.getpid()}
    return sorted(pid for pid, parent in parents.items() if parent in children)


def kill_a_worker() -> int:
    """SIGKILL one live worker; its pid (the test fails if there is none)."""
    pids = worker_pids()
    assert pids, "no worker process to kill"
    os.kill(pids[0], signal.SIGKILL)
    return pids[0]
