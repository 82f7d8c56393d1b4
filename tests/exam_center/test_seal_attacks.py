"""Finalised results are sealed: each attack of issue 15, made on the real SQLite file
with the real key file, is named by `verify` and stops the exports."""

from __future__ import annotations

import json
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlalchemy import text

from exam_center.services import audit, exporting, finalising, sealing, standings
from exam_center.services.results import compute
from exam_center.services.workspace import Workspace
from exam_center.services.workspace_key import KEY_FILE
from tests.cli_accounts import as_second_officer
from tests.exam_center.graded_exam import GradedExam, graded_exam
from tests.exam_center.test_cli import cli
from tests.signing import finalise_by_two, reopen_by_two
from tests.tamper import drop_append_only


@pytest.fixture
def sealed(tmp_path: Path, make_workspace) -> tuple[GradedExam, finalising.Finalised]:  # type: ignore[no-untyped-def]
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    exam = graded_exam(ws, tmp_path, candidates=20)
    with ws.session() as s:
        done = finalise_by_two(s)
    return exam, done


def _verify(ws: Workspace, expect: str | None = None) -> sealing.VerifyReport:
    with ws.session() as s:
        return sealing.verify_workspace(session=s, expect=expect)


def _export_refused(ws: Workspace, out: Path) -> str:
    with pytest.raises(sealing.SealBroken) as refused, ws.session() as s:
        exporting.export_results(out / "成绩.xlsx", session=s)
    assert not out.exists() or not any(out.iterdir())
    return str(refused.value)


def _snapshot(ws: Workspace) -> tuple[int, dict]:  # type: ignore[type-arg]
    with ws.engine.connect() as conn:
        row = conn.execute(
            text("SELECT id, snapshot FROM resultslock WHERE action='finalise' ORDER BY id DESC")
        ).first()
    assert row is not None
    return row.id, json.loads(row.snapshot)


def test_untouched_results_verify_and_the_award_list_carries_the_heads(
    sealed: tuple[GradedExam, finalising.Finalised], tmp_path: Path
) -> None:
    exam, done = sealed
    report = _verify(exam.ws)
    assert report.ok and report.finalised, report.differences
    assert report.seal == done.seal and report.digest == done.digest
    assert done.head is not None and report.head == done.head
    assert _verify(exam.ws, expect=done.head.printed()).ok
    with exam.ws.session() as s:
        out = exporting.export_results(tmp_path / "out" / "成绩.xlsx", session=s)
    pdf = pdfium.PdfDocument(str(out.award_lists))
    footer = pdf[0].get_textpage().get_text_range()
    assert f"结果封印 HMAC {done.seal[:32]}" in footer
    assert f"链头 {done.head.printed()}" in footer
    assert any(done.head.printed() in line for line in done.receipt_lines())


def test_an_edited_score_row_is_named_and_exports_refuse(
    sealed: tuple[GradedExam, finalising.Finalised], tmp_path: Path
) -> None:
    exam, _ = sealed
    with exam.ws.engine.begin() as conn:
        drop_append_only(conn)
        mark_id = conn.execute(text("SELECT MIN(id) FROM subjectivemark")).scalar_one()
        conn.execute(text("UPDATE subjectivemark SET score = 10 WHERE id = :i"), {"i": mark_id})
    report = _verify(exam.ws)
    assert not report.ok
    assert report.first is not None
    assert "主观题评分" in report.first.where and f"row id {mark_id}" in report.first.where
    assert any("recomputed results" in d.where and "考生" in d.where for d in report.differences)
    assert "主观题评分" in _export_refused(exam.ws, tmp_path / "out")


def test_an_edited_snapshot_is_named_and_exports_refuse(
    sealed: tuple[GradedExam, finalising.Finalised], tmp_path: Path
) -> None:
    exam, _ = sealed
    lock_id, snapshot = _snapshot(exam.ws)
    snapshot["results"]["candidates"][0]["total"] += 50
    with exam.ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(
            text("UPDATE resultslock SET snapshot = :s WHERE id = :i"),
            {"s": json.dumps(snapshot, ensure_ascii=False), "i": lock_id},
        )
    report = _verify(exam.ws)
    assert report.first is not None
    assert report.first.where == f"定稿快照 resultslock row id {lock_id} snapshot"
    assert "snapshot" in _export_refused(exam.ws, tmp_path / "out")


def test_a_full_forgery_without_the_key_is_found(
    sealed: tuple[GradedExam, finalising.Finalised], tmp_path: Path
) -> None:
    """A score edited, then the digest and snapshot recomputed with the app and written
    into the lock and exam rows: everything matches except what needs the key."""
    exam, _ = sealed
    with exam.ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(text("UPDATE subjectivemark SET score = 10"))
    with exam.ws.session() as s:
        c = compute(s)
        digest = c.digest()
        forged = sealing.normal_snapshot(standings.results_documents(c, s))
    lock_id, old = _snapshot(exam.ws)
    forged[sealing.INPUTS_KEY] = old[sealing.INPUTS_KEY]
    with exam.ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(
            text("UPDATE resultslock SET snapshot = :s, digest = :d WHERE id = :i"),
            {"s": json.dumps(forged, ensure_ascii=False), "d": digest, "i": lock_id},
        )
        conn.execute(text("UPDATE exam SET results_digest = :d"), {"d": digest})
    report = _verify(exam.ws)
    wheres = [d.where for d in report.differences]
    assert f"定稿记录 resultslock row id {lock_id} (finalise)" == wheres[0]  # its digest field
    assert any("snapshot" in w for w in wheres) and any("主观题评分" in w for w in wheres)
    _export_refused(exam.ws, tmp_path / "out")


def test_a_forged_lock_row_is_named_and_exports_refuse(
    sealed: tuple[GradedExam, finalising.Finalised], tmp_path: Path
) -> None:
    exam, _ = sealed
    lock_id, snapshot = _snapshot(exam.ws)
    snapshot["awards"]["individual"] = snapshot["awards"]["individual"][::-1]
    with exam.ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(
            text(
                "INSERT INTO resultslock (exam_id, action, digest, snapshot, at, by, reason)"
                " SELECT exam_id, action, digest, :s, at, by, reason FROM resultslock"
                " WHERE id = :i"
            ),
            {"s": json.dumps(snapshot, ensure_ascii=False), "i": lock_id},
        )
    report = _verify(exam.ws)
    assert report.first is not None
    assert report.first.where == f"定稿记录 resultslock row id {lock_id + 1} (finalise)"
    assert "forged" in report.first.what
    assert "forged" in _export_refused(exam.ws, tmp_path / "out")


def test_a_truncated_audit_table_is_found(
    sealed: tuple[GradedExam, finalising.Finalised], tmp_path: Path
) -> None:
    exam, done = sealed
    assert done.head is not None
    with exam.ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(
            text("DELETE FROM auditentry WHERE id >= (SELECT MAX(id) - 2 FROM auditentry)")
        )
    report = _verify(exam.ws, expect=done.head.printed())
    assert report.first is not None and "审计日志" in report.first.where
    assert "not in the log" in report.first.what
    # the finalising's sealed entry went with them: the lock row has no seal now
    assert any("forged" in d.what for d in _verify(exam.ws).differences)
    _export_refused(exam.ws, tmp_path / "out")
    with exam.ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(text("DELETE FROM auditentry"))
    emptied = _verify(exam.ws)
    assert emptied.first is not None and "removed" in emptied.first.what


def test_a_replaced_key_is_named(
    sealed: tuple[GradedExam, finalising.Finalised], tmp_path: Path
) -> None:
    exam, _ = sealed
    key_file = exam.ws.path / KEY_FILE
    doc = json.loads(key_file.read_text())
    doc["key"] = "22" * 32
    key_file.write_text(json.dumps(doc))
    report = _verify(exam.ws)
    assert report.first is not None and "not this workspace's key" in report.first.what
    _export_refused(exam.ws, tmp_path / "out")


def test_reopening_and_finalising_again_verify(
    sealed: tuple[GradedExam, finalising.Finalised],
) -> None:
    exam, _ = sealed
    with exam.ws.session() as s:
        reopen_by_two(s, reason="复核")
    opened = _verify(exam.ws)
    assert opened.ok and not opened.finalised
    with exam.ws.session() as s:
        again = finalise_by_two(s)
    report = _verify(exam.ws)
    assert report.ok and report.seal == again.seal
    with exam.ws.session() as s:
        assert audit.verify_chain(session=s).ok


def test_the_cli_prints_the_receipt_and_verify_names_the_edit(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
) -> None:
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    graded_exam(ws, tmp_path, candidates=20)
    ws.close()
    assert "双人复核" in cli(ws.path, "finalise").stdout
    done = as_second_officer(ws.path, "finalise")
    assert done.returncode == 0, done.stderr
    assert "测试员 / 复核员" in done.stdout  # both names on the receipt
    assert "结果封印" in done.stdout and "--expect" in done.stdout
    head = done.stdout.split("--expect ")[1].split(")")[0]
    ok = cli(ws.path, "verify", "--expect", head)
    assert ok.returncode == 0 and "验证通过" in ok.stdout, ok.stdout
    with ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(text("UPDATE absence SET reason = 'x'"))  # no absences: nothing changes
        conn.execute(text("UPDATE subjectivemark SET score = 0 WHERE id = 3"))
    ws.close()
    bad = cli(ws.path, "verify")
    assert bad.returncode == 1 and "主观题评分" in bad.stdout and "row id 3" in bad.stdout
    refused = cli(ws.path, "export", "--out", str(tmp_path / "x" / "成绩.xlsx"))
    assert refused.returncode == 1 and "拒绝导出" in refused.stderr


def _edit_a_page_s_marks(ws: Workspace, rewrite: str) -> int:
    """A stored page's marks text edited in place, as an attacker with the file would."""
    with ws.engine.begin() as conn:
        drop_append_only(conn)
        page_id, marks = conn.execute(
            text("SELECT id, marks FROM scannedpage ORDER BY id LIMIT 1")
        ).one()
        conn.execute(
            text("UPDATE scannedpage SET marks = :m WHERE id = :i"),
            {
                "m": rewrite if rewrite != "spaces" else json.dumps(json.loads(marks), indent=1),
                "i": page_id,
            },
        )
    return int(page_id)


def test_the_tables_are_fingerprinted_as_stored_and_the_version_is_sealed(
    sealed: tuple[GradedExam, finalising.Finalised],
) -> None:
    exam, _ = sealed
    _, snapshot = _snapshot(exam.ws)
    inputs = snapshot[sealing.INPUTS_KEY]
    assert {t["version"] for t in inputs.values()} == {sealing.FINGERPRINT_VERSION} == {2}
    # The stored text itself is sealed: the same marks written with other spacing show.
    page_id = _edit_a_page_s_marks(exam.ws, "spaces")
    report = _verify(exam.ws)
    assert report.first is not None
    assert "扫描页" in report.first.where and f"row id {page_id}" in report.first.where


def test_a_seal_written_by_the_old_version_still_verifies_and_catches_edits(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A workspace finalised before version 2 (rows decoded and MACed as JSON, no
    version in the seal): verified as it was written, an edit still found and named."""
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    graded_exam(ws, tmp_path, candidates=20)
    with monkeypatch.context() as old:
        old.setattr(sealing, "FINGERPRINT_VERSION", 1)
        with ws.session() as s:
            finalise_by_two(s)
    _, snapshot = _snapshot(ws)
    assert all(set(t) == {"rows", "size", "blocks"} for t in snapshot[sealing.INPUTS_KEY].values())
    report = _verify(ws)
    assert report.ok and report.finalised, report.differences
    with ws.session() as s:  # the old seal's export still leaves (it verifies)
        assert exporting.export_results(tmp_path / "out" / "成绩.xlsx", session=s).final
    with ws.engine.begin() as conn:
        drop_append_only(conn)
        mark_id = conn.execute(text("SELECT MIN(id) FROM subjectivemark")).scalar_one()
        conn.execute(text("UPDATE subjectivemark SET score = 10 WHERE id = :i"), {"i": mark_id})
    report = _verify(ws)
    assert report.first is not None
    assert "主观题评分" in report.first.where and f"row id {mark_id}" in report.first.where
    _export_refused(ws, tmp_path / "refused")
