"""Beside the sheet's image: what the reader read and measured, why the item is in the
queue, and the marks the reviewer is setting."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from exam_center.domain.vocabulary import REVIEW_KIND_LABELS, review_status_label
from exam_center.services.conflicts import ConflictPair
from exam_center.services.review import ReviewRow

KIND_LABELS = REVIEW_KIND_LABELS
BAR = 12  # cells for a fill of 1.0


def who(row: ReviewRow) -> str:
    if row.admission_no:
        return f"{row.admission_no} {row.candidate_name or ''}".rstrip()
    return f"页面 {row.page_id}（考生未知 candidate not known）"


def darkness_bars(row: ReviewRow) -> Text:
    """Each option's measured darkness as a bar, against the darkest on the question.
    The sheet's own blank and pencil levels are not in the review row, so the raw
    measures are shown as they are (the reason gives the doubtful one's fill)."""
    out = Text()
    top = max((*row.measures, 0.3))
    for label, measure in zip(row.labels, row.measures, strict=False):
        if out:
            out.append("\n")
        filled = max(0, min(BAR, round(measure / top * BAR)))
        out.append(f"  {label} ", style="bold")
        out.append("█" * filled, style="#8ab4f8")
        out.append("·" * (BAR - filled), style="dim")
        out.append(f" {measure:.3f}")
    return out


def describe_item(row: ReviewRow) -> Text:
    out = Text()
    out.append(who(row), style="bold")
    what = f"第 {row.question} 题" if row.question is not None else ""
    label = KIND_LABELS.get(row.kind, row.kind)
    if (row.kind, row.status) == ("admission", "mismatch"):  # services.sheet_identity
        label = "二维码与填涂不一致 the sheet's code and its filled number disagree"
    out.append(f"  {what} {label}\n")
    out.append(f"原因 Why: {row.reason or review_status_label(row.status)}\n", style="#e5a50a")
    if row.kind == "question":
        out.append("读到 Read: ")
        out.append(row.read_marks or "（空 blank）", style="bold")
        out.append(f"   状态 {review_status_label(row.status)} · 可疑度 doubt {row.doubt:.2f}\n")
        out.append("涂黑度 Darkness measured:\n", style="dim")
        out.append_text(darkness_bars(row))
    else:
        out.append(f"可疑度 doubt {row.doubt:.2f} · 状态 {review_status_label(row.status)}")
    return out


def describe_decision(row: ReviewRow | None, marks: set[str]) -> Text:
    out = Text()
    if row is None:
        return Text("队列已空 The queue is empty", style="dim")
    if row.kind == "conflict":
        out.append("enter", style="bold reverse")
        out.append(" 并排比较 compare full width    ")
        out.append("k", style="bold reverse")
        out.append(" 采用此扫描 keep this scan    ")
        out.append("x", style="bold reverse")
        out.append(" 弃用此扫描 set it aside")
        return out
    if row.kind == "admission":
        out.append("enter", style="bold reverse")
        out.append(" 填写准考证号 give the admission number")
        return out
    if row.kind == "identify":
        out.append("enter", style="bold reverse")
        out.append(
            " 按页眉填写准考证号（及页码） give the admission number (and page) in the header"
        )
        return out
    out.append("判定 Decision: ")
    for label in row.labels:
        chosen = label in marks
        out.append(f" {label} ", style="bold black on #81c995" if chosen else "dim")
        out.append(" ")
    out.append(" → ")
    out.append("".join(sorted(marks)) or "（空 blank）", style="bold")
    out.append("\n按字母切换，enter 确认 letters toggle, enter confirms", style="dim")
    return out


class ReviewFacts(Static):
    DEFAULT_CSS = """
    ReviewFacts {
        padding: 0 1;
        height: auto;
    }
    """


SHOWN_DIFFERENCES = 12


def describe_differences(pair: ConflictPair) -> Text:
    """The questions the two scans read differently, in force against rescan, and
    which one each key keeps."""
    out = Text("两次扫描读数不同 the two scans read differently:", style="bold")
    if pair.in_force is None:
        out.append("\n  现用扫描已不在 the scan in force was set aside")
    elif not pair.differences:
        out.append("\n  读数完全相同 same marks on every question: keep the better image")
    for d in pair.differences[:SHOWN_DIFFERENCES]:
        out.append(f"\n  第 {d.question} 题  现用 ")
        out.append(d.in_force or "空", style="bold")
        out.append("  ｜  重扫 ")
        out.append(d.rescan or "空", style="bold #f0b429")
    more = len(pair.differences) - SHOWN_DIFFERENCES
    if more > 0:
        out.append(f"\n  … 另有 {more} 题 and {more} more")
    out.append(
        "\n按 k 采用重扫 keep the rescan · 按 x 保留现用 keep the scan in force", style="dim"
    )
    return out
