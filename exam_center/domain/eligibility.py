"""Eligibility for the provincial exam (RULES-2022 §Eligibility). Every failing rule
is reported; taking part in the 2021 national unified online test does not count."""

from __future__ import annotations

from dataclasses import dataclass, field

from exam_center.domain.honours import NATIONAL_EXPERT

MIN_WEEKLY_POINTS = 1000


@dataclass(frozen=True)
class EligibilityFacts:
    star_titles: int
    weekly_points: int
    prior_invitational: bool
    prior_regional: bool
    prior_national: bool
    online_test_2021: bool
    law_contest_2019: bool
    national_expert_title: bool
    # (honour, year) from the roster's 既往荣誉 (and the 能手库 register): a prior
    # 全国人社知识通 there fails rule 五(二)3 even where the flag column says nothing.
    prior_honours: tuple[tuple[str, int], ...] = ()

    def national_expert_years(self) -> tuple[int, ...]:
        return tuple(sorted({y for h, y in self.prior_honours if h == NATIONAL_EXPERT}))


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    message: str


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    failures: tuple[RuleFailure, ...] = field(default=())


def check_eligibility(f: EligibilityFacts) -> Eligibility:
    failures: list[RuleFailure] = []
    if f.star_titles < 1:
        failures.append(RuleFailure("star_title", "从未获得“日日学之星”称号"))
    if f.weekly_points < MIN_WEEKLY_POINTS:
        failures.append(
            RuleFailure("weekly_points", f"“周周练”累计积分 {f.weekly_points} 不足 1000 分")
        )
    contests = [
        (f.prior_invitational, "省际邀请赛"),
        (f.prior_regional, "区域赛"),
        (f.prior_national, "全国赛（晋级赛或决赛）"),
        (f.law_contest_2019, "2019年度全国人社法治知识竞赛"),
    ]
    # 2021年度全国统一在线比试 is deliberately absent: the notice exempts it.
    taken = [name for took, name in contests if took]
    if taken:
        failures.append(RuleFailure("prior_contest", "曾参加" + "、".join(taken)))
    years = f.national_expert_years()
    if f.national_expert_title or years:
        since = (
            f"（既往荣誉：{'、'.join(f'{NATIONAL_EXPERT}{y}' for y in years)}）" if years else ""
        )
        failures.append(RuleFailure("national_title", f"已获“全国人社知识通”称号{since}"))
    return Eligibility(not failures, tuple(failures))
