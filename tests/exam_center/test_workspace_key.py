"""The workspace key: a 0600 file, not the database, holds the QR secret and keys the
audit chain; a legacy workspace is adopted; truncation and a replaced key are found."""

import hashlib
import json
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from exam_center.db.engine import make_engine, upgrade
from exam_center.services import audit, exams, sheets
from exam_center.services.workspace import Workspace
from exam_center.services.workspace_key import KEY_FILE, KeyMissing, read_key
from tests.conftest import EXAMPLE_TOML
from tests.tamper import drop_append_only


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_workspace_is_closed_to_other_users(tmp_path: Path, make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws: Workspace = make_workspace(folder=tmp_path / "fresh")
    with ws.session() as s:
        exams.init_exam(EXAMPLE_TOML, session=s)
    export = ws.folder("exports") / "x.txt"
    export.write_text("成绩")
    assert _mode(ws.path) == 0o700
    assert _mode(ws.path / "exam.db") == 0o600
    assert _mode(ws.path / KEY_FILE) == 0o600
    assert _mode(export) == 0o600
    with ws.engine.connect() as conn:
        secrets_in_db = conn.execute(text("SELECT secret_hex FROM exam")).scalar_one()
    assert secrets_in_db == ""
    with ws.session() as s:
        assert sheets.exam_secret(s) == read_key(ws.path / KEY_FILE).qr_secret
        assert len(sheets.exam_secret(s)) == 32


def _legacy_database(url: str, secret: str) -> None:
    """A database as the version before the key wrote it: the secret in `exam`, the
    audit chain plain SHA-256."""
    engine = make_engine(url)
    upgrade(engine)
    prev = "0" * 64
    with engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(
            text(
                "INSERT INTO exam (code, title, exam_date, venue, eligibility_date,"
                " admission_prefix, definition_toml, policy, secret_hex, created_at)"
                " VALUES ('OLD1', '旧考试', '2021-07-01', '南京', '2021-07-01', '2107', :toml,"
                " '{}', :secret, '2021-06-01 00:00:00')"
            ),
            {"toml": EXAMPLE_TOML.read_text(encoding="utf-8"), "secret": secret},
        )
        for i in range(3):
            at = datetime(2021, 6, 1, 8, i, tzinfo=UTC)
            body = {
                "prev": prev,
                "at": at.isoformat(timespec="microseconds"),
                "operator": "老王",
                "action": "old.step",
                "detail": {"i": i},
            }
            digest = hashlib.sha256(
                json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
            ).hexdigest()
            conn.execute(
                text(
                    "INSERT INTO auditentry (at, operator, action, detail, prev_hash, hash)"
                    " VALUES (:at, '老王', 'old.step', :detail, :prev, :hash)"
                ),
                {
                    "at": at.replace(tzinfo=None),
                    "detail": json.dumps({"i": i}),
                    "prev": prev,
                    "hash": digest,
                },
            )
            prev = digest
    engine.dispose()


def test_a_legacy_workspace_moves_its_secret_into_the_key_file(
    tmp_path: Path, make_workspace
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "old"
    folder.mkdir(mode=0o755)
    url = f"sqlite:///{folder / 'exam.db'}"
    secret = "ab" * 32
    _legacy_database(url, secret)
    (folder / "exam.db").chmod(0o644)
    ws: Workspace = make_workspace(url, folder=folder)
    with ws.session() as s:
        assert sheets.exam_secret(s) == bytes.fromhex(secret)  # printed sheets stay valid
        report = audit.verify_chain(session=s)
        key_entries = audit.list_entries(session=s, action="workspace.key")
    assert report.ok and report.entries == 4, report.problem
    assert key_entries[0].detail["legacy_entries"] == 3
    with ws.engine.connect() as conn:
        assert conn.execute(text("SELECT secret_hex FROM exam")).scalar_one() == ""
    assert _mode(folder) == 0o700 and _mode(folder / "exam.db") == 0o600
    assert _mode(folder / KEY_FILE) == 0o600
    # the unkeyed prefix is still checked: an edit to it is found
    with ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(text("UPDATE auditentry SET operator = '小李' WHERE id = 2"))
    with ws.session() as s:
        broken = audit.verify_chain(session=s)
    assert not broken.ok and broken.first_bad_id == 2


@pytest.fixture
def exam_ws(exam_workspace: Workspace) -> Workspace:
    for i in range(4):
        with exam_workspace.session() as s:
            audit.record(s, action="results.export", step=i)
    return exam_workspace


def test_entries_removed_from_the_end_are_found_against_the_printed_head(
    exam_ws: Workspace,
) -> None:
    with exam_ws.session() as s:
        printed = audit.verify_chain(session=s).chain_head.printed()
        assert audit.verify_chain(session=s, expect=printed).ok
        audit.record(s, action="results.export")
    with exam_ws.session() as s:
        later = audit.verify_chain(session=s, expect=printed)
    assert later.ok and "1 entries since" in later.note
    with exam_ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(
            text("DELETE FROM auditentry WHERE id >= (SELECT MAX(id) - 2 FROM auditentry)")
        )
    with exam_ws.session() as s:
        alone = audit.verify_chain(session=s)
        against = audit.verify_chain(session=s, expect=printed)
    assert alone.ok  # what the database alone cannot show ...
    assert not against.ok and "not in the log" in against.problem  # ... the paper does


def test_an_emptied_audit_table_is_found(exam_ws: Workspace) -> None:
    with exam_ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(text("DELETE FROM auditentry"))
    with exam_ws.session() as s:
        report = audit.verify_chain(session=s)
    assert not report.ok and report.entries == 0 and "removed" in report.problem


def test_a_chain_rewritten_without_the_key_does_not_verify(exam_ws: Workspace) -> None:
    """The attacker edits an entry and recomputes every hash after it, as the old
    unkeyed chain allowed: without the key the first recomputed entry is named."""
    with exam_ws.engine.begin() as conn:
        drop_append_only(conn)
        rows = conn.execute(
            text("SELECT id, at, operator, action, detail FROM auditentry ORDER BY id")
        ).all()
        prev = "0" * 64
        for row in rows:
            detail = json.loads(row.detail)
            operator = "马某" if row.action == "test.step" else row.operator
            at = datetime.fromisoformat(str(row.at)).replace(tzinfo=UTC)
            body = {
                "prev": prev,
                "at": at.isoformat(timespec="microseconds"),
                "operator": operator,
                "action": row.action,
                "detail": detail,
            }
            digest = hashlib.sha256(
                json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
            ).hexdigest()
            conn.execute(
                text("UPDATE auditentry SET operator=:o, prev_hash=:p, hash=:h WHERE id=:id"),
                {"o": operator, "p": prev, "h": digest, "id": row.id},
            )
            prev = digest
    with exam_ws.session() as s:
        report = audit.verify_chain(session=s)
    assert not report.ok and report.first_bad_id == rows[0].id


def test_a_replaced_key_file_is_named(exam_ws: Workspace) -> None:
    key_file = exam_ws.path / KEY_FILE
    doc = json.loads(key_file.read_text())
    doc["key"] = "11" * 32
    key_file.write_text(json.dumps(doc))
    with exam_ws.session() as s:
        report = audit.verify_chain(session=s)
    assert not report.ok and "not this workspace's key" in report.problem


def test_a_lost_key_file_is_an_error_not_a_new_key(exam_ws: Workspace, make_workspace) -> None:  # type: ignore[no-untyped-def]
    url = exam_ws.engine.url.render_as_string(hide_password=False)
    exam_ws.close()
    (exam_ws.path / KEY_FILE).unlink()
    again: Workspace = make_workspace(url, folder=exam_ws.path)
    with pytest.raises(KeyMissing, match="缺失"), again.session():
        pass
    assert not (exam_ws.path / KEY_FILE).exists()


def test_resident_ids_are_masked_unless_asked_for_and_asking_is_audited(
    tmp_path: Path,
) -> None:
    from exam_center.demo.synth import write_inputs
    from tests.exam_center.test_cli import cli

    inputs = write_inputs(tmp_path / "in", 12, 7, EXAMPLE_TOML)
    ws = tmp_path / "ws"
    assert cli(ws, "init", str(inputs.definition)).returncode == 0
    assert cli(ws, "candidates", "import", str(inputs.roster)).returncode == 0
    masked = json.loads(cli(ws, "candidates", "list", "--json").stdout)
    assert masked and all(c["id_number"][6:14] == "********" for c in masked)
    shown = json.loads(cli(ws, "candidates", "list", "--json", "--show-ids").stdout)
    assert all("*" not in c["id_number"] for c in shown)
    assert [c["id_number"][-4:] for c in shown] == [c["id_number"][-4:] for c in masked]
    log = json.loads(cli(ws, "audit", "list", "--json", "--action", "candidates.ids").stdout)
    assert [(e["action"], e["operator"], e["detail"]["count"]) for e in log] == [
        ("candidates.ids_shown", "测试员", len(shown))
    ]
