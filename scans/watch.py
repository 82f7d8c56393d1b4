"""Watch folders that a scanner is writing into: hand out each new file once it is whole.

Contract: ``FolderWatch(paths, settle_s=1.0).poll()`` returns the files under ``paths``
(as ``scans.ingest.iter_files`` finds them) that are new or changed since they were last
handed out and whose size and modification time have not changed for ``settle_s``
seconds: a scanner writes a page over a moment, and a half-written file would otherwise
be read (and rejected as truncated) before it is complete. Each version of a file is
handed out once; a file rewritten later is handed out again (its bytes decide, further
on, whether it is a duplicate). Pure bookkeeping over ``os.stat``: nothing is read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from scans.ingest import iter_files

__all__ = ["FolderWatch"]

_Stamp = tuple[int, int]  # size, modification time (ns)


class FolderWatch:
    """New, complete files under some paths, each version handed out once."""

    def __init__(
        self,
        paths: Iterable[Path | str],
        *,
        settle_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.paths = [Path(p) for p in paths]
        self.settle_s = settle_s
        self._clock = clock
        self._handed: dict[Path, _Stamp] = {}
        self._pending: dict[Path, tuple[_Stamp, float]] = {}  # stamp, first seen unchanged

    def poll(self) -> list[Path]:
        """The files that became ready since the last poll, in natural order."""
        now = self._clock()
        ready: list[Path] = []
        present: set[Path] = set()
        for file in iter_files(self.paths):
            try:
                info = file.stat()
            except OSError:  # gone (renamed by the scanner) or unreadable: look again later
                continue
            present.add(file)
            stamp = (info.st_size, info.st_mtime_ns)
            if self._handed.get(file) == stamp:
                continue
            seen = self._pending.get(file)
            if seen is None or seen[0] != stamp:
                self._pending[file] = (stamp, now)
            elif now - seen[1] >= self.settle_s:
                ready.append(file)
                self._handed[file] = stamp
                del self._pending[file]
        for gone in set(self._pending) - present:
            del self._pending[gone]
        return ready

    @property
    def waiting(self) -> int:
        """Files seen but not yet settled (still being written, or just arrived)."""
        return len(self._pending)
