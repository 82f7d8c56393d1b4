"""Exporting the results: one XLSX workbook, CSV files beside it, and the PDF award
lists, recorded in the audit log. Once the exam is finalised every figure comes from the
locked snapshot, so the files match the digest that finalising stored; before that they
come from a fresh computation and every file says it is not final."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from exam_center.io.reports.award_lists import write_award_lists
from exam_center.io.reports.exports import write_csv_files, write_workbook
from exam_center.io.reports.policy_wording import paper_lines, policy_lines
from exam_center.io.reports.results_tables import (
    AwardRow,
    NationalRow,
    NationalTable,
    Provenance,
    RankRow,
    ResultsTables,
    TeamRow,
    tie_key_label,
)
from exam_center.services import audit, sealing
from exam_center.services.exams import current_exam, exam_definition
from exam_center.services.finalising import finalised_snapshot
from exam_center.services.permissions import actor_name, require
from exam_center.services.read_models import (
    AwardTie,
    CandidateStanding,
    CandidateStatus,
    Grant,
    NationalTie,
    NationalView,
    ResultsDocuments,
)
from exam_center.services.results import compute
from exam_center.services.standings import ItemReport, documents, item_analysis


@dataclass(frozen=True)
class ExportOutcome:
    workbook: Path
    csv_files: tuple[Path, ...]  # ranking, individual awards, team awards
    award_lists: Path  # PDF
    final: bool
    digest: str | None  # the locked results digest when final
    source: str  # snapshot | computed
    candidates: int
    ranked: int
    awards: int  # individual grants
    warnings: tuple[str, ...]

    def files(self) -> list[Path]:
        return [self.workbook, *self.csv_files, self.award_lists]


def export_results(out: Path, *, session: Session) -> ExportOutcome:
    """Write OUT (.xlsx) and, beside it, `<stem>-成绩排名.csv`, `<stem>-个人奖项.csv`,
    `<stem>-团体奖项.csv` and `<stem>-获奖名单.pdf` (with `-未定稿` before the suffix
    while the results are not final)."""
    require(session, "results.export")
    exam = current_exam(session)
    c = compute(session)
    lock = finalised_snapshot(session=session)
    seal_footer: str | None = None
    if lock is not None:
        # Finalised results leave only from the sealed snapshot, and only once it verifies.
        verified = sealing.require_verified(session=session, computation=c)
        seal_footer = sealing.seal_line(verified)
        docs = ResultsDocuments.from_json(lock.snapshot)
        recomputed: bool | None = c.ranking is not None and c.digest() == lock.digest
    else:
        docs = documents(c)
        recomputed = None
    units = {cand.id: cand.unit for cand in c.roster.candidates}
    definition = exam_definition(session)
    results_doc = docs.results
    info = Provenance(
        title=exam.title,
        exam_date=exam.exam_date,
        venue=exam.venue,
        final=lock is not None,
        finalised_at=lock.at if lock else None,
        finalised_by=lock.by if lock else "",
        digest=lock.digest if lock else None,
        digest_recomputed=recomputed,
        source=(
            "定稿快照（finalised snapshot）" if lock else "当前数据即时计算（未定稿，仅供核对）"
        ),
        key_version=results_doc.key_version,
        policies=policy_lines(dict(results_doc.policy)),
        paper=paper_lines(definition),
        exported_at=datetime.now(UTC),
        exported_by=actor_name(session),
        warnings=_warnings(docs),
    )
    tables = _tables(docs, units, info, item_analysis(c))
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook = write_workbook(out, tables)
    suffix = "" if info.final else "-未定稿"
    csv_files = write_csv_files(out.parent, out.stem, suffix, tables)
    pdf = write_award_lists(
        out.with_name(f"{out.stem}-获奖名单{suffix}.pdf"), tables, seal_footer=seal_footer
    )
    outcome = ExportOutcome(
        workbook=workbook,
        csv_files=csv_files,
        award_lists=pdf,
        final=info.final,
        digest=info.digest,
        source="snapshot" if lock else "computed",
        candidates=len(tables.ranking),
        ranked=sum(r.rank is not None for r in tables.ranking),
        awards=len(tables.awards),
        warnings=info.warnings,
    )
    audit.record(
        session,
        action="results.export",
        files=[str(p) for p in outcome.files()],
        final=outcome.final,
        source=outcome.source,
        digest=outcome.digest,
        key_version=info.key_version,
    )
    return outcome


def _listed(values: tuple[str | None, ...]) -> str:
    return ", ".join(str(v) for v in values)


def _warnings(docs: ResultsDocuments) -> tuple[str, ...]:
    out = list(docs.results.problems)
    for p in docs.awards.pending_ties:
        out.append(f"个人奖项 {p.award} 第{p.rank}名并列待决定：{_listed(p.admission_nos)}")
    for t in docs.teams.pending_ties:
        out.append(f"团体奖项 {t.award} 第{t.rank}名并列待决定：{_listed(t.teams)}")
    for n in docs.national.pending_ties:
        out.append(f"全国比试名单 第{n.rank}名并列待决定：{_listed(n.admission_nos)}")
    return tuple(out)


Units = dict[int, str]


def _award_row(
    award: str,
    rank: int | None,
    person: CandidateStanding | None,
    note: str,
    units: Units,
    admission_no: str | None = None,
) -> AwardRow:
    """One line of an award list; `admission_no` names someone not in the ranking."""
    if person is None:
        return AwardRow(award, rank, admission_no or "", "", "", "", note)
    return AwardRow(
        award,
        rank,
        person.admission_no or "",
        person.name,
        person.team,
        units.get(person.candidate_id, ""),
        note,
    )


def _unscored(r: CandidateStanding) -> bool:
    """No sheet was scored. An ineligible candidate is scored like everyone else, so
    nothing at all in every score is taken for no sheet: a real sheet worth exactly
    0 points from someone outside the ranking says nothing the status does not."""
    if not r.status.scored or r.total is None:
        return True
    nothing = not any((r.objective, r.subjective, r.total))
    return r.status is CandidateStatus.INELIGIBLE and nothing


def _rank_row(r: CandidateStanding, units: Units) -> RankRow:
    blank = _unscored(r)
    return RankRow(
        r.rank,
        r.admission_no or "",
        r.name,
        r.team,
        units.get(r.candidate_id, ""),
        None if blank else r.objective,
        None if blank else r.subjective,
        None if blank else r.total,
        () if blank else r.tie_keys,
        r.status.label,
    )


def _tables(
    docs: ResultsDocuments, units: Units, info: Provenance, items: ItemReport | None
) -> ResultsTables:
    standings = docs.results
    by_id = standings.by_id()
    by_adm = standings.by_admission()
    ranking = tuple(_rank_row(r, units) for r in standings.candidates)
    awards_doc = docs.awards
    awards = tuple(
        _award_row(g.award, g.rank, by_id[g.candidate_id], _grant_note(g), units)
        for g in awards_doc.individual
    )
    ties = tuple(
        _award_row(p.award, p.rank, by_adm.get(a or ""), _tie_note(p), units, a)
        for p in awards_doc.pending_ties
        for a in p.admission_nos
    )
    exclusions = tuple(
        _award_row(e.award, e.rank, by_adm.get(e.admission_no or ""), e.explanation, units)
        for e in awards_doc.excluded
    )
    teams = tuple(
        TeamRow(
            t.rank,
            t.team,
            t.members,
            t.present,
            t.total,
            "待决定（并列）" if t.pending else (t.award or ""),
            t.organisation_award,
        )
        for t in docs.teams.teams
    )
    return ResultsTables(
        info=info,
        tie_keys=tuple(tie_key_label(k) for k in standings.tie_break),
        ranking=ranking,
        awards=awards,
        award_ties=ties,
        award_exclusions=exclusions,
        teams=teams,
        national=_national(docs.national, by_adm, units),
        items=items,
    )


def _national(
    doc: NationalView,
    by_adm: dict[str, CandidateStanding],
    units: Units,
) -> NationalTable:
    drawn = set(doc.drawn)
    rows: list[NationalRow] = []
    for category, listed in (("省选", doc.selected), ("推荐", doc.recommended)):
        for i, adm in enumerate(listed, start=1):
            who = by_adm.get(adm or "")
            rows.append(
                NationalRow(
                    category,
                    i,
                    who.rank if who else None,
                    adm or "",
                    who.name if who else "",
                    who.team if who else "",
                    units.get(who.candidate_id, "") if who else "",
                    adm in drawn,
                )
            )
    honours = tuple(
        _award_row(h.award, h.national_rank, by_adm.get(h.admission_no or ""), h.note, units)
        for h in doc.honours or ()
    )
    pending = tuple(
        _award_row("全国比试名单", p.rank, by_adm.get(a or ""), _tie_note(p), units, a)
        for p in doc.pending_ties
        for a in p.admission_nos
    )
    return NationalTable(
        tuple(rows),
        doc.draw,
        doc.draw_label,
        len(drawn),
        honours,
        pending,
    )


def _grant_note(g: Grant) -> str:
    """The library's note (按程序申报；依次顺延；并列，按记录的决定), or the same from the flags."""
    if g.note:
        return g.note
    flags = (
        (g.nomination, "按程序申报"),
        (g.passed_down, "依次顺延"),
        (g.by_decision, "并列决定"),
    )
    return "；".join(words for flag, words in flags if flag)


def _tie_note(p: AwardTie | NationalTie) -> str:
    return f"并列待决定：{len(p.admission_nos)} 人并列，{p.slots} 个名额"
