"""Objective scoring, hand-computed: single, true/false, multiple choice under each rule,
alternatives in the key, voided questions under both policies, blanks and unresolved rows."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.errors import AnswerKeyError, ResponseError
from grading.key import AnswerKey, parse_answer
from grading.paper import Paper, QuestionKind, Section
from grading.policy import MultiRule, ScoringPolicy, VoidRule
from grading.scoring import score_objective


def paper(rule: MultiRule = MultiRule.ALL_OR_NOTHING, fraction: str = "0.5") -> Paper:
    return Paper(
        (
            Section("单选", QuestionKind.SINGLE, 2, points=1),
            Section(
                "多选", QuestionKind.MULTI, 2, points=2, multi_rule=rule, partial_fraction=fraction
            ),
            Section("判断", QuestionKind.TRUEFALSE, 1, points="0.5"),
        )
    )


KEY = AnswerKey.from_letters({1: "A", 2: "B|C", 3: "AC", 4: "ABD", 5: "对"})


def responses(*rows: list[str]) -> np.ndarray:
    return np.array([[parse_answer(c) if c else 0 for c in r] for r in rows], dtype=np.uint8)


R = responses(
    ["A", "C", "AC", "ABD", "A"],  # everything right (q2 by its alternative): 1+1+2+2+0.5
    ["B", "B", "A", "AB", "B"],  # q2 right; q3, q4 correct subsets; q5 wrong
    ["", "BC", "ABC", "", "AB"],  # blanks, a double mark, a wrong letter, both T and F
)


def test_all_or_nothing() -> None:
    sm = score_objective(R, KEY, paper())
    assert [sm.total(i) for i in range(3)] == [Fraction(13, 2), 1, 0]
    assert sm.score(0, 2) == 1  # the alternative C is accepted
    assert sm.blanks.tolist() == [0, 0, 2]
    assert sm.max_points == Fraction(13, 2)
    assert {k: v.tolist() for k, v in sm.section_totals.items()} == {
        "单选": [2 * sm.scale, 1 * sm.scale, 0],
        "多选": [4 * sm.scale, 0, 0],
        "判断": [sm.scale // 2, 0, 0],
    }
    assert not sm.unresolved.any()


def test_partial_credit_is_points_times_chosen_over_correct_with_any_wrong_letter_zero() -> None:
    sm = score_objective(R, KEY, paper(MultiRule.PARTIAL))
    # row 1: q3 A of AC -> 2 x 1/2 = 1; q4 AB of ABD -> 2 x 2/3 = 4/3; plus q2 = 1.
    assert sm.total(1) == Fraction(10, 3)
    assert sm.score(1, 4) == Fraction(4, 3)
    assert sm.score(2, 3) == 0  # ABC contains the wrong letter B
    assert sm.total(0) == Fraction(13, 2)
    assert sm.scale % 3 == 0  # thirds are exact ticks


def test_partial_fixed_scores_a_fixed_fraction_for_a_correct_subset() -> None:
    sm = score_objective(R, KEY, paper(MultiRule.PARTIAL_FIXED))
    assert sm.score(1, 3) == 1 and sm.score(1, 4) == 1  # 2 x 0.5 each
    assert sm.total(1) == 3
    sm = score_objective(R, KEY, paper(MultiRule.PARTIAL_FIXED, fraction="0.25"))
    assert sm.total(1) == 2


def test_partial_credit_takes_the_best_alternative() -> None:
    key = AnswerKey.from_letters({1: "A", 2: "B", 3: ["AC", "ABCD"], 4: "ABD", 5: "错"})
    sm = score_objective(responses(["A", "B", "AB", "", ""]), key, paper(MultiRule.PARTIAL))
    # AB is not a subset of AC, but is 2 of the 4 letters of ABCD -> 2 x 2/4 = 1.
    assert sm.score(0, 3) == 1


def test_void_full_marks_gives_everyone_the_points_blank_or_not() -> None:
    key = AnswerKey.from_letters({1: "A", 3: "AC", 4: "ABD", 5: "对"}, voided=[2])
    sm = score_objective(R, key, paper(), ScoringPolicy(voided=VoidRule.FULL_MARKS))
    assert [sm.score(i, 2) for i in range(3)] == [1, 1, 1]
    assert [sm.total(i) for i in range(3)] == [Fraction(13, 2), 1, 1]
    assert sm.max_points == Fraction(13, 2)
    assert sm.voided.tolist() == [False, True, False, False, False]


def test_void_exclude_removes_the_question_and_shrinks_the_maximum() -> None:
    key = AnswerKey.from_letters({1: "A", 2: "B|C", 3: "AC", 4: "ABD", 5: "对"}, voided=[2])
    sm = score_objective(R, key, paper(), ScoringPolicy(voided=VoidRule.EXCLUDE))
    assert [sm.total(i) for i in range(3)] == [Fraction(11, 2), 0, 0]
    assert sm.max_points == Fraction(11, 2)
    assert sm.counted.tolist() == [True, False, True, True, True]
    # a blank on a voided question is not counted as a blank
    blank_q2 = responses(["A", "", "AC", "ABD", "A"])
    assert (
        score_objective(blank_q2, key, paper(), ScoringPolicy(voided=VoidRule.EXCLUDE)).blanks[0]
        == 0
    )


def test_sums_are_exact_where_floats_are_not() -> None:
    p = Paper(
        (
            Section("a", QuestionKind.SINGLE, 1, points=0.1),
            Section("b", QuestionKind.SINGLE, 1, points=0.2),
            Section("c", QuestionKind.SINGLE, 1, points=0.3),
        )
    )
    key = AnswerKey.from_letters({1: "A", 2: "A", 3: "A"})
    sm = score_objective(responses(["A", "A", ""], ["", "", "A"]), key, p)
    assert 0.1 + 0.2 != 0.3
    assert sm.totals[0] == sm.totals[1]
    assert sm.total(0) == Fraction(3, 10)


def test_unresolved_cells_flag_their_row() -> None:
    mask = np.zeros(R.shape, dtype=bool)
    mask[1, 2] = mask[1, 4] = True
    sm = score_objective(R, KEY, paper(), unresolved=mask)
    assert sm.unresolved.tolist() == [False, True, False]
    assert sm.unresolved_counts.tolist() == [0, 2, 0]


def test_a_letter_the_question_does_not_have_is_an_error_naming_row_and_question() -> None:
    bad = R.copy()
    bad[2, 4] = 0b100  # C on a true/false question
    with pytest.raises(ResponseError) as err:
        score_objective(bad, KEY, paper())
    assert (err.value.row, err.value.question) == (2, 5)


@pytest.mark.parametrize(
    "arr",
    [R.astype(np.int32), R[:, :4], np.zeros((2, 5, 1), dtype=np.uint8)],
)
def test_wrong_dtype_or_shape_is_refused(arr: np.ndarray) -> None:
    with pytest.raises(ResponseError):
        score_objective(arr, KEY, paper())


def test_a_bad_key_is_refused_before_scoring() -> None:
    with pytest.raises(AnswerKeyError):
        score_objective(R, AnswerKey.from_letters({1: "A"}), paper())


def test_uint16_responses_and_an_empty_matrix() -> None:
    sm = score_objective(R.astype(np.uint16), KEY, paper())
    assert sm.total(0) == Fraction(13, 2)
    empty = score_objective(np.zeros((0, 5), dtype=np.uint8), KEY, paper())
    assert empty.n_candidates == 0 and empty.totals.shape == (0,)


def test_results_are_read_only() -> None:
    sm = score_objective(R, KEY, paper())
    with pytest.raises(ValueError):
        sm.totals[0] = 0


def reference_score(q, accepted, r):  # type: ignore[no-untyped-def]
    """Score one cell straight from the rule's wording, with Fractions."""
    if r in accepted:
        return q.points
    best = Fraction(0)
    if q.kind is QuestionKind.MULTI and r:
        for a in accepted:
            wrong_letter = r & ~a
            if wrong_letter or r == a:
                continue
            if q.multi_rule is MultiRule.PARTIAL:
                best = max(best, q.points * Fraction(r.bit_count(), a.bit_count()))
            elif q.multi_rule is MultiRule.PARTIAL_FIXED:
                best = max(best, q.points * q.partial_fraction)
    return best


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_vectorised_scores_equal_the_rule_applied_cell_by_cell(data) -> None:  # type: ignore[no-untyped-def]
    sections = []
    for i in range(data.draw(st.integers(1, 3))):
        kind = data.draw(
            st.sampled_from([QuestionKind.SINGLE, QuestionKind.MULTI, QuestionKind.TRUEFALSE])
        )
        options = 2 if kind is QuestionKind.TRUEFALSE else data.draw(st.integers(2, 6))
        rule = (
            data.draw(st.sampled_from(list(MultiRule)))
            if kind is QuestionKind.MULTI
            else MultiRule.ALL_OR_NOTHING
        )
        sections.append(
            Section(
                f"s{i}", kind, data.draw(st.integers(1, 4)), options=options,
                points=data.draw(st.sampled_from(["0.5", "1", "1.5", "2", "0.3"])),
                multi_rule=rule, partial_fraction=data.draw(st.sampled_from(["0.5", "1/3"])),
            )
        )  # fmt: skip
    p = Paper(tuple(sections))
    answers = {}
    for q in p.objective_questions:
        if q.kind is QuestionKind.MULTI:
            masks = st.integers(1, (1 << q.options) - 1).filter(lambda m: m.bit_count() >= 2)
        else:
            masks = st.sampled_from([1 << b for b in range(q.options)])
        answers[q.number] = tuple(data.draw(st.lists(masks, min_size=1, max_size=2, unique=True)))
    key = AnswerKey(answers)
    n = data.draw(st.integers(1, 12))
    resp = np.array(
        [
            [data.draw(st.integers(0, (1 << q.options) - 1)) for q in p.objective_questions]
            for _ in range(n)
        ],
        dtype=np.uint8,
    )
    sm = score_objective(resp, key, p)
    for i in range(n):
        expected = [
            reference_score(q, answers[q.number], int(resp[i, q.column]))
            for q in p.objective_questions
        ]
        assert [sm.score(i, q.number) for q in p.objective_questions] == expected
        assert sm.total(i) == sum(expected)
