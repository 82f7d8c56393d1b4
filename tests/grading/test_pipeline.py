"""A whole provincial exam through the library, as the services will wire it: the example
paper, 13 cities of 10 plus 省厅本级, double-marked cases, awards, teams, national list."""

import numpy as np

from grading import (
    PROVINCIAL_EXPERT,
    TECHNICAL_EXPERT,
    AnswerKey,
    FinalScoreRule,
    GradingPolicy,
    HonourRecord,
    MultiRule,
    NationalPolicy,
    NationalResult,
    Paper,
    QuestionKind,
    Section,
    Standing,
    SubjectivePolicy,
    analyse_items,
    award_individuals,
    combine_totals,
    delegation,
    format_answer,
    national_honours,
    national_list,
    rank_candidates,
    resolve_subjective,
    results_digest,
    score_objective,
    simulate_draw,
    team_results,
)

CITIES = [
    "南京",
    "无锡",
    "徐州",
    "常州",
    "苏州",
    "南通",
    "连云港",
    "淮安",
    "盐城",
    "扬州",
    "镇江",
    "泰州",
    "宿迁",
]
PAPER = Paper(
    (
        Section("单项选择题", QuestionKind.SINGLE, 60, options=4, points=0.5),
        Section(
            "多项选择题",
            QuestionKind.MULTI,
            30,
            options=5,
            points=1.0,
            multi_rule=MultiRule.PARTIAL,
        ),
        Section("判断题", QuestionKind.TRUEFALSE, 40, points=0.5),
        Section("案例分析题", QuestionKind.SUBJECTIVE, 2, points=10.0),
    )
)


def exam(seed: int = 7):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    key_masks = [1 << int(rng.integers(0, 4)) for _ in range(60)]
    key_masks += [int(rng.choice([3, 5, 6, 7, 9, 10, 12, 17, 24])) for _ in range(30)]
    key_masks += [1 << int(rng.integers(0, 2)) for _ in range(40)]
    key = AnswerKey.from_letters({i + 1: format_answer(m) for i, m in enumerate(key_masks)})
    n = 140
    ability = rng.uniform(0.4, 0.95, (n, 1))
    right = rng.random((n, 130)) < ability
    wrong = np.array(
        [[1 << int(rng.integers(0, 2 if q >= 90 else 4)) for q in range(130)] for _ in range(n)]
    )
    resp = np.where(right, np.array(key_masks), wrong).astype(np.uint8)
    first = np.round(rng.uniform(3, 10, (n, 2)) * 2) / 2
    second = np.clip(first + rng.choice([-1, -0.5, 0, 0.5, 1, 3.5], (n, 2)), 0, 10)
    third = np.where(np.abs(first - second) > 2, np.round(first + second), np.nan) / 2
    ids = [f"2207{i:04d}" for i in range(n)]
    teams = [CITIES[i // 10] if i < 130 else "省厅本级" for i in range(n)]
    absent = np.zeros(n, dtype=bool)
    absent[[5, 77]] = True
    return key, resp, first, second, third, ids, teams, absent


def test_the_whole_pipeline() -> None:
    policy = GradingPolicy(subjective=SubjectivePolicy(final=FinalScoreRule.CLOSEST_TWO))
    key, resp, first, second, third, ids, teams, absent = exam()
    resp[absent] = 0
    scores = score_objective(resp, key, PAPER, policy.scoring)
    marks = resolve_subjective(PAPER, first, second, third, policy=policy.subjective, skip=absent)
    assert not marks.blocking_issues
    totals = combine_totals(scores, marks, candidate_ids=ids, absent=absent)
    ranking = rank_candidates(totals, policy.ranking)
    assert ranking.ranked_count == 138 and ranking.complete
    assert totals.standing_of(5) is Standing.ABSENT and ranking.rank_of(5) is None

    top = ranking.candidate_id(int(ranking.order[1]))
    prior = [HonourRecord(top, TECHNICAL_EXPERT, 2021)]
    individual = award_individuals(ranking, prior_honours=prior, policy=policy.awards)
    decisions = [p.decide(sorted(p.candidate_ids)[: p.slots_left]) for p in individual.pending]
    individual = award_individuals(
        ranking, prior_honours=prior, policy=policy.awards, decisions=decisions
    )
    assert individual.decided
    assert len(individual.winners(PROVINCIAL_EXPERT)) == 10
    assert top not in individual.winners(TECHNICAL_EXPERT)
    assert len(individual.winners(TECHNICAL_EXPERT)) == 2

    team = team_results(
        totals, teams, ranked_teams=CITIES, non_teams=["省厅本级"], policy=policy.teams
    )
    assert len(team.standings) == 13
    awarded = [s.award for s in team.standings if s.award]
    assert len(awarded) + sum(p.slots_left for p in team.pending) == 10
    assert team.standing("南京").members == 10 and team.standing("南京").present == 9

    nat = national_list(ranking, policy=policy.national)
    assert len(nat.selected) + len(nat.recommended) + sum(p.slots_left for p in nat.pending) == 115
    settled: list = []  # type: ignore[type-arg]
    while not nat.decided:  # the officer settles each boundary tie, as the demo does
        settled += [p.decide(sorted(p.candidate_ids)[: p.slots_left]) for p in nat.pending]
        nat = national_list(ranking, policy=policy.national, decisions=settled)
    assert (len(nat.selected), len(nat.recommended)) == (15, 100)
    draw = simulate_draw(nat, seed=2022)
    team_50 = delegation(nat, draw)
    assert len(team_50) == 50 and draw.is_simulation
    results = [NationalResult(c, 1 + 7 * i) for i, c in enumerate(team_50)]
    honours = national_honours(results, contestants=team_50, policy=NationalPolicy())
    assert len(honours.knowledge) == 8  # national ranks 1, 8, ..., 50
    assert [g.rank for g in honours.stars] == [57, 64, 71]  # passed down past the 8 experts

    items = analyse_items(resp, scores, key, PAPER, include=~absent)
    assert items.n == 138 and 0 < items.kr20 < 1

    d1 = results_digest(ranking, policy=policy, individual=individual, teams=team, national=nat)
    d2 = results_digest(ranking, policy=policy, individual=individual, teams=team, national=nat)
    assert d1 == d2
