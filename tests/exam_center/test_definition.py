from pathlib import Path

import pytest

from exam_center.domain.definition import load_definition, parse_definition
from exam_center.domain.errors import DefinitionError
from tests.conftest import EXAMPLE_TOML


def test_the_example_exam_is_valid() -> None:
    d = load_definition(EXAMPLE_TOML)
    assert d.exam.code == "JS2022"
    assert len(d.teams.ranked) == 13 and d.teams.unranked == ["省厅本级"]
    assert sum(s.count * s.points for s in d.paper.sections) == 100
    assert d.policy.tie_break == ["total", "objective", "subjective", "blanks"]


def test_each_error_names_its_key() -> None:
    text = EXAMPLE_TOML.read_text(encoding="utf-8")
    text = text.replace('kind = "multi"', 'kind = "mult"').replace(
        'prior_honour = "pass_down"', 'prior_honour = "skip"'
    )
    text = text.replace('admission_prefix = "2207"', 'admission_prefix = "A7"\ncolour = "red"')
    with pytest.raises(DefinitionError) as err:
        parse_definition(text, "exam.toml")
    keys = {p.key for p in err.value.problems}
    assert keys == {
        "exam.admission_prefix",
        "exam.colour",
        "paper.sections[1].kind",
        "policy.prior_honour",
    }
    assert "unknown key" in str(err.value)


def test_truefalse_must_have_two_options_and_syntax_errors_are_reported(tmp_path: Path) -> None:
    text = EXAMPLE_TOML.read_text(encoding="utf-8").replace(
        "count = 40\noptions = 2", "count = 40\noptions = 3"
    )
    with pytest.raises(DefinitionError) as err:
        parse_definition(text)
    assert err.value.problems[0].key == "paper.sections[2]"
    bad = tmp_path / "bad.toml"
    bad.write_text("[exam\ncode=1", encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_definition(bad)
    assert err.value.problems[0].key == "(syntax)"


def test_the_national_switches_are_policy_keys_that_reach_grading() -> None:
    import grading
    from exam_center.services.grading_model import policy_record

    text = EXAMPLE_TOML.read_text(encoding="utf-8")
    for old, new in (
        ("national_knowledge_top = 50", "national_knowledge_top = 40"),
        ("national_star_count = 3", "national_star_count = 2"),
        ("national_may_day_top = 3", "national_may_day_top = 1"),
        ("national_exclude_prior_titles = false", "national_exclude_prior_titles = true"),
        ("national_once_per_year = true", "national_once_per_year = false"),
    ):
        assert old in text
        text = text.replace(old, new)
    policy = grading.GradingPolicy.from_record(policy_record(parse_definition(text).policy))
    assert policy.national == grading.NationalPolicy(
        selected=15,
        recommended=100,
        drawn=35,
        knowledge_top=40,
        star_count=2,
        may_day_top=1,
        exclude_prior_for_national_titles=True,
        once_per_year=False,
    )
    default = grading.GradingPolicy.from_record(policy_record(load_definition(EXAMPLE_TOML).policy))
    assert default.national == grading.NationalPolicy()
    bad = text.replace("national_star_count = 2", "national_star_count = -1").replace(
        "national_drawn = 35", "national_drawn = 101"
    )
    with pytest.raises(DefinitionError) as err:
        parse_definition(bad)
    assert {p.key for p in err.value.problems} == {"policy.national_star_count"}
    too_many = text.replace("national_drawn = 35", "national_drawn = 101")
    with pytest.raises(DefinitionError, match="national_drawn cannot exceed"):
        parse_definition(too_many)


def test_the_exam_time_is_printed_with_the_date_and_checked() -> None:
    text = EXAMPLE_TOML.read_text(encoding="utf-8")
    assert parse_definition(text).exam.when == "2022年7月10日 09:00—11:00"
    assert parse_definition(text.replace('time = "09:00-11:00"', "")).exam.when == "2022年7月10日"
    for bad in ("11:00-09:00", "9:00-11:00", "09:00"):
        with pytest.raises(DefinitionError) as err:
            parse_definition(text.replace("09:00-11:00", bad))
        assert {p.key for p in err.value.problems} <= {"exam", "exam.time"}
