"""Every policy of RULES-2022 as a typed, recordable exam setting.

Contract: where the notice is silent the choice is an exam setting, never a
constant in code. Each policy is a frozen dataclass with the documented default;
`GradingPolicy` gathers them, and `to_record()` / `from_record()` turn it into the
plain JSON-ready dict that is stored (and digested) with the results. Numbers
given as int, str, Decimal or float are stored as exact Fractions (0.5 means 1/2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from fractions import Fraction
from typing import Any

from grading.errors import PolicyError
from grading.exact import Number, as_fraction, format_points


def _set(obj: object, name: str, value: object) -> None:
    object.__setattr__(obj, name, value)


class MultiRule(StrEnum):
    """How a multiple-choice question scores (a per-section setting of the paper)."""

    ALL_OR_NOTHING = "all_or_nothing"
    PARTIAL = "partial"  # any wrong letter -> 0, else points x chosen/correct
    PARTIAL_FIXED = "partial_fixed"  # a correct non-empty proper subset -> points x fraction


class VoidRule(StrEnum):
    """A voided question (作废): full marks for everyone, or out of the total."""

    FULL_MARKS = "full_marks"
    EXCLUDE = "exclude"


@dataclass(frozen=True)
class ScoringPolicy:
    voided: VoidRule = VoidRule.FULL_MARKS
    # A multiple-choice key normally has >= 2 letters; some papers allow a single one.
    allow_single_letter_multi_key: bool = False


class FinalScoreRule(StrEnum):
    """How a double-marked subjective question gets its final score.

    Within tolerance every rule takes the mean of the two markings. Beyond it:
    MEAN_TWO has no arbitration (the two markings must be corrected until they agree
    within tolerance; a third marking is not used); CLOSEST_TWO takes the mean of
    the closest two of the three markings; ARBITER takes the third marking.
    """

    MEAN_TWO = "mean_two"
    CLOSEST_TWO = "closest_two"
    ARBITER = "arbiter"


class ClosestTieRule(StrEnum):
    """CLOSEST_TWO when two pairs are equally close (one score is the midpoint of the other
    two): take that middle score (the mean of all three), or the higher / lower pair mean."""

    MIDDLE = "middle"
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class SubjectivePolicy:
    final: FinalScoreRule = FinalScoreRule.MEAN_TWO
    tolerance: Number = Fraction(2)
    step: Number = Fraction(1, 2)
    closest_tie: ClosestTieRule = ClosestTieRule.MIDDLE
    # Per-question tolerance overrides: ((question number, tolerance), ...).
    tolerances: tuple[tuple[int, Number], ...] = ()

    def __post_init__(self) -> None:
        tol = as_fraction(self.tolerance, field="subjective.tolerance")
        step = as_fraction(self.step, field="subjective.step")
        if tol < 0:
            raise PolicyError("subjective.tolerance", "must be >= 0")
        if step <= 0:
            raise PolicyError("subjective.step", "must be > 0")
        overrides = []
        for q, t in self.tolerances:
            ft = as_fraction(t, field=f"subjective.tolerances[{q}]")
            if ft < 0:
                raise PolicyError(f"subjective.tolerances[{q}]", "must be >= 0")
            overrides.append((int(q), ft))
        _set(self, "tolerance", tol)
        _set(self, "step", step)
        _set(self, "tolerances", tuple(sorted(overrides)))

    def tolerance_for(self, question: int) -> Fraction:
        for q, t in self.tolerances:
            if q == question:
                return as_fraction(t, field="subjective.tolerances")
        return as_fraction(self.tolerance, field="subjective.tolerance")


BASE_TIE_FIELDS = ("total", "objective", "subjective", "blanks")
SECTION_PREFIX = "section:"


@dataclass(frozen=True)
class TieKey:
    """One key of the ranking chain: a total ("total", "objective", "subjective"), the blank
    count ("blanks") or a section total ("section:<name>"), compared in one direction."""

    field: str
    descending: bool = True

    def __post_init__(self) -> None:
        if self.field not in BASE_TIE_FIELDS and not (
            self.field.startswith(SECTION_PREFIX) and len(self.field) > len(SECTION_PREFIX)
        ):
            raise PolicyError("ranking.chain", f"unknown tie key {self.field!r}")

    @classmethod
    def named(cls, text: str) -> TieKey:
        """ "total" / "blanks" with their natural direction, or "<field> asc|desc"."""
        parts = text.strip().rsplit(" ", 1)
        if len(parts) == 2 and parts[1] in ("asc", "desc"):
            return cls(parts[0].strip(), parts[1] == "desc")
        name = text.strip()
        # Fewer blanks is better; more points is better.
        return cls(name, name != "blanks")

    def __str__(self) -> str:
        return f"{self.field} {'desc' if self.descending else 'asc'}"


DEFAULT_TIE_CHAIN: tuple[TieKey, ...] = (
    TieKey("total", True),
    TieKey("objective", True),
    TieKey("subjective", True),
    TieKey("blanks", False),
)


@dataclass(frozen=True)
class RankingPolicy:
    chain: tuple[TieKey, ...] = DEFAULT_TIE_CHAIN

    def __post_init__(self) -> None:
        if not self.chain:
            raise PolicyError("ranking.chain", "needs at least one key")
        names = [k.field for k in self.chain]
        if len(set(names)) != len(names):
            raise PolicyError("ranking.chain", "a key appears twice")


class PriorHonourRule(StrEnum):
    """A 2019-2021 holder of an honour is not given it again; the slot passes to the next
    in rank (依次顺延) or lapses."""

    PASS_DOWN = "pass_down"
    LAPSE = "lapse"


@dataclass(frozen=True)
class AwardPolicy:
    prior_years: tuple[int, ...] = (2019, 2020, 2021)
    prior_honour: PriorHonourRule = PriorHonourRule.PASS_DOWN

    def __post_init__(self) -> None:
        _set(self, "prior_years", tuple(sorted({int(y) for y in self.prior_years})))


class TeamTotalRule(StrEnum):
    SUM = "sum"
    BEST_N = "best_n"
    MEAN = "mean"


@dataclass(frozen=True)
class TeamPolicy:
    total: TeamTotalRule = TeamTotalRule.SUM
    best_n: int = 10
    # MEAN only: divide by every registered member (absent = 0) or by those present.
    absent_counts_as_zero: bool = True

    def __post_init__(self) -> None:
        if self.best_n < 1:
            raise PolicyError("teams.best_n", "must be >= 1")


@dataclass(frozen=True)
class NationalPolicy:
    selected: int = 15  # chosen by the province by rank
    recommended: int = 100  # the list the ministry draws from
    drawn: int = 35  # how many the ministry draws
    knowledge_top: int = 50  # national top N -> 全国人社知识通 (when the import gives ranks only)
    star_count: int = 3  # each province's top N -> 全国岗位练兵明星
    may_day_top: int = 3  # national top N -> nominated 江苏省五一劳动奖章
    # The ministry's own titles: also skip 2019-2021 holders (the notice's closing sentence
    # may be read to cover them); the provincial honours always apply the rule.
    exclude_prior_for_national_titles: bool = False
    # An honour given at the provincial stage this year is not given again from the
    # national results (one title per person per year).
    once_per_year: bool = True

    def __post_init__(self) -> None:
        for f in ("selected", "recommended", "drawn", "knowledge_top", "star_count", "may_day_top"):
            if getattr(self, f) < 0:
                raise PolicyError(f"national.{f}", "must be >= 0")
        if self.drawn > self.recommended:
            raise PolicyError("national.drawn", "cannot exceed national.recommended")


@dataclass(frozen=True)
class ItemPolicy:
    group_fraction: Number = Fraction(27, 100)  # upper/lower groups for discrimination
    min_discrimination: Number = Fraction(0)  # flag an item whose discrimination is below

    def __post_init__(self) -> None:
        g = as_fraction(self.group_fraction, field="items.group_fraction")
        if not 0 < g <= Fraction(1, 2):
            raise PolicyError("items.group_fraction", "must be in (0, 0.5]")
        _set(self, "group_fraction", g)
        _set(
            self,
            "min_discrimination",
            as_fraction(self.min_discrimination, field="items.min_discrimination"),
        )


@dataclass(frozen=True)
class GradingPolicy:
    """All grading policies of one exam, recorded with its results."""

    scoring: ScoringPolicy = field(default_factory=ScoringPolicy)
    subjective: SubjectivePolicy = field(default_factory=SubjectivePolicy)
    ranking: RankingPolicy = field(default_factory=RankingPolicy)
    awards: AwardPolicy = field(default_factory=AwardPolicy)
    teams: TeamPolicy = field(default_factory=TeamPolicy)
    national: NationalPolicy = field(default_factory=NationalPolicy)
    items: ItemPolicy = field(default_factory=ItemPolicy)

    def to_record(self) -> dict[str, dict[str, Any]]:
        return {f.name: _record(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_record(cls, record: Mapping[str, Mapping[str, Any]]) -> GradingPolicy:
        """Inverse of `to_record`; missing keys take their default, unknown keys are refused."""
        parts: dict[str, Any] = {}
        for f in fields(cls):
            sub = record.get(f.name)
            if sub is None:
                continue
            part_cls = type(getattr(cls(), f.name))
            parts[f.name] = _from_record(part_cls, sub, f.name)
        unknown = set(record) - {f.name for f in fields(cls)}
        if unknown:
            raise PolicyError(", ".join(sorted(unknown)), "unknown policy group")
        return cls(**parts)


def _record_value(value: Any) -> Any:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Fraction):
        return format_points(value)
    if isinstance(value, TieKey):
        return str(value)
    if isinstance(value, tuple):
        return [_record_value(v) for v in value]
    return value


def _record(policy: Any) -> dict[str, Any]:
    return {f.name: _record_value(getattr(policy, f.name)) for f in fields(policy)}


def _number(v: Any, where: str) -> Fraction:
    return as_fraction(v, field=where)


def _int(v: Any, where: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise PolicyError(where, f"expected an integer, got {v!r}")
    return v


def _bool(v: Any, where: str) -> bool:
    if not isinstance(v, bool):
        raise PolicyError(where, f"expected true or false, got {v!r}")
    return v


_ENUMS: dict[str, type[StrEnum]] = {
    e.__name__: e
    for e in (
        MultiRule,
        VoidRule,
        FinalScoreRule,
        ClosestTieRule,
        PriorHonourRule,
        TeamTotalRule,
    )
}

_CONVERTERS: dict[str, Callable[[Any, str], Any]] = {
    "Number": _number,
    "int": _int,
    "bool": _bool,
    "tuple[int, ...]": lambda v, w: tuple(_int(x, w) for x in v),
    "tuple[TieKey, ...]": lambda v, w: tuple(
        x if isinstance(x, TieKey) else TieKey.named(str(x)) for x in v
    ),
    "tuple[tuple[int, Number], ...]": lambda v, w: tuple(
        (_int(int(q), w), _number(t, w)) for q, t in (v.items() if isinstance(v, Mapping) else v)
    ),
}


def _from_record(cls: type[Any], record: Mapping[str, Any], group: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    unknown = set(record) - set(known)
    if unknown:
        raise PolicyError(f"{group}.{sorted(unknown)[0]}", "unknown policy key")
    kwargs: dict[str, Any] = {}
    for name, value in record.items():
        where = f"{group}.{name}"
        type_name = str(known[name].type)
        if type_name in _ENUMS:
            try:
                kwargs[name] = _ENUMS[type_name](value)
            except ValueError as exc:
                allowed = ", ".join(m.value for m in _ENUMS[type_name])
                raise PolicyError(where, f"{value!r} is not one of {allowed}") from exc
        else:
            kwargs[name] = _CONVERTERS[type_name](value, where)
    return cls(**kwargs)
