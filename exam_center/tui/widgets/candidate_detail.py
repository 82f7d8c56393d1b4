"""The selected candidate: identity, team, and eligibility with every failing rule."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from exam_center.domain.vocabulary import eligibility_rule_label
from exam_center.services.registration import CandidateRow


def describe_candidate(row: CandidateRow) -> Content:
    verdict = (
        "[b $success]✓ 符合参赛条件 eligible[/]"
        if row.eligible
        else "[b $error]✗ 不符合参赛条件 not eligible[/]"
    )
    lines = [
        Content.from_markup("[b]$name[/b]  $gender", name=row.name, gender=row.gender),
        Content(f"身份证号  {row.id_number}"),
        Content(f"代表队    {row.team}"),
        Content(f"单位      {row.unit}"),
        Content(""),
        Content.from_markup(verdict),
    ]
    for failure in row.failures:
        lines.append(
            Content.from_markup(
                "  • $m [dim]（条件 $r）[/dim]",
                m=failure.message,
                r=eligibility_rule_label(failure.rule),
            )
        )
    if row.prior_honours:
        lines += [Content(""), Content("既往荣誉 Prior honours")]
        lines += [Content(f"  • {honour} {year}") for honour, year in row.prior_honours]
    return Content("\n").join(lines)


class CandidateDetail(Static):
    DEFAULT_CSS = """
    CandidateDetail {
        border: round $surface-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
        height: 1fr;
    }
    """

    def on_mount(self) -> None:
        self.border_title = "资格详情 Eligibility"
        self.show(None)

    def show(self, row: CandidateRow | None) -> None:
        if row is None:
            self.update("选择一名考生查看资格详情\nselect a candidate to see why")
        else:
            self.update(describe_candidate(row))
