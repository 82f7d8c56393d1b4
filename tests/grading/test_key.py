"""Answer keys: parsing letters, alternatives, checks against the paper, voided questions."""

import pytest

from grading.errors import AnswerKeyError, AnswerParseError
from grading.key import AnswerKey, format_answer, parse_alternatives, parse_answer
from grading.paper import Paper, QuestionKind, Section
from grading.policy import ScoringPolicy

PAPER = Paper(
    (
        Section("单选", QuestionKind.SINGLE, 2),
        Section("多选", QuestionKind.MULTI, 2, options=5),
        Section("判断", QuestionKind.TRUEFALSE, 1),
        Section("案例", QuestionKind.SUBJECTIVE, 1, points=10),
    )
)


def test_letters_become_bitmasks() -> None:
    assert parse_answer("A") == 0b1
    assert parse_answer("ac") == 0b101
    assert parse_answer(" C A ") == 0b101
    assert parse_answer("对") == 0b01
    assert parse_answer("错") == 0b10
    assert parse_answer("×") == 0b10
    assert format_answer(0b10011) == "ABE"
    assert format_answer(0) == ""


def test_alternatives_from_bar_or_list() -> None:
    assert parse_alternatives("A|B") == (0b1, 0b10)
    assert parse_alternatives(["AB", "AC"]) == (0b11, 0b101)


@pytest.mark.parametrize("text", ["", "AA", "A1", "Z", "T"])
def test_unreadable_answers_are_refused(text: str) -> None:
    with pytest.raises(AnswerParseError):
        parse_answer(text)


def test_a_good_key_passes_and_round_trips_to_letters() -> None:
    key = AnswerKey.from_letters({1: "A", 2: "B|C", 3: "AC", 4: ["ABE", "BD"], 5: "对"})
    key.check(PAPER)
    assert key.to_letters() == {1: "A", 2: "B|C", 3: "AC", 4: "ABE|BD", 5: "A"}
    assert key.accepted(4) == (0b10011, 0b1010)


def test_every_problem_is_reported_with_its_question() -> None:
    key = AnswerKey.from_letters({1: "AB", 3: "A", 4: "AF", 5: "C", 6: "A", 9: "B"})
    with pytest.raises(AnswerKeyError) as err:
        key.check(PAPER)
    reasons = {(p.question, p.reason.split(":")[0]) for p in err.value.problems}
    assert err.value.questions == (1, 2, 3, 4, 5, 6, 9)
    assert (2, "no answer in the key") in reasons
    assert any(
        q == 1 and "exactly one letter" in r
        for q, r in ((p.question, p.reason) for p in err.value.problems)
    )
    texts = {p.question: p.reason for p in err.value.problems}
    assert "at least 2 letters" in texts[3]
    assert "beyond A..E" in texts[4]
    assert "beyond A..B" in texts[5]
    assert "subjective" in texts[6]
    assert "unknown" in texts[9]


def test_single_letter_multi_key_is_allowed_only_by_policy() -> None:
    key = AnswerKey.from_letters({1: "A", 2: "B", 3: "C", 4: "BD", 5: "错"})
    with pytest.raises(AnswerKeyError, match="question 3"):
        key.check(PAPER)
    key.check(PAPER, ScoringPolicy(allow_single_letter_multi_key=True))


def test_duplicate_alternative_and_parse_errors_name_the_question() -> None:
    with pytest.raises(AnswerKeyError) as err:
        AnswerKey.from_letters({1: "A", 2: "Q"})
    assert err.value.questions == (2,)
    key = AnswerKey.from_letters({1: "A|A", 2: "B", 3: "AC", 4: "BD", 5: "对"})
    with pytest.raises(AnswerKeyError, match="question 1: an alternative is listed twice"):
        key.check(PAPER)


def test_a_voided_question_needs_no_answer_and_corrections_make_new_keys() -> None:
    key = AnswerKey.from_letters({1: "A", 3: "AC", 4: "BD", 5: "对"}, voided=[2])
    key.check(PAPER)
    fixed = key.corrected(1, "B").with_voided(2, False)
    assert key.accepted(1) == (0b1,)
    assert fixed.accepted(1) == (0b10,)
    with pytest.raises(AnswerKeyError, match="question 2: no answer"):
        fixed.check(PAPER)
