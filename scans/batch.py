"""Read many pages in worker processes, streaming: bounded memory, results as they finish.

Contract: ``read_batch(sources, exam_code=..., secret=..., layouts=..., workers=N)`` yields
one :class:`PageResult` per source (a page of a file, or a file rejected at ingest), in
completion order. Pages are decoded *and* read inside the workers (the parent only walks
and hashes files), at most ``max_in_flight`` at a time, so memory stays flat over any
number of pages. Setting ``cancel`` (a ``threading.Event``) stops submitting new pages;
the pages already being read are still yielded. Closing the generator stops everything.
``workers=1`` reads in the calling process (simplest to debug). A page that makes the
reader fail, or even kill its worker process, becomes a rejected result; the batch goes on
(a dead worker's pool is replaced, and the pages it held are read again; see
``_read_in_pool``). With ``overlay_dir``, each read page's evidence picture is written
there, or only the pages ``overlay_when`` names (``needs_a_person``); pages whose sha256 is
in ``skip`` are yielded unread (reject kind ``known``), never sent to a reader.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import traceback
from collections import Counter, deque
from collections.abc import Container, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2

from scans.ingest import PageLoadError, PageSource, RejectedSource, Source
from scans.layout import SheetLayout
from scans.pool import FORKSERVER_PRELOAD
from scans.read.grid import IdentityCheck, check_identity
from scans.read.model import AbsenceStatus, PageRead, PageStatus, ReadParams
from scans.read.page import OverlayWhen, read_page

__all__ = [
    "PageResult",
    "ReadContext",
    "ReaderProcessesFailing",
    "needs_a_person",
    "read_batch",
    "read_source",
]


@dataclass(frozen=True)
class ReadContext:
    """What every page of a batch is read against (sent to each worker once)."""

    exam_code: str
    secret: bytes
    layouts: Mapping[str, SheetLayout]
    params: ReadParams = field(default_factory=ReadParams)


@dataclass(frozen=True)
class PageResult:
    """One page's outcome. ``read`` is None when the page could not even be loaded."""

    file: Path
    page_index: int | None  # None: the whole file was rejected before any page
    sha256: str | None  # of the page (see scans.ingest); None if the file is unreadable
    status: PageStatus
    read: PageRead | None
    reason: str  # "" when read
    reject_kind: str | None  # a scans.ingest.RejectKind or scans.read.page.RejectKind value
    overlay_path: Path | None
    elapsed_ms: float


def _rejected(source: Source, reason: str, kind: str) -> PageResult:
    """A page (or a whole file) that never reached the reader's decisions."""
    return PageResult(
        source.file,
        source.page_index,
        source.sha256,
        PageStatus.REJECTED,
        None,
        reason,
        kind,
        None,
        0.0,
    )


def _rejected_source(source: RejectedSource | _Known) -> PageResult:
    if isinstance(source, _Known):
        return _rejected(source.source, "recorded before", KNOWN)
    return _rejected(source, source.reason, source.kind.value)


def needs_a_person(read: PageRead) -> bool:
    """Whether a read page will wait for a person in review, as far as the page itself
    tells: a flagged question, a page to identify, a spare sheet (matched by its grid), a
    grid that contradicts the QR code, a marked absence box. (What only the database
    knows, a rescan of a page already read, is drawn on demand.)"""
    if read.status is PageStatus.UNIDENTIFIED:
        return True
    if read.status is not PageStatus.READ or read.payload is None:
        return False
    if read.flagged:
        return True
    if read.payload.admission_no is None:
        return True
    if check_identity(read.payload.admission_no, read.admission_grid).check is (
        IdentityCheck.MISMATCH
    ):
        return True
    return read.absence is not None and read.absence.status is not AbsenceStatus.EMPTY


def read_source(
    source: PageSource,
    context: ReadContext,
    overlay_dir: Path | None = None,
    overlay_when: bool | OverlayWhen = True,
) -> PageResult:
    """Load and read one page (in whichever process calls it); never raises for a bad page.

    With ``overlay_dir``, the evidence picture is written there for every read page
    (``overlay_when`` True) or only for those the predicate names (``needs_a_person``)."""
    start = time.perf_counter()

    def result(
        read: PageRead | None, reason: str, kind: str | None, overlay: Path | None = None
    ) -> PageResult:
        status = read.status if read is not None else PageStatus.REJECTED
        elapsed = round((time.perf_counter() - start) * 1000.0, 3)
        return PageResult(
            source.file,
            source.page_index,
            source.sha256,
            status,
            read,
            reason,
            kind,
            overlay,
            elapsed,
        )

    try:
        image = source.load()
    except PageLoadError as error:
        return result(None, error.reason, error.kind.value)
    try:
        read = read_page(
            image,
            secret=context.secret,
            exam_code=context.exam_code,
            layouts=context.layouts,
            params=context.params,
            overlay=overlay_when if overlay_dir is not None else False,
        )
    except Exception as error:  # a reader bug must cost one page, not the batch
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        return result(None, f"reader error: {detail}", "reader_error")
    del image
    overlay_path: Path | None = None
    if overlay_dir is not None and read.overlay is not None:
        # JPEG: ~3 ms against ~45 ms for PNG, which made the overlay the costliest step of
        # a page; at quality 90 the reader's thin coloured frames stay clear to a reviewer.
        overlay_path = overlay_dir / f"{source.sha256[:24]}.jpg"
        ok, data = cv2.imencode(".jpg", read.overlay, [cv2.IMWRITE_JPEG_QUALITY, 90])
        if ok:
            overlay_path.write_bytes(data.tobytes())
        else:  # pragma: no cover - encoding a BGR uint8 image does not fail
            overlay_path = None
    # The overlay stays on disk: it never crosses the process boundary.
    read = replace(read, overlay=None)
    kind = read.reject_kind.value if read.reject_kind is not None else None
    return result(read, read.reason, kind, overlay_path)


# --- worker processes ------------------------------------------------------------------

_worker_context: ReadContext | None = None
_worker_overlay_dir: Path | None = None
_worker_overlay_when: bool | OverlayWhen = True


def _init_worker(
    context: ReadContext, overlay_dir: Path | None, overlay_when: bool | OverlayWhen = True
) -> None:
    global _worker_context, _worker_overlay_dir, _worker_overlay_when
    # One process per core already: OpenCV's own threads would only fight over them.
    cv2.setNumThreads(1)
    _worker_context = context
    _worker_overlay_dir = overlay_dir
    _worker_overlay_when = overlay_when


def _work(source: PageSource) -> PageResult:
    assert _worker_context is not None, "worker not initialised"
    return read_source(source, _worker_context, _worker_overlay_dir, _worker_overlay_when)


def _crashed(source: PageSource) -> PageResult:
    return _rejected(
        source,
        "读卡进程处理此页时两次崩溃，请重新扫描 "
        "(the reader process died on this page twice; it may be corrupt: scan it again)",
        "reader_crashed",
    )


def _mp_context() -> multiprocessing.context.BaseContext:
    # Not fork: the caller is often a threaded app (a TUI worker thread), and forking a
    # threaded process can deadlock. forkserver starts workers fast from a clean server.
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(FORKSERVER_PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


def read_batch(
    sources: Iterable[Source],
    *,
    context: ReadContext | None = None,
    exam_code: str | None = None,
    secret: bytes | None = None,
    layouts: Mapping[str, SheetLayout] | None = None,
    params: ReadParams | None = None,
    workers: int = 1,
    overlay_dir: Path | None = None,
    cancel: threading.Event | None = None,
    max_in_flight: int | None = None,
    overlay_when: bool | OverlayWhen = True,
    skip: Container[str] = frozenset(),
) -> Iterator[PageResult]:
    """Read every source; yield each page's result as soon as it is done.

    Give either ``context`` or ``exam_code``, ``secret`` and ``layouts`` (and ``params``).
    ``overlay_when``: which read pages get an overlay in ``overlay_dir`` (see
    :func:`read_source`; a module-level function, so that it reaches the workers).
    ``skip``: page sha256s already recorded; such a page is not sent to a reader but
    yielded at once, unread (``read`` None, ``reject_kind`` ``"known"``), for the caller
    to report as the duplicate it is.
    """
    if context is None:
        if exam_code is None or secret is None or layouts is None:
            raise TypeError("read_batch needs context= or exam_code=, secret= and layouts=")
        context = ReadContext(exam_code, secret, dict(layouts), params or ReadParams())
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if overlay_dir is not None:
        overlay_dir.mkdir(parents=True, exist_ok=True)
    feed: Iterable[Source | _Known] = _skipping(sources, skip) if skip else sources
    if workers == 1:
        yield from _read_in_process(feed, context, overlay_dir, cancel, overlay_when)
    else:
        limit = max_in_flight or workers * 3
        yield from _read_in_pool(feed, context, overlay_dir, cancel, workers, limit, overlay_when)


KNOWN = "known"
"""The reject kind of a page yielded unread because its sha256 was in ``skip``."""


@dataclass(frozen=True)
class _Known:
    """A page whose sha256 is already recorded: yielded unread (see ``skip``)."""

    source: PageSource


def _skipping(sources: Iterable[Source], skip: Container[str]) -> Iterator[Source | _Known]:
    for source in sources:
        if isinstance(source, PageSource) and source.sha256 in skip:
            yield _Known(source)
        else:
            yield source


def _read_in_process(
    sources: Iterable[Source | _Known],
    context: ReadContext,
    overlay_dir: Path | None,
    cancel: threading.Event | None,
    overlay_when: bool | OverlayWhen = True,
) -> Iterator[PageResult]:
    for source in sources:
        if cancel is not None and cancel.is_set():
            return
        if isinstance(source, (RejectedSource, _Known)):
            yield _rejected_source(source)
        else:
            yield read_source(source, context, overlay_dir, overlay_when)


class ReaderProcessesFailing(RuntimeError):
    """Worker processes die on page after page: the fault is the machine, not the pages."""


# So many pages in a row proven to kill their worker, none read between them, means the
# workers cannot live at all (out of memory, a broken install): stop rather than reject
# a whole batch of good pages as "crashed".
_CRASHED_IN_A_ROW_LIMIT = 3


def _read_in_pool(
    sources: Iterable[Source | _Known],
    context: ReadContext,
    overlay_dir: Path | None,
    cancel: threading.Event | None,
    workers: int,
    limit: int,
    overlay_when: bool | OverlayWhen = True,
) -> Iterator[PageResult]:
    """Stream pages through a pool; a worker's death costs at most the page that caused it.

    When a worker dies (a decoder's segfault, an ``os.kill``), its pool is broken: every
    page in flight fails with it and the pool takes no more. The pool is replaced, and the
    pages that were in flight become suspects, read again one at a time, so that a death
    with one page in flight names its culprit. A page that kills its worker alone twice is
    rejected with the reason; one that reads is yielded as usual; the batch goes on."""
    iterator = iter(sources)
    exhausted = False
    later: deque[PageSource] = deque()  # refused by a pool found broken: never reached it
    suspects: deque[PageSource] = deque()  # in flight at a death: read alone until cleared
    deaths: Counter[tuple[Path, int]] = Counter()
    crashed_in_a_row = 0

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_mp_context(),
            initializer=_init_worker,
            initargs=(context, overlay_dir, overlay_when),
        )

    def next_source() -> Source | _Known | None:
        if later:
            return later.popleft()
        if exhausted:
            return None
        return next(iterator, None)

    pool = new_pool()
    pending: dict[Future[PageResult], PageSource] = {}
    try:
        while True:
            broken = False
            if cancel is not None and cancel.is_set():
                # Stop submitting; pages never read are simply not stored (read next time).
                exhausted = True
                later.clear()
                suspects.clear()
            if suspects:
                if not pending:
                    suspect = suspects.popleft()
                    try:
                        pending[pool.submit(_work, suspect)] = suspect
                    except BrokenProcessPool:
                        suspects.appendleft(suspect)
                        broken = True
            else:
                # Fill up to the limit; rejected files need no worker and are yielded at once.
                while len(pending) < limit:
                    source = next_source()
                    if source is None:
                        exhausted = True
                        break
                    if isinstance(source, (RejectedSource, _Known)):
                        yield _rejected_source(source)
                        continue
                    try:
                        pending[pool.submit(_work, source)] = source
                    except BrokenProcessPool:  # a worker died since the last wait
                        later.appendleft(source)
                        broken = True
                        break
            if not pending and not broken:
                if suspects or later:
                    continue
                return
            failed: list[PageSource] = []
            if pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    source = pending.pop(future)
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        failed.append(source)
                        continue
                    crashed_in_a_row = 0
                    yield outcome
            if not failed and not broken:
                continue
            # The pool is dead. Pages that finished before it died are kept; the rest of
            # those in flight failed with it, and become suspects.
            for future, source in list(pending.items()):
                if future.done() and not future.cancelled() and future.exception() is None:
                    crashed_in_a_row = 0
                    yield future.result()
                else:
                    failed.append(source)
            pending.clear()
            pool.shutdown(wait=False, cancel_futures=True)
            pool = new_pool()
            if len(failed) == 1:
                source = failed[0]
                key = (source.file, source.page_index)
                deaths[key] += 1
                if deaths[key] >= 2:
                    crashed_in_a_row += 1
                    if crashed_in_a_row >= _CRASHED_IN_A_ROW_LIMIT:
                        raise ReaderProcessesFailing(
                            f"读卡进程在连续 {crashed_in_a_row} 页上崩溃，扫描已停止 "
                            f"(the reader processes died on {crashed_in_a_row} pages in a row; "
                            "the machine, not the pages, is at fault)"
                        )
                    yield _crashed(source)
                else:
                    suspects.appendleft(source)
            else:
                suspects.extend(failed)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
