"""岗位练兵优秀组织奖: decided by the officers from the cities' organisation and
online-learning records (notice 八(二)2), never computed. Recording and withdrawing
it are changes to the results, so both are refused once the results are final."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from exam_center.db.models import OrganisationAward
from exam_center.domain.errors import NotAllowed
from exam_center.services import audit
from exam_center.services.exams import current_exam_id, exam_definition
from exam_center.services.marking import ensure_open
from exam_center.services.permissions import actor_name, require

ORGANISATION_AWARD = "岗位练兵优秀组织奖"


@dataclass(frozen=True)
class OrganisationAwardRow:
    team: str
    decided_by: str
    reason: str
    at: datetime


def organisation_awards(*, session: Session) -> list[OrganisationAwardRow]:
    return [
        OrganisationAwardRow(a.team, a.decided_by, a.reason, a.at)
        for a in session.exec(
            select(OrganisationAward)
            .where(OrganisationAward.exam_id == current_exam_id(session))
            .order_by(col(OrganisationAward.id))
        )
    ]


def _existing(session: Session, team: str) -> OrganisationAward | None:
    return session.exec(
        select(OrganisationAward).where(
            OrganisationAward.exam_id == current_exam_id(session), OrganisationAward.team == team
        )
    ).first()


def record_organisation_award(team: str, *, session: Session, reason: str) -> None:
    """Record the officers' decision that `team` receives the award, with its basis."""
    require(session, "team.organisation_award")
    ensure_open(session)
    ranked = exam_definition(session).teams.ranked
    if team not in ranked:
        raise NotAllowed(
            f"{team} 不是参与排名的代表队 (not a ranked team; teams: {'、'.join(ranked)})"
        )
    if not reason.strip():
        raise NotAllowed("请写明决定依据 (record the basis of the decision with --reason)")
    if _existing(session, team) is not None:
        raise NotAllowed(f"{team} 已记录{ORGANISATION_AWARD} (already recorded)")
    session.add(
        OrganisationAward(
            exam_id=current_exam_id(session),
            team=team,
            decided_by=actor_name(session),
            reason=reason,
            at=datetime.now(UTC),
        )
    )
    audit.record(session, action="team.organisation_award", team=team, reason=reason)


def withdraw_organisation_award(team: str, *, session: Session, reason: str) -> None:
    """Withdraw a decision recorded in error; the audit log keeps both."""
    require(session, "team.organisation_award.withdraw")
    ensure_open(session)
    if not reason.strip():
        raise NotAllowed("请写明撤销原因 (say why with --reason)")
    award = _existing(session, team)
    if award is None:
        raise NotAllowed(f"{team} 没有{ORGANISATION_AWARD}的记录 (nothing to withdraw)")
    session.delete(award)
    audit.record(
        session,
        action="team.organisation_award.withdraw",
        team=team,
        reason=reason,
    )
