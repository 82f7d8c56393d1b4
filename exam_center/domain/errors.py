"""Domain errors. Each carries what a person needs to fix the problem: the file,
row, column, key or page, and one clear message. The CLI and TUI print them."""

from __future__ import annotations

from dataclasses import dataclass, field


class ExamCenterError(Exception):
    """Base of every error the CLI and TUI turn into one clear message."""


class WorkspaceError(ExamCenterError):
    """The workspace or its database cannot be used as it stands."""


class WorkspaceMissing(WorkspaceError):
    """The workspace named (or the default one) holds no exam: a command other than
    init or demo never creates one, so a mistyped --workspace is said, not hidden."""


class SchemaTooNew(WorkspaceError):
    """The database was written by a newer exam-center than this one."""


class NoExam(ExamCenterError):
    def __init__(self) -> None:
        super().__init__(
            "此工作区尚无考试，请先运行 `exam-center init EXAM.toml` "
            "(no exam in this workspace yet)"
        )


class ExamExists(ExamCenterError):
    """`init` on a workspace that already holds an exam."""


@dataclass(frozen=True)
class DefinitionProblem:
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


class DefinitionError(ExamCenterError):
    """The exam definition (TOML) is invalid; every problem names its key."""

    def __init__(self, source: str, problems: list[DefinitionProblem]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s) in the exam definition\n{lines}")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportRejected(ExamCenterError):
    """A roster-like file with errors: nothing was imported."""

    source: str
    problems: list[RowProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        head = f"{self.source}: {len(self.problems)} error(s); nothing was imported"
        return head + "".join(f"\n  {p}" for p in self.problems)


class FileFormatError(ExamCenterError):
    """A file that cannot be read at all (format, encoding, missing header)."""


class PathProblem(ExamCenterError):
    """A file or folder named on the command line cannot be used as it stands."""


class NotAllowed(ExamCenterError):
    """An action refused in the exam's current state, with the reason."""


class PlanInfeasible(ExamCenterError):
    """Seating or invigilation cannot be done with these inputs; diagnostics say why."""

    def __init__(self, what: str, diagnostics: list[dict[str, object]]) -> None:
        self.diagnostics = diagnostics
        lines = "".join(f"\n  [{d['code']}] {d['message']}" for d in diagnostics)
        super().__init__(f"{what} is not possible with these inputs:{lines}")
