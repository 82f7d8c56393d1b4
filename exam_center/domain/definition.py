"""The exam definition (EXAM.toml): identity, teams, paper structure and the
policies of RULES-2022. Validation reports every problem with its dotted key."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from exam_center.domain.errors import DefinitionError, DefinitionProblem

SectionKind = Literal["single", "multi", "truefalse", "subjective"]
TieKey = Literal["total", "objective", "subjective", "blanks"]
TIE_KEYS: tuple[TieKey, ...] = ("total", "objective", "subjective", "blanks")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExamInfo(_Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{2,32}$")
    title: str = Field(min_length=1)
    date: dt.date
    # 考试时间, e.g. "09:00-11:00": printed on the door notices, sign-in sheets and answer sheets.
    time: str | None = Field(
        default=None, pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$"
    )
    venue: str = Field(min_length=1)
    eligibility_date: dt.date | None = None
    admission_prefix: str = Field(pattern=r"^[0-9]{2,8}$")

    @model_validator(mode="after")
    def _time_order(self) -> ExamInfo:
        if self.time is not None:
            start, end = self.time.split("-")
            if start >= end:
                raise ValueError(f"exam.time {self.time}: the end must be after the start")
        return self

    @property
    def when(self) -> str:
        """The sitting as printed on paper: 2022年7月10日 09:00—11:00 (the time only when set)."""
        day = f"{self.date.year}年{self.date.month}月{self.date.day}日"
        return f"{day} {self.time.replace('-', '—')}" if self.time else day


class Teams(_Strict):
    ranked: list[str] = Field(min_length=1)
    unranked: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> Teams:
        names = self.ranked + self.unranked
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"team names appear twice: {', '.join(dupes)}")
        return self


class SectionDef(_Strict):
    name: str = Field(min_length=1)
    kind: SectionKind
    count: int = Field(ge=1, le=1000)
    options: int = Field(default=4, ge=2, le=8)
    points: float = Field(gt=0)
    scoring: Literal["all_or_nothing", "partial", "partial_fixed"] = "all_or_nothing"
    partial_fraction: float = Field(default=0.5, gt=0, lt=1)

    @model_validator(mode="after")
    def _kind_rules(self) -> SectionDef:
        if self.kind == "truefalse" and self.options != 2:
            raise ValueError("a truefalse section has exactly 2 options (对/错)")
        if self.kind != "multi" and self.scoring != "all_or_nothing":
            raise ValueError("partial scoring applies to multi sections only")
        return self


class Paper(_Strict):
    sections: list[SectionDef] = Field(min_length=1)

    @model_validator(mode="after")
    def _has_objective(self) -> Paper:
        if all(s.kind == "subjective" for s in self.sections):
            raise ValueError("the paper needs at least one objective section for the answer sheet")
        return self


class Policy(_Strict):
    tie_break: list[TieKey] = Field(default_factory=lambda: list(TIE_KEYS))
    team_total: Literal["sum", "best_n", "mean"] = "sum"
    team_best_n: int = Field(default=10, ge=1)
    prior_honour: Literal["pass_down", "lapse"] = "pass_down"
    honour_years: list[int] = Field(default_factory=lambda: [2019, 2020, 2021])
    invigilators_per_room: int = Field(default=2, ge=1, le=6)
    # Each ranked team sends at most this many (各设区市成绩前10); unranked teams such as
    # 省厅本级 are not limited. None: no limit (a city-level or national-size exam).
    max_per_team: int | None = Field(default=None, ge=1)
    voided_question: Literal["full_marks", "exclude"] = "full_marks"
    subjective_final: Literal["mean_two", "closest_two", "arbiter"] = "mean_two"
    subjective_tolerance: float = Field(default=2.0, ge=0)
    subjective_step: float = Field(default=0.5, gt=0)
    national_selected: int = Field(default=15, ge=0)
    national_recommended: int = Field(default=100, ge=0)
    national_drawn: int = Field(default=35, ge=0)
    # The ministry's awards from the national results (人社部: national top 50 ->
    # 全国人社知识通; each province's top 3 -> 全国岗位练兵明星) and the province's
    # national top 3 -> nominated 江苏省五一劳动奖章.
    national_knowledge_top: int = Field(default=50, ge=0)
    national_star_count: int = Field(default=3, ge=0)
    national_may_day_top: int = Field(default=3, ge=0)
    # Whether the 2019-2021 rule also keeps the ministry's own titles from prior holders
    # (the provincial honours always apply it), and whether an honour given at the
    # provincial stage this year is not given again from the national results.
    national_exclude_prior_titles: bool = False
    national_once_per_year: bool = True

    @model_validator(mode="after")
    def _tie_chain(self) -> Policy:
        if not self.tie_break or self.tie_break[0] != "total":
            raise ValueError("tie_break must start with 'total'")
        if len(set(self.tie_break)) != len(self.tie_break):
            raise ValueError("tie_break lists a key twice")
        if self.national_drawn > self.national_recommended:
            raise ValueError("national_drawn cannot exceed national_recommended")
        return self


class ExamDefinition(_Strict):
    exam: ExamInfo
    teams: Teams
    paper: Paper
    policy: Policy = Field(default_factory=Policy)

    @property
    def eligibility_date(self) -> dt.date:
        return self.exam.eligibility_date or self.exam.date

    def objective_sections(self) -> list[SectionDef]:
        return [s for s in self.paper.sections if s.kind != "subjective"]


def _key(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not out:
            out = part
        else:
            out += f".{part}"
    return out or "(top level)"


def parse_definition(text: str, source: str = "EXAM.toml") -> ExamDefinition:
    """Parse and validate; raise DefinitionError naming every bad key."""
    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DefinitionError(source, [DefinitionProblem("(syntax)", str(exc))]) from exc
    try:
        return ExamDefinition.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not str(p).startswith("function-after"))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key"
            elif err["type"] == "missing":
                msg = "required key is missing"
            elif "input" in err and err["type"] not in ("model_type", "dict_type"):
                msg += f" (got {err['input']!r})"
            problems.append(DefinitionProblem(_key(loc), msg))
        raise DefinitionError(source, problems) from exc


def load_definition(path: Path) -> ExamDefinition:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(str(path), [DefinitionProblem("(file)", str(exc))]) from exc
    return parse_definition(text, str(path))
