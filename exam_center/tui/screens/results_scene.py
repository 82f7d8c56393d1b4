"""What the results screen shows, computed once per refresh in a worker: the services'
results, awards, teams and national documents, the ties waiting for a decision, what
blocks finalising, the item analysis, and whether the results are final; and the rows
of its tables, as text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from exam_center.services import exams, finalising, results, standings
from exam_center.services.standings import ItemReport, PendingDecision
from exam_center.tui.dialogs.tie import SCOPES

Row = tuple[str, ...]

STATUS_LABELS = {
    "ranked": "",
    "ineligible": "不符合条件 ineligible",
    "absent": "缺考 absent",
    "not_seated": "未编座 not seated",
    "missing_sheet": "缺答题卡 no sheet",
    "no_key": "无答案 no key",
}


@dataclass(frozen=True)
class ResultsScene:
    results: dict[str, Any]
    awards: dict[str, Any]
    teams: dict[str, Any]
    national: dict[str, Any]
    pending: list[PendingDecision]
    blockers: list[str]
    items: ItemReport | None
    finalised: bool
    digest: str = ""

    @property
    def candidates(self) -> list[dict[str, Any]]:
        return list(self.results.get("candidates", []))

    @property
    def max_score(self) -> float:
        return float(self.results.get("max_score") or 100)

    def names(self) -> dict[str, str]:
        """Admission number -> name, for the award and national lists."""
        return {c["admission_no"]: c["name"] for c in self.candidates if c["admission_no"]}


def results_scene(session: Session) -> ResultsScene:
    c = results.compute(session)
    snapshot = finalising.finalised_snapshot(session=session)
    return ResultsScene(
        standings.results_json(c, session),
        standings.awards_json(c),
        standings.teams_json(c),
        standings.national_json(c),
        standings.pending_ties(c),
        finalising.blockers(c, session),
        standings.item_analysis(c),
        exams.exam_summary(session=session).finalised,
        snapshot.digest if snapshot is not None else "",
    )


def points(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def ranking_row(c: dict[str, Any]) -> Row:
    return (
        str(c["rank"] or "—"),
        c["admission_no"] or "—",
        c["name"],
        c["team"],
        points(c["objective"]),
        points(c["subjective"]),
        points(c["total"]),
        status_label(c["status"]),
    )


def award_rows(scene: ResultsScene) -> list[Row]:
    names = scene.names()
    rows: list[Row] = []
    for g in scene.awards.get("individual", []):
        notes = [g["note"] or ""]
        if g["by_decision"]:
            notes.append("并列决定 by decision")
        if g["passed_down"]:
            notes.append("顺延 passed down")
        rows.append(
            (
                g["award"],
                str(g["rank"]),
                g["admission_no"] or "—",
                names.get(g["admission_no"], ""),
                " ".join(n for n in notes if n),
            )
        )
    return rows


def team_rows(scene: ResultsScene) -> list[Row]:
    return [
        (
            str(t["rank"]),
            t["team"],
            f"{t['present']}/{t['members']}",
            points(t["total"]),
            t["award"] or ("待决 pending" if t["pending"] else "—"),
            "岗位练兵优秀组织奖" if t["organisation_award"] else "",
        )
        for t in scene.teams.get("teams", [])
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
    label = national.get("draw_label") or {"none": "尚未抽取 not drawn yet"}.get(
        national.get("draw", "none"), ""
    )
    return (
        f"推荐 recommended {len(national.get('recommended', []))} · "
        f"选拔 selected {len(national.get('selected', []))} · "
        f"抽取 drawn {len(national.get('drawn', []))} · {label}"
    )


def national_rows(scene: ResultsScene) -> list[Row]:
    national = scene.national
    selected, drawn = set(national.get("selected", [])), set(national.get("drawn", []))
    by_adm = {c["admission_no"]: c for c in scene.candidates if c["admission_no"]}
    rows: list[Row] = []
    for i, adm in enumerate(national.get("recommended", []), start=1):
        c = by_adm.get(adm, {})
        lists = ["推荐"]
        if adm in selected:
            lists.append("选拔 selected")
        if adm in drawn:
            lists.append("抽中 drawn")
        rows.append((str(i), adm or "—", c.get("name", ""), c.get("team", ""), " ".join(lists)))
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
