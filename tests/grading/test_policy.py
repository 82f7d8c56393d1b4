"""Policies: defaults from RULES-2022, validation, and the record stored with the results."""

from fractions import Fraction

import pytest

from grading.errors import PolicyError
from grading.exact import as_fraction, format_points
from grading.policy import (
    DEFAULT_TIE_CHAIN,
    AwardPolicy,
    FinalScoreRule,
    GradingPolicy,
    ItemPolicy,
    NationalPolicy,
    PriorHonourRule,
    SubjectivePolicy,
    TeamPolicy,
    TieKey,
)


def test_defaults_follow_the_rules() -> None:
    p = GradingPolicy()
    assert p.awards.prior_years == (2019, 2020, 2021)
    assert p.awards.prior_honour is PriorHonourRule.PASS_DOWN
    assert [str(k) for k in p.ranking.chain] == [
        "total desc",
        "objective desc",
        "subjective desc",
        "blanks asc",
    ]
    assert (p.national.selected, p.national.recommended, p.national.drawn) == (15, 100, 35)
    assert p.subjective.step == Fraction(1, 2)


def test_the_record_round_trips() -> None:
    p = GradingPolicy(
        subjective=SubjectivePolicy(
            final=FinalScoreRule.ARBITER, tolerance=1.5, tolerances=((131, 3),)
        ),
        awards=AwardPolicy(prior_honour=PriorHonourRule.LAPSE),
        ranking=GradingPolicy().ranking.__class__((TieKey("total"), TieKey.named("section:多选"))),
    )
    record = p.to_record()
    assert record["subjective"]["tolerance"] == "1.5"
    assert record["awards"]["prior_honour"] == "lapse"
    assert record["ranking"]["chain"] == ["total desc", "section:多选 desc"]
    assert GradingPolicy.from_record(record) == p
    assert GradingPolicy.from_record({}) == GradingPolicy()


def test_bad_records_and_values_are_refused_naming_the_field() -> None:
    with pytest.raises(PolicyError, match=r"awards\.prior_honour"):
        GradingPolicy.from_record({"awards": {"prior_honour": "sometimes"}})
    with pytest.raises(PolicyError, match=r"teams\.colour"):
        GradingPolicy.from_record({"teams": {"colour": 1}})
    with pytest.raises(PolicyError, match=r"national\.selected"):
        GradingPolicy.from_record({"national": {"selected": "15"}})
    with pytest.raises(PolicyError):
        GradingPolicy.from_record({"nonsense": {}})
    with pytest.raises(PolicyError):
        SubjectivePolicy(step=0)
    with pytest.raises(PolicyError):
        TeamPolicy(best_n=0)
    with pytest.raises(PolicyError):
        NationalPolicy(drawn=101)
    with pytest.raises(PolicyError):
        ItemPolicy(group_fraction=0.6)
    assert DEFAULT_TIE_CHAIN[0] == TieKey("total")


def test_exact_numbers() -> None:
    assert as_fraction(0.1, field="x") == Fraction(1, 10)
    assert as_fraction("2/3", field="x") == Fraction(2, 3)
    with pytest.raises(PolicyError):
        as_fraction(True, field="x")
    with pytest.raises(PolicyError):
        as_fraction(float("inf"), field="x")
    assert [format_points(Fraction(x)) for x in ("20.5", "13", "41/3", "-1/8", "0")] == [
        "20.5",
        "13",
        "41/3",
        "-0.125",
        "0",
    ]
