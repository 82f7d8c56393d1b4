"""The audit chain catches an edited or a removed entry."""

import pytest
from sqlalchemy import text

from exam_center.services import audit
from exam_center.services.workspace import Workspace
from tests.tamper import drop_append_only


def _three_entries(ws: Workspace) -> None:
    for i in range(3):
        with ws.session() as s:
            audit.record(s, action="results.export", step=i, note="步骤")


@pytest.mark.postgres
def test_an_untouched_log_verifies(workspace: Workspace) -> None:
    _three_entries(workspace)
    with workspace.session() as s:
        report = audit.verify_chain(session=s)
        lines = audit.list_entries(session=s, action="results.export")
    assert report.ok and report.entries == 4  # the key entry, then the three
    assert [line.detail["step"] for line in lines] == [2, 1, 0]
    assert lines[0].operator == "张考务"  # the signed-in account


@pytest.mark.postgres
def test_entries_appended_as_a_group_chain_like_single_ones(workspace: Workspace) -> None:
    with workspace.session() as s:
        audit.record(s, action="results.export", step=0)
        details = [{"step": i, "note": "一组"} for i in (1, 2, 3)]
        entries = audit.record_many(s, action="results.export", details=details)
    with workspace.session() as s:
        report = audit.verify_chain(session=s)
        lines = audit.list_entries(session=s, action="results.export")
    assert report.ok and report.entries == 5  # the key, one alone, three as a group
    assert [line.detail["step"] for line in lines] == [3, 2, 1, 0]
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


@pytest.mark.postgres
def test_an_edited_entry_is_found(workspace: Workspace) -> None:
    _three_entries(workspace)
    with workspace.engine.begin() as conn:
        drop_append_only(conn)
        ids = [r[0] for r in conn.execute(text("SELECT id FROM auditentry ORDER BY id"))]
        conn.execute(text("UPDATE auditentry SET operator = '王五' WHERE id = :id"), {"id": ids[1]})
    with workspace.session() as s:
        report = audit.verify_chain(session=s)
    assert not report.ok and report.first_bad_id == ids[1]
    assert "altered" in report.problem


def test_a_removed_entry_is_found(workspace: Workspace) -> None:
    _three_entries(workspace)
    with workspace.engine.begin() as conn:
        drop_append_only(conn)
        ids = [r[0] for r in conn.execute(text("SELECT id FROM auditentry ORDER BY id"))]
        conn.execute(text("DELETE FROM auditentry WHERE id = :id"), {"id": ids[1]})
    with workspace.session() as s:
        report = audit.verify_chain(session=s)
    assert not report.ok and report.first_bad_id == ids[2]
    assert "removed" in report.problem
