"""The result digest: canonical, stable under row order, sensitive to any change."""

from fractions import Fraction

import numpy as np
import pytest

from grading.awards import award_individuals
from grading.digest import canonical_json, digest, results_digest, results_document
from grading.policy import GradingPolicy, TeamPolicy, TeamTotalRule, VoidRule
from grading.teams import team_results
from grading.totals import Standing
from tests.grading.factories import ranking_from, totals_from


def test_canonical_json_is_sorted_exact_and_strict() -> None:
    assert canonical_json({"b": 1, "a": [Fraction(41, 3), Fraction(1, 2)]}) == (
        b'{"a":["41/3","0.5"],"b":1}'
    )
    assert canonical_json({3, 1, 2}) == b"[1,2,3]"
    assert canonical_json(VoidRule.EXCLUDE) == b'"exclude"'
    assert canonical_json(np.int64(5)) == b"5"
    assert canonical_json("南京") == '"南京"'.encode()
    with pytest.raises(ValueError):
        canonical_json(float("nan"))
    with pytest.raises(TypeError):
        canonical_json(object())
    assert len(digest({"a": 1})) == 64


def results(totals, ids, standing=None, policy=None):  # type: ignore[no-untyped-def]
    r = ranking_from(totals, ids=ids, standing=standing)
    teams = team_results(r.totals, ["A" if i % 2 else "B" for i in range(len(ids))])
    return results_digest(r, policy=policy, individual=award_individuals(r), teams=teams)


TOTALS = [100, 95, 95, 80, 70, 60, 50, 40, 30, 20, 10, 5]
IDS = [f"c{i:02d}" for i in range(12)]


def test_the_same_results_give_the_same_digest_whatever_the_row_order() -> None:
    a = results(TOTALS, IDS)
    assert a == results(TOTALS, IDS)
    perm = list(reversed(range(12)))
    # same candidates, rows reversed; team labels follow the row so use a symmetric split
    r1 = ranking_from(TOTALS, ids=IDS)
    r2 = ranking_from([TOTALS[i] for i in perm], ids=[IDS[i] for i in perm])
    assert results_digest(r1, individual=award_individuals(r1)) == results_digest(
        r2, individual=award_individuals(r2)
    )


def test_any_change_changes_the_digest() -> None:
    base = results(TOTALS, IDS)
    changed_score = [*TOTALS[:-1], 6]
    assert results(changed_score, IDS) != base
    absent = [Standing.RANKED] * 11 + [Standing.ABSENT]
    assert results(TOTALS, IDS, standing=absent) != base
    assert results(TOTALS, IDS, policy=GradingPolicy()) != base
    other = GradingPolicy(teams=TeamPolicy(TeamTotalRule.MEAN))
    assert results(TOTALS, IDS, policy=other) != results(TOTALS, IDS, policy=GradingPolicy())


def test_a_recorded_decision_changes_the_digest() -> None:
    totals = [100 - i for i in range(9)] + [91, 91, 90]
    r = ranking_from(totals, ids=IDS)
    pending = award_individuals(r)
    decided = award_individuals(r, decisions=[pending.pending[0].decide(["c09"])])
    assert results_digest(r, individual=pending) != results_digest(r, individual=decided)


def test_the_document_lists_candidates_sorted_by_id_with_ticks_and_scale() -> None:
    r = ranking_from(
        [10, Fraction(41, 4)], ids=["z", "a"], standing=[Standing.RANKED, Standing.ABSENT]
    )
    doc = results_document(r)
    assert doc["scale"] == 4
    assert doc["candidates"] == [["a", "absent", 41, 0, 41, None], ["z", "ranked", 40, 0, 40, 1]]
    assert totals_from([1]).scale == 4


@pytest.mark.parametrize("ids", [["b", "a", "c"], ['q"uote', "back\\slash", "新\n行"]])
def test_the_fast_digest_is_the_sha256_of_the_canonical_document(ids: list[str]) -> None:
    r = ranking_from(
        [3, 2, 2], ids=ids, standing=[Standing.RANKED, Standing.RANKED, Standing.ABSENT]
    )
    individual = award_individuals(r)
    doc = results_document(r, policy=GradingPolicy(), individual=individual)
    assert results_digest(r, policy=GradingPolicy(), individual=individual) == digest(doc)
