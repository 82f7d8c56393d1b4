"""The review queue: doubtful questions, conflicting rescans, unmatched spare sheets and
pages to identify (neither QR code read), most doubtful first; decisions recorded with
who, when and why, keyed by candidate and question so they survive a rescan of the page.

Two reviewers may look at one item at once: each decision names the item's version it
was made on (the one listed, or the one read now), and is stored only if the item is
still at that version, by one conditional UPDATE; otherwise it is refused with who
decided the item and when (:class:`StaleDecision`). Decisions hold the results lock
(shared), so none lands while finalise reads the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from exam_center.db.models import Candidate, ReviewDecision, ReviewItem, ScannedPage, Seat
from exam_center.domain.errors import NotAllowed
from exam_center.domain.vocabulary import REVIEW_KIND_SHORT, already_read_reason
from exam_center.services import audit
from exam_center.services.exams import current_exam_id
from exam_center.services.locks import hold_results
from exam_center.services.marking import ensure_open
from exam_center.services.permissions import require
from exam_center.services.scanning import current_scan
from exam_center.services.sheets import exam_layouts
from scans import alike_pages


@dataclass(frozen=True)
class ReviewRow:
    item_id: int
    page_id: int
    kind: str
    question: int | None
    status: str
    reason: str
    read_marks: str
    doubt: float
    admission_no: str | None
    candidate_name: str | None
    file: str
    overlay: str
    labels: str  # the question's options, e.g. "ABCD"
    measures: tuple[float, ...]
    version: int = 0  # give it back with a decision: refused if someone decided since
    spare: bool = False  # read from a spare sheet (its own layout: where to cut the image)


def open_items(*, session: Session, offset: int = 0, limit: int | None = None) -> list[ReviewRow]:
    exam_id = current_exam_id(session)
    query = (
        select(ReviewItem, ScannedPage)
        .join(ScannedPage, col(ScannedPage.id) == col(ReviewItem.page_id))
        .where(ReviewItem.exam_id == exam_id, col(ReviewItem.open))
        .order_by(col(ReviewItem.doubt).desc(), col(ReviewItem.id))
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    names = dict(
        session.exec(select(Candidate.id, Candidate.name).where(Candidate.exam_id == exam_id)).all()
    )
    rows = []
    for item, page in session.exec(query):
        mark = next((m for m in page.marks if m["number"] == item.question), None)
        assert item.id is not None and page.id is not None
        rows.append(
            ReviewRow(
                item.id,
                page.id,
                item.kind,
                item.question,
                item.status,
                item.reason,
                item.read_marks,
                item.doubt,
                page.admission_no,
                names.get(page.candidate_id) if page.candidate_id else None,
                page.file,
                page.overlay_path,
                mark["labels"] if mark else "",
                tuple(mark["measures"]) if mark else (),
                item.version,
                page.spare_serial is not None,
            )
        )
    return rows


def _item(session: Session, page_id: int, kind: str, question: int | None) -> ReviewItem:
    query = select(ReviewItem).where(
        ReviewItem.exam_id == current_exam_id(session),
        ReviewItem.page_id == page_id,
        ReviewItem.kind == kind,
    )
    if question is not None:
        query = query.where(ReviewItem.question == question)
    item = session.exec(query.order_by(col(ReviewItem.id).desc())).first()
    if item is None:
        what = f"question {question}" if question is not None else kind
        zh = f"第 {question} 题" if question is not None else REVIEW_KIND_SHORT.get(kind, kind)
        raise NotAllowed(
            f"页面 {page_id} 没有{zh}的复核项 (page {page_id} has no review item for {what})"
        )
    return item


def _require(reason: str) -> None:
    if not reason.strip():
        raise NotAllowed("复核决定须说明理由 (a review decision needs a reason: --reason)")


class StaleDecision(NotAllowed):
    """The item is no longer as the person saw it: someone else decided it meanwhile."""

    def __init__(self, what: str, item: ReviewItem) -> None:
        self.decided_by = item.decided_by
        self.decided_at = item.decided_at
        self.version = item.version
        who = item.decided_by or "另一位复核员 (someone)"
        when = f" 于 {item.decided_at:%Y-%m-%d %H:%M:%S}" if item.decided_at else ""
        super().__init__(
            f"{what} 已由 {who}{when} 处理，本次决定未保存 (already decided by {who}"
            f"{' at ' + format(item.decided_at, '%Y-%m-%d %H:%M:%S') if item.decided_at else ''}"
            f"; this decision was not stored: look at the item again (now version "
            f"{item.version}) and decide on what it shows)"
        )


def _begin_decision(session: Session, reason: str) -> tuple[int, str]:
    """Check who and why, take the results lock (shared), refuse a finalised exam; the
    exam's id and the signed-in reviewer's name."""
    by = require(session, "review.question").name
    _require(reason)
    exam_id = current_exam_id(session)
    hold_results(session, exam_id, exclusive=False)
    ensure_open(session)
    return exam_id, by


def _claim(
    session: Session, item: ReviewItem, expected: int | None, what: str, by: str, at: datetime
) -> None:
    """Close ``item`` for this decision if it is still at the version the person saw
    (``expected``; None: the open item as read now). One conditional UPDATE, so of two
    terminals deciding at once exactly one is stored and the other is refused."""
    if expected is None:
        if not item.open:
            raise StaleDecision(what, item)
        expected = item.version
    assert item.id is not None
    done = session.execute(
        update(ReviewItem)
        .where(col(ReviewItem.id) == item.id, col(ReviewItem.version) == expected)
        .values(open=False, version=expected + 1, decided_by=by, decided_at=at)
        .execution_options(synchronize_session=False)
    )
    session.expire(item)
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDecision(what, item)


def _close_others(session: Session, ids: list[int], by: str, at: datetime) -> None:
    """Close the other open items a decision settles (the same question on a rescan)."""
    if ids:
        session.execute(
            update(ReviewItem)
            .where(col(ReviewItem.id).in_(ids), col(ReviewItem.open))
            .values(open=False, version=ReviewItem.version + 1, decided_by=by, decided_at=at)
            .execution_options(synchronize_session=False)
        )
        for item in session.identity_map.values():
            if isinstance(item, ReviewItem) and item.id in ids:
                session.expire(item)


def resolve_question(
    page_id: int,
    question: int,
    marks: str,
    *,
    session: Session,
    reason: str,
    expected_version: int | None = None,
) -> ReviewDecision:
    """Set the marks of `question` for the candidate of `page_id`.

    If the page has a review item for the question, the decision is made on the version
    of it the person saw (``expected_version``; None: the item must still be open)."""
    exam_id, by = _begin_decision(session, reason)
    page = session.get(ScannedPage, page_id)
    if page is None:
        raise NotAllowed(f"没有扫描页面 {page_id} (no scanned page {page_id})")
    mark = next((m for m in page.marks if m["number"] == question), None)
    if mark is None:
        raise NotAllowed(
            f"页面 {page_id} 没有第 {question} 题 (page {page_id} has no question {question})"
        )
    marks = "".join(sorted(marks.strip().upper().replace("-", "")))
    bad = [c for c in marks if c not in mark["labels"]]
    if bad or len(set(marks)) != len(marks):
        raise NotAllowed(
            f"填涂 {marks} 无效：第 {question} 题的选项为 {mark['labels']} "
            f"(marks {marks!r}: question {question} has options {mark['labels']})"
        )
    if page.candidate_id is None:
        raise NotAllowed(
            f"页面 {page_id} 尚无考生，请先确定准考证号 "
            f"(page {page_id} has no candidate yet: resolve its admission number first)"
        )
    now = datetime.now(UTC)
    item = session.exec(
        select(ReviewItem)
        .where(
            ReviewItem.page_id == page_id,
            ReviewItem.kind == "question",
            ReviewItem.question == question,
        )
        .order_by(col(ReviewItem.id).desc())
    ).first()
    if item is not None:
        what = f"第 {question} 题 (question {question} of page {page_id})"
        _claim(session, item, expected_version, what, by, now)
    decision = ReviewDecision(
        exam_id=exam_id,
        candidate_id=page.candidate_id,
        page_id=page_id,
        kind="question",
        question=question,
        marks=marks,
        decided_by=by,
        reason=reason,
        decided_at=now,
    )
    session.add(decision)
    others = session.exec(
        select(ReviewItem.id)
        .join(ScannedPage, col(ScannedPage.id) == col(ReviewItem.page_id))
        .where(
            ScannedPage.candidate_id == page.candidate_id,
            ReviewItem.question == question,
            col(ReviewItem.open),
        )
    ).all()
    _close_others(session, [i for i in others if i is not None], by, now)
    audit.record(
        session,
        action="review.question",
        page=page_id,
        question=question,
        read=mark["marks"],
        decided=marks,
        reason=reason,
        admission_no=page.admission_no,
    )
    return decision


def resolve_conflict(
    page_id: int,
    *,
    keep: bool,
    session: Session,
    reason: str,
    expected_version: int | None = None,
) -> None:
    """For a conflicting rescan: keep=True makes it the scan that counts, else it is set aside."""
    exam_id, by = _begin_decision(session, reason)
    page = session.get(ScannedPage, page_id)
    if page is None:
        raise NotAllowed(f"页面 {page_id} 不是冲突扫描 (page {page_id} is not a conflicting scan)")
    now = datetime.now(UTC)
    # The item first: a conflict someone settled meanwhile is refused naming them.
    conflict = _item(session, page_id, "conflict", None)
    _claim(
        session, conflict, expected_version, f"扫描冲突 (the conflict of page {page_id})", by, now
    )
    session.refresh(page)
    if page.status != "conflict":
        raise NotAllowed(f"页面 {page_id} 不是冲突扫描 (page {page_id} is not a conflicting scan)")
    current = current_scan(session, page.candidate_id, page.page_no)
    winner, loser = (page, current) if keep else (current, page)
    if loser is not None:
        loser.current, loser.status = False, "superseded"
        session.add(loser)
        # Flushed first: the database lets one scan count for a page, never two.
        session.flush()
        settled = session.exec(
            select(ReviewItem.id).where(ReviewItem.page_id == loser.id, col(ReviewItem.open))
        ).all()
        _close_others(session, [i for i in settled if i is not None], by, now)
    if winner is not None:
        winner.current, winner.status = True, "read"
        session.add(winner)
        _flush_or_refuse(session, page)
    session.add(
        ReviewDecision(
            exam_id=exam_id,
            candidate_id=page.candidate_id,
            page_id=page_id,
            kind="conflict",
            marks="keep" if keep else "discard",
            decided_by=by,
            reason=reason,
            decided_at=now,
        )
    )
    audit.record(
        session,
        action="review.conflict",
        page=page_id,
        keep=keep,
        other=current.id if current else None,
        reason=reason,
    )


def _flush_or_refuse(session: Session, page: ScannedPage) -> None:
    """Store a page made current; another terminal's scan made current for the same page
    meanwhile (the database allows one) refuses this decision rather than count two."""
    try:
        session.flush()
    except IntegrityError as error:
        raise NotAllowed(
            f"另一份扫描刚被设为第 {page.page_no} 页的计数扫描，本次决定未保存 (another scan of "
            f"page {page.page_no} of {page.admission_no} was made the one that counts "
            "meanwhile; this decision was not stored: look at the page again)"
        ) from error


def resolve_admission(
    page_id: int,
    admission_no: str,
    *,
    session: Session,
    reason: str,
    expected_version: int | None = None,
) -> None:
    """Give a spare sheet whose admission grid was unreadable its candidate."""
    identify_page(
        page_id,
        admission_no,
        session=session,
        reason=reason,
        expected_version=expected_version,
    )


def identify_page(
    page_id: int,
    admission_no: str,
    *,
    page_no: int | None = None,
    session: Session,
    reason: str,
    expected_version: int | None = None,
) -> ScannedPage:
    """A person says whose page this is: a spare sheet whose admission grid could not be
    read or matched (review kind ``admission``), or a page neither of whose QR codes could
    be read (kind ``identify``, 待识别页面). One mechanism for both.

    Checked before anything is filed: the candidate is seated in this exam; the page is
    one of the layout's (``page_no``, needed only when several pages of the layout look
    alike, since then the printed grid cannot tell them apart); a page already counting
    for that candidate makes this one a conflict for a person to settle, as a rescan
    does. The page, its marks and its open questions then belong to the candidate.
    """
    exam_id, by = _begin_decision(session, reason)
    page = session.get(ScannedPage, page_id)
    item = _identity_item(session, page_id) if page is not None else None
    if page is None or item is None:
        raise NotAllowed(
            f"页面 {page_id} 不是待识别页面 (page {page_id} is not a page waiting to be identified)"
        )
    now = datetime.now(UTC)
    what = f"待识别页面 {page_id} (page {page_id}: not a page waiting to be identified any more)"
    if expected_version is None and not item.open:
        raise StaleDecision(what, item)
    if page.candidate_id is not None:
        raise NotAllowed(
            f"页面 {page_id} 不是待识别页面 (page {page_id} is not a page waiting to be identified)"
        )
    seat = session.exec(
        select(Seat).where(Seat.exam_id == exam_id, Seat.admission_no == admission_no)
    ).first()
    if seat is None:
        raise NotAllowed(
            f"准考证号 {admission_no} 未在本次考试中编座 "
            f"(admission number {admission_no} is not seated in this exam)"
        )
    kind, moved_from = item.kind, page.page_no
    if kind == "identify":
        _settle_page_number(session, page, page_no)
    elif page_no is not None and page_no != page.page_no:
        raise NotAllowed(
            f"页面 {page_id} 是第 {page.page_no} 页（二维码所示） "
            f"(page {page_id} is page {page.page_no}: its QR code says so)"
        )
    # Checked, then claimed: only a decision that would be stored takes the item.
    _claim(session, item, expected_version, what, by, now)
    page.admission_no, page.candidate_id = admission_no, seat.candidate_id
    page.status = "read"
    current = current_scan(session, seat.candidate_id, page.page_no)
    if current is None:
        page.current = True
    else:
        page.status = "conflict"
        session.add(
            ReviewItem(
                exam_id=exam_id,
                page_id=page_id,
                kind="conflict",
                status="conflict",
                doubt=1.0,
                reason=already_read_reason(admission_no, page.page_no, current.file, current.id),
            )
        )
    session.add(page)
    _flush_or_refuse(session, page)
    session.add(
        ReviewDecision(
            exam_id=exam_id,
            candidate_id=seat.candidate_id,
            page_id=page_id,
            kind=kind,
            marks=admission_no,
            decided_by=by,
            reason=reason,
            decided_at=now,
        )
    )
    details: dict[str, object] = {}
    if kind == "identify":
        details = {"page_no": page.page_no, "measured_as": moved_from, "layout": page.layout_hash}
    audit.record(
        session,
        action=f"review.{kind}",
        page=page_id,
        admission_no=admission_no,
        reason=reason,
        **details,
    )
    return page


def _identity_item(session: Session, page_id: int) -> ReviewItem | None:
    """The page's newest identity item (admission or identify), open or decided."""
    return session.exec(
        select(ReviewItem)
        .where(
            ReviewItem.page_id == page_id,
            col(ReviewItem.kind).in_(("admission", "identify")),
        )
        .order_by(col(ReviewItem.id).desc())
    ).first()


def _settle_page_number(session: Session, page: ScannedPage, page_no: int | None) -> None:
    """The page number of an unidentified page: the one its grid was measured as, or
    another of the layout's pages that look exactly alike (its marks renumbered, question
    by question in order)."""
    layout = exam_layouts(session).by_hash().get(page.layout_hash)
    if layout is None or page.page_no is None:
        raise NotAllowed(
            f"页面 {page.id} 所用版式已不属于本次考试 "
            f"(page {page.id} was measured with a layout this exam no longer has)"
        )
    alike = alike_pages(layout, page.page_no)
    if page_no is None:
        if len(alike) > 1:
            listed = ", ".join(map(str, alike))
            raise NotAllowed(
                f"页面 {page.id} 与第 {listed} 页都相同，请用 --page N 指明 "
                f"(page {page.id} looks like each of pages {listed}: say which, --page N)"
            )
        return
    if page_no not in alike:
        if 1 <= page_no <= len(layout.pages):
            raise NotAllowed(
                f"页面 {page.id} 的印刷格式是第 {page.page_no} 页，不是第 {page_no} 页 "
                f"(page {page.id}'s printed grid is that of page {page.page_no}, "
                f"not page {page_no})"
            )
        raise NotAllowed(
            f"答题卡只有第 1–{len(layout.pages)} 页，没有第 {page_no} 页 "
            f"(the sheet has pages 1..{len(layout.pages)}, not page {page_no})"
        )
    if page_no == page.page_no:
        return
    numbers = [q.number for q in layout.page(page_no).questions]
    renumber = {m["number"]: n for m, n in zip(page.marks, numbers, strict=True)}
    page.marks = [{**m, "number": renumber[m["number"]]} for m in page.marks]
    for item in session.exec(
        select(ReviewItem).where(ReviewItem.page_id == page.id, ReviewItem.kind == "question")
    ):
        if item.question is not None:
            item.question = renumber[item.question]
            session.add(item)
    page.page_no = page_no


@dataclass(frozen=True)
class DecisionRow:
    admission_no: str | None
    kind: str
    question: int | None
    marks: str
    decided_by: str
    reason: str
    decided_at: datetime


def decisions(*, session: Session) -> list[DecisionRow]:
    exam_id = current_exam_id(session)
    seats = {
        s.candidate_id: s.admission_no
        for s in session.exec(select(Seat).where(Seat.exam_id == exam_id))
    }
    return [
        DecisionRow(
            seats.get(d.candidate_id or -1),
            d.kind,
            d.question,
            d.marks,
            d.decided_by,
            d.reason,
            d.decided_at,
        )
        for d in session.exec(
            select(ReviewDecision)
            .where(ReviewDecision.exam_id == exam_id)
            .order_by(col(ReviewDecision.id))
        )
    ]
