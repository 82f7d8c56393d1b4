"""Benchmark: score, rank and award a national-size exam.

1,000,000 synthetic candidates x 130 objective questions (60 single choice, 30 multiple
choice with partial credit, 40 true/false), uint8 responses. Prints the median of 3
runs of `grading.grade` (the chain the services run: score, totals, rank, awards,
teams, national list). Target: under 5 s in total.

    .venv/bin/python benchmarks/bench_grading.py [--candidates N] [--runs R] [--extras]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from grading import (
    AnswerKey,
    GradingInputs,
    GradingPolicy,
    MultiRule,
    Paper,
    QuestionKind,
    Section,
    analyse_items,
    format_answer,
    grade,
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
        Section("单项选择题", QuestionKind.SINGLE, 60, options=4, points=1),
        Section(
            "多项选择题", QuestionKind.MULTI, 30, options=5, points=2, multi_rule=MultiRule.PARTIAL
        ),
        Section("判断题", QuestionKind.TRUEFALSE, 40, points="0.5"),
    )
)


def synthetic(n: int, seed: int = 2022) -> tuple[np.ndarray, AnswerKey, list[str], list[str]]:
    """Responses from candidates of varied ability: right with probability = ability."""
    rng = np.random.default_rng(seed)
    single_key = rng.integers(0, 4, 60)
    multi_key = np.array(
        [int(rng.choice([3, 5, 6, 9, 12, 7, 11, 13, 14, 19, 21, 28, 31])) for _ in range(30)]
    )
    tf_key = rng.integers(0, 2, 40)
    key = AnswerKey.from_letters(
        {
            **{i + 1: format_answer(1 << int(k)) for i, k in enumerate(single_key)},
            **{61 + i: format_answer(int(k)) for i, k in enumerate(multi_key)},
            **{91 + i: format_answer(1 << int(k)) for i, k in enumerate(tf_key)},
        }
    )
    responses = np.empty((n, 130), dtype=np.uint8)
    for lo in range(0, n, 100_000):
        c = min(100_000, n - lo)
        ability = rng.uniform(0.3, 0.95, (c, 1))
        right = rng.random((c, 130)) < ability
        block = np.empty((c, 130), dtype=np.uint8)
        wrong_single = (single_key + rng.integers(1, 4, (c, 60))) % 4
        block[:, :60] = np.where(right[:, :60], 1 << single_key, 1 << wrong_single)
        block[:, 60:90] = np.where(right[:, 60:90], multi_key, rng.integers(1, 32, (c, 30)))
        block[:, 90:] = np.where(right[:, 90:], 1 << tf_key, 1 << (1 - tf_key))
        block[rng.random((c, 130)) < 0.02] = 0
        responses[lo : lo + c] = block
    ids = [f"22{i:08d}" for i in range(n)]
    teams = [CITIES[i % 13] if i % 50 else "省厅本级" for i in range(n)]
    return responses, key, ids, teams


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--extras", action="store_true", help="also time item analysis and the result digest"
    )
    args = parser.parse_args()
    t0 = time.perf_counter()
    responses, key, ids, teams = synthetic(args.candidates)
    print(
        f"synthetic data: {args.candidates:,} x 130, {responses.nbytes / 1e6:.0f} MB uint8 "
        f"({time.perf_counter() - t0:.1f} s, not timed)"
    )
    absent = np.zeros(args.candidates, dtype=bool)
    absent[::997] = True

    inputs = GradingInputs(
        PAPER,
        GradingPolicy(),
        key,
        ids,
        responses,
        absent=absent,
        teams=teams,
        non_teams=["省厅本级"],
    )
    t, graded = median_time(lambda: grade(inputs), args.runs)
    print(
        f"  grade (score, totals, rank, awards, teams, national list)  {t * 1000:8.1f} ms"
        f"   (target < 5000 ms, median of {args.runs})"
    )
    scores, totals, ranking = graded.scores, graded.totals, graded.ranking
    awards, team, nat = graded.individual, graded.teams, graded.national
    assert scores is not None and totals is not None and ranking is not None
    assert awards is not None and team is not None and nat is not None
    if args.extras:
        t, _ = median_time(lambda: analyse_items(graded.responses, scores, key, PAPER), args.runs)
        print(f"  (extra) item analysis  {t * 1000:8.1f} ms")
        t, _ = median_time(lambda: graded.digest(inputs.policy), args.runs)
        print(f"  (extra) result digest  {t * 1000:8.1f} ms")
    best = totals.points(totals.total[ranking.order[0]])
    podium = ", ".join(f"{s.team} {s.award or '-'}" for s in team.standings[:3])
    print(f"scale {scores.scale} ticks/point, max {scores.describe_max()} points")
    print(f"ranked {ranking.ranked_count:,}, rank-1 total {best}")
    print(f"awards {len(awards.grants)} granted, {len(awards.pending)} pending ties")
    print(f"teams: {podium} ...; national {len(nat.selected)} + {len(nat.recommended)}")


if __name__ == "__main__":
    main()
