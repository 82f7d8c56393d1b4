from pathlib import Path

import pytest

from exam_center.definition import load_definition, parse_definition
from exam_center.errors import DefinitionError
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
