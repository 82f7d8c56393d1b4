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
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the shared synthetic exam in tests/

from grading import (  # noqa: E402
    AnswerKey,
    GradingInputs,
    GradingPolicy,
    analyse_items,
    grade,
)
from tests import synthetic_exam  # noqa: E402

PAPER = synthetic_exam.paper(cases=0)


def synthetic(n: int, seed: int = 2022) -> tuple[np.ndarray, AnswerKey, list[str], list[str]]:
    """Responses from candidates of varied ability: right with probability = ability."""
    rng = np.random.default_rng(seed)
    masks = synthetic_exam.key_masks(rng)
    responses = synthetic_exam.responses(masks, n, rng, ability=(0.3, 0.95), blank=0.02)
    ids = synthetic_exam.admission_numbers(n, prefix="22")
    return responses, synthetic_exam.answer_key(masks), ids, synthetic_exam.teams(n, None)


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
