"""The paper's structure: sections, question numbering, points and kinds.

Contract: objective questions are numbered 1..Q in section order (the column order of
the response matrix); subjective questions are numbered Q+1..Q+S after them, in
section order, whatever the order the sections were given in. Points, partial
fractions and maxima are exact Fractions. Options are letters A.. (bit 0 = A); a
true/false question has exactly two, A = 对 (true) and B = 错 (false).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction

from grading.errors import PaperError, PolicyError
from grading.exact import Number, as_fraction
from grading.policy import MultiRule

MAX_OPTIONS = 16  # a uint16 bitmask holds 16 letters, A..P


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    TRUEFALSE = "truefalse"
    SUBJECTIVE = "subjective"

    @property
    def objective(self) -> bool:
        return self is not QuestionKind.SUBJECTIVE


_DEFAULT_OPTIONS = {
    QuestionKind.SINGLE: 4,
    QuestionKind.MULTI: 4,
    QuestionKind.TRUEFALSE: 2,
    QuestionKind.SUBJECTIVE: 0,
}


@dataclass(frozen=True)
class Section:
    """`count` questions of one kind, each worth `points` (a subjective question's maximum).

    `options` defaults by kind (4; 2 for true/false; 0 for subjective). `multi_rule` and
    `partial_fraction` apply to multiple choice only. Numbers are stored as Fractions.
    """

    name: str
    kind: QuestionKind
    count: int
    options: int | None = None
    points: Number = Fraction(1)
    multi_rule: MultiRule = MultiRule.ALL_OR_NOTHING
    partial_fraction: Number = Fraction(1, 2)

    def __post_init__(self) -> None:
        kind = QuestionKind(self.kind)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "multi_rule", MultiRule(self.multi_rule))
        if not self.name.strip():
            raise PaperError("a section needs a name")
        if self.count < 1:
            raise PaperError("count must be >= 1", self.name)
        options = _DEFAULT_OPTIONS[kind] if self.options is None else self.options
        object.__setattr__(self, "options", options)
        if kind is QuestionKind.TRUEFALSE and options != 2:
            raise PaperError("a true/false question has exactly 2 options (对/错)", self.name)
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTI) and not 2 <= options <= MAX_OPTIONS:
            raise PaperError(f"options must be within 2..{MAX_OPTIONS}", self.name)
        try:
            points = as_fraction(self.points, field="points")
            fraction = as_fraction(self.partial_fraction, field="partial_fraction")
        except PolicyError as exc:
            raise PaperError(str(exc), self.name) from exc
        if points <= 0:
            raise PaperError("points must be > 0", self.name)
        if not 0 < fraction < 1:
            raise PaperError("partial_fraction must be within (0, 1)", self.name)
        if kind is not QuestionKind.MULTI and self.multi_rule is not MultiRule.ALL_OR_NOTHING:
            raise PaperError("partial credit applies to multiple choice only", self.name)
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "partial_fraction", fraction)


@dataclass(frozen=True)
class Question:
    """One question as the paper numbers it; `column` is its index in the response matrix
    (objective) or in the subjective marks arrays (subjective)."""

    number: int
    column: int
    section: str
    kind: QuestionKind
    options: int
    points: Fraction
    multi_rule: MultiRule
    partial_fraction: Fraction


@dataclass(frozen=True)
class Paper:
    sections: tuple[Section, ...]
    questions: tuple[Question, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        sections = tuple(self.sections)
        object.__setattr__(self, "sections", sections)
        if not sections:
            raise PaperError("a paper needs at least one section")
        names = [s.name for s in sections]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise PaperError(f"section names appear twice: {', '.join(dupes)}")
        questions: list[Question] = []
        for objective in (True, False):
            column = 0
            for s in sections:
                if s.kind.objective is not objective:
                    continue
                for _ in range(s.count):
                    questions.append(
                        Question(
                            number=len(questions) + 1,
                            column=column,
                            section=s.name,
                            kind=s.kind,
                            options=int(s.options or 0),
                            points=as_fraction(s.points, field="points"),
                            multi_rule=s.multi_rule,
                            partial_fraction=as_fraction(s.partial_fraction, field="fraction"),
                        )
                    )
                    column += 1
        object.__setattr__(self, "questions", tuple(questions))

    @property
    def objective_count(self) -> int:
        return sum(s.count for s in self.sections if s.kind.objective)

    @property
    def subjective_count(self) -> int:
        return sum(s.count for s in self.sections if not s.kind.objective)

    @property
    def objective_questions(self) -> tuple[Question, ...]:
        return self.questions[: self.objective_count]

    @property
    def subjective_questions(self) -> tuple[Question, ...]:
        return self.questions[self.objective_count :]

    @property
    def objective_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind.objective)

    @property
    def subjective_sections(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if not s.kind.objective)

    def question(self, number: int) -> Question:
        if not 1 <= number <= len(self.questions):
            raise PaperError(f"there is no question {number} (1..{len(self.questions)})")
        return self.questions[number - 1]

    def section_columns(self, objective: bool) -> dict[str, tuple[int, int]]:
        """Section name -> (start, stop) column range in the objective or subjective arrays."""
        out: dict[str, tuple[int, int]] = {}
        start = 0
        for s in self.sections:
            if s.kind.objective is objective:
                out[s.name] = (start, start + s.count)
                start += s.count
        return out

    @property
    def objective_max(self) -> Fraction:
        return sum((q.points for q in self.objective_questions), Fraction(0))

    @property
    def subjective_max(self) -> Fraction:
        return sum((q.points for q in self.subjective_questions), Fraction(0))
