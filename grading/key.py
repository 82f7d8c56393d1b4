"""The answer key: question number -> one or more accepted answers, and voided questions.

Contract: an answer is a bitmask of letters (bit 0 = A), exactly as the scanner
reports responses. A question may accept alternatives ("A|B", or a list). A voided
question (作废) may keep or lack its answer; how it scores is the exam's VoidRule.
`AnswerKey.check(paper)` reports every problem at once, each naming its question.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from grading.errors import AnswerKeyError, AnswerParseError, KeyProblem
from grading.paper import MAX_OPTIONS, Paper, QuestionKind
from grading.policy import ScoringPolicy

LETTERS = "ABCDEFGHIJKLMNOP"
# Unambiguous true/false words; "T"/"F" are not accepted since F is also a letter.
TRUE_FALSE_WORDS = {"对": 0b01, "√": 0b01, "✓": 0b01, "错": 0b10, "×": 0b10, "✗": 0b10}
ALTERNATIVE_SEPARATOR = "|"


def parse_answer(text: str) -> int:
    """ "AC" -> 0b101; "对" -> A; letters in any order and case, whitespace ignored."""
    cleaned = "".join(text.split())
    if not cleaned:
        raise AnswerParseError(text, "empty answer")
    if cleaned in TRUE_FALSE_WORDS:
        return TRUE_FALSE_WORDS[cleaned]
    mask = 0
    for ch in cleaned.upper():
        bit = LETTERS.find(ch)
        if bit < 0:
            raise AnswerParseError(text, f"{ch!r} is not an option letter A..{LETTERS[-1]}")
        if mask & (1 << bit):
            raise AnswerParseError(text, f"letter {ch} appears twice")
        mask |= 1 << bit
    return mask


def parse_alternatives(spec: str | Sequence[str]) -> tuple[int, ...]:
    """ "A|B" or ["A", "B"] -> the accepted answers, in the order given."""
    parts = spec.split(ALTERNATIVE_SEPARATOR) if isinstance(spec, str) else list(spec)
    if not parts:
        raise AnswerParseError(str(spec), "no answer given")
    return tuple(parse_answer(p) for p in parts)


def format_answer(mask: int) -> str:
    """0b101 -> "AC"; 0 -> "" (blank)."""
    return "".join(LETTERS[b] for b in range(MAX_OPTIONS) if mask >> b & 1)


@dataclass(frozen=True)
class AnswerKey:
    """`answers[q]` are the accepted bitmasks of objective question q; `voided` are 作废."""

    answers: Mapping[int, tuple[int, ...]]
    voided: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "answers",
            {int(q): tuple(int(a) for a in alts) for q, alts in self.answers.items()},
        )
        object.__setattr__(self, "voided", frozenset(int(q) for q in self.voided))

    @classmethod
    def from_letters(
        cls, spec: Mapping[int, str | Sequence[str]], voided: Iterable[int] = ()
    ) -> AnswerKey:
        """Parse every answer; an unreadable one is reported with its question number."""
        answers: dict[int, tuple[int, ...]] = {}
        problems: list[KeyProblem] = []
        for q, text in spec.items():
            try:
                answers[int(q)] = parse_alternatives(text)
            except AnswerParseError as exc:
                problems.append(KeyProblem(int(q), f"{exc.reason} in {exc.text!r}"))
        if problems:
            raise AnswerKeyError(problems)
        return cls(answers, frozenset(voided))

    def accepted(self, question: int) -> tuple[int, ...]:
        return self.answers.get(question, ())

    def to_letters(self) -> dict[int, str]:
        return {
            q: ALTERNATIVE_SEPARATOR.join(format_answer(a) for a in alts)
            for q, alts in sorted(self.answers.items())
        }

    def corrected(self, question: int, spec: str | Sequence[str]) -> AnswerKey:
        """A copy with question's answer replaced (a key correction; auditing is the caller's)."""
        answers = dict(self.answers)
        answers[question] = parse_alternatives(spec)
        return AnswerKey(answers, self.voided)

    def with_voided(self, question: int, voided: bool = True) -> AnswerKey:
        v = set(self.voided)
        (v.add if voided else v.discard)(question)
        return AnswerKey(self.answers, frozenset(v))

    def problems(self, paper: Paper, policy: ScoringPolicy | None = None) -> tuple[KeyProblem, ...]:
        """Everything that is wrong with this key for `paper`, question by question."""
        policy = policy or ScoringPolicy()
        out: list[KeyProblem] = []
        q_max = paper.objective_count
        for q in sorted(set(self.answers) | self.voided):
            if not 1 <= q <= q_max:
                what = "a subjective question" if q <= len(paper.questions) and q > 0 else "unknown"
                out.append(KeyProblem(q, f"not an objective question of the paper ({what})"))
        for question in paper.objective_questions:
            q = question.number
            alts = self.answers.get(q, ())
            if not alts:
                if q not in self.voided:
                    out.append(KeyProblem(q, "no answer in the key"))
                continue
            if len(set(alts)) != len(alts):
                out.append(KeyProblem(q, "an alternative is listed twice"))
            for a in alts:
                shown = format_answer(a) or "(blank)"
                if a <= 0:
                    out.append(KeyProblem(q, "an accepted answer is blank"))
                    continue
                if a >> question.options:
                    last = LETTERS[question.options - 1]
                    out.append(KeyProblem(q, f"{shown} uses a letter beyond A..{last}"))
                letters = a.bit_count()
                if question.kind in (QuestionKind.SINGLE, QuestionKind.TRUEFALSE) and letters != 1:
                    out.append(
                        KeyProblem(q, f"{shown}: a {question.kind} key has exactly one letter")
                    )
                if (
                    question.kind is QuestionKind.MULTI
                    and letters < 2
                    and not policy.allow_single_letter_multi_key
                ):
                    out.append(
                        KeyProblem(q, f"{shown}: a multiple-choice key has at least 2 letters")
                    )
        return tuple(out)

    def check(self, paper: Paper, policy: ScoringPolicy | None = None) -> None:
        """Raise AnswerKeyError listing every problem, or return quietly."""
        problems = self.problems(paper, policy)
        if problems:
            raise AnswerKeyError(problems)
