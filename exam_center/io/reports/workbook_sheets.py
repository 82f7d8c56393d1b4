"""The rows of each export sheet, as plain lists of cells: shared by the workbook and
the CSV files so both say the same thing in the same columns."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from exam_center.domain.vocabulary import FINAL, NOT_FINAL
from exam_center.io.reports.results_tables import AwardRow, ResultsTables

Cell = str | int | float | None
Row = list[Cell]

# Number formats: scores always with two decimals (97.50, 88.00); counts and ranks whole.
SCORE = "0.00"
WHOLE = "0"
COUNT_KEYS = ("空题数",)  # tie keys that count questions rather than add points

FLAG_WORDS = {
    "negative_discrimination": "区分度为负",
    "top_group_prefers_other": "高分组偏选其他选项，请核对答案",
}


def rank_header(tables: ResultsTables) -> list[str]:
    keys = [f"比较{i}：{k}" for i, k in enumerate(tables.tie_keys, start=1)]
    return ["名次", "准考证号", "姓名", "设区市", "单位", "客观题", "主观题", "总分", *keys, "状态"]


def _is_count(label: str) -> bool:
    return label.startswith(COUNT_KEYS)


def rank_formats(tables: ResultsTables) -> dict[int, str]:
    """Number formats by column (1-based) of `rank_rows`."""
    formats = {1: WHOLE, 6: SCORE, 7: SCORE, 8: SCORE}
    for i, label in enumerate(tables.tie_keys, start=9):
        formats[i] = WHOLE if _is_count(label) else SCORE
    return formats


def _key_value(label: str, value: float) -> Cell:
    return int(value) if _is_count(label) and float(value).is_integer() else value


def rank_rows(tables: ResultsTables) -> list[Row]:
    width = len(tables.tie_keys)
    return [
        [
            r.rank,
            r.admission_no,
            r.name,
            r.team,
            r.unit,
            r.objective,
            r.subjective,
            r.total,
            *(
                None if v is None else _key_value(label, v)
                for label, v in zip(
                    tables.tie_keys, (list(r.tie_keys) + [None] * width)[:width], strict=True
                )
            ),
            r.status,
        ]
        for r in tables.ranking
    ]


def award_rows(rows: Sequence[AwardRow]) -> list[Row]:
    return [[a.award, a.rank, a.admission_no, a.name, a.team, a.unit, a.note] for a in rows]


AWARD_FORMATS = {2: WHOLE}
TEAM_FORMATS = {1: WHOLE, 3: WHOLE, 4: WHOLE, 5: SCORE}
NATIONAL_FORMATS = {2: WHOLE, 3: WHOLE}


def team_header() -> list[str]:
    return ["名次", "设区市", "参赛人数", "实到人数", "总成绩", "奖项", "优秀组织奖"]


def team_rows(tables: ResultsTables) -> list[Row]:
    return [
        [
            t.rank,
            t.team,
            t.members,
            t.present,
            t.total,
            t.award,
            "岗位练兵优秀组织奖" if t.organisation_award else "",
        ]
        for t in tables.teams
    ]


def national_sheet(
    tables: ResultsTables,
) -> tuple[list[str], list[str], list[Row], list[tuple[str, list[str], list[Row]]]]:
    """(lines above the table, header, rows, further blocks)."""
    n = tables.national
    selected = sum(r.category == "省选" for r in n.rows)
    recommended = len(n.rows) - selected
    lead = [f"省选 {selected} 人；推荐 {recommended} 人；{n.drawn_heading} {n.drawn_count} 人"]
    if n.draw == "simulation":
        label = n.draw_label or "模拟抽取（演练用，不是人社部的抽取结果）"
        lead.append(label if label.startswith("模拟") else f"模拟抽取（演练用）：{label}")
    elif n.draw == "ministry":
        lead.append(f"人社部抽取结果（导入）{n.draw_label}".rstrip())
    else:
        lead.append("人社部尚未抽取（未导入抽取结果）")
    header = ["类别", "序号", "全省名次", "准考证号", "姓名", "设区市", "单位", n.drawn_heading]
    rows: list[Row] = [
        [
            r.category,
            r.position,
            r.rank,
            r.admission_no,
            r.name,
            r.team,
            r.unit,
            n.drawn_mark if r.drawn else "",
        ]
        for r in n.rows
    ]
    award_header = ["荣誉", "全国名次", "准考证号", "姓名", "设区市", "单位", "备注"]
    blocks = [
        ("名单边界并列，待决定", award_header, award_rows(n.pending)),
        ("全国比试结果带来的荣誉", award_header, award_rows(n.honours)),
    ]
    return lead, header, rows, blocks


def _share(value: float | None) -> float | None:
    """Four decimals: more than any reader of these statistics needs."""
    return None if value is None else round(value, 4)


def _flag_text(flag: str) -> str:
    reason, _, detail = flag.partition(": ")
    words = FLAG_WORDS.get(reason, reason)
    return f"{words}（{detail}）" if detail else words


def item_sheet(tables: ResultsTables) -> tuple[list[Row], list[str], list[Row], dict[int, str]]:
    """(rows above the table, header, rows, number formats by column)."""
    report = tables.items
    letters = "ABCDEFGH"
    options = max((len(i.option_frequencies) for i in report.items), default=0) if report else 0
    header = ["题号", "题型", "答案", "难度", "区分度 rpb", "D 27%", "空答率"]
    header += [f"选{letters[j]}" for j in range(options)] + ["提示"]
    if report is None:
        return [["试题分析不可用：尚无答案，或有效考生不足 2 人"], []], header, [], {}
    lead: list[Row] = [
        ["KR-20（客观题信度）", round(report.kr20, 4)],
        ["参与分析人数", report.candidates],
        ["难度为答对率；rpb 为点二列相关；D 为前 27% 与后 27% 考生答对率之差；选项列为选择比例"],
        [],
    ]
    rows: list[Row] = []
    for item in report.items:
        freq = [_share(item.option_frequencies.get(letters[j])) for j in range(options)]
        rows.append(
            [
                item.number,
                item.section,
                item.key,
                _share(item.difficulty),
                _share(item.point_biserial),
                _share(item.upper_lower),
                _share(item.blank_rate),
                *freq,
                "；".join(_flag_text(f) for f in item.flags),
            ]
        )
    formats = {4: "0.00", 5: "0.00", 6: "0.00", 7: "0.0%"}
    formats.update({8 + j: "0.0%" for j in range(options)})
    return lead, header, rows, formats


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def local_time(at: datetime | None) -> str:
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S (UTC%z)")


def notes_rows(tables: ResultsTables) -> list[tuple[str, str]]:
    info = tables.info
    rows = [
        ("考试", info.title),
        ("考试日期", chinese_date(info.exam_date)),
        ("考试地点", info.venue),
        ("状态", FINAL if info.final else NOT_FINAL),
    ]
    if info.final:
        rows += [
            ("定稿时间", local_time(info.finalised_at)),
            ("定稿人", info.finalised_by),
            ("结果摘要", f"SHA-256 {info.digest}"),
        ]
        if info.digest_recomputed is not None:
            rows.append(
                (
                    "摘要核对",
                    "按当前数据重新计算，与定稿摘要一致"
                    if info.digest_recomputed
                    else "按当前数据重新计算，与定稿摘要不一致：定稿后数据有变动，请核查",
                )
            )
    rows += [
        ("数据来源", info.source),
        ("答案版本", "" if info.key_version is None else f"第 {info.key_version} 版"),
        ("试题分析", "按导出时的数据计算，不在结果摘要之内"),
    ]
    rows += [(f"政策：{name}", value) for name, value in info.policies]
    rows += [("试卷", line) for line in info.paper]
    rows += [("导出时间", local_time(info.exported_at)), ("导出人", info.exported_by)]
    rows += [("警告", w) for w in info.warnings]
    return rows
