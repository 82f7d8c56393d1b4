"""Item analysis, hand-computed on a six-candidate, three-question paper."""

import math

import numpy as np
import pytest

from grading.errors import ResponseError
from grading.items import ItemFlagReason, analyse_items
from grading.key import AnswerKey, parse_answer
from grading.paper import Paper, QuestionKind, Section
from grading.scoring import score_objective

PAPER = Paper((Section("单选", QuestionKind.SINGLE, 3),))
KEY = AnswerKey.from_letters({1: "A", 2: "B", 3: "C"})
ROWS = [
    ["A", "B", "C"],
    ["A", "B", "D"],
    ["A", "C", "C"],
    ["B", "B", "A"],
    ["B", "A", "D"],
    ["", "A", "D"],
]
R = np.array([[parse_answer(c) if c else 0 for c in row] for row in ROWS], dtype=np.uint8)
# item scores: q1 1,1,1,0,0,0  q2 1,1,0,1,0,0  q3 1,0,1,0,0,0; totals 3,2,2,1,0,0


def analyse(key=KEY, include=None):  # type: ignore[no-untyped-def]
    return analyse_items(R, score_objective(R, key, PAPER), key, PAPER, include=include)


def test_difficulty_discrimination_and_kr20() -> None:
    s = analyse()
    assert s.n == 6 and s.group_size == 2  # 27 % of 6 = 1.62, rounded
    assert s.difficulty.tolist() == pytest.approx([1 / 2, 1 / 2, 1 / 3])
    # q1: X = 1,1,1,0,0,0 against T - X = 2,1,1,1,0,0: cov 1/4, var 1/4 and 17/36
    assert s.point_biserial[0] == pytest.approx(3 / math.sqrt(17))
    for col in range(3):
        x = (score_objective(R, KEY, PAPER).ticks[:, col]).astype(float)
        rest = score_objective(R, KEY, PAPER).totals - x
        assert s.point_biserial[col] == pytest.approx(np.corrcoef(x, rest)[0, 1])
    # upper group rows 0, 1; lower group rows 4, 5
    assert s.upper_lower.tolist() == pytest.approx([1, 1, 0.5])
    # k/(k-1) (1 - sum p(1-p) / var T) = 3/2 (1 - (1/4 + 1/4 + 2/9) / (11/9))
    assert s.kr20 == pytest.approx(27 / 44)
    assert s.flags == ()


def test_option_frequencies_and_the_upper_groups_choice() -> None:
    s = analyse()
    assert s.option_counts.tolist() == [[3, 2, 0, 0], [2, 3, 1, 0], [1, 0, 2, 3]]
    assert s.blank_counts.tolist() == [1, 0, 0]
    assert s.option_frequencies[0, 0] == pytest.approx(0.5)
    assert [int(x) for x in s.upper_preferred] == [0b1, 0b10, 0b100]


def test_a_wrong_key_is_flagged() -> None:
    # the strong half answers A on q1 and gets q2-q4 right; the weak half answers B, gets them
    # wrong; the key says B for q1
    paper = Paper((Section("单选", QuestionKind.SINGLE, 4),))
    key = AnswerKey.from_letters({1: "B", 2: "A", 3: "A", 4: "A"})
    strong, weak = [1, 1, 1, 1], [2, 2, 2, 2]
    resp = np.array([strong] * 5 + [weak] * 5, dtype=np.uint8)
    s = analyse_items(resp, score_objective(resp, key, paper), key, paper)
    reasons = {f.reason for f in s.flags_for(1)}
    assert reasons == {
        ItemFlagReason.NEGATIVE_DISCRIMINATION,
        ItemFlagReason.TOP_GROUP_PREFERS_OTHER,
    }
    assert "upper group chose A 3 times, the key B 0 times" in [f.detail for f in s.flags_for(1)]
    assert s.upper_lower[0] == -1
    assert s.flags_for(2) == ()


def test_voided_questions_are_left_out() -> None:
    key = AnswerKey.from_letters({1: "A", 2: "B", 3: "C"}, voided=[3])
    s = analyse(key)
    assert math.isnan(s.difficulty[2]) and math.isnan(s.point_biserial[2])
    assert s.analysed.tolist() == [True, True, False]
    # two items: 2 (1 - (1/4 + 1/4) / var(q1 + q2))
    t = np.array([2, 2, 1, 1, 0, 0])
    assert s.kr20 == pytest.approx(2 * (1 - 0.5 / t.var()))


def test_excluded_rows_are_not_analysed() -> None:
    s = analyse(include=np.array([True, True, True, True, False, False]))
    assert s.n == 4
    assert s.difficulty[0] == pytest.approx(3 / 4)
    empty = analyse(include=np.zeros(6, dtype=bool))
    assert empty.n == 0 and math.isnan(empty.kr20)


def test_scores_from_another_key_or_other_responses_are_refused() -> None:
    other = AnswerKey.from_letters({1: "B", 2: "B", 3: "C"})
    with pytest.raises(ResponseError, match="not computed from"):
        analyse_items(R, score_objective(R, KEY, PAPER), other, PAPER)
    with pytest.raises(ResponseError):
        analyse_items(R[:3], score_objective(R, KEY, PAPER), KEY, PAPER)
