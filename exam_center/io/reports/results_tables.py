"""The results as the exports lay them out: plain rows with Chinese labels, built by
`services.exporting` from the results documents (the locked snapshot once finalised),
and written by `reports.exports` (XLSX, CSV) and `reports.award_lists` (PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from exam_center.domain.vocabulary import NOT_FINAL
from exam_center.services.read_models import status_label
from exam_center.services.standings import ItemReport

__all__ = ["NOT_FINAL", "status_label"]  # the CLI's tables print statuses through it

FIELD_LABELS = {"total": "总分", "objective": "客观题", "subjective": "主观题", "blanks": "空题数"}


def tie_key_label(key: str) -> str:
    """ "total desc" -> "总分（高者优先）"; "section:判断题 asc" -> "判断题（低者优先）"."""
    field, _, direction = key.strip().rpartition(" ")
    if direction not in ("asc", "desc"):
        field, direction = key.strip(), "asc" if key.strip() == "blanks" else "desc"
    name = FIELD_LABELS.get(field, field.removeprefix("section:"))
    return f"{name}（{'高' if direction == 'desc' else '低'}者优先）"


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    admission_no: str
    name: str
    team: str
    unit: str
    objective: float | None
    subjective: float | None
    total: float | None
    tie_keys: tuple[float, ...]
    status: str  # Chinese (`CandidateStatus.label`)


@dataclass(frozen=True)
class AwardRow:
    award: str
    rank: int | None
    admission_no: str
    name: str
    team: str
    unit: str
    note: str  # 按程序申报, 依次顺延, 并列决定, or why it is pending / not given


@dataclass(frozen=True)
class TeamRow:
    rank: int | None
    team: str
    members: int
    present: int
    total: float
    award: str  # "" below the awards; 待决定（并列） while a tie is open
    organisation_award: bool


@dataclass(frozen=True)
class NationalRow:
    category: str  # 省选 | 推荐
    position: int  # 1.. within the category
    rank: int | None  # provincial rank
    admission_no: str
    name: str
    team: str
    unit: str
    drawn: bool


@dataclass(frozen=True)
class NationalTable:
    rows: tuple[NationalRow, ...]
    draw: str  # ministry | simulation | none
    draw_label: str  # says 模拟 for a rehearsal draw
    drawn_count: int
    honours: tuple[AwardRow, ...]  # rank = national rank
    pending: tuple[AwardRow, ...]

    @property
    def drawn_heading(self) -> str:
        return {"ministry": "部抽取", "simulation": "部抽取（模拟）"}.get(self.draw, "部抽取")

    @property
    def drawn_mark(self) -> str:
        return "模拟抽中" if self.draw == "simulation" else "抽中"


@dataclass(frozen=True)
class Provenance:
    """Where the exported results come from, and the settings they were computed under."""

    title: str
    exam_date: date
    venue: str
    final: bool
    finalised_at: datetime | None
    finalised_by: str
    digest: str | None
    digest_recomputed: bool | None  # the database still yields the locked digest
    source: str
    key_version: int | None
    policies: tuple[tuple[str, str], ...]  # (Chinese name, setting in words)
    paper: tuple[str, ...]
    exported_at: datetime
    exported_by: str
    warnings: tuple[str, ...]  # problems and open ties, as the results documents list them


@dataclass(frozen=True)
class ResultsTables:
    info: Provenance
    tie_keys: tuple[str, ...]  # column headings of the tie-break values
    ranking: tuple[RankRow, ...]
    awards: tuple[AwardRow, ...]
    award_ties: tuple[AwardRow, ...]
    award_exclusions: tuple[AwardRow, ...]
    teams: tuple[TeamRow, ...]
    national: NationalTable
    items: ItemReport | None
