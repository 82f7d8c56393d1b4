"""Finalising locks the results with their digest; it is refused while anything is
missing, unread, unresolved or undecided, and the refusal names each. Re-opening is
recorded with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, select

from exam_center.db.models import ResultsLock
from exam_center.domain.errors import NotAllowed, WorkspaceError
from exam_center.domain.vocabulary import REVIEW_KIND_SHORT, review_status_label, tie_scope_label
from exam_center.services import audit, kept_results, sealing, signoff
from exam_center.services.audit import ChainHead
from exam_center.services.exams import current_exam, current_exam_id
from exam_center.services.locks import hold_results
from exam_center.services.permissions import require
from exam_center.services.read_models import ResultsDocuments
from exam_center.services.register import PROVINCIAL_CONTEST
from exam_center.services.register_facts import RegisterUpdate, record_in_register
from exam_center.services.results import Computation, compute, results_stamp
from exam_center.services.review import open_items
from exam_center.services.signoff import SignOffPending
from exam_center.services.standings import pending_ties, results_documents
from exam_center.services.workspace_key import workspace_key


class FinaliseRefused(NotAllowed):
    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(
            f"不能定稿，须先处理 {len(reasons)} 项 (finalising refused: "
            f"{len(reasons)} thing(s) to settle first)\n" + "\n".join(f"  - {r}" for r in reasons)
        )


def blockers(c: Computation, session: Session) -> list[str]:
    """Every reason the results cannot be final yet, each naming who or what."""
    out = list(c.problems)
    r = c.roster
    for row, cand in enumerate(r.candidates):
        adm = r.admission.get(cand.id or -1)
        if r.no_sheet[row]:
            out.append(
                f"{adm} {cand.name}: 未扫描答题卡，请扫描或登记缺考 "
                "(no answer sheet scanned: scan it, or record the absence)"
            )
    for item in open_items(session=session):
        who = (
            f"{item.admission_no} {item.candidate_name}"
            if item.admission_no
            else f"页面 {item.page_id}"
        )
        what = f"question {item.question}" if item.question else item.kind
        zh = f"第 {item.question} 题" if item.question else REVIEW_KIND_SHORT.get(item.kind, "")
        out.append(
            f"{who}: {zh}待复核 review of {what} open "
            f"({item.reason or review_status_label(item.status)})"
        )
    if c.marks is not None:
        for issue in c.marks.blocking_issues:
            cand = r.candidates[issue.row]
            marker = f" (marker {issue.marker})" if issue.marker else ""
            out.append(
                f"{r.admission.get(cand.id or -1)} {cand.name}: 第 {issue.question} 题 "
                f"{issue.reason}{marker} {issue.detail}".rstrip()
            )
    for p in pending_ties(c):
        out.append(
            f"并列待决定 tie at {tie_scope_label(p.scope)} {p.award} 第 {p.rank} 名: "
            f"从 {'、'.join(p.tied)} 中选 {p.slots} 个 (choose {p.slots}: exam-center tie decide)"
        )
    return out


@dataclass(frozen=True)
class Finalised:
    digest: str
    at: datetime
    register: RegisterUpdate | None = None  # the exam's awards added to the 能手库
    seal: str = ""  # the snapshot's MAC under the workspace key (结果封印)
    head: ChainHead | None = None  # the audit chain after the finalising, for the receipt
    requested_by: str = ""  # 双人复核: the officer who asked, and the one who signed
    signed_by: str = ""

    def receipt_lines(self) -> list[str]:
        """What the officers sign on paper: a later `verify` checks against these."""
        lines = [
            f"双人复核 signed by: {self.requested_by} / {self.signed_by}",
            f"结果摘要 results digest (SHA-256): {self.digest}",
        ]
        if self.seal:
            lines.append(f"结果封印 results seal (HMAC-SHA256): {self.seal}")
        if self.head is not None:
            lines.append(
                f"审计链 audit chain: {self.head.entries} entries, head {self.head.printed()} "
                f"(exam-center audit verify --expect {self.head.printed()})"
            )
        return lines


def finalise(*, session: Session) -> Finalised | SignOffPending:
    """The first officer's call asks for it (SignOffPending); a second officer's, on the
    same results digest, finalises."""
    require(session, "results.finalise")
    # The lock scanners and reviewers take to store a page or a decision: none lands
    # between the reading of the results below and the digest that locks them.
    hold_results(session, current_exam_id(session), exclusive=True)
    exam = current_exam(session)
    if exam.finalised_at is not None:
        raise NotAllowed(
            f"成绩已于 {exam.finalised_at:%Y-%m-%d %H:%M} 定稿 "
            f"(already finalised on {exam.finalised_at:%Y-%m-%d %H:%M}, "
            f"digest {exam.results_digest})"
        )
    c = compute(session)
    reasons = blockers(c, session)
    if reasons:
        raise FinaliseRefused(reasons)
    digest = c.digest()
    signed = signoff.sign(session, "results.finalise", digest)
    if isinstance(signed, SignOffPending):
        return signed
    now = datetime.now(UTC)
    snapshot = sealing.normal_snapshot(
        results_documents(c, session)
        # What every table the results come from held, so verify names an edited row.
        | {sealing.INPUTS_KEY: sealing.input_fingerprints(session, workspace_key(session))}
    )
    lock = ResultsLock(
        exam_id=current_exam_id(session),
        action="finalise",
        digest=digest,
        snapshot=snapshot,
        at=now,
        by=signed.both,
    )
    session.add(lock)
    exam.finalised_at, exam.results_digest = now, digest
    session.add(exam)
    seal = sealing.seal_finalised(session, lock, snapshot)
    audit.record(
        session,
        action="results.finalise",
        digest=digest,
        requested_by=signed.requested_by,
        signed_by=signed.signed_by,
        request=signed.id,
        key_version=c.key_version,
        **seal,
    )
    r = c.roster
    sat = [
        int(cand.id)
        for row, cand in enumerate(r.candidates)
        if cand.id is not None and r.eligible[row] and not r.absent[row] and cand.id in r.admission
    ]
    update = record_in_register(
        session,
        origin="exam",
        honours=[(int(g.candidate_id), g.award) for g in c.individual.grants]
        if c.individual
        else [],
        took_part=sat,
        contest=PROVINCIAL_CONTEST,
    )
    return Finalised(
        digest,
        now,
        update,
        str(seal["seal"]),
        audit.chain_head(session=session),
        signed.requested_by,
        signed.signed_by,
    )


def reopen(*, session: Session, reason: str) -> SignOffPending | None:
    """Asked for by one officer (SignOffPending), done when a second signs (None)."""
    require(session, "results.reopen")
    hold_results(session, current_exam_id(session), exclusive=True)
    exam = current_exam(session)
    if exam.finalised_at is None:
        raise NotAllowed("成绩尚未定稿 (the results are not finalised)")
    if not reason.strip():
        raise NotAllowed("重新打开须说明理由 (re-opening needs --reason)")
    signed = signoff.sign(session, "results.reopen", exam.results_digest or "", {"reason": reason})
    if isinstance(signed, SignOffPending):
        return signed
    lock = ResultsLock(
        exam_id=current_exam_id(session),
        action="reopen",
        digest=exam.results_digest or "",
        at=datetime.now(UTC),
        by=signed.both,
        reason=reason,
    )
    session.add(lock)
    audit.record(
        session,
        action="results.reopen",
        digest=exam.results_digest,
        reason=reason,
        requested_by=signed.requested_by,
        signed_by=signed.signed_by,
        request=signed.id,
        **sealing.seal_reopened(session, lock),
    )
    exam.finalised_at = None
    session.add(exam)
    return None


def finalised_snapshot(*, session: Session) -> ResultsLock | None:
    """The results as locked, while the exam is finalised."""
    exam = current_exam(session)
    if exam.finalised_at is None:
        return None
    return session.exec(
        select(ResultsLock)
        .where(ResultsLock.exam_id == exam.id, ResultsLock.action == "finalise")
        .order_by(col(ResultsLock.id).desc())
    ).first()


def sealed_documents(
    *, session: Session, lock: ResultsLock | None = None
) -> ResultsDocuments | None:
    """The finalised results as sealed (the snapshot, once it matches its seal), read
    instead of computed again; None while the exam is open, or when the snapshot does not
    match (then the results are computed, and `verify` names the difference). `lock`:
    the finalising's row when the caller has read it already."""
    lock = lock or finalised_snapshot(session=session)
    if lock is None:
        return None
    try:
        if not sealing.snapshot_sealed(session, lock):
            return None
    except WorkspaceError:  # no key to check it with: computed as before
        return None
    return ResultsDocuments.from_json(lock.snapshot)


def published(part: str, *, session: Session) -> dict[str, Any]:
    """One of the four documents (results, awards, teams, national) as `--json` prints
    it: from the sealed snapshot once finalised, else as computed at the database's
    change stamp: kept in the workspace's cache for the next command (`kept_results`),
    computed again only after a change."""
    if part not in ("results", "awards", "teams", "national"):
        raise ValueError(part)
    sealed = sealed_documents(session=session)
    if sealed is not None:
        doc: dict[str, Any] = getattr(sealed, part).to_json()
        return doc
    stamp = results_stamp(session)
    kept = kept_results.read_kept(session, stamp)
    if kept is None or not isinstance(kept.get(part), dict):
        kept = results_documents(compute(session))
        kept_results.keep(session, stamp, kept)
    doc = kept[part]
    return doc
