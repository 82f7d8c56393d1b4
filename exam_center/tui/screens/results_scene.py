"""What the results screen shows, computed once per refresh in a worker: the services'
results, awards, teams and national documents, the ties waiting for a decision, what
blocks finalising, the item analysis, and whether the results are final; and the rows
of its tables, as text."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlmodel import Session

from exam_center.io.reports.results_tables import tie_key_label
from exam_center.services import exams, finalising, results, standings
from exam_center.services.read_models import (
    AwardList,
    CandidateStanding,
    NationalView,
    Standings,
    TeamList,
)
from exam_center.services.standings import ItemReport, PendingDecision
from exam_center.tui.dialogs.tie import SCOPES

Row = tuple[str, ...]


@dataclass(frozen=True)
class ResultsScene:
    results: Standings
    awards: AwardList
    teams: TeamList
    national: NationalView
    pending: list[PendingDecision]
    blockers: list[str]
    items: ItemReport | None
    finalised: bool
    digest: str = ""
    items_pending: bool = False  # the item analysis is still being computed

    def with_items(self, items: ItemReport | None) -> ResultsScene:
        return replace(self, items=items, items_pending=False)

    @property
    def candidates(self) -> tuple[CandidateStanding, ...]:
        return self.results.candidates

    @property
    def max_score(self) -> float:
        return self.results.max_score or 100.0

    def names(self) -> dict[str, str]:
        """Admission number -> name, for the award and national lists."""
        return {c.admission_no: c.name for c in self.candidates if c.admission_no}


def results_scene(session: Session) -> ResultsScene:
    """What the screen shows. Once finalised, read from the sealed snapshot (nothing is
    computed; the item analysis follows, see `item_report`)."""
    snapshot = finalising.finalised_snapshot(session=session)
    sealed = (
        None if snapshot is None else finalising.sealed_documents(session=session, lock=snapshot)
    )
    if snapshot is not None and sealed is not None:
        return ResultsScene(
            sealed.results,
            sealed.awards,
            sealed.teams,
            sealed.national,
            [],  # finalising refuses while a tie waits, or anything else is open
            [],
            None,
            True,
            snapshot.digest,
            items_pending=True,
        )
    c = results.compute(session)
    docs = standings.documents(c)
    return ResultsScene(
        docs.results,
        docs.awards,
        docs.teams,
        docs.national,
        standings.pending_ties(c),
        finalising.blockers(c, session),
        standings.item_analysis(c),
        exams.current_exam(session).finalised_at is not None,  # no definition parse
        snapshot.digest if snapshot is not None else "",
    )


def item_report(session: Session) -> ItemReport | None:
    """The item analysis of the results as the database holds them (kept per change)."""
    return standings.item_analysis(results.compute(session))


def points(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


SHOWN_SCORES = ("total", "objective", "subjective")  # keys the ranking shows as columns


def tie_key_names(scene: ResultsScene) -> list[str]:
    """The tie-break chain, as in the definition: "total desc", "blanks asc", ..."""
    return scene.results.tie_break


def _field(key: str) -> str:
    return key.split(" ")[0]


def extra_tie_keys(scene: ResultsScene) -> list[int]:
    """Positions in the chain of the keys not already a column (空题数, a section...)."""
    return [i for i, k in enumerate(tie_key_names(scene)) if _field(k) not in SHOWN_SCORES]


def ranking_columns(scene: ResultsScene) -> tuple[str, ...]:
    extra = tuple(tie_key_label(tie_key_names(scene)[i]) for i in extra_tie_keys(scene))
    return (
        "名次",
        "准考证号",
        "姓名",
        "代表队",
        "客观",
        "主观",
        "总分",
        *extra,
        "名次依据",
        "状态",
    )


def separating_key(
    scene: ResultsScene, row: CandidateStanding, other: CandidateStanding | None
) -> str:
    """Which tie-break key puts `row` apart from `other` (its neighbour with the same
    total): the first key of the chain where they differ; 并列 when none does."""
    if other is None or not row.rank or not other.rank or row.total != other.total:
        return ""
    names = tie_key_names(scene)
    for key, mine, theirs in zip(names, row.tie_keys, other.tie_keys, strict=False):
        if mine != theirs:
            return tie_key_label(key)
    return "并列 tied"


UNSCORED = {"absent": "缺考", "ineligible": "—", "not_seated": "—", "missing_sheet": "—"}


def ranking_rows(scene: ResultsScene, offset: int, size: int) -> list[Row]:
    """One page of the ranking. Equal totals say which key ranked them; an absent
    candidate shows 缺考 where the scores would be, never zeros."""
    everyone = scene.candidates
    extra = extra_tie_keys(scene)
    rows: list[Row] = []
    for i in range(offset, min(offset + size, len(everyone))):
        c = everyone[i]
        above = everyone[i - 1] if i > 0 else None
        below = everyone[i + 1] if i + 1 < len(everyone) else None
        why = separating_key(scene, c, above) or separating_key(scene, c, below)
        unscored = UNSCORED.get(c.status)
        if unscored is not None:
            scores: tuple[str, ...] = (unscored,) * 3
            keys: tuple[str, ...] = ("",) * len(extra)
        else:
            scores = (points(c.objective), points(c.subjective), points(c.total))
            values = c.tie_keys
            keys = tuple(points(values[k]) if k < len(values) else "" for k in extra)
        rows.append(
            (
                str(c.rank or "—"),
                c.admission_no or "—",
                c.name,
                c.team,
                *scores,
                *keys,
                why,
                c.status.screen_label,
            )
        )
    return rows


def award_rows(scene: ResultsScene) -> list[Row]:
    """Each award's list in rank order, a candidate passed over (a prior holder) shown at
    their rank with the reason, so a list that starts at 名次 2 says why."""
    names = scene.names()
    entries: list[tuple[str, int, int, Row]] = []
    order: dict[str, int] = {}
    for g in scene.awards.individual:
        order.setdefault(g.award, len(order))
        # The library's note already says 依次顺延 / 并列 when it applies.
        notes = [g.note]
        if g.by_decision and "并列" not in notes[0]:
            notes.append("并列决定 by decision")
        if g.passed_down and "顺延" not in notes[0]:
            notes.append("顺延 passed down")
        row = (
            g.award,
            str(g.rank),
            g.admission_no or "—",
            g.name or names.get(g.admission_no or "", ""),
            " ".join(n for n in notes if n),
        )
        entries.append((g.award, g.rank, 1, row))
    for e in scene.awards.excluded:
        order.setdefault(e.award, len(order))
        row = (
            f"（{e.award}）",
            str(e.rank),
            e.admission_no or "—",
            e.name or names.get(e.admission_no or "", ""),
            f"未授予 not awarded: {e.explanation}",
        )
        entries.append((e.award, e.rank, 0, row))
    entries.sort(key=lambda x: (order[x[0]], x[1], x[2]))
    return [row for *_, row in entries]


def team_rows(scene: ResultsScene) -> list[Row]:
    return [
        (
            str(t.rank),
            t.team,
            f"{t.present}/{t.members}",
            points(t.total),
            t.award or ("待决 pending" if t.pending else "—"),
            "岗位练兵优秀组织奖" if t.organisation_award else "",
        )
        for t in scene.teams.teams
    ]


def tie_rows(scene: ResultsScene) -> list[Row]:
    rows: list[Row] = []
    for p in scene.pending:
        tied = "、".join(
            f"{key} {name}" if name != key else key
            for key, name in zip(p.tied, p.names, strict=True)
        )
        rows.append((SCOPES.get(p.scope, p.scope), p.award, str(p.rank), str(p.slots), tied))
    return rows


def national_note(scene: ResultsScene) -> str:
    national = scene.national
    label = national.draw_label or {"none": "尚未抽取 not drawn yet"}.get(national.draw, "")
    return (
        f"推荐 recommended {len(national.recommended)} · "
        f"选拔 selected {len(national.selected)} · "
        f"抽取 drawn {len(national.drawn)} · {label}"
    )


NATIONAL_LISTS = (("selected", "选拔 chosen"), ("recommended", "推荐 recommended"))


def national_rows(scene: ResultsScene) -> list[Row]:
    """The 15 chosen, then the 100 recommended (whom the ministry draws from), each with
    the provincial rank, name and team; the drawn marked once a draw is on record."""
    national = scene.national
    drawn = set(national.drawn)
    draw_kind = national.draw
    by_adm = scene.results.by_admission()
    rows: list[Row] = []
    for key, label in NATIONAL_LISTS:
        listed = national.selected if key == "selected" else national.recommended
        for i, adm in enumerate(listed, start=1):
            c = by_adm.get(adm or "")
            if key == "selected":
                mark = "直接参加 takes part"
            elif draw_kind == "none":
                mark = "待抽取 draw pending"
            else:
                mark = "抽中 drawn" if adm in drawn else "未抽中 not drawn"
                if draw_kind == "simulation":  # a rehearsal, never the ministry's
                    mark = f"模拟{mark} (rehearsal)"
            rows.append(
                (
                    label,
                    str(i),
                    str((c.rank if c else None) or "—"),
                    adm or "—",
                    c.name if c else "",
                    c.team if c else "",
                    mark,
                )
            )
    return rows


def item_rows(report: ItemReport) -> list[Row]:
    return [
        (
            str(item.number),
            item.key,
            f"{item.difficulty:.2f}",
            f"{item.point_biserial:.2f}",
            f"{item.upper_lower:.2f}",
            f"{item.blank_rate:.0%}",
            " ".join(f"{k}{v:.0%}" for k, v in item.option_frequencies.items()),
            "；".join(item.flags),
        )
        for item in report.items
    ]
