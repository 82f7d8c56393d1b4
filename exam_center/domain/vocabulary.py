"""The words a person reads: Chinese first, a short English gloss beside, for the codes
the program stores (audit actions and their details, candidate statuses, review items,
page outcomes). One table per kind, so the TUI, the CLI's tables and the documents say
the same thing; stored values and JSON outputs keep their codes.

This is the foundation layer: it imports nothing from the services. Roles keep their
labels on `services.permissions.Role.label`; the services' enums look their labels up
here by value (`CandidateStatus.label`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

# `services.permissions.Role` by value (`Role.label`, `Role.chinese` read them here).
ROLE_LABELS: dict[str, str] = {
    "staff": "考务人员 exam-centre staff",
    "proctor": "扫描员 proctor",
    "officer": "成绩管理 results officer",
    "admin": "考试管理员 exam administrator",
}

# Every action of `services.permissions.PERMISSIONS` and `SYSTEM_ACTIONS` (a test checks).
ACTION_LABELS: dict[str, str] = {
    "exam.init": "创建考试 exam created",
    "users.manage": "管理账号 accounts managed",
    "users.add": "添加账号 account added",
    "users.disable": "停用账号 account disabled",
    "users.enable": "启用账号 account enabled",
    "users.roles": "修改角色 roles changed",
    "users.passwd": "修改密码 password changed",
    "candidates.import": "导入考生 candidates imported",
    "candidates.ids_shown": "查看身份证号 ID numbers shown",
    "rooms.import": "导入考场 rooms imported",
    "invigilators.import": "导入监考 invigilators imported",
    "seating.assign": "编排座位 seats assigned",
    "print.sheets": "打印答题卡 answer sheets printed",
    "print.spares": "打印备用卡 spare sheets printed",
    "print.rooms": "打印考场文书 room documents printed",
    "register.read": "查看登记 register read",
    "scan.batch": "扫描批次 scan batch",
    "scan.page": "扫描页面 page scanned",
    "scan.open": "查看扫描 scan opened",
    "candidate.absent": "确认缺考 absence confirmed",
    "review.question": "复核题目 question reviewed",
    "review.conflict": "处理重扫冲突 conflict decided",
    "review.identify": "识别页面 page identified",
    "review.admission": "匹配备用卡 spare sheet matched",
    "key.import": "导入答案 answer key imported",
    "key.correct": "更正答案 answer key corrected",
    "scores.import": "导入主观题分 scores imported",
    "tie.decide": "决定并列 tie decided",
    "team.organisation_award": "授予组织奖 organisation award given",
    "team.organisation_award.withdraw": "撤销组织奖 organisation award withdrawn",
    "national.draw": "全国比试抽取 national draw",
    "national.results": "导入全国成绩 national results imported",
    "results.finalise": "成绩定稿 results finalised",
    "results.reopen": "重新打开成绩 results re-opened",
    "results.export": "导出成绩 results exported",
    "print.certificates": "打印证书 certificates printed",
    "register.update": "更新登记 register updated",
    "signoff.request": "申请双人复核 sign-off requested",
    "signoff.withdraw": "撤回复核申请 sign-off withdrawn",
    "workspace.key": "工作区密钥 workspace key",
    "account.sign_in": "登录 sign-in",
    "account.sign_in_failed": "登录失败 sign-in failed",
    "account.locked": "账号锁定 account locked",
}


def action_label(action: str) -> str:
    """ "scan.batch" -> "扫描批次 scan batch"; an action not in the table as it is."""
    return ACTION_LABELS.get(action, action)


def action_chinese(action: str) -> str:
    """ "scan.batch" -> "扫描批次" (the table's Chinese alone, for narrow columns)."""
    label = ACTION_LABELS.get(action)
    return label.split(" ", 1)[0] if label else action


# The keys audit entries record their details under (`audit.record(..., key=value)`).
DETAIL_LABELS: dict[str, str] = {
    "added": "新增",
    "admission_no": "准考证号",
    "after": "之后",
    "already": "已有",
    "award": "奖项",
    "batch": "批次",
    "boundary": "名额界限",
    "cancelled": "已取消",
    "candidates": "考生",
    "certificates": "证书",
    "changed": "变更",
    "count": "数量",
    "counts": "计数",
    "decided": "已决定",
    "digest": "摘要值",
    "display_name": "姓名",
    "entries": "条目",
    "exam": "考试",
    "fallbacks": "逐页补存",
    "forced": "强制",
    "key_version": "答案版本",
    "locks": "锁定",
    "not_seated": "未编座",
    "note": "备注",
    "replaced_plan": "替换方案",
    "sha256": "文件指纹",
    "status": "状态",
    "file": "文件",
    "files": "文件",
    "final": "定稿",
    "fingerprint": "指纹",
    "first": "首个",
    "folder": "文件夹",
    "honours": "荣誉",
    "keep": "保留",
    "key_id": "密钥",
    "kind": "类别",
    "layout": "版式",
    "layout_hash": "版式",
    "legacy_entries": "旧条目",
    "marks": "填涂",
    "measured_as": "识别为",
    "minutes": "分钟",
    "name": "名称",
    "origin": "来源",
    "other": "另一份",
    "out": "输出",
    "page": "页",
    "page_id": "页面",
    "page_index": "页序",
    "page_no": "页码",
    "pages": "页数",
    "path": "路径",
    "paths": "路径",
    "plan": "方案",
    "policy": "规则",
    "question": "题号",
    "rank": "名次",
    "read": "读到",
    "reason": "理由",
    "register": "登记",
    "request": "申请",
    "requested_by": "申请人",
    "roles": "角色",
    "rooms": "考场",
    "rows": "行数",
    "scope": "范围",
    "search": "搜索",
    "seated": "已编座",
    "seed": "随机种子",
    "sheets": "答题卡",
    "signed": "签署",
    "signed_by": "签署人",
    "slots": "名额",
    "source": "来源",
    "subject": "对象",
    "team": "设区市",
    "tied": "并列",
    "user": "账号",
    "version": "版本",
    "voided": "作废题",
    "why": "原因",
    "winners": "获得者",
    "workers": "进程数",
}


def role_chinese(role: str) -> str:
    """ "officer" -> "成绩管理"; an unknown role as it is."""
    label = ROLE_LABELS.get(role)
    return label.split(" ", 1)[0] if label else role


def _key_label(key: str, parent: str | None) -> str | None:
    if parent == "counts":  # a scan batch's pages by outcome
        label = PAGE_OUTCOME_LABELS.get(key)
        return label.split(" ", 1)[0] if label else None
    return DETAIL_LABELS.get(key)


def detail_key(key: str, parent: str | None = None) -> str:
    """ "reason" -> "理由 reason"; a key not in the table as it is."""
    label = _key_label(key, parent)
    return f"{label} {key}" if label else key


def shown_value(value: Any, key: str | None = None) -> str:
    """A stored value as a person reads it: 是/否 for booleans, lists joined with 、,
    nested mappings as key: value, nothing for None (never `True`, `None` or `[...]`)."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, Mapping):
        return "，".join(
            f"{_key_label(str(k), key) or k} {shown_value(v, str(k))}" for k, v in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        if key == "roles":
            return "、".join(role_chinese(str(v)) for v in value) or "（无）"
        return "、".join(shown_value(v) for v in value) or "（无）"
    return str(value)


def detail_line(detail: Mapping[str, Any], *, width: int | None = None) -> str:
    """An audit entry's detail on one line, Chinese keys: "理由: 签到表未签到 · 行数: 3".
    A boolean that is false says nothing worth a column and is left out."""
    parts = [
        f"{DETAIL_LABELS.get(k, k)}: {shown_value(v, k)}"
        for k, v in detail.items()
        if v is not False and v not in (None, "", [], {})
    ]
    text = " · ".join(parts)
    if width is not None and len(text) > width:
        return text[: max(0, width - 1)] + "…"
    return text


def detail_text(detail: Mapping[str, Any]) -> str:
    """An audit entry's full detail, one "键 key: value" line each (nested values indented),
    as the TUI's detail pane shows it instead of the stored JSON."""
    lines: list[str] = []

    def add(mapping: Mapping[str, Any], indent: str, parent: str | None) -> None:
        for k, v in mapping.items():
            if isinstance(v, Mapping) and v:
                lines.append(f"{indent}{detail_key(str(k), parent)}:")
                add(v, indent + "  ", str(k))
            else:
                lines.append(f"{indent}{detail_key(str(k), parent)}: {shown_value(v, str(k))}")

    add(detail, "", None)
    return "\n".join(lines)


# `services.read_models.CandidateStatus` by value: the exports' and CLI's label, and the
# TUI ranking's (nothing for the ranked, English beside).
CANDIDATE_STATUS_LABELS: dict[str, str] = {
    "ranked": "正常",
    "incomplete": "待评分",
    "unresolved": "待复核",
    "absent": "缺考",
    "ineligible": "不符合参赛条件",
    "not_seated": "未安排座位",
    "missing_sheet": "缺答题卡",
    "no_key": "未导入答案",
}

CANDIDATE_STATUS_SCREEN_LABELS: dict[str, str] = {
    "ranked": "",
    "ineligible": "不符合条件 ineligible",
    "absent": "缺考 absent",
    "not_seated": "未编座 not seated",
    "missing_sheet": "缺答题卡 no sheet",
    "no_key": "无答案 no key",
    "incomplete": "待评分 not fully marked",
    "unresolved": "待复核 waiting for review",
}

# `ReviewItem.kind`.
REVIEW_KIND_LABELS: dict[str, str] = {
    "question": "题 question",
    "conflict": "重扫冲突 conflicting rescan",
    "admission": "备用卡未匹配 unmatched spare sheet",
    "identify": "待识别页面 identify this page (no QR code read)",
}
REVIEW_KIND_SHORT: dict[str, str] = {
    "question": "题",
    "conflict": "冲突",
    "admission": "准考证",
    "identify": "待识别",
}

# `ReviewItem.status`: the reader's verdict on a question or an admission grid, or why a
# page waits (`scans.read.model.QuestionStatus`, `GridStatus`; `services.sheet_identity`).
REVIEW_STATUS_LABELS: dict[str, str] = {
    "ok": "正常 ok",
    "blank": "未填涂 blank",
    "multiple": "多选 multiple marks",
    "ambiguous": "存疑 doubtful",
    "incomplete": "填涂不全 incomplete",
    "conflict": "冲突 conflict",
    "unmatched": "未匹配 unmatched",
    "mismatch": "不一致 mismatch",
    "unidentified": "待识别 unidentified",
}


def review_status_label(status: str) -> str:
    return REVIEW_STATUS_LABELS.get(status, status)


def already_read_reason(
    admission_no: str | None, page_no: int | None, file: str, record: int | None = None
) -> str:
    """Why a rescan is a conflict: the page already counts from another scan (the reason a
    person reads in the review queue)."""
    at = f"（记录 {record}）" if record is not None else ""
    english = f"page {page_no} of {admission_no} was already read from {file}"
    if record is not None:
        english += f" (record {record})"
    return (
        f"{admission_no} 第 {page_no} 页已从 {file}{at} 读取，须由人选定以哪份扫描为准 "
        f"({english}; a person must choose which scan counts)"
    )


# What became of a scanned page (`ScannedPage.status`, a scan's outcome per page).
PAGE_OUTCOME_LABELS: dict[str, str] = {
    "read": "已读取 read",
    "rejected": "已拒收 rejected",
    "conflict": "重扫冲突 conflict",
    "unidentified": "待识别 unidentified",
    "superseded": "已替换 superseded",
    "skipped": "已跳过 skipped",
    "duplicate": "重复 duplicate",
}


def page_outcome_label(status: str) -> str:
    return PAGE_OUTCOME_LABELS.get(str(status), str(status))


def page_outcome_chinese(status: str) -> str:
    """ "rejected" -> "已拒收" (for a narrow column)."""
    return page_outcome_label(status).split(" ", 1)[0]


# `services.standings.PendingTie.scope`: which list a tie at an award boundary is on.
TIE_SCOPE_LABELS: dict[str, str] = {
    "individual": "个人 individual",
    "team": "团体 team",
    "national": "全国比试 national",
    "honours": "荣誉 honours",
}


def tie_scope_label(scope: str) -> str:
    return TIE_SCOPE_LABELS.get(scope, scope)


# `exam_center.domain.eligibility.RuleFailure.rule`: the condition of the notice a candidate fails.
ELIGIBILITY_RULE_LABELS: dict[str, str] = {
    "star_title": "日日学之星 star title",
    "weekly_points": "周周练积分 weekly points",
    "prior_contest": "曾参赛 prior contest",
    "national_title": "全国人社知识通 national title",
}


def eligibility_rule_label(rule: str) -> str:
    return ELIGIBILITY_RULE_LABELS.get(rule, rule)


NOT_FINAL = "未定稿"
FINAL = "已定稿"
