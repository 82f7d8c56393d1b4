"""Double marking, hand-computed: tolerance, the three final-score rules, the arbiter,
and every check reported as an issue rather than silently resolved."""

from fractions import Fraction

import numpy as np
import pytest

from grading.errors import MarksError
from grading.paper import Paper, QuestionKind, Section
from grading.policy import ClosestTieRule, FinalScoreRule, SubjectivePolicy
from grading.subjective import IssueReason, resolve_subjective

PAPER = Paper(
    (
        Section("单选", QuestionKind.SINGLE, 1),
        Section("案例", QuestionKind.SUBJECTIVE, 2, points=10),
    )
)
N = np.nan


def resolve(first, second, third=None, **policy):  # type: ignore[no-untyped-def]
    return resolve_subjective(PAPER, first, second, third, policy=SubjectivePolicy(**policy))


def reasons(scores, row):  # type: ignore[no-untyped-def]
    return {(i.question, i.reason, i.marker) for i in scores.issues if i.row == row}


def test_within_tolerance_every_rule_takes_the_mean_of_two() -> None:
    for rule in FinalScoreRule:
        s = resolve([[7, 8.5]], [[8, 8]], final=rule)
        assert s.final_score(0, 2) == Fraction(15, 2)
        assert s.final_score(0, 3) == Fraction(33, 4)
        assert s.total(0) == Fraction(63, 4)
        assert s.complete.tolist() == [True]
        assert s.issues == ()


def test_a_difference_equal_to_the_tolerance_is_within_it() -> None:
    s = resolve([[5, 0]], [[7, 0]], tolerance=2)
    assert s.final_score(0, 2) == 6
    assert s.issues == ()


def test_beyond_tolerance_a_third_marking_is_required_and_reported() -> None:
    s = resolve([[4, 9]], [[8, 9]], final=FinalScoreRule.CLOSEST_TWO)
    assert s.final_score(0, 2) is None
    assert s.complete.tolist() == [False]
    assert reasons(s, 0) == {(2, IssueReason.THIRD_MARKING_REQUIRED, 3)}
    assert s.blocking_issues[0].detail == "markers differ by 4 > tolerance 2"


def test_closest_two_takes_the_mean_of_the_closest_pair() -> None:
    s = resolve([[4, 9]], [[8, 9]], [[7, N]], final=FinalScoreRule.CLOSEST_TWO)
    # |4-8| = 4, |4-7| = 3, |8-7| = 1 -> (8 + 7) / 2
    assert s.final_score(0, 2) == Fraction(15, 2)
    assert s.total(0) == Fraction(33, 2)
    assert s.issues == ()


def test_closest_two_can_be_the_original_pair() -> None:
    s = resolve([[4, 0]], [[6, 0]], [[10, N]], final=FinalScoreRule.CLOSEST_TWO, tolerance=1)
    # |4-6| = 2 beats |4-10| = 6 and |6-10| = 4
    assert s.final_score(0, 2) == 5


@pytest.mark.parametrize(
    ("tie", "expected"),
    [(ClosestTieRule.MIDDLE, 4), (ClosestTieRule.HIGHER, 5), (ClosestTieRule.LOWER, 3)],
)
def test_equally_close_pairs_follow_the_tie_rule(tie: ClosestTieRule, expected: int) -> None:
    s = resolve([[2, 0]], [[6, 0]], [[4, N]], final=FinalScoreRule.CLOSEST_TWO, closest_tie=tie)
    assert s.final_score(0, 2) == expected


def test_arbiter_rule_takes_the_third_marking() -> None:
    s = resolve([[4, 9]], [[8, 9]], [[7, N]], final=FinalScoreRule.ARBITER)
    assert s.final_score(0, 2) == 7
    assert s.final_score(0, 3) == 9


def test_mean_two_has_no_arbitration_and_reports_the_disagreement() -> None:
    s = resolve([[4, 9]], [[8, 9]], [[7, N]], final=FinalScoreRule.MEAN_TWO)
    assert s.final_score(0, 2) is None
    assert reasons(s, 0) == {
        (2, IssueReason.EXCEEDS_TOLERANCE, None),
        (2, IssueReason.THIRD_MARKING_UNUSED, 3),
    }
    assert [i.blocking for i in s.issues] == [True, False]


def test_an_unneeded_third_marking_is_noted_not_used() -> None:
    s = resolve([[7, 0]], [[8, 0]], [[1, N]], final=FinalScoreRule.ARBITER)
    assert s.final_score(0, 2) == Fraction(15, 2)
    (issue,) = s.issues
    assert issue.reason is IssueReason.THIRD_MARKING_UNUSED and not issue.blocking
    assert s.complete.tolist() == [True]


def test_a_bad_third_marking_blocks_only_where_it_is_needed() -> None:
    s = resolve([[7, 4]], [[8, 8]], [[11, 7.3]], final=FinalScoreRule.ARBITER)
    by_question = {
        i.question: i for i in s.issues if i.reason is not IssueReason.THIRD_MARKING_UNUSED
    }
    assert by_question[2].reason is IssueReason.OUT_OF_RANGE and not by_question[2].blocking
    assert by_question[3].reason is IssueReason.OFF_STEP and by_question[3].blocking
    assert s.final_score(0, 2) == Fraction(15, 2) and s.final_score(0, 3) is None


def test_missing_out_of_range_and_off_step_scores_are_reported() -> None:
    s = resolve([[N, 10.5], [-1, 3]], [[5, 3.3], [2, 3.25]], [[N, N], [N, 11]])
    assert reasons(s, 0) == {
        (2, IssueReason.MISSING_MARK, 1),
        (3, IssueReason.OUT_OF_RANGE, 1),
        (3, IssueReason.OFF_STEP, 2),
    }
    assert reasons(s, 1) == {
        (2, IssueReason.OUT_OF_RANGE, 1),
        (3, IssueReason.OFF_STEP, 2),
        (3, IssueReason.OUT_OF_RANGE, 3),
    }
    assert not s.has_final.any()
    assert s.totals.tolist() == [0, 0]


def test_a_per_question_tolerance_overrides_the_default() -> None:
    s = resolve([[4, 4]], [[7, 7]], tolerance=2, tolerances=((3, 3),))
    assert s.final_score(0, 2) is None
    assert s.final_score(0, 3) == Fraction(11, 2)


def test_skipped_rows_are_neither_checked_nor_scored() -> None:
    s = resolve_subjective(PAPER, [[N, N], [5, 5]], [[N, N], [5, 5]], skip=np.array([True, False]))
    assert s.issues == ()
    assert s.complete.tolist() == [True, True]
    assert s.totals.tolist() == [0, 10 * s.scale]


def test_section_totals_and_scale() -> None:
    s = resolve([[7, 8.5]], [[8, 8]])
    assert s.scale == 4  # quarter points: the mean of two half-point marks
    assert s.section_totals["案例"].tolist() == [63]


def test_shapes_are_checked() -> None:
    with pytest.raises(MarksError):
        resolve([[1, 2, 3]], [[1, 2, 3]])
    with pytest.raises(MarksError):
        resolve([[1, 2]], [[1, 2], [3, 4]])
