from dataclasses import replace

import pytest

from exam_center.domain.eligibility import EligibilityFacts, check_eligibility

OK = EligibilityFacts(
    star_titles=1,
    weekly_points=1000,
    prior_invitational=False,
    prior_regional=False,
    prior_national=False,
    online_test_2021=False,
    law_contest_2019=False,
    national_expert_title=False,
)


def test_the_minimum_is_eligible() -> None:
    assert check_eligibility(OK).eligible


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"star_titles": 0}, "star_title"),
        ({"weekly_points": 999}, "weekly_points"),
        ({"prior_invitational": True}, "prior_contest"),
        ({"prior_regional": True}, "prior_contest"),
        ({"prior_national": True}, "prior_contest"),
        ({"law_contest_2019": True}, "prior_contest"),
        ({"national_expert_title": True}, "national_title"),
    ],
)
def test_each_rule_fails_on_its_own(change: dict[str, object], rule: str) -> None:
    verdict = check_eligibility(replace(OK, **change))  # type: ignore[arg-type]
    assert not verdict.eligible
    assert [f.rule for f in verdict.failures] == [rule]


def test_a_prior_national_title_among_the_honours_fails_rule_3() -> None:
    honours = (("江苏省技术能手", 2020), ("全国人社知识通", 2019))
    verdict = check_eligibility(replace(OK, prior_honours=honours))
    assert [f.rule for f in verdict.failures] == ["national_title"]
    assert "全国人社知识通2019" in verdict.failures[0].message
    assert check_eligibility(replace(OK, prior_honours=honours[:1])).eligible


def test_the_2021_national_online_test_does_not_count() -> None:
    assert check_eligibility(replace(OK, online_test_2021=True)).eligible


def test_every_failing_rule_is_reported() -> None:
    verdict = check_eligibility(
        replace(
            OK, star_titles=0, weekly_points=10, prior_regional=True, national_expert_title=True
        )
    )
    assert [f.rule for f in verdict.failures] == [
        "star_title",
        "weekly_points",
        "prior_contest",
        "national_title",
    ]
    assert "区域赛" in verdict.failures[2].message
