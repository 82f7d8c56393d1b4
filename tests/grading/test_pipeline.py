"""A whole provincial exam through `grading.grade`, the one wiring the services use: the
example paper, 13 cities of 10 plus 省厅本级, double-marked cases, awards, teams, the
national list, a rehearsal draw and the national results."""

from dataclasses import replace

import numpy as np

from grading import (
    PROVINCIAL_EXPERT,
    TECHNICAL_EXPERT,
    DrawKind,
    DrawRecord,
    FinalScoreRule,
    GradingInputs,
    GradingPolicy,
    HonourRecord,
    NationalResult,
    PendingTie,
    Stage,
    Standing,
    SubjectivePolicy,
    TieDecision,
    TieDecisions,
    analyse_items,
    contestants,
    delegation,
    grade,
)
from tests import synthetic_exam

PAPER = synthetic_exam.paper(cases=2)
CITIES = list(synthetic_exam.CITIES)


def exam(seed: int = 7):  # type: ignore[no-untyped-def]
    """140 candidates: 13 cities of 10 and 10 of 省厅本级; numbers 5 and 77 absent."""
    rng = np.random.default_rng(seed)
    masks = synthetic_exam.key_masks(rng)
    n = 140
    resp = synthetic_exam.responses(masks, n, rng)
    first, second, third = synthetic_exam.case_marks(n, rng)
    absent = np.zeros(n, dtype=bool)
    absent[[5, 77]] = True
    key = synthetic_exam.answer_key(masks)
    ids = synthetic_exam.admission_numbers(n)
    return key, resp, first, second, third, ids, synthetic_exam.teams(n), absent


def test_the_whole_pipeline() -> None:
    policy = GradingPolicy(subjective=SubjectivePolicy(final=FinalScoreRule.CLOSEST_TWO))
    key, resp, first, second, third, ids, teams, absent = exam()
    inputs = GradingInputs(
        PAPER,
        policy,
        key,
        ids,
        resp,
        subjective=(first, second, third),
        absent=absent,
        teams=teams,
        ranked_teams=CITIES,
        non_teams=["省厅本级"],
    )
    graded = grade(inputs)
    assert not graded.failures
    marks, totals, ranking = graded.marks, graded.totals, graded.ranking
    assert marks is not None and totals is not None and ranking is not None
    assert not marks.blocking_issues
    assert ranking.ranked_count == 138 and ranking.complete
    assert totals.standing_of(5) is Standing.ABSENT and ranking.rank_of(5) is None
    assert not graded.responses[absent].any()  # an absent row is scored as empty

    # The best but one held 江苏省技术能手 in 2021; the officer settles each boundary tie.
    top = ranking.candidate_id(int(ranking.order[1]))
    inputs = replace(inputs, prior_honours=[HonourRecord(top, TECHNICAL_EXPERT, 2021)])
    graded = grade(inputs)
    assert graded.individual is not None
    settled = TieDecisions(individual=tuple(_settle(graded.individual.pending)))
    graded = grade(replace(inputs, decisions=settled))
    individual = graded.individual
    assert individual is not None and individual.decided
    assert len(individual.winners(PROVINCIAL_EXPERT)) == 10
    assert top not in individual.winners(TECHNICAL_EXPERT)
    assert len(individual.winners(TECHNICAL_EXPERT)) == 2

    team = graded.teams
    assert team is not None and len(team.standings) == 13
    awarded = [s.award for s in team.standings if s.award]
    assert len(awarded) + sum(p.slots_left for p in team.pending) == 10
    assert team.standing("南京").members == 10 and team.standing("南京").present == 9

    nat = graded.national
    assert nat is not None
    assert len(nat.selected) + len(nat.recommended) + sum(p.slots_left for p in nat.pending) == 115
    while not nat.decided:  # the officer settles each boundary tie, as the demo does
        settled = replace(settled, national=settled.national + tuple(_settle(nat.pending)))
        nat = grade(replace(inputs, decisions=settled)).national
        assert nat is not None
    assert (len(nat.selected), len(nat.recommended)) == (15, 100)

    inputs = replace(inputs, decisions=settled, draw=DrawRecord(DrawKind.SIMULATION, seed=2022))
    graded = grade(inputs)
    team_50 = delegation(nat, graded.draw)
    assert len(team_50) == 50 and graded.draw.is_simulation
    assert contestants(nat, graded.draw) == team_50
    results = [NationalResult(c, 1 + 7 * i) for i, c in enumerate(team_50)]
    graded = grade(replace(inputs, national_results=results))
    honours = graded.honours
    assert honours is not None and not graded.failures
    assert len(honours.knowledge) == 8  # national ranks 1, 8, ..., 50
    assert [g.rank for g in honours.stars] == [57, 64, 71]  # passed down past the 8 experts

    scores = graded.scores
    assert scores is not None
    items = analyse_items(graded.responses, scores, key, PAPER, include=~absent)
    assert items.n == 138 and 0 < items.kr20 < 1

    d1 = graded.digest(policy)
    d2 = grade(replace(inputs, national_results=results)).digest(policy)
    assert d1 == d2


def test_a_decision_that_no_longer_fits_fails_its_step_only() -> None:
    """Two different decisions recorded for one tie: the individual awards cannot be
    computed; the ranking, the teams and the national list still are."""
    key, resp, first, second, third, ids, teams, absent = exam()
    tied = frozenset(ids[:2])
    one, other = (TieDecision(PROVINCIAL_EXPERT, 3, tied, frozenset({i})) for i in ids[:2])
    graded = grade(
        GradingInputs(
            PAPER,
            GradingPolicy(),
            key,
            ids,
            resp,
            subjective=(first, second, third),
            absent=absent,
            teams=teams,
            ranked_teams=CITIES,
            non_teams=["省厅本级"],
            decisions=TieDecisions(individual=(one, other)),
        )
    )
    assert [f.stage for f in graded.failures] == [Stage.INDIVIDUAL]
    assert graded.individual is None
    assert graded.ranking is not None and graded.teams is not None
    assert graded.national is not None


def test_without_a_key_only_the_responses_come_back() -> None:
    _key, resp, *_ = exam()
    unresolved = np.zeros(resp.shape, dtype=bool)
    unresolved[3, 7] = True
    graded = grade(
        GradingInputs(
            PAPER,
            GradingPolicy(),
            None,
            [str(i) for i in range(len(resp))],
            resp,
            unresolved=unresolved,
        )
    )
    assert graded.ranking is None and graded.totals is None
    assert graded.unresolved.tolist() == [i == 3 for i in range(len(resp))]
    assert (graded.responses == resp).all()


def _settle(pending: tuple[PendingTie, ...]) -> list[TieDecision]:
    return [p.decide(sorted(p.candidate_ids)[: p.slots_left]) for p in pending]
