"""What the grading screen shows, read once per refresh in a worker: the answer key's
versions, the double-marking issues, how many subjective scores are stored and whether
the results are final; the rows of its tables and the summaries of its imports, as text."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from exam_center.services import exams, marking, results
from exam_center.services.marking import KeyImport, KeyVersionRow, ScoresImport
from exam_center.services.results import MarkingIssueRow
from exam_center.services.signoff import SignOffPending
from exam_center.tui.dialogs.import_file import Checked
from exam_center.tui.screens.audit import local_time

Row = tuple[str, ...]

# What the officer acts on first comes first: disagreements between markers, then
# scores that cannot stand, then marks not entered yet.
ISSUE_LABELS = {
    "third_marking_required": "须三评 third marking required",
    "exceeds_tolerance": "超出误差 exceeds tolerance",
    "out_of_range": "超出分值 out of range",
    "off_step": "非计分步长 off step",
    "missing_mark": "缺评分 missing mark",
    "third_marking_unused": "三评未采用 third marking unused",
}
ISSUE_ORDER = {reason: i for i, reason in enumerate(ISSUE_LABELS)}
MARKERS = {1: "一评 1", 2: "二评 2", 3: "三评 3", None: "一/二评"}

KEY_CORRECTION = "更正答案会重新计分所有考生 a key correction re-scores every candidate"


@dataclass(frozen=True)
class GradingScene:
    versions: list[KeyVersionRow]  # newest first
    issues: list[MarkingIssueRow]  # in the order shown
    marks: int
    finalised: bool

    @property
    def blocking(self) -> int:
        return sum(i.blocking for i in self.issues)


def grading_scene(session: Session) -> GradingScene:
    issues = sorted(
        results.marking_issues(session=session),
        key=lambda i: ISSUE_ORDER.get(i.reason, len(ISSUE_ORDER)),
    )
    return GradingScene(
        marking.key_versions(session=session),
        issues,
        marking.subjective_count(session),
        exams.exam_summary(session=session).finalised,
    )


def question_ranges(questions: Iterable[int]) -> str:
    """1, 2, 3, 7, 9, 10 -> "1–3, 7, 9–10": a whole new key stays one line."""
    out: list[str] = []
    numbers = sorted(set(questions))
    start: int | None = None
    prev: int | None = None
    for q in [*numbers, None]:
        if prev is not None and q == prev + 1:
            prev = q
            continue
        if start is not None:
            out.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = q
    return ", ".join(out) or "—"


def issue_label(reason: str) -> str:
    return ISSUE_LABELS.get(reason, reason)


def summary_line(scene: GradingScene) -> str:
    if scene.versions:
        v = scene.versions[0]
        voided = f"，作废 {len(v.voided)} 题 voided" if v.voided else ""
        key = f"答案 第 {v.version} 版 key v{v.version}：{v.questions} 题{voided}"
    else:
        key = "尚无答案 no answer key yet"
    counts = Counter(i.reason for i in scene.issues)
    if counts:
        kinds = "，".join(f"{issue_label(r).split()[0]} {n}" for r, n in counts.items())
        issues = f"评分问题 {len(scene.issues)} issues（{kinds}；阻断 {scene.blocking} blocking）"
    else:
        issues = "评分问题 0 issues"
    state = " · 已定稿 finalised: 须先重开 reopen first" if scene.finalised else ""
    return f"{key} · 主观分 {scene.marks} 条 marks · {issues}{state}"


def version_row(v: KeyVersionRow) -> Row:
    return (
        f"v{v.version}",
        str(v.questions),
        question_ranges(v.voided) if v.voided else "",
        v.created_by,
        local_time(v.created_at)[:16],
        Path(v.source).name,  # the folder is the importing machine's; the name says enough
        v.reason or ("首次导入 first key" if v.version == 1 else ""),
    )


def issue_row(i: MarkingIssueRow) -> Row:
    return (
        i.admission_no or "—",
        i.name,
        str(i.question),
        issue_label(i.reason),
        MARKERS.get(i.marker, str(i.marker)),
        "阻断" if i.blocking else "提示",
        i.detail,
    )


def describe_key_import(found: KeyImport | SignOffPending, *, dry_run: bool) -> Checked:
    if isinstance(found, SignOffPending):
        return Checked(found.message())
    voided = f"，作废 voided {question_ranges(found.voided)}" if found.voided else ""
    what = f"答案第 {found.version} 版 key v{found.version}：{found.questions} 题{voided}"
    if found.changed:
        what += f"\n改动的题 changed questions: {question_ranges(found.changed)}"
    if not dry_run:
        return Checked(f"已导入 stored {what}")
    return Checked(what, KEY_CORRECTION if found.changed else "")


def describe_scores_import(found: ScoresImport, *, dry_run: bool) -> Checked:
    what = f"{found.rows} 条成绩 rows：新增 {found.added} new，修改 {found.changed} changed"
    if not dry_run:
        return Checked(f"已导入 stored {what}")
    reason = (
        f"{found.changed} 条已录入的成绩将被修改 {found.changed} stored score(s) would change"
        if found.changed
        else ""
    )
    return Checked(what, reason)
