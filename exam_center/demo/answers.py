"""What the demo's candidates meant to answer: a key, and answers by ability."""

from __future__ import annotations

import random
from dataclasses import dataclass

from exam_center.domain.definition import ExamDefinition

LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class DemoQuestion:
    number: int
    kind: str
    options: int


def questions(definition: ExamDefinition) -> list[DemoQuestion]:
    out: list[DemoQuestion] = []
    number = 1
    for s in definition.objective_sections():
        for _ in range(s.count):
            out.append(DemoQuestion(number, s.kind, s.options))
            number += 1
    return out


def make_key(qs: list[DemoQuestion], rng: random.Random) -> dict[int, str]:
    key: dict[int, str] = {}
    for q in qs:
        labels = LETTERS[: q.options]
        if q.kind == "multi":
            key[q.number] = "".join(sorted(rng.sample(labels, rng.choice((2, 2, 3, 3, 4)))))
        else:
            key[q.number] = rng.choice(labels)
    return key


def answer_sheet(
    qs: list[DemoQuestion], key: dict[int, str], ability: float, rng: random.Random
) -> dict[int, str]:
    """Right with probability `ability`; otherwise a plausible wrong answer, rarely blank."""
    answers: dict[int, str] = {}
    for q in qs:
        labels = LETTERS[: q.options]
        right = key[q.number]
        roll = rng.random()
        if roll < 0.01:
            answers[q.number] = ""
        elif roll < 0.01 + ability:
            answers[q.number] = right
        elif q.kind == "multi":
            wrong = right
            while wrong == right:
                wrong = "".join(sorted(rng.sample(labels, rng.choice((1, 2, 3)))))
            answers[q.number] = wrong
        else:
            answers[q.number] = rng.choice([c for c in labels if c != right])
    return answers
