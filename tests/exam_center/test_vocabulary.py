"""The words a person reads: every code the program stores has its Chinese label, and
audit details read as key: value text, never a Python dict or `cancelled=False`."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import exam_center
from exam_center.domain.vocabulary import (
    ACTION_LABELS,
    CANDIDATE_STATUS_LABELS,
    CANDIDATE_STATUS_SCREEN_LABELS,
    DETAIL_LABELS,
    REVIEW_KIND_LABELS,
    REVIEW_KIND_SHORT,
    action_chinese,
    action_label,
    already_read_reason,
    detail_line,
    detail_text,
    page_outcome_label,
    review_status_label,
    shown_value,
)
from exam_center.services.permissions import PERMISSIONS, SYSTEM_ACTIONS, Role
from exam_center.services.read_models import CandidateStatus

HAN = re.compile(r"[\u4e00-\u9fff]")
APP = Path(exam_center.__file__).parent


def test_every_action_has_a_chinese_label_first() -> None:
    actions = set(PERMISSIONS) | SYSTEM_ACTIONS
    assert actions == set(ACTION_LABELS)
    for action in actions:
        chinese, _, english = ACTION_LABELS[action].partition(" ")
        assert HAN.fullmatch(chinese[0]) and HAN.search(chinese), action
        assert english and not HAN.search(english), action
    assert action_label("scan.batch") == "扫描批次 scan batch"
    assert action_label("account.sign_in") == "登录 sign-in"
    assert action_chinese("results.finalise") == "成绩定稿"
    assert action_label("some.future_action") == "some.future_action"


def _recorded_detail_keys() -> set[str]:
    """The keyword arguments every `audit.record(...)`/`record_system(...)` call passes."""
    keys: set[str] = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) in (
                "record",
                "record_system",
            ):
                keys |= {k.arg for k in node.keywords if k.arg not in (None, "session", "action")}
    return keys


def test_every_recorded_detail_key_has_a_label() -> None:
    keys = _recorded_detail_keys()
    assert {"reason", "cancelled", "counts", "paths"} <= keys  # the scan finds the calls
    assert keys <= set(DETAIL_LABELS), sorted(keys - set(DETAIL_LABELS))


def test_candidate_statuses_and_review_kinds() -> None:
    assert set(CANDIDATE_STATUS_LABELS) == {s.value for s in CandidateStatus}
    assert set(CANDIDATE_STATUS_SCREEN_LABELS) == {s.value for s in CandidateStatus}
    assert CandidateStatus.INELIGIBLE.label == "不符合参赛条件"
    assert CandidateStatus.ABSENT.screen_label == "缺考 absent"
    assert set(REVIEW_KIND_LABELS) == set(REVIEW_KIND_SHORT)
    assert review_status_label("multiple") == "多选 multiple marks"
    assert review_status_label("ambiguous") == "存疑 doubtful"
    assert page_outcome_label("rejected") == "已拒收 rejected"
    assert shown_value(["staff", "officer"], "roles") == "考务人员、成绩管理"
    assert Role.OFFICER.label == "成绩管理 results officer" and Role.PROCTOR.chinese == "扫描员"


def test_a_scan_batch_detail_reads_as_text() -> None:
    detail = {
        "batch": 3,
        "paths": ["scans/a", "scans/b"],
        "counts": {"read": 40, "rejected": 1},
        "cancelled": False,
        "final": True,
        "note": None,
    }
    line = detail_line(detail)
    assert line == "批次: 3 · 路径: scans/a、scans/b · 计数: 已读取 40，已拒收 1 · 定稿: 是"
    assert detail_line(detail, width=10) == line[:9] + "…"
    assert detail_text(detail).splitlines() == [
        "批次 batch: 3",
        "路径 paths: scans/a、scans/b",
        "计数 counts:",
        "  已读取 read: 40",
        "  已拒收 rejected: 1",
        "已取消 cancelled: 否",
        "定稿 final: 是",
        "备注 note: —",
    ]


def test_a_conflict_says_why_in_chinese_first() -> None:
    reason = already_read_reason("202207001", 1, "scans/a.png", 17)
    assert reason.startswith("202207001 第 1 页已从 scans/a.png（记录 17） 读取，须由人选定")
    assert "(page 1 of 202207001 was already read from scans/a.png (record 17)" in reason
