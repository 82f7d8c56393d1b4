"""The results as people and scripts read them: the typed read models (`read_models`)
built from a computation, whose `to_json()` are the `results`, `awards`, `teams` and
`national` JSON contracts; pending tie decisions, and recording those decisions."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

import grading
from exam_center.db.models import TieDecisionRecord
from exam_center.domain.errors import NotAllowed
from exam_center.services import audit
from exam_center.services.exams import current_exam_id
from exam_center.services.marking import ensure_open
from exam_center.services.permissions import require
from exam_center.services.read_models import (
    AwardList,
    AwardTie,
    CandidateStanding,
    CandidateStatus,
    Excluded,
    Grant,
    NationalHonour,
    NationalTie,
    NationalView,
    ResultsDocuments,
    Standings,
    TeamLine,
    TeamList,
    TeamTie,
)
from exam_center.services.results import Computation, compute


def _status(c: Computation, row: int) -> CandidateStatus:
    r = c.roster
    if not r.eligible[row]:
        return CandidateStatus.INELIGIBLE
    if r.absent[row]:
        return CandidateStatus.ABSENT
    if r.candidates[row].id not in r.admission:
        return CandidateStatus.NOT_SEATED
    if r.no_sheet[row]:
        return CandidateStatus.MISSING_SHEET
    if c.totals is None:
        return CandidateStatus.NO_KEY
    return CandidateStatus(grading.Standing(int(c.totals.standing[row])).label)


def standings(c: Computation) -> Standings:
    """Every candidate, ranked or with the reason they are not."""
    r = c.roster
    statuses = [_status(c, row) for row in range(len(r.candidates))]
    if c.totals is not None and c.ranking is not None:
        # Points as floats, whole arrays at once (ticks / scale is exact division, the
        # same float as Fraction(ticks, scale) gives): per-row Fractions were most of it.
        t, ranking = c.totals, c.ranking
        objective, subjective, total = (
            (arr / t.scale).tolist() for arr in (t.objective, t.subjective, t.total)
        )
        keys = [
            (t.values(k.field) / (t.scale if t.is_score(k.field) else 1)).tolist()
            for k in ranking.chain
        ]
        ranks, blanks = ranking.rank.tolist(), t.blanks.tolist()
        rows = [
            CandidateStanding(
                r.admission.get(cand.id),
                cand.id,
                cand.name,
                cand.team,
                objective[row],
                subjective[row],
                total[row],
                ranks[row] or None,
                tuple(float(k[row]) for k in keys),
                statuses[row],
                blanks[row],
            )
            for row, cand in enumerate(r.candidates)
        ]
    else:
        rows = [
            CandidateStanding(
                r.admission.get(cand.id),
                cand.id,
                cand.name,
                cand.team,
                None,
                None,
                None,
                None,
                (),
                statuses[row],
            )
            for row, cand in enumerate(r.candidates)
        ]
    rows.sort(key=lambda x: (x.rank is None, x.rank or 0, x.candidate_id))
    return Standings(
        c.policy_record | {"tie_break": [str(k) for k in c.policy.ranking.chain]},
        c.key_version,
        float(c.paper.objective_max + c.paper.subjective_max),
        tuple(c.problems),
        tuple(rows),
    )


def results_json(c: Computation, session: Session | None = None) -> dict[str, Any]:
    """`results --json` (the session is not needed: the computation holds the policy)."""
    kept = _kept(c)
    return (kept.results if kept else standings(c)).to_json()


def _adm(c: Computation, candidate_id: str) -> str | None:
    return c.roster.admission.get(int(candidate_id))


def _name(c: Computation, candidate_id: str) -> str:
    return c.roster.candidates[c.roster.row_of(int(candidate_id))].name


def award_list(c: Computation) -> AwardList:
    """Individual awards, the ties that wait for a decision, and who was passed over."""
    if c.individual is None:
        return AwardList((), (), (), tuple(c.problems))
    return AwardList(
        tuple(
            Grant(
                g.award,
                _adm(c, g.candidate_id),
                int(g.candidate_id),
                _name(c, g.candidate_id),
                g.rank,
                g.note,
                g.nomination,
                g.passed_down,
                g.by_decision,
            )
            for g in c.individual.grants
        ),
        tuple(
            AwardTie(
                p.award,
                p.rank,
                tuple(_adm(c, i) for i in p.candidate_ids),
                tuple(_name(c, i) for i in p.candidate_ids),
                p.slots_left,
            )
            for p in c.individual.pending
        ),
        tuple(
            Excluded(
                e.award,
                _adm(c, e.candidate_id),
                _name(c, e.candidate_id),
                e.rank,
                tuple(e.years),
                str(e.reason),
                e.lapsed,
            )
            for e in c.individual.exclusions
        ),
    )


def awards_json(c: Computation) -> dict[str, Any]:
    """`awards --json`."""
    kept = _kept(c)
    return (kept.awards if kept else award_list(c)).to_json()


def team_list(c: Computation) -> TeamList:
    """Team totals, ranks and awards, and the ties that wait for a decision."""
    if c.teams is None:
        return TeamList((), (), tuple(c.problems))
    return TeamList(
        tuple(
            TeamLine(
                s.team,
                s.members,
                s.present,
                float(s.total),
                s.rank,
                s.award,
                s.pending,
                s.complete,
                s.organisation_award,
            )
            for s in c.teams.standings
        ),
        tuple(
            TeamTie(p.award, p.rank, tuple(p.candidate_ids), p.slots_left) for p in c.teams.pending
        ),
    )


def teams_json(c: Computation) -> dict[str, Any]:
    """`teams --json`."""
    kept = _kept(c)
    return (kept.teams if kept else team_list(c)).to_json()


def national_view(c: Computation) -> NationalView:
    """The chosen, the recommended, the ministry's drawn and the national honours."""
    if c.national is None:
        return NationalView((), (), (), "none", problems=tuple(c.problems))
    kind = {"ministry": "ministry", "simulation": "simulation"}.get(str(c.draw.kind), "none")
    return NationalView(
        tuple(_adm(c, i) for i in c.national.selected),
        tuple(_adm(c, i) for i in c.national.recommended),
        tuple(_adm(c, i) for i in c.draw.drawn),
        kind,
        c.draw.label,
        tuple(
            NationalTie(p.award, p.rank, tuple(_adm(c, i) for i in p.candidate_ids), p.slots_left)
            for p in c.national.pending
        ),
        None
        if c.honours is None
        else tuple(
            NationalHonour(g.award, _adm(c, g.candidate_id), g.rank, g.note)
            for g in c.honours.grants
        ),
    )


def national_json(c: Computation) -> dict[str, Any]:
    """`national --json`."""
    kept = _kept(c)
    return (kept.national if kept else national_view(c)).to_json()


def _kept(c: Computation) -> ResultsDocuments | None:
    kept = c.derived.get("documents")
    return kept if isinstance(kept, ResultsDocuments) else None


def documents(c: Computation) -> ResultsDocuments:
    """The four documents a finalised snapshot holds (results, awards, teams, national),
    built once per computation and kept with it."""
    kept = c.derived.get("documents")
    if isinstance(kept, ResultsDocuments):
        return kept
    made = ResultsDocuments(standings(c), award_list(c), team_list(c), national_view(c))
    c.derived["documents"] = made
    return made


def results_documents(c: Computation, session: Session | None = None) -> dict[str, Any]:
    """`documents(c)` as the snapshot stores them."""
    return documents(c).to_json()


def shell_word(text: str) -> str:
    """`text` as one shell word: Chinese names stay readable, quoted only when needed."""
    return text if re.fullmatch(r"[\w·./:+-]+", text) else shlex.quote(text)


@dataclass(frozen=True)
class PendingDecision:
    scope: str  # individual | team | national | honours
    award: str
    rank: int  # the rank the tied share
    tied: tuple[str, ...]  # admission numbers (teams: team names)
    names: tuple[str, ...]
    slots: int
    boundary: int | None = None  # the award's last place (江苏省人社知识通: 10), when known

    def command(self, prefix: str = "exam-center") -> str:
        """The `tie decide` command for this tie, with placeholders for the winners."""
        winners = " ".join(
            f"<{'准考证号' if self.scope != 'team' else '设区市'}{i + 1}>"
            for i in range(self.slots)
        )
        place = self.boundary if self.boundary is not None else self.rank
        return (
            f"{prefix} tie decide {self.scope} {shell_word(self.award)} {place} {winners} "
            "--reason <决定依据>"
        )


def award_boundary(c: Computation, scope: str, award: str) -> int | None:
    """The last place of an award (or list) in its scope: where a tie waits for a decision.
    Team awards follow each other (特等奖 1, 一等奖 to place 3, ...), as do the national lists."""
    if scope == "individual":
        return next((a.slots for a in grading.PROVINCIAL_AWARDS_2022 if a.award == award), None)
    if scope == "team":
        end = 0
        for tier in grading.TEAM_AWARDS_2022:
            end += tier.slots
            if tier.award == award:
                return end
        return None
    national = c.policy.national
    if scope == "national":
        ends = {
            grading.SELECTED: national.selected,
            grading.RECOMMENDED: national.selected + national.recommended,
        }
        return ends.get(award)
    if scope == "honours" and award == grading.NATIONAL_STAR:
        return national.star_count
    return None


def pending_ties(c: Computation) -> list[PendingDecision]:
    out: list[PendingDecision] = []
    names = {str(x.id): x.name for x in c.roster.candidates}
    groups: list[tuple[str, tuple[grading.PendingTie, ...]]] = []
    if c.individual is not None:
        groups.append(("individual", c.individual.pending))
    if c.teams is not None:
        groups.append(("team", c.teams.pending))
    if c.national is not None:
        groups.append(("national", c.national.pending))
    if c.honours is not None:
        groups.append(("honours", c.honours.pending))
    for scope, pending in groups:
        for p in pending:
            if scope == "team":
                tied, who = tuple(p.candidate_ids), tuple(p.candidate_ids)
            else:
                tied = tuple(_adm(c, i) or i for i in p.candidate_ids)
                who = tuple(names.get(i, i) for i in p.candidate_ids)
            boundary = award_boundary(c, scope, p.award)
            out.append(PendingDecision(scope, p.award, p.rank, tied, who, p.slots_left, boundary))
    return out


def decide_tie(
    scope: str, award: str, rank: int, winners: list[str], *, session: Session, reason: str
) -> None:
    """Record who gets the slots of a tie at an award boundary (admission numbers, or
    team names for team awards). The tie must be pending now; `rank` names it either by
    the award's boundary (江苏省人社知识通: 10) or by the rank the tied share."""
    by = require(session, "tie.decide").name
    ensure_open(session)
    if not reason.strip():
        raise NotAllowed("并列决定须说明理由 (a tie decision needs a reason: --reason)")
    c = compute(session)
    match = [
        p
        for p in pending_ties(c)
        if p.scope == scope and p.award == award and rank in (p.rank, p.boundary)
    ]
    if not match:
        open_ = (
            "; ".join(
                f"{p.scope} {p.award} 名次 {p.boundary or p.rank}（并列名次 {p.rank}）"
                for p in pending_ties(c)
            )
            or "无 none"
        )
        raise NotAllowed(
            f"没有待决定的并列：{scope} {award} 名次 {rank} "
            f"(no pending tie there; pending: {open_}; exam-center tie list prints the commands)"
        )
    tie = match[0]
    if set(winners) - set(tie.tied) or len(set(winners)) != tie.slots:
        raise NotAllowed(
            f"须从 {'、'.join(tie.tied)} 中恰好选 {tie.slots} 个 "
            f"(choose exactly {tie.slots} of {', '.join(tie.tied)})"
        )
    by_adm = {adm: str(cid) for cid, adm in c.roster.admission.items()}
    to_id = (lambda x: x) if scope == "team" else (lambda x: by_adm[x])
    session.add(
        TieDecisionRecord(
            exam_id=current_exam_id(session),
            scope=scope,
            award=award,
            rank=tie.rank,
            tied=[to_id(x) for x in tie.tied],
            winners=[to_id(x) for x in winners],
            decided_by=by,
            reason=reason,
            decided_at=datetime.now(UTC),
        )
    )
    audit.record(
        session,
        action="tie.decide",
        scope=scope,
        award=award,
        rank=tie.rank,
        tied=list(tie.tied),
        winners=winners,
        reason=reason,
    )


@dataclass(frozen=True)
class ItemRow:
    number: int
    section: str
    key: str
    difficulty: float
    point_biserial: float
    upper_lower: float
    option_frequencies: dict[str, float]
    blank_rate: float
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ItemReport:
    candidates: int
    kr20: float
    items: tuple[ItemRow, ...]
    totals: tuple[float, ...]  # every ranked candidate's total, for the histogram


def item_analysis(c: Computation) -> ItemReport | None:
    """Per question: difficulty, discrimination (point-biserial, upper–lower 27 %), option
    frequencies, and probable key errors; KR-20 of the objective part (kept with `c`)."""
    if "items" not in c.derived:
        c.derived["items"] = _item_analysis(c)
    kept = c.derived["items"]
    return kept if isinstance(kept, ItemReport) else None


def _item_analysis(c: Computation) -> ItemReport | None:
    if c.scores is None or c.key is None or c.totals is None:
        return None
    r = c.roster
    include = r.eligible & ~r.absent & ~c.unresolved
    if int(include.sum()) < 2:
        return None
    stats = grading.analyse_items(
        c.responses, c.scores, c.key, c.paper, include=include, policy=c.policy.items
    )
    letters = "ABCDEFGH"
    key_letters = c.key.to_letters()
    rows = []
    freq = stats.option_frequencies
    for i, q in enumerate(c.paper.objective_questions):
        rows.append(
            ItemRow(
                q.number,
                q.section,
                key_letters.get(q.number, "作废"),
                float(stats.difficulty[i]),
                float(stats.point_biserial[i]),
                float(stats.upper_lower[i]),
                {letters[j]: float(freq[i, j]) for j in range(q.options)},
                float(stats.blank_counts[i]) / max(stats.n, 1),
                tuple(f"{f.reason}: {f.detail}" for f in stats.flags_for(q.number)),
            )
        )
    ranked = c.totals.standing == grading.Standing.RANKED
    totals = tuple(float(c.totals.points(int(t))) for t in c.totals.total[ranked])
    return ItemReport(stats.n, float(stats.kr20), tuple(rows), totals)
