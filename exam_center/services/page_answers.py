"""What each scanned page answered, as the results need it: per question the marks as a
bit mask and whether the reading was doubtful, kept so that `results` does not decode
every page's stored reading (about 27 KB of JSON with the per-bubble measures) on every
call: at 10,000 candidates that decoding alone took over a minute.

A page's reading never changes after it is stored, except when an unidentified page is
filed as another, alike page (its questions renumbered, and its page number with them),
so (page id, page number) says whether a kept answer is still the page's. They are kept
in memory for the process, and in a small SQLite file of the workspace (`cache/`), so
that each CLI command, a process of its own, finds them too. The file is only a cache:
deleting it costs one slow call, and a file that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlmodel import Session, col, select

from exam_center.db.models import AuditEntry, ScannedPage
from grading import parse_answer
from scans import QuestionStatus

# The stored statuses a person must decide: QuestionStatus.flagged, as plain strings (a
# stored page's statuses are strings; StrEnum members compare and hash as their values).
DOUBTFUL = frozenset(str(s) for s in QuestionStatus if s.flagged)
CHUNK = 500  # pages decoded per query (bound parameters stay well under every limit)


def letters_mask(letters: str) -> int:
    """Marks as stored (the reader's, or a reviewer's decision: letters, "" for blank) as
    the bit mask grading scores: grading's own conversion, so there is one."""
    return parse_answer(letters) if letters else 0


@dataclass(frozen=True)
class PageAnswer:
    page_no: int | None
    numbers: npt.NDArray[np.int16]  # question numbers, in the page's order
    masks: npt.NDArray[np.uint8]
    doubtful: npt.NDArray[np.bool_]


def decode(marks: Sequence[Mapping[str, Any]], page_no: int | None) -> PageAnswer:
    masks: dict[str, int] = {}  # a handful of distinct answers: each converted once
    numbers, values, doubt = [], [], []
    for m in marks:
        letters = m["marks"]
        mask = masks.get(letters)
        if mask is None:
            mask = masks[letters] = letters_mask(letters)
        numbers.append(m["number"])
        values.append(mask)
        doubt.append(m["status"] in DOUBTFUL)
    return PageAnswer(
        page_no,
        np.array(numbers, dtype=np.int16),
        np.array(values, dtype=np.uint8),
        np.array(doubt, dtype=bool),
    )


class AnswerStore:
    """Kept answers of one database: in memory, and in a file when one is given."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.kept: dict[int, PageAnswer] = {}
        self.lock = threading.Lock()
        self.loaded = False

    def _connect(self) -> sqlite3.Connection | None:
        if self.file is None:
            return None
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.file, timeout=5)
            con.execute(
                "CREATE TABLE IF NOT EXISTS answers (page_id INTEGER PRIMARY KEY, "
                "page_no INTEGER, numbers BLOB, masks BLOB, doubtful BLOB)"
            )
            return con
        except (OSError, sqlite3.Error):
            return None

    def _load(self) -> None:
        self.loaded = True
        con = self._connect()
        if con is None:
            return
        try:
            with con:
                for page_id, page_no, numbers, masks, doubtful in con.execute(
                    "SELECT page_id, page_no, numbers, masks, doubtful FROM answers"
                ):
                    self.kept[page_id] = PageAnswer(
                        page_no,
                        np.frombuffer(numbers, dtype=np.int16),
                        np.frombuffer(masks, dtype=np.uint8),
                        np.frombuffer(doubtful, dtype=bool),
                    )
        except sqlite3.Error:
            self.kept.clear()
        finally:
            con.close()

    def _save(self, fresh: dict[int, PageAnswer]) -> None:
        con = self._connect()
        if con is None:
            return
        try:
            with con:
                con.executemany(
                    "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                    [
                        (i, a.page_no, a.numbers.tobytes(), a.masks.tobytes(), a.doubtful.tobytes())
                        for i, a in fresh.items()
                    ],
                )
        except sqlite3.Error:
            pass  # only a cache: the next call decodes these pages again
        finally:
            con.close()

    def answers(
        self, session: Session, pages: Iterable[tuple[int, int | None]]
    ) -> dict[int, PageAnswer]:
        """The answers of the pages (id, page number) given, decoding those not kept."""
        with self.lock:
            if not self.loaded:
                self._load()
            wanted = dict(pages)
            out = {
                i: a
                for i, a in ((i, self.kept.get(i)) for i in wanted)
                if a is not None and a.page_no == wanted[i]
            }
            missing = [i for i in wanted if i not in out]
            fresh: dict[int, PageAnswer] = {}
            for start in range(0, len(missing), CHUNK):
                chunk = missing[start : start + CHUNK]
                for page_id, page_no, marks in session.exec(
                    select(ScannedPage.id, ScannedPage.page_no, ScannedPage.marks).where(
                        col(ScannedPage.id).in_(chunk)
                    )
                ):
                    assert page_id is not None
                    fresh[page_id] = decode(marks, page_no)
            if fresh:
                self.kept.update(fresh)
                self._save(fresh)
            return out | fresh


_stores: dict[str, AnswerStore] = {}
_stores_lock = threading.Lock()


def store_for(session: Session) -> AnswerStore:
    """The store of the session's database (its file in the workspace's cache folder).
    A database is known by its URL and the first entry of its audit chain (its hash
    covers the moment it was written), so a demo folder wiped and made again, at the
    same path, is a new database with page ids of its own."""
    genesis = session.exec(select(AuditEntry.hash).order_by(col(AuditEntry.id)).limit(1)).first()
    url = session.get_bind().engine.url.render_as_string(hide_password=False)
    key = f"{url}#{genesis}"
    cache_dir = session.info.get("cache")
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            file = None
            if isinstance(cache_dir, Path) and genesis is not None:
                name = hashlib.sha256(key.encode()).hexdigest()[:16]
                file = cache_dir / f"answers-{name}.sqlite"
            # An in-memory database is new with each engine: never share its answers.
            store = AnswerStore(file)
            if url not in ("sqlite://", "sqlite:///:memory:"):
                _stores[key] = store
        return store
