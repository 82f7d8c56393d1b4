"""The exam's policies and paper in the words an exports reader expects (Chinese),
from the policy record stored with the results and from the exam definition. An
unknown setting is shown as it is stored rather than dropped."""

from __future__ import annotations

from typing import Any

from exam_center.domain.definition import ExamDefinition
from exam_center.io.reports.results_tables import tie_key_label

VOIDED = {"full_marks": "作废题全体考生得满分", "exclude": "作废题不计入总分"}
SUBJECTIVE_FINAL = {
    "mean_two": "取两评平均分",
    "closest_two": "三评时取最接近的两评平均分",
    "arbiter": "三评时以仲裁评分为准",
}
PRIOR_HONOUR = {"pass_down": "名额依次顺延", "lapse": "名额空缺"}
KIND = {"single": "单项选择", "multi": "多项选择", "truefalse": "判断", "subjective": "主观题"}
MULTI_SCORING = {
    "all_or_nothing": "全对得分，错选、漏选不得分",
    "partial": "有错选不得分，少选按所选正确项比例得分",
}


def _n(value: Any) -> str:
    return f"{float(value):g}" if isinstance(value, int | float) else str(value)


def _team_total(teams: dict[str, Any]) -> str:
    how = teams.get("total", "sum")
    if how == "best_n":
        return f"成绩最好的 {teams.get('best_n')} 名队员综合成绩之和"
    if how == "mean":
        return "队员综合成绩的平均分（缺考计 0 分）"
    if how == "sum":
        return "全体队员综合成绩之和（缺考计 0 分）"
    return str(how)


def _national_titles(national: dict[str, Any]) -> str:
    prior = (
        "往年已获者也不再授予全国称号"
        if national.get("exclude_prior_for_national_titles")
        else "全国称号按人社部名单，往年规则只用于省级荣誉"
    )
    once = "；省赛阶段已获的荣誉本年度不因全国成绩重复授予" if national.get("once_per_year") else ""
    return (
        f"全国前 {national.get('knowledge_top')} 名为全国人社知识通；本省前 "
        f"{national.get('star_count')} 名为全国岗位练兵明星（与知识通重复者依次顺延）；全国前 "
        f"{national.get('may_day_top')} 名申报江苏省五一劳动奖章；{prior}{once}"
    )


def policy_lines(record: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """(name, setting) for each policy of RULES-2022 in the stored record."""
    scoring = record.get("scoring", {})
    subjective = record.get("subjective", {})
    awards = record.get("awards", {})
    national = record.get("national", {})
    chain = record.get("tie_break") or record.get("ranking", {}).get("chain", [])
    years = "、".join(str(y) for y in awards.get("prior_years", []))
    prior = awards.get("prior_honour", "")
    final = subjective.get("final", "")
    return (
        ("同分排序", " > ".join(tie_key_label(str(k)) for k in chain) + "；仍相同者并列名次"),
        ("作废题", VOIDED.get(scoring.get("voided", ""), str(scoring.get("voided", "")))),
        (
            "主观题双评",
            f"两评分差超过 {_n(subjective.get('tolerance', ''))} 分须三评；"
            f"{SUBJECTIVE_FINAL.get(final, final)}；给分步长 {_n(subjective.get('step', ''))} 分",
        ),
        (
            "往年荣誉",
            f"{years} 年已获同一荣誉者不重复授予，{PRIOR_HONOUR.get(prior, prior)}",
        ),
        ("团体总成绩", _team_total(record.get("teams", {}))),
        (
            "全国比试名单",
            f"省选前 {national.get('selected')} 名；推荐其后 {national.get('recommended')} 名，"
            f"由人社部从中抽取 {national.get('drawn')} 名",
        ),
        ("全国比试奖项", _national_titles(national)),
        ("边界并列", "奖项名额边界处的并列由成绩管理人员记录决定，不按行序"),
    )


def paper_lines(definition: ExamDefinition) -> tuple[str, ...]:
    out: list[str] = []
    first = 1
    for s in definition.paper.sections:
        last = first + s.count - 1
        line = f"{s.name}（{KIND.get(s.kind, s.kind)}）第 {first}–{last} 题，每题 {s.points:g} 分"
        if s.kind == "multi":
            rule = MULTI_SCORING.get(
                s.scoring,
                f"有错选不得分，少选得分值的 {s.partial_fraction:g} 倍",
            )
            line += f"，{rule}"
        out.append(line)
        first = last + 1
    return tuple(out)
