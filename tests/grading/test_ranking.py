"""Totals and ranking: the tie-break chain, shared ranks, who is not ranked."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grading.errors import PolicyError, RankingError
from grading.key import AnswerKey
from grading.paper import Paper, QuestionKind, Section
from grading.policy import RankingPolicy, TieKey
from grading.ranking import rank_candidates
from grading.scoring import score_objective
from grading.subjective import resolve_subjective
from grading.totals import Standing, Totals, combine_totals
from tests.grading.factories import ranking_from, totals_from


def test_equal_on_every_key_share_a_rank_and_the_next_rank_skips() -> None:
    r = ranking_from([90, 95, 95, 80, 95, 80])
    assert r.rank.tolist() == [4, 1, 1, 5, 1, 5]
    assert [(rank, rows.tolist()) for rank, rows in r.groups()] == [
        (1, [1, 2, 4]),
        (4, [0]),
        (5, [3, 5]),
    ]


def test_the_chain_breaks_ties_total_then_objective_then_subjective_then_blanks() -> None:
    # all total 80; objective 50, 60, 60, 60; blanks 3, 0, 2, 2
    r = ranking_from([80, 80, 80, 80, 81], objective=[50, 60, 60, 60, 0], blanks=[3, 0, 2, 2, 9])
    assert r.rank.tolist() == [5, 2, 3, 3, 1]
    assert r.tie_key_values(1) == (Fraction(80), Fraction(60), Fraction(20), 0)


def test_a_custom_chain_with_a_section_key() -> None:
    t = totals_from([10, 10, 10])
    t = Totals(
        t.scale,
        t.objective,
        t.subjective,
        t.total,
        t.blanks,
        {"多选": np.array([4, 8, 0])},
        t.standing,
        None,
    )
    chain = (TieKey("total"), TieKey.named("section:多选"))
    r = rank_candidates(t, RankingPolicy(chain))
    assert r.rank.tolist() == [2, 1, 3]
    assert r.tie_key_values(1) == (Fraction(10), Fraction(2))


def test_unknown_keys_and_duplicate_keys_are_refused() -> None:
    with pytest.raises(PolicyError):
        TieKey("luck")
    with pytest.raises(PolicyError):
        RankingPolicy((TieKey("total"), TieKey("total")))
    with pytest.raises(RankingError):
        rank_candidates(totals_from([1]), RankingPolicy((TieKey("section:无"),)))
    assert TieKey.named("blanks") == TieKey("blanks", False)
    assert TieKey.named("objective asc") == TieKey("objective", False)


def test_absent_ineligible_unresolved_and_incomplete_get_no_rank() -> None:
    S = Standing
    r = ranking_from(
        [99, 98, 97, 96, 50, 40],
        standing=[S.ABSENT, S.INELIGIBLE, S.UNRESOLVED, S.INCOMPLETE, S.RANKED, S.RANKED],
    )
    assert r.rank.tolist() == [0, 0, 0, 0, 1, 2]
    assert r.rank_of(0) is None and r.rank_of(4) == 1
    assert not r.complete
    assert r.totals.unresolved_rows.tolist() == [2, 3]


def test_combine_totals_end_to_end() -> None:
    paper = Paper(
        (
            Section("单选", QuestionKind.SINGLE, 2, points="0.5"),
            Section("案例", QuestionKind.SUBJECTIVE, 1, points=10),
        )
    )
    key = AnswerKey.from_letters({1: "A", 2: "B"})
    resp = np.array([[1, 2], [1, 0], [0, 0], [1, 1]], dtype=np.uint8)
    unresolved = np.zeros_like(resp, dtype=bool)
    unresolved[3, 1] = True
    obj = score_objective(resp, key, paper, unresolved=unresolved)
    sub = resolve_subjective(
        paper,
        [[7.5], [8], [np.nan], [1]],
        [[7], [8.5], [np.nan], [1]],
        skip=[False, False, True, False],
    )
    t = combine_totals(
        obj, sub, candidate_ids=["a", "b", "c", "d"], absent=[False, False, True, False]
    )
    assert [t.points(x) for x in t.total] == [Fraction(33, 4), Fraction(35, 4), 0, Fraction(3, 2)]
    assert [t.standing_of(i) for i in range(4)] == [
        Standing.RANKED,
        Standing.RANKED,
        Standing.ABSENT,
        Standing.UNRESOLVED,
    ]
    assert t.row_of("b") == 1
    r = rank_candidates(t)
    assert r.rank.tolist() == [2, 1, 0, 0]
    assert r.candidate_id(1) == "b"


def test_combine_totals_checks_its_inputs() -> None:
    paper = Paper((Section("单选", QuestionKind.SINGLE, 1),))
    obj = score_objective(np.zeros((2, 1), np.uint8), AnswerKey.from_letters({1: "A"}), paper)
    with pytest.raises(RankingError, match="twice"):
        combine_totals(obj, candidate_ids=["x", "x"])
    with pytest.raises(RankingError):
        combine_totals(obj, absent=[True])


def directed(t, i, chain):  # type: ignore[no-untyped-def]
    return tuple(
        -int(t.values(k.field)[i]) if k.descending else int(t.values(k.field)[i]) for k in chain
    )


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 6), st.integers(0, 6), st.integers(0, 3), st.sampled_from(list(Standing))
        ),
        min_size=1,
        max_size=40,
    ),
    st.booleans(),
)
def test_rank_is_one_plus_the_number_strictly_better_on_the_chain(rows, huge) -> None:  # type: ignore[no-untyped-def]
    # huge values force the lexsort path (the keys do not fit one packed int64)
    mult = 2**40 if huge else 1
    obj = [o * mult for _, o, _, _ in rows]
    total = [(o + s) * mult for s, o, _, _ in rows]
    t = totals_from(
        total,
        objective=obj,
        blanks=[b for *_, b, _ in rows],
        standing=[x[3] for x in rows],
        scale=1,
    )
    r = rank_candidates(t)
    chain = r.chain
    ranked = [i for i, x in enumerate(rows) if x[3] is Standing.RANKED]
    for i in range(len(rows)):
        if i not in ranked:
            assert r.rank[i] == 0
            continue
        better = sum(directed(t, j, chain) < directed(t, i, chain) for j in ranked)
        assert r.rank[i] == 1 + better
        for j in ranked:
            same = directed(t, j, chain) == directed(t, i, chain)
            assert (r.rank[i] == r.rank[j]) == same
    assert sorted(r.order.tolist()) == ranked
    assert list(r.rank[r.order]) == sorted(r.rank[r.order])
