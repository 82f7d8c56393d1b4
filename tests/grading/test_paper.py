"""Paper structure: numbering, points and validation."""

from fractions import Fraction

import pytest

from grading.errors import PaperError
from grading.paper import Paper, QuestionKind, Section
from grading.policy import MultiRule


def test_objective_questions_are_numbered_first_whatever_the_section_order() -> None:
    paper = Paper(
        (
            Section("单选", QuestionKind.SINGLE, 3),
            Section("案例", QuestionKind.SUBJECTIVE, 2, points=10),
            Section("判断", QuestionKind.TRUEFALSE, 2, points="0.5"),
        )
    )
    assert paper.objective_count == 5
    assert paper.subjective_count == 2
    assert [q.number for q in paper.objective_questions] == [1, 2, 3, 4, 5]
    assert [q.section for q in paper.objective_questions] == ["单选"] * 3 + ["判断"] * 2
    assert [(q.number, q.column) for q in paper.subjective_questions] == [(6, 0), (7, 1)]
    assert paper.question(4).options == 2
    assert paper.question(4).points == Fraction(1, 2)
    assert paper.section_columns(objective=True) == {"单选": (0, 3), "判断": (3, 5)}
    assert paper.section_columns(objective=False) == {"案例": (0, 2)}
    assert paper.objective_max == 4
    assert paper.subjective_max == 20


def test_float_points_are_read_as_the_decimal_they_print_as() -> None:
    s = Section("x", QuestionKind.SINGLE, 1, points=0.1)
    assert s.points == Fraction(1, 10)


@pytest.mark.parametrize(
    ("section", "fragment"),
    [
        (lambda: Section("tf", QuestionKind.TRUEFALSE, 2, options=3), "exactly 2 options"),
        (lambda: Section("s", QuestionKind.SINGLE, 0), "count"),
        (lambda: Section("s", QuestionKind.SINGLE, 2, options=17), "options"),
        (lambda: Section("s", QuestionKind.SINGLE, 2, points=0), "points"),
        (
            lambda: Section("s", QuestionKind.SINGLE, 2, multi_rule=MultiRule.PARTIAL),
            "multiple choice only",
        ),
        (lambda: Section("m", QuestionKind.MULTI, 2, partial_fraction=1), "partial_fraction"),
    ],
)
def test_bad_sections_are_refused_naming_the_section(section, fragment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PaperError, match=fragment) as err:
        section()
    assert err.value.section is not None


def test_duplicate_section_names_and_unknown_questions_are_refused() -> None:
    with pytest.raises(PaperError, match="twice"):
        Paper((Section("a", QuestionKind.SINGLE, 1), Section("a", QuestionKind.MULTI, 1)))
    paper = Paper((Section("a", QuestionKind.SINGLE, 2),))
    with pytest.raises(PaperError, match="no question 3"):
        paper.question(3)
