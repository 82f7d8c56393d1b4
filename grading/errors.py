"""The errors of the grading library.

Every failure is a subclass of `GradingError` carrying, as attributes, what went
wrong (question numbers, rows, candidate ids), so the services, CLI and TUI can
say it in one clear message without parsing text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class GradingError(Exception):
    """Base of every error the grading library raises."""


class PolicyError(GradingError):
    """A policy or rule parameter is out of its domain."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


class PaperError(GradingError):
    """The paper structure is inconsistent (names the section when there is one)."""

    def __init__(self, message: str, section: str | None = None) -> None:
        self.section = section
        super().__init__(f"section {section!r}: {message}" if section else message)


@dataclass(frozen=True)
class KeyProblem:
    """One thing wrong with an answer key; `question` is None for a whole-key problem."""

    question: int | None
    reason: str

    def __str__(self) -> str:
        where = f"question {self.question}" if self.question is not None else "key"
        return f"{where}: {self.reason}"


class AnswerKeyError(GradingError):
    """The answer key cannot be used; lists every problem found, each naming its question."""

    def __init__(self, problems: Iterable[KeyProblem]) -> None:
        self.problems: tuple[KeyProblem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid answer key")

    @property
    def questions(self) -> tuple[int, ...]:
        return tuple(sorted({p.question for p in self.problems if p.question is not None}))


class AnswerParseError(GradingError):
    """A written answer ("AC", "A|B", "对") cannot be read."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"answer {text!r}: {reason}")


class ResponseError(GradingError):
    """The response matrix does not fit the paper (shape, dtype, an option it does not have)."""

    def __init__(
        self, message: str, *, row: int | None = None, question: int | None = None
    ) -> None:
        self.row = row
        self.question = question
        super().__init__(message)


class MarksError(GradingError):
    """Subjective mark arrays of the wrong shape or type (not a marking issue: those are
    reported, never raised)."""


class TieDecisionError(GradingError):
    """A recorded tie decision is malformed (winners not among the tied, duplicates...)."""


class TeamError(GradingError):
    """Team labels, non-team names or organisation awards that do not match the teams."""

    def __init__(self, message: str, names: Iterable[str] = ()) -> None:
        self.names: tuple[str, ...] = tuple(names)
        super().__init__(message + (f": {', '.join(self.names)}" if self.names else ""))


class NationalListError(GradingError):
    """The national list, a draw or the imported national results are inconsistent."""

    def __init__(self, message: str, candidate_ids: Iterable[str] = ()) -> None:
        self.candidate_ids: tuple[str, ...] = tuple(candidate_ids)
        shown = ", ".join(self.candidate_ids[:20])
        more = f" (+{len(self.candidate_ids) - 20} more)" if len(self.candidate_ids) > 20 else ""
        super().__init__(message + (f": {shown}{more}" if shown else ""))


class RankingError(GradingError):
    """Totals or ranking inputs that do not fit together (lengths, duplicate ids)."""
