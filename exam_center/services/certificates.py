"""Printing the certificates (省厅为获奖团队颁发奖牌，为获奖选手颁发奖章、证书): from the
locked results only, so every certificate matches the published award lists. A
nomination (按程序申报, the 五一劳动奖章) is not an award yet and gets no certificate;
the ministry's own national titles are the ministry's to certify."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from exam_center.db.models import Candidate
from exam_center.domain.errors import NotAllowed
from exam_center.io.reports.certificates import (
    Certificate,
    write_certificate_register,
    write_certificates,
)
from exam_center.services import audit, sealing
from exam_center.services.exams import current_exam, current_exam_id
from exam_center.services.finalising import finalised_snapshot
from exam_center.services.permissions import require
from exam_center.services.team_awards import ORGANISATION_AWARD


@dataclass(frozen=True)
class CertificatesPrinted:
    individual: Path
    teams: Path
    register: Path
    count: int

    def files(self) -> list[Path]:
        return [self.individual, self.teams, self.register]


def _provincial(award: str) -> bool:
    return award.startswith("江苏省")


def certificates_of(
    snapshot: dict[str, Any], units: dict[int, str], code: str
) -> list[Certificate]:
    """Individual awards in award then rank order, the provincial honours that followed
    the national results, then the team awards and 岗位练兵优秀组织奖; numbered in that order."""
    people = {int(c["candidate_id"]): c for c in snapshot["results"]["candidates"]}
    by_adm = {c["admission_no"]: c for c in people.values() if c["admission_no"]}
    rows: list[tuple[str, str, str, str, str]] = []
    for g in snapshot["awards"].get("individual", []):
        if g.get("nomination"):
            continue
        who = people[int(g["candidate_id"])]
        rows.append(("个人", who["name"], units.get(who["candidate_id"], ""), g["award"], ""))
    for h in snapshot["national"].get("honours", []):
        if not _provincial(h["award"]) or "按程序申报" in (h.get("note") or ""):
            continue
        who = by_adm.get(h["admission_no"], {})
        rows.append(
            (
                "个人",
                who.get("name", ""),
                units.get(who.get("candidate_id", -1), ""),
                h["award"],
                "全国比试",
            )
        )
    teams = snapshot["teams"].get("teams", [])
    for t in sorted((t for t in teams if t.get("award")), key=lambda t: t["rank"] or 0):
        rows.append(("团体", t["team"], "", t["award"], f"第{t['rank']}名"))
    for t in teams:
        if t.get("organisation_award"):
            rows.append(("团体", t["team"], "", ORGANISATION_AWARD, ""))
    return [
        Certificate(f"{code}-{i:03d}", kind, who, unit, award, note)
        for i, (kind, who, unit, award, note) in enumerate(rows, start=1)
    ]


def print_certificates(out_dir: Path, *, session: Session) -> CertificatesPrinted:
    """Write 证书-个人.pdf, 证书-团体.pdf and 证书发放登记表.pdf into OUT_DIR."""
    require(session, "print.certificates")
    exam = current_exam(session)
    lock = finalised_snapshot(session=session)
    if lock is None:
        raise NotAllowed(
            "成绩尚未定稿，不能打印证书 (certificates are printed from final results only: "
            "exam-center finalise first)"
        )
    sealing.require_verified(session=session)  # never certificates from an edited snapshot
    units = {
        c.id: c.unit
        for c in session.exec(
            select(Candidate).where(Candidate.exam_id == current_exam_id(session))
        )
        if c.id is not None
    }
    certs = certificates_of(lock.snapshot, units, exam.code)
    out_dir.mkdir(parents=True, exist_ok=True)
    issued = lock.at.date()
    individual = write_certificates(
        out_dir / "证书-个人.pdf",
        [c for c in certs if c.kind == "个人"],
        title=exam.title,
        issued=issued,
    )
    teams = write_certificates(
        out_dir / "证书-团体.pdf",
        [c for c in certs if c.kind == "团体"],
        title=exam.title,
        issued=issued,
    )
    register = write_certificate_register(
        out_dir / "证书发放登记表.pdf", certs, title=exam.title, issued=issued, digest=lock.digest
    )
    audit.record(
        session,
        action="print.certificates",
        folder=str(out_dir),
        certificates=len(certs),
        digest=lock.digest,
    )
    return CertificatesPrinted(individual, teams, register, len(certs))
