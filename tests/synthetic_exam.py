"""The synthetic provincial exam the grading tests and benchmarks share: the 13 cities, the
example paper (60 单选, 30 多选 with partial credit, 40 判断, optional 案例分析), a key, and
responses from candidates of varied ability, drawn with NumPy so a million rows take seconds.

Pure grading inputs (no database, no app): `tests/grading` and `benchmarks/bench_grading.py`
build on it; the app's own demo data lives in `exam_center/demo/synth.py`."""

from __future__ import annotations

import numpy as np

from grading import AnswerKey, MultiRule, Paper, QuestionKind, Section, format_answer

CITIES = (
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
)
UNRANKED = "省厅本级"  # the department's own contestants: ranked individually, no team
SINGLE, MULTI, TRUEFALSE = 60, 30, 40
OBJECTIVE = SINGLE + MULTI + TRUEFALSE
# Multi-answer keys of two to five of the five options, as a setter writes them.
MULTI_KEYS = (3, 5, 6, 7, 9, 10, 11, 12, 13, 14, 17, 19, 21, 24, 28, 31)


def paper(cases: int = 2) -> Paper:
    """The example paper: 0.5 a 单选 and 判断, 1.0 a 多选 (partial credit), 10 a case."""
    sections = [
        Section("单项选择题", QuestionKind.SINGLE, SINGLE, options=4, points=0.5),
        Section(
            "多项选择题",
            QuestionKind.MULTI,
            MULTI,
            options=5,
            points=1.0,
            multi_rule=MultiRule.PARTIAL,
        ),
        Section("判断题", QuestionKind.TRUEFALSE, TRUEFALSE, points=0.5),
    ]
    if cases:
        sections.append(Section("案例分析题", QuestionKind.SUBJECTIVE, cases, points=10.0))
    return Paper(tuple(sections))


def key_masks(rng: np.random.Generator) -> np.ndarray:
    """The right answer of each objective question as a bitmask (A = 1, B = 2, …)."""
    single = 1 << rng.integers(0, 4, SINGLE)
    multi = rng.choice(np.array(MULTI_KEYS), MULTI)
    truefalse = 1 << rng.integers(0, 2, TRUEFALSE)
    return np.concatenate([single, multi, truefalse]).astype(np.uint8)


def answer_key(masks: np.ndarray) -> AnswerKey:
    return AnswerKey.from_letters({i + 1: format_answer(int(m)) for i, m in enumerate(masks)})


def responses(
    masks: np.ndarray,
    n: int,
    rng: np.random.Generator,
    *,
    ability: tuple[float, float] = (0.4, 0.95),
    blank: float = 0.0,
) -> np.ndarray:
    """n candidates' answers: right with probability = the candidate's ability, otherwise a
    wrong single option (or any other set of options on a 多选); `blank` of them left empty.
    Drawn in blocks so that memory stays flat at a million candidates."""
    out = np.empty((n, OBJECTIVE), dtype=np.uint8)
    single, tf = slice(0, SINGLE), slice(SINGLE + MULTI, OBJECTIVE)
    single_key = np.log2(masks[single]).astype(np.int64)
    tf_key = np.log2(masks[tf]).astype(np.int64)
    for lo in range(0, n, 100_000):
        c = min(100_000, n - lo)
        right = rng.random((c, OBJECTIVE)) < rng.uniform(*ability, (c, 1))
        block = np.empty((c, OBJECTIVE), dtype=np.uint8)
        wrong_single = (single_key + rng.integers(1, 4, (c, SINGLE))) % 4
        block[:, single] = np.where(right[:, single], masks[single], 1 << wrong_single)
        multi = slice(SINGLE, SINGLE + MULTI)
        other = rng.integers(1, 32, (c, MULTI)).astype(np.uint8)
        other = np.where(other == masks[multi], other ^ 1, other)  # a wrong set is wrong
        block[:, multi] = np.where(right[:, multi], masks[multi], other)
        block[:, tf] = np.where(right[:, tf], masks[tf], 1 << (1 - tf_key))
        if blank:
            block[rng.random((c, OBJECTIVE)) < blank] = 0
        out[lo : lo + c] = block
    return out


def case_marks(
    n: int, rng: np.random.Generator, cases: int = 2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Double-marked cases out of 10 in half points: the first and second marker, and a
    third where the two differ by more than 2 points (NaN elsewhere)."""
    first = np.round(rng.uniform(3, 10, (n, cases)) * 2) / 2
    second = np.clip(first + rng.choice([-1, -0.5, 0, 0.5, 1, 3.5], (n, cases)), 0, 10)
    third = np.where(np.abs(first - second) > 2, np.round(first + second), np.nan) / 2
    return first, second, third


def admission_numbers(n: int, prefix: str = "2207") -> list[str]:
    width = max(4, len(str(n - 1)))
    return [f"{prefix}{i:0{width}d}" for i in range(n)]


def teams(n: int, per_city: int | None = 10) -> list[str]:
    """Each city's best `per_city` in turn, then the department's own; without `per_city`,
    cities in rotation with every 50th candidate the department's (for national sizes)."""
    if per_city is None:
        return [CITIES[i % len(CITIES)] if i % 50 else UNRANKED for i in range(n)]
    return [CITIES[i // per_city] if i < per_city * len(CITIES) else UNRANKED for i in range(n)]
