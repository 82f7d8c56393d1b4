"""Whose sheet a scanned candidate page is, beyond its QR code: the admission grid the
candidate filled (checked against the code) and the 缺考标记 box the invigilator filled.

Called by ``scanning.record_page`` for every page whose QR code names a seated candidate,
in the transaction that stores it:

- grid and code agree: nothing to say;
- they disagree (a sheet printed with another candidate's code, handed to the wrong
  seat, or a digit filled wrongly): the page counts for nobody and waits in review as
  kind ``admission``, status ``mismatch`` (本答题卡的二维码与考生填涂的准考证号不一致),
  both numbers shown, with where the page stood in its scan batch (the room of the page
  scanned before it) as evidence; ``review identify``/``admission`` files it;
- the grid is blank or unclear: noted on the page, the code's candidate kept;
- the absence box is marked: the candidate is recorded absent (缺考) — unless answers are
  marked on the page too, when the page is noted and a person confirms the absence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from exam_center.db.models import Absence, ReviewItem, Room, ScannedPage, Seat
from scans import AbsenceStatus, IdentityCheck, PageRead, check_identity

ABSENCE_MARKED = "答题卡缺考标记已填涂，考生记为缺考 (the invigilator marked the sheet absent)"


@dataclass(frozen=True)
class SheetIdentity:
    admission_no: str | None  # whom to file the page under (None: a person decides)
    note: str  # added to the page's reason ("" when nothing to say)


def check_sheet(
    session: Session,
    page: ScannedPage,
    read: PageRead,
    admission_no: str,
    review: list[ReviewItem],
) -> SheetIdentity:
    """The grid against the code, and the absence box; may add to ``review``."""
    grid = read.admission_grid
    finding = check_identity(admission_no, grid)
    notes: list[str] = []
    if grid is not None:
        page.admission_grid = {
            "digits": grid.digits,
            "status": str(grid.status),
            "reason": grid.reason,
            "qr_check": str(finding.check),
        }
    filed: str | None = admission_no
    if finding.check is IdentityCheck.MISMATCH:
        evidence = _batch_evidence(session, page, admission_no, finding.grid_number)
        review.append(
            ReviewItem(
                exam_id=page.exam_id,
                page_id=0,
                kind="admission",
                status="mismatch",
                reason="; ".join(r for r in (finding.reason, evidence) if r),
                doubt=1.0,
            )
        )
        notes.append(finding.reason)
        filed = None
    elif finding.check in (IdentityCheck.BLANK, IdentityCheck.UNCLEAR):
        notes.append(finding.reason)
    if read.absence is not None and read.absence.status is not AbsenceStatus.EMPTY:
        notes.append(_absence(session, page, read, admission_no))
    return SheetIdentity(filed, "; ".join(notes))


def _absence(session: Session, page: ScannedPage, read: PageRead, admission_no: str) -> str:
    assert read.absence is not None
    if read.absence.status is AbsenceStatus.UNCLEAR:
        return (
            f"缺考标记不清，未记缺考 (the absence box is neither empty nor filled: fill "
            f"{read.absence.fill:.2f}); record the absence by hand if the seat was empty"
        )
    answered = [q.number for q in read.questions if q.marks]
    if answered:
        return (
            f"缺考标记已填涂，但答题卡上有作答（{len(answered)} 题），未记缺考：请核对 "
            "(the absence box is marked but questions are answered: not recorded absent)"
        )
    seat = session.exec(
        select(Seat).where(Seat.exam_id == page.exam_id, Seat.admission_no == admission_no)
    ).first()
    if seat is None:
        return ""
    known = session.exec(
        select(Absence).where(
            Absence.exam_id == page.exam_id, Absence.candidate_id == seat.candidate_id
        )
    ).first()
    if known is None:
        session.add(
            Absence(
                exam_id=page.exam_id,
                candidate_id=seat.candidate_id,
                recorded_by="扫描 scanner",
                reason=f"{ABSENCE_MARKED}: {page.file}",
                recorded_at=datetime.now(UTC),
            )
        )
    return ABSENCE_MARKED


def _room_of(session: Session, exam_id: int, admission_no: str | None) -> str | None:
    if not admission_no:
        return None
    row = session.exec(
        select(Room.code)
        .join(Seat, col(Seat.room_id) == col(Room.id))
        .where(Seat.exam_id == exam_id, Seat.admission_no == admission_no)
    ).first()
    return row


def _neighbour(session: Session, page: ScannedPage, *, before: bool) -> str | None:
    """The admission number of the nearest identified page of the batch, in file order
    (scanners name their files in feeding order), before or after this one; only among
    the pages stored so far (workers finish out of order)."""
    same_file = col(ScannedPage.file) == page.file
    if before:
        where = (col(ScannedPage.file) < page.file) | (
            same_file & (col(ScannedPage.page_index) < page.page_index)
        )
        order = (col(ScannedPage.file).desc(), col(ScannedPage.page_index).desc())
    else:
        where = (col(ScannedPage.file) > page.file) | (
            same_file & (col(ScannedPage.page_index) > page.page_index)
        )
        order = (col(ScannedPage.file).asc(), col(ScannedPage.page_index).asc())
    return session.exec(
        select(ScannedPage.admission_no)
        .where(
            ScannedPage.batch_id == page.batch_id,
            col(ScannedPage.admission_no).is_not(None),
            where,
        )
        .order_by(*order)
    ).first()


def _batch_evidence(session: Session, page: ScannedPage, qr_number: str, grid_number: str) -> str:
    """Where the page stood in its scan batch: the rooms of the pages fed next to it, and
    which of the two candidates' rooms those are. A room's sheets are collected and
    scanned together, so a page among another room's pages is telling."""
    if page.batch_id is None:
        return ""
    exam_id = page.exam_id
    neighbours = [
        (side, number, _room_of(session, exam_id, number))
        for side, number in (
            ("前", _neighbour(session, page, before=True)),
            ("后", _neighbour(session, page, before=False)),
        )
        if number is not None
    ]
    qr_room = _room_of(session, exam_id, qr_number)
    grid_room = _room_of(session, exam_id, grid_number)
    rooms = f"二维码考生在考场 {qr_room}" + (
        f"，填涂考生在考场 {grid_room}" if grid_room else "，填涂的准考证号不在本场考试"
    )
    if not neighbours:
        return f"扫描顺序：本批次尚无相邻的已识别页 (no neighbouring page read yet)；{rooms}"
    around = "，".join(
        f"{side}一页属于考场 {room}（{number}）" for side, number, room in neighbours
    )
    text = f"扫描顺序：本页在本批次中{around}；{rooms}"
    seen = {room for _, _, room in neighbours}
    if grid_room and seen == {grid_room} and grid_room != qr_room:
        text += "：本页夹在填涂考生所在考场的答题卡中 (scanned among the grid's room)"
    elif seen == {qr_room} and grid_room != qr_room:
        text += "：本页夹在二维码考生所在考场的答题卡中 (scanned among the code's room)"
    return text
