"""What the results screen shows, computed once per refresh in a worker: the services'
results, awards, teams and national documents, the ties waiting for a decision, what
blocks finalising, the item analysis, and whether the results are final."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from exam_center.services import exams, finalising, results, standings
from exam_center.services.standings import ItemReport, PendingDecision

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
