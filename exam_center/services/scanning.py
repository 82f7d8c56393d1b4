"""Scanning: pages read by the scans library in worker processes, recorded in groups of
pages (one transaction each, a page yielded once its group is stored), idempotent by the
image's sha256: a page already recorded is not even read again. The evidence picture
(overlay) is drawn while reading for the pages a person will look at, the others' when
asked for (`ensure_overlay`).

A page is `read` (its candidate and marks recorded, doubtful questions queued for
review), `unidentified` (neither of its QR codes read, but its printed grid fitted a
layout page: its marks are recorded against nobody and it waits in review as 待识别页面
until a person says whose page it is), `rejected` (with the reason: unknown candidate,
another exam, bad signature, unreadable, …), a `duplicate` (the same image again: nothing
recorded twice) or a `conflict` (a different scan of a page already read: queued for a
person to choose).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from exam_center.db.models import (
    Absence,
    Candidate,
    Exam,
    ReviewDecision,
    ReviewItem,
    ScanBatch,
    ScannedPage,
    Seat,
)
from exam_center.domain import vocabulary
from exam_center.domain.errors import NotAllowed
from exam_center.services import audit, write_guard
from exam_center.services.exams import current_exam, current_exam_id
from exam_center.services.locks import hold_results
from exam_center.services.permissions import require
from exam_center.services.sheet_identity import check_sheet
from exam_center.services.sheets import exam_layouts, exam_secret
from exam_center.services.workspace import Workspace
from scans import PageRead, PageStatus, QuestionRead, SheetLayout, Thresholds


class PageOutcomeStatus(StrEnum):
    """What became of a scanned page (``PageOutcome.status``, ``ScannedPage.status``, the
    ``status`` of ``scan --json``): the values are the contract."""

    READ = "read"  # its candidate and marks recorded (doubtful questions queued)
    UNIDENTIFIED = "unidentified"  # marks recorded against nobody, waiting for a person
    REJECTED = "rejected"  # not stored as an answer sheet: the reason says why
    DUPLICATE = "duplicate"  # the same image again: nothing recorded twice
    CONFLICT = "conflict"  # another scan of a page already read: a person chooses


@dataclass(frozen=True)
class ScanContext:
    """What the readers need, loaded once per batch (plain, picklable values)."""

    exam_code: str
    secret: bytes
    layouts: dict[str, SheetLayout]
    seats: dict[str, int]  # admission number -> candidate id
    exam_id: int = 0


def scan_context(session: Session) -> ScanContext:
    exam = current_exam(session)
    seats = {
        s.admission_no: s.candidate_id
        for s in session.exec(select(Seat).where(Seat.exam_id == exam.id))
    }
    assert exam.id is not None
    return ScanContext(
        exam.code, exam_secret(session), exam_layouts(session).by_hash(), seats, exam.id
    )


@dataclass(frozen=True)
class PageOutcome:
    """One line of `scan --json`."""

    file: str
    page_index: int
    status: PageOutcomeStatus
    reason: str
    admission_no: str | None
    page: int | None
    questions: tuple[dict[str, Any], ...] = ()
    flagged: int = 0
    overlay: str = ""
    sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "page_index": self.page_index,
            "status": self.status,
            "reason": self.reason,
            "admission_no": self.admission_no,
            "page": self.page,
            "questions": list(self.questions),
            "flagged": self.flagged,
            "sha256": self.sha256,
            "overlay": self.overlay,
        }


def _question_json(q: QuestionRead) -> dict[str, Any]:
    return {"number": q.number, "marks": q.marks, "status": str(q.status)}


def _stored_marks(q: QuestionRead) -> dict[str, Any]:
    return {
        "number": q.number,
        "kind": q.kind,
        "labels": q.labels,
        "marks": q.marks,
        "status": str(q.status),
        "reason": q.reason,
        # The evidence behind each verdict (the review screen shows the measures), as the
        # reader rounded it. Not a way to decide the page again: the thresholds also came
        # from the admission grid's and absence box's measures, which are not stored.
        # Tuples as they are: stored as JSON arrays, as lists would be (copying 130
        # questions' numbers into lists cost ~1 ms a page).
        "measures": q.measures,
        "coverage": q.coverage,
        "spread": q.spread,
        # Reader 1.3: the options read past as an erasure, and each option's sample profile.
        "erased": q.erased,
        "profile": q.profile,
    }


def _doubt(q: QuestionRead, t: Thresholds | None) -> float:
    """1 for a bubble right between blank and marked; lower the clearer it is."""
    if t is None or not q.measures:
        return 0.5
    span = (t.pencil_level - t.blank_level) or 1.0
    closest = min(abs((m - t.blank_level) / span - 0.5) for m in q.measures)
    return float(round(max(0.0, 1.0 - 2.0 * float(closest)), 4))


def record_page(
    session: Session,
    ctx: ScanContext,
    *,
    file: str,
    page_index: int,
    sha256: str,
    read: PageRead | None,
    reject_reason: str = "",
    reject_kind: str = "",
    overlay: str = "",
    batch_id: int | None = None,
    overlay_target: str = "",
    results_held: bool = False,
) -> PageOutcome:
    """Store one page in the caller's transaction; a known sha256 stores nothing.

    ``overlay``: the evidence picture drawn while reading ("" when none was);
    ``overlay_target``: where it goes when drawn later (:func:`ensure_overlay`).

    Under the results lock (shared with other scanners, exclusive with finalise): a page
    never lands in results while they are being finalised, nor after (``results_held``:
    the caller took that lock and checked in this transaction, for a group of pages)."""
    exam_id = ctx.exam_id or current_exam_id(session)
    if not results_held:
        hold_results(session, exam_id, exclusive=False)
        _refuse_if_finalised(session, exam_id)
    known = session.exec(
        select(ScannedPage).where(ScannedPage.exam_id == exam_id, ScannedPage.sha256 == sha256)
    ).first()
    if known is not None:
        return PageOutcome(
            file,
            page_index,
            PageOutcomeStatus.DUPLICATE,
            f"the same image was recorded before (page record {known.id}, {known.file})",
            known.admission_no,
            known.page_no,
            tuple({k: m[k] for k in ("number", "marks", "status")} for m in known.marks),
            sha256=sha256,
        )
    now = datetime.now(UTC)
    page = ScannedPage(
        exam_id=exam_id,
        batch_id=batch_id,
        sha256=sha256,
        file=file,
        page_index=page_index,
        status=PageOutcomeStatus.REJECTED,
        read_at=now,
        overlay_path=overlay or (overlay_target if read is not None else ""),
    )
    if read is not None and read.status is PageStatus.UNIDENTIFIED and read.guess is not None:
        return _record_unidentified(session, page, read, exam_id, overlay)
    if read is None or read.status is not PageStatus.READ or read.payload is None:
        page.reason = reject_reason or (read.reason if read else "unreadable")
        page.reject_kind = reject_kind or (
            str(read.reject_kind) if read and read.reject_kind else ""
        )
        page.overlay_path = overlay
        session.add(page)
        return PageOutcome(
            file, page_index, PageOutcomeStatus.REJECTED, page.reason, None, None, sha256=sha256
        )

    payload = read.payload
    page.page_no, page.pages = payload.page, payload.pages
    page.layout_hash = payload.layout_hash
    page.reader_version = read.reader_version
    page.residual_mm = read.residual_mm
    page.rotation = read.rotation
    page.thresholds = asdict(read.thresholds) if read.thresholds else {}
    page.marks = [_stored_marks(q) for q in read.questions]
    page.spare_serial = payload.spare_serial
    review: list[ReviewItem] = []
    identity_note = ""
    if payload.admission_no is not None:
        admission_no: str | None = payload.admission_no
        if admission_no not in ctx.seats:
            page.reason = (
                f"准考证号 {admission_no} 不在本场考试的座位表中 "
                f"(admission number {admission_no} is not seated in this exam)"
            )
            page.reject_kind = "unknown_candidate"
            session.add(page)
            return PageOutcome(
                file,
                page_index,
                PageOutcomeStatus.REJECTED,
                page.reason,
                admission_no,
                payload.page,
                sha256=sha256,
            )
        # The filled grid against the code, the absence box (services.sheet_identity).
        identity = check_sheet(session, page, read, payload.admission_no, review)
        admission_no, identity_note = identity.admission_no, identity.note
    else:
        grid = read.admission_grid
        page.admission_grid = (
            {"digits": grid.digits, "status": str(grid.status), "reason": grid.reason}
            if grid
            else {}
        )
        admission_no = grid.digits if grid and grid.status == "ok" else None
        if admission_no is None or admission_no not in ctx.seats:
            why = f"备用答题卡 {payload.spare_serial}：" + (
                f"准考证号 {admission_no} 不在座位表中 (spare sheet {payload.spare_serial}: "
                f"admission number {admission_no} is not seated in this exam)"
                if admission_no
                else f"准考证号未能读出 (spare sheet {payload.spare_serial}: admission number "
                f"not read: {grid.reason if grid else 'no grid'})"
            )
            admission_no = None
            review.append(
                ReviewItem(
                    exam_id=exam_id,
                    page_id=0,
                    kind="admission",
                    status="unmatched",
                    reason=why,
                    doubt=1.0,
                )
            )
    page.admission_no = admission_no
    page.candidate_id = ctx.seats.get(admission_no) if admission_no else None
    page.status = status = PageOutcomeStatus.READ
    # "" or the reader's note (a fiducial it did without), and what the grid told
    page.reason = "; ".join(n for n in (read.reason, identity_note) if n)
    if page.candidate_id is not None:
        current = current_scan(session, page.candidate_id, payload.page)
        if current is None:
            page.current = True
        else:
            page.status = status = PageOutcomeStatus.CONFLICT
            page.reason = vocabulary.already_read_reason(
                admission_no, payload.page, current.file, current.id
            )
            review.append(
                ReviewItem(
                    exam_id=exam_id,
                    page_id=0,
                    kind="conflict",
                    status="conflict",
                    reason=page.reason,
                    doubt=1.0,
                )
            )
    flagged = sum(1 for q in read.questions if q.status.flagged)
    decided = _decided_questions(session, page.candidate_id) if flagged else set()
    for q in read.questions:
        if q.status.flagged:
            review.append(
                ReviewItem(
                    exam_id=exam_id,
                    page_id=0,
                    kind="question",
                    question=q.number,
                    status=str(q.status),
                    reason=q.reason,
                    read_marks=q.marks,
                    doubt=_doubt(q, read.thresholds),
                    open=q.number not in decided,
                )
            )
    session.add(page)
    session.flush()
    for item in review:
        assert page.id is not None
        item.page_id = page.id
        session.add(item)
    return PageOutcome(
        file,
        page_index,
        status,
        page.reason,
        admission_no,
        payload.page,
        tuple(_question_json(q) for q in read.questions),
        flagged,
        overlay,
        sha256,
    )


class ResultsFinalised(NotAllowed):
    """The results were finalised while a batch ran: its later pages are not stored."""


def _refuse_if_finalised(session: Session, exam_id: int) -> None:
    finalised = session.exec(select(Exam.finalised_at).where(Exam.id == exam_id)).one()
    if finalised is not None:
        raise ResultsFinalised(
            f"成绩已于 {finalised:%Y-%m-%d %H:%M} 定稿，未再存入扫描页 (the results were "
            f"finalised on {finalised:%Y-%m-%d %H:%M}: no page is stored in them; re-open "
            "them with `exam-center reopen --reason TEXT`, then scan again)"
        )


def _record_unidentified(
    session: Session, page: ScannedPage, read: PageRead, exam_id: int, overlay: str
) -> PageOutcome:
    """A page measured with the layout page its printed grid fits, but whose QR codes both
    failed: its marks are kept with no candidate (so they score nobody) and a person is
    asked whose page it is (review kind ``identify``)."""
    guess = read.guess
    assert guess is not None
    page.status = PageOutcomeStatus.UNIDENTIFIED
    page.reason = read.reason
    page.page_no, page.pages = guess.page, guess.pages
    page.layout_hash = guess.layout_hash
    page.reader_version = read.reader_version
    page.residual_mm = read.residual_mm
    page.rotation = read.rotation
    page.thresholds = asdict(read.thresholds) if read.thresholds else {}
    page.marks = [_stored_marks(q) for q in read.questions]
    grid = read.admission_grid
    hint = ""
    if grid is not None:
        page.admission_grid = {
            "digits": grid.digits,
            "status": str(grid.status),
            "reason": grid.reason,
        }
        if grid.status == "ok":
            hint = f"; the spare sheet's grid reads {grid.digits}"
    review = [
        ReviewItem(
            exam_id=exam_id,
            page_id=0,
            kind="identify",
            status="unidentified",
            reason=read.reason + hint,
            doubt=1.0,
        )
    ]
    review.extend(
        ReviewItem(
            exam_id=exam_id,
            page_id=0,
            kind="question",
            question=q.number,
            status=str(q.status),
            reason=q.reason,
            read_marks=q.marks,
            doubt=_doubt(q, read.thresholds),
        )
        for q in read.questions
        if q.status.flagged
    )
    session.add(page)
    session.flush()
    for item in review:
        assert page.id is not None
        item.page_id = page.id
        session.add(item)
    return PageOutcome(
        page.file,
        page.page_index,
        PageOutcomeStatus.UNIDENTIFIED,
        page.reason,
        None,
        None,
        tuple(_question_json(q) for q in read.questions),
        len(review) - 1,
        overlay,
        page.sha256,
    )


def current_scan(
    session: Session, candidate_id: int | None, page_no: int | None
) -> ScannedPage | None:
    """The scan that counts for a candidate's page, if one does (index: candidate, page)."""
    return session.exec(
        select(ScannedPage).where(
            ScannedPage.candidate_id == candidate_id,
            ScannedPage.page_no == page_no,
            col(ScannedPage.current),
        )
    ).first()


def _decided_questions(session: Session, candidate_id: int | None) -> set[int]:
    if candidate_id is None:
        return set()
    rows = session.exec(
        select(ReviewDecision.question).where(
            ReviewDecision.candidate_id == candidate_id, ReviewDecision.kind == "question"
        )
    )
    return {q for q in rows if q is not None}


ProgressCallback = Callable[[PageOutcome, int, int | None], None]


def scan_paths(
    paths: Sequence[Path],
    *,
    workspace: Workspace,
    workers: int,
    on_page: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    overlays: str = "review",
) -> Iterator[PageOutcome]:
    """Read every page under `paths` in worker processes; yield each page's outcome as it
    is stored. Interrupted (even killed) and run again, it loses nothing and records
    nothing twice.

    ``overlays``: ``"review"`` draws the evidence picture of the pages that wait for a
    person (the others are drawn when asked for: :func:`ensure_overlay`); ``"all"``
    draws every read page's; ``"lazy"`` none (each is drawn from its scan file when
    asked for: the scan files must still be there then)."""
    from scans import KNOWN, display_name, iter_sources, needs_a_person, read_batch

    started = datetime.now(UTC)
    with workspace.session() as s:
        # Refused before any page is read: the account may not scan, or the exam is final.
        operator = require(s, "scan.batch").name
        ctx = scan_context(s)
        exam_id = current_exam_id(s)
        _refuse_if_finalised(s, exam_id)
        batch = ScanBatch(
            exam_id=exam_id,
            started_at=started,
            operator=operator,
            paths=[display_name(p) for p in paths],
            workers=workers,
        )
        s.add(batch)
        s.flush()
        batch_id = batch.id
        assert batch_id is not None
        # Opened in the log before any page: a batch killed midway still shows who ran it.
        audit.record(
            s,
            action="scan.open",
            batch=batch_id,
            paths=[display_name(p) for p in paths],
            workers=workers,
        )
    counts: Counter[str] = Counter()
    overlay_dir = workspace.folder("overlays")
    # Pages already recorded are not read again (a re-fed folder costs its hashing).
    with workspace.session() as s:
        known = set(s.exec(select(ScannedPage.sha256).where(ScannedPage.exam_id == exam_id)))
    results = read_batch(
        iter_sources(paths),
        exam_code=ctx.exam_code,
        secret=ctx.secret,
        layouts=ctx.layouts,
        workers=workers,
        overlay_dir=overlay_dir,
        cancel=cancel,
        # The evidence picture costs ~9 ms a page (warp, draw, JPEG): drawn for the pages
        # a person will look at, the others on demand (ensure_overlay).
        overlay_when={"all": True, "lazy": False}.get(overlays, needs_a_person),
        skip=known,
        # Pages are submitted only while this loop pulls results: enough in flight that the
        # readers keep busy while a group of pages is being stored.
        max_in_flight=workers * 3 + _GROUP_PAGES,
    )
    done = 0
    group: list[Any] = []
    group_since = 0.0
    # Committed a group at a time (one transaction), each page yielded once stored. The
    # first page is stored alone (what a person watches for), then groups of 2, 4, … up
    # to _GROUP_PAGES; a group is closed early when its first page has waited _GROUP_S,
    # or when the batch is cancelled.
    limit = 1
    try:
        for result in itertools.chain(results, [None]):
            if result is not None:
                if result.reject_kind == KNOWN and not _recorded(workspace, ctx, result.sha256):
                    result = _read_again(result, ctx, overlay_dir)  # pragma: no cover
                if not group:
                    group_since = time.monotonic()
                group.append(result)
                if (
                    len(group) < limit
                    and time.monotonic() - group_since < _GROUP_S
                    and not (cancel is not None and cancel.is_set())
                ):
                    continue
            if not group:
                continue
            for outcome in _store_group(workspace, ctx, group, batch_id):
                counts[outcome.status] += 1
                done += 1
                if on_page is not None:
                    on_page(outcome, done, None)
                yield outcome
            group = []
            limit = min(2 * limit, _GROUP_PAGES)
    finally:
        with workspace.session() as s:
            stored = s.get(ScanBatch, batch_id)
            assert stored is not None
            stored.finished_at = datetime.now(UTC)
            stored.counts = dict(counts)
            s.add(stored)
            audit.record(
                s,
                action="scan.batch",
                batch=batch_id,
                paths=[display_name(p) for p in paths],
                counts=dict(counts),
                cancelled=bool(cancel and cancel.is_set()),
            )


def watch_paths(
    paths: Sequence[Path],
    *,
    workspace: Workspace,
    workers: int,
    interval_s: float = 2.0,
    settle_s: float = 1.0,
    idle_exit_s: float | None = None,
    cancel: threading.Event | None = None,
    on_page: ProgressCallback | None = None,
    overlays: str = "review",
) -> Iterator[PageOutcome]:
    """Scan folders while the scanners write into them: every file once it is whole (its
    size unchanged for ``settle_s``), each delivery as one batch, until ``cancel`` is set
    or nothing new has come for ``idle_exit_s`` seconds (never, when None)."""
    from scans import FolderWatch

    watch = FolderWatch(paths, settle_s=settle_s)
    stop = cancel or threading.Event()
    last_new = time.monotonic()
    while not stop.is_set():
        files = watch.poll()
        if files:
            yield from scan_paths(
                files,
                workspace=workspace,
                workers=workers,
                on_page=on_page,
                cancel=stop,
                overlays=overlays,
            )
            last_new = time.monotonic()
            continue
        quiet = time.monotonic() - last_new
        if idle_exit_s is not None and quiet >= idle_exit_s and not watch.waiting:
            return
        stop.wait(interval_s)


def _recorded(workspace: Workspace, ctx: ScanContext, sha256: str | None) -> bool:
    with workspace.session() as s:
        found = s.exec(
            select(ScannedPage.id).where(
                ScannedPage.exam_id == ctx.exam_id, ScannedPage.sha256 == sha256
            )
        ).first()
    return found is not None


def _source_of(file: str, sha256: str) -> Any:
    """The page of ``file`` whose sha256 this is, listed afresh (None: gone or changed)."""
    from scans import PageSource, iter_sources

    try:
        for source in iter_sources([Path(file)]):
            if isinstance(source, PageSource) and source.sha256 == sha256:
                return source
    except OSError:
        return None
    return None


def _read_again(result: Any, ctx: ScanContext, overlay_dir: Path) -> Any:
    from scans import ReadContext, needs_a_person, read_source

    source = _source_of(str(result.file), result.sha256 or "")
    if source is None:
        return result
    context = ReadContext(ctx.exam_code, ctx.secret, ctx.layouts)
    return read_source(source, context, overlay_dir, needs_a_person)


def page_overlay(session: Session, page_id: int) -> str:
    """The evidence picture of stored page ``page_id`` (see :func:`ensure_overlay`)."""
    page = session.get(ScannedPage, page_id)
    return ensure_overlay(session, page) if page is not None else ""


def ensure_overlay(session: Session, page: ScannedPage) -> str:
    """The page's evidence picture, drawn now if it was not while scanning (a page that
    needed no person then): read again from its file, if that is still the image it was
    (same sha256); the reader is deterministic, so the picture is the one it would have
    drawn. Returns its path, or "" when it cannot be drawn (the file is gone or changed).
    The path is stored on the page (the caller's transaction)."""
    from scans import ReadContext, read_source

    if not page.overlay_path or Path(page.overlay_path).is_file():
        return page.overlay_path  # "": a rejected page, which has no picture
    folder = Path(page.overlay_path).parent
    source = _source_of(page.file, page.sha256)
    if source is None:
        return ""
    ctx = scan_context(session)
    folder.mkdir(parents=True, exist_ok=True)
    result = read_source(source, ReadContext(ctx.exam_code, ctx.secret, ctx.layouts), folder)
    if result.overlay_path is None or not result.overlay_path.is_file():
        return ""
    return str(result.overlay_path)


# A group of pages is stored in one transaction: at most this many pages, and a page
# waits at most this long for the group it is in to be stored.
_GROUP_PAGES = 16
_GROUP_S = 0.5


def _store_group(
    workspace: Workspace, ctx: ScanContext, group: Sequence[Any], batch_id: int
) -> list[PageOutcome]:
    """The pages of ``group`` in one transaction, each with its audit entry. Killed midway,
    none of them is stored (they are read again next time). If another terminal got in
    first (the same image, or this candidate's page made current meanwhile), or the
    results were finalised, the group is rolled back and stored page by page instead, as
    :func:`_store` does (a duplicate or conflict then, not an error)."""
    if len(group) > 1:
        try:
            with workspace.session() as s:
                # The lock and the finalise check once: held for the whole transaction.
                exam_id = ctx.exam_id or current_exam_id(s)
                hold_results(s, exam_id, exclusive=False)
                _refuse_if_finalised(s, exam_id)
                outcomes = [
                    record_page(s, ctx, results_held=True, **_store_kwargs(workspace, r, batch_id))
                    for r in group
                ]
                audit.record_many(
                    s, action="scan.page", details=[_audit_detail(o, batch_id) for o in outcomes]
                )
                return outcomes
        except (IntegrityError, ResultsFinalised, write_guard.ResultsFinalised):
            pass
    return [_store(workspace, ctx, r, batch_id) for r in group]


def _store_kwargs(workspace: Workspace, result: Any, batch_id: int) -> dict[str, Any]:
    from scans import display_name

    kwargs: dict[str, Any] = {
        # A name that is not UTF-8 cannot be stored or printed as it is: escaped bytes.
        "file": display_name(result.file),
        "page_index": result.page_index or 0,
        "sha256": result.sha256 or "",
        "read": result.read,
        "reject_reason": result.reason or "",
        "reject_kind": str(result.reject_kind or ""),
        "overlay": str(result.overlay_path or ""),
        "batch_id": batch_id,
    }
    if not kwargs["sha256"]:  # an unreadable file has no bytes to hash: key it by name
        kwargs["sha256"] = unhashed_key(kwargs["file"])
    elif result.read is not None and not result.overlay_path:
        kwargs["overlay_target"] = str(workspace.path / "overlays" / f"{result.sha256[:24]}.jpg")
    return kwargs


UNHASHED = "unhashed:"


def unhashed_key(file: str) -> str:
    """The key of a file that could not be read (no bytes to hash): its whole name's
    SHA-256, so that two such files are two pages however alike their paths end (the last
    50 characters were used before: a same-named file in another folder was then a
    "duplicate"), and the same file fed again is one. The prefix is not hexadecimal, so
    the key never equals an image's hash; cut to the column's 64 characters."""
    return (UNHASHED + hashlib.sha256(file.encode()).hexdigest())[:64]


def _store(workspace: Workspace, ctx: ScanContext, result: Any, batch_id: int) -> PageOutcome:
    """One transaction per page, its audit entry in it; a concurrent terminal storing the
    same image first makes this one a duplicate, not an error."""
    kwargs = _store_kwargs(workspace, result, batch_id)
    for attempt in range(_STORE_ATTEMPTS):
        try:
            with workspace.session() as s:
                return _audited(record_page(s, ctx, **kwargs), s, batch_id)
        except IntegrityError:
            # Another terminal stored the same image (now a duplicate) or made another scan
            # of this page current (now a conflict) since we looked: look again.
            if attempt == _STORE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# Each retry sees what made the last one fail; a third failure in a row is a fault, not a race.
_STORE_ATTEMPTS = 3


def _audited(outcome: PageOutcome, s: Session, batch_id: int) -> PageOutcome:
    audit.record(s, action="scan.page", **_audit_detail(outcome, batch_id))
    return outcome


def _audit_detail(outcome: PageOutcome, batch_id: int) -> dict[str, Any]:
    return {
        "batch": batch_id,
        "file": outcome.file,
        "page_index": outcome.page_index,
        "sha256": outcome.sha256,
        "status": outcome.status,
        "reason": outcome.reason,
        "admission_no": outcome.admission_no,
        "page": outcome.page,
    }


@dataclass(frozen=True)
class Completeness:
    seated: int
    complete: int
    missing_pages: tuple[tuple[str, str, tuple[int, ...]], ...]  # admission, name, pages
    absent: tuple[tuple[str, str], ...]  # admission, name: no page at all
    spares_mapped: int
    rejected: int
    conflicts: int
    review_open: int
    # Of `absent`, the admission numbers confirmed 缺考 (`exam-center absent`): an absence,
    # not a sheet still to scan.
    confirmed_absent: tuple[str, ...] = ()


def completeness(*, session: Session) -> Completeness:
    exam_id = current_exam_id(session)
    pages_per_sheet = len(exam_layouts(session).candidate.pages)
    seats = session.exec(
        select(Seat, Candidate)
        .join(Candidate, col(Candidate.id) == col(Seat.candidate_id))
        .where(Seat.exam_id == exam_id)
        .order_by(col(Seat.admission_no))
    ).all()
    have: dict[int, set[int]] = {}
    rejected = conflicts = 0
    # The columns the report needs, not whole pages: a stored page's marks are large
    # (loading them made this 8 s at 10,000 pages, and the TUI asks after every page).
    pages = select(
        ScannedPage.status, ScannedPage.current, ScannedPage.candidate_id, ScannedPage.page_no
    ).where(ScannedPage.exam_id == exam_id)
    for status, current, candidate_id, page_no in session.exec(pages):
        if status == PageOutcomeStatus.REJECTED:
            rejected += 1
        elif status == PageOutcomeStatus.CONFLICT:
            conflicts += 1
        if current and candidate_id is not None and page_no is not None:
            have.setdefault(candidate_id, set()).add(page_no)
    spares = session.exec(
        select(func.count())
        .select_from(ScannedPage)
        .where(
            ScannedPage.exam_id == exam_id,
            col(ScannedPage.current),
            col(ScannedPage.candidate_id).is_not(None),
            col(ScannedPage.spare_serial).is_not(None),
        )
    ).one()
    missing, absent = [], []
    for seat, cand in seats:
        got = have.get(seat.candidate_id, set())
        if not got:
            absent.append((seat.admission_no, cand.name))
        elif len(got) < pages_per_sheet:
            lacking = tuple(sorted(set(range(1, pages_per_sheet + 1)) - got))
            missing.append((seat.admission_no, cand.name, lacking))
    open_items = session.exec(
        select(func.count())
        .select_from(ReviewItem)
        .where(ReviewItem.exam_id == exam_id, col(ReviewItem.open))
    ).one()
    confirmed = set(
        session.exec(select(Absence.candidate_id).where(Absence.exam_id == exam_id)).all()
    )
    return Completeness(
        seated=len(seats),
        complete=len(seats) - len(missing) - len(absent),
        missing_pages=tuple(missing),
        absent=tuple(absent),
        spares_mapped=spares,
        rejected=rejected,
        conflicts=conflicts,
        review_open=open_items,
        confirmed_absent=tuple(s.admission_no for s, _c in seats if s.candidate_id in confirmed),
    )
