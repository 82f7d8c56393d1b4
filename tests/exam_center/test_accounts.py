"""Accounts, roles and the finalise guard, tried as a user and as an attacker would:
the role x action matrix through the services and the CLI, 双人复核, the brute-force
lock-out, the CLI's session file, one guard on every write, append-only tables."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from exam_center.db.models import Account, AuditEntry, Candidate, ResultsLock
from exam_center.domain.errors import NotAllowed
from exam_center.services import (
    accounts,
    documents,
    exporting,
    finalising,
    marking,
    national_stage,
    registration,
    review,
    scanning,
    seating,
    sheets,
    standings,
    team_awards,
    venues,
)
from exam_center.services.accounts import SignInFailed
from exam_center.services.permissions import (
    PERMISSIONS,
    Actor,
    NotPermitted,
    NotSignedIn,
    Role,
)
from exam_center.services.signoff import SignOffPending
from exam_center.services.workspace import Workspace
from exam_center.services.write_guard import ResultsFinalised
from tests.cli_accounts import PASSWORD, cli_env
from tests.conftest import EXAMPLE_TOML
from tests.exam_center.graded_exam import graded_exam

ADMIN = Actor("管理员", "管理员", frozenset({Role.ADMIN}))


def one_role(role: Role) -> Actor:
    return Actor(f"{role.value}-账户", f"{role.value}-账户", frozenset({role}))


# One real service call for each action of the permission table; `missing` is a file
# that does not exist, so an allowed role gets past the check and fails on the file.
CALLS: dict[str, Callable[[Session, Path], Any]] = {
    "candidates.import": lambda s, m: registration.import_candidates(m, session=s, dry_run=True),
    "rooms.import": lambda s, m: venues.import_rooms(m, session=s, dry_run=True),
    "invigilators.import": lambda s, m: venues.import_invigilators(m, session=s, dry_run=True),
    "seating.assign": lambda s, m: seating.seat_exam(session=s, seed=1),
    "print.sheets": lambda s, m: sheets.print_sheets(session=s, out_pdf=m / "x.pdf"),
    "print.spares": lambda s, m: sheets.print_spares(session=s, count=1, out_pdf=m / "x.pdf"),
    "print.rooms": lambda s, m: documents.print_room_documents(m, session=s),
    "candidate.absent": lambda s, m: marking.record_absence("0", session=s, reason="测试"),
    "review.question": lambda s, m: review.resolve_question(0, 1, "A", session=s, reason="看图"),
    "key.import": lambda s, m: marking.import_key(m, session=s),
    "scores.import": lambda s, m: marking.import_scores(m, session=s),
    "tie.decide": lambda s, m: standings.decide_tie(
        "individual", "x", 1, [], session=s, reason="会议"
    ),
    "team.organisation_award": lambda s, m: team_awards.record_organisation_award(
        "南京", session=s, reason="记录"
    ),
    "national.draw": lambda s, m: national_stage.import_draw(m, session=s),
    "national.results": lambda s, m: national_stage.import_national_results(m, session=s),
    "results.finalise": lambda s, m: finalising.finalise(session=s),
    "results.reopen": lambda s, m: finalising.reopen(session=s, reason="复核"),
    "results.export": lambda s, m: exporting.export_results(m / "r.xlsx", session=s),
    "users.add": lambda s, m: accounts.add_account(
        s, name="新人", password="long-password", roles=["staff"]
    ),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", sorted(CALLS))
def test_the_role_by_action_matrix_through_the_services(
    exam_workspace: Workspace, tmp_path: Path, role: Role, action: str
) -> None:
    missing = tmp_path / "missing.csv"
    allowed = role in PERMISSIONS[action]
    with exam_workspace.session(one_role(role)) as s:
        try:
            CALLS[action](s, missing)
        except NotPermitted as refused:
            assert not allowed, f"{role} refused {action}"
            assert refused.needed == PERMISSIONS[action]
            assert "仅限" in str(refused)  # the refusal names the role needed
        except Exception:
            assert allowed, f"{role} was not refused {action}"
        else:
            assert allowed, f"{role} was not refused {action}"
        s.rollback()


def test_every_recorded_action_is_in_the_table() -> None:
    import re

    root = Path(__file__).resolve().parents[2] / "exam_center" / "services"
    recorded = {
        m.group(1)
        for f in root.glob("*.py")
        for m in re.finditer(r'action="([a-z_.]+)"', f.read_text(encoding="utf-8"))
    }
    recorded -= {"finalise", "reopen"}  # ResultsLock kinds, not audit actions
    assert recorded <= set(PERMISSIONS) | {"workspace.key"}, recorded - set(PERMISSIONS)


def test_nothing_is_written_without_an_account(exam_workspace: Workspace, tmp_path: Path) -> None:
    exam_workspace.actor = None
    with pytest.raises(NotSignedIn), exam_workspace.session() as s:
        venues.import_rooms(tmp_path / "rooms.csv", session=s)
    with pytest.raises(NotSignedIn), exam_workspace.session() as s:
        s.add(Candidate(exam_id=1, admission_no="", name="x", id_number="x", team_id=1))
        s.flush()


def _graded(ws: Workspace, tmp_path: Path) -> None:
    graded_exam(ws, tmp_path, candidates=20)


OFFICER_A = Actor("officerA", "赵成绩", frozenset({Role.OFFICER}))
OFFICER_B = Actor("officerB", "钱复核", frozenset({Role.OFFICER}))


def test_finalising_and_reopening_need_two_results_officers(
    make_workspace: Any, tmp_path: Path
) -> None:
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    _graded(ws, tmp_path)
    with ws.session(OFFICER_A) as s:
        asked = finalising.finalise(session=s)
    assert isinstance(asked, SignOffPending) and asked.requested_by == "officerA"
    with ws.session(OFFICER_A) as s, pytest.raises(NotAllowed, match="另一位成绩管理人员"):
        finalising.finalise(session=s)  # the same officer cannot sign twice
    with ws.session(one_role(Role.STAFF)) as s, pytest.raises(NotPermitted):
        finalising.finalise(session=s)
    with ws.session(OFFICER_B) as s:
        done = finalising.finalise(session=s)
    assert isinstance(done, finalising.Finalised)
    assert (done.requested_by, done.signed_by) == ("officerA", "officerB")
    assert "officerA / officerB" in done.receipt_lines()[0]
    with ws.session() as s:
        lock = s.exec(select(ResultsLock).where(ResultsLock.action == "finalise")).one()
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "results.finalise")).one()
    assert lock.by == "officerA, officerB"
    assert (entry.operator, entry.detail["requested_by"]) == ("officerB", "officerA")

    with ws.session(OFFICER_B) as s:
        pending = finalising.reopen(session=s, reason="第5题答案有误")
    assert pending is not None
    with ws.session() as s:
        assert finalising.finalised_snapshot(session=s) is not None  # still final
    with ws.session(OFFICER_A) as s:
        assert finalising.reopen(session=s, reason="同意") is None
    with ws.session() as s:
        assert finalising.finalised_snapshot(session=s) is None


def test_a_request_whose_results_changed_is_asked_again(
    make_workspace: Any, tmp_path: Path
) -> None:
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    made = graded_exam(ws, tmp_path, candidates=20)
    with ws.session(OFFICER_A) as s:
        first = finalising.finalise(session=s)
    assert isinstance(first, SignOffPending)
    with ws.session() as s:  # the results move after the request
        marking.record_absence(made.ranked[-1], session=s, reason="补登缺考")
    with ws.session(OFFICER_B) as s:
        again = finalising.finalise(session=s)
    # B did not sign what A asked for: a new request over the results as they are.
    assert isinstance(again, SignOffPending) and again.requested_by == "officerB"
    assert "已撤回" in again.message()
    with ws.session(OFFICER_A) as s:
        assert isinstance(finalising.finalise(session=s), finalising.Finalised)


def test_guessing_a_password_locks_the_account(exam_workspace: Workspace) -> None:
    with exam_workspace.session(ADMIN) as s:
        accounts.add_account(s, name="王扫描", password="right-password", roles=["proctor"])
    for _ in range(accounts.MAX_FAILURES):
        with pytest.raises(SignInFailed):
            exam_workspace.check_account("王扫描", "guess")
    with pytest.raises(SignInFailed):  # locked: even the right password is refused now
        exam_workspace.check_account("王扫描", "right-password")
    with pytest.raises(SignInFailed):  # an unknown name fails the same way
        exam_workspace.check_account("无此人", "guess")
    with exam_workspace.session() as s:
        failed = s.exec(
            select(AuditEntry).where(AuditEntry.action == "account.sign_in_failed")
        ).all()
        locked = s.exec(select(AuditEntry).where(AuditEntry.action == "account.locked")).all()
        row = s.exec(select(Account).where(Account.name == "王扫描")).one()
    assert [e.detail["why"] for e in failed] == ["password"] * 5 + ["locked", "unknown"]
    assert len(locked) == 1 and row.locked_until is not None
    assert row.password_hash.startswith("scrypt$") and "right-password" not in row.password_hash
    with exam_workspace.session(ADMIN) as s:
        accounts.set_disabled(s, name="王扫描", disabled=False)  # the administrator unlocks
    assert exam_workspace.check_account("王扫描", "right-password").name == "王扫描"


def test_a_lock_expires(exam_workspace: Workspace) -> None:
    with exam_workspace.session(ADMIN) as s:
        accounts.add_account(s, name="李", password="right-password", roles=["staff"])
    with exam_workspace.session() as s:
        row = s.exec(select(Account).where(Account.name == "李")).one()
        row.locked_until = datetime.now(UTC) - timedelta(minutes=1)
        s.add(row)
    assert exam_workspace.check_account("李", "right-password").roles == {Role.STAFF}


def test_finalised_results_refuse_every_write(make_workspace: Any, tmp_path: Path) -> None:
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    made = graded_exam(ws, tmp_path, candidates=20)
    with ws.session(OFFICER_A) as s:
        finalising.finalise(session=s)
    with ws.session(OFFICER_B) as s:
        finalising.finalise(session=s)
    attempts: list[Callable[[Session], Any]] = [
        lambda s: seating.seat_exam(session=s, seed=2, force=True, reason="换考场"),
        lambda s: marking.record_absence(made.ranked[0], session=s, reason="补登"),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed, match=r"定稿|finalised"), ws.session() as s:
            attempt(s)
            s.flush()
    with pytest.raises(ResultsFinalised), ws.session() as s:  # even a bare row edit
        c = s.exec(select(Candidate)).first()
        assert c is not None
        c.name = "改名"
        s.add(c)
        s.flush()
    with pytest.raises(NotAllowed, match=r"定稿|finalised"):
        list(scanning.scan_paths([tmp_path], workspace=ws, workers=1))
    with ws.session() as s:  # reading and printing certificates still work
        assert finalising.finalised_snapshot(session=s) is not None


@pytest.mark.postgres
def test_audit_and_lock_rows_cannot_be_changed_or_removed(exam_workspace: Workspace) -> None:
    from sqlalchemy.exc import DBAPIError

    with exam_workspace.engine.begin() as conn:  # adding is what these tables are for
        conn.execute(
            text(
                "INSERT INTO resultslock (exam_id, action, digest, snapshot, at, by, reason) "
                "VALUES (1, 'finalise', '', '{}', '2026-01-01 00:00:00', 'x', '')"
            )
        )
    for statement in (
        "UPDATE auditentry SET operator = 'someone'",
        "DELETE FROM auditentry",
        "UPDATE resultslock SET digest = 'forged'",
        "DELETE FROM resultslock",
    ):
        with (
            pytest.raises(DBAPIError, match="append-only"),
            exam_workspace.engine.begin() as conn,
        ):
            conn.execute(text(statement))


def cli(ws: Path, *args: str, env: dict[str, str], stdin: str = "") -> Any:
    return subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws), *args],
        cwd=ws if ws.exists() else None,
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
    )


def test_login_keeps_a_private_session_that_expires(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    base = {"COLUMNS": "200", "PATH": "/usr/bin:/bin"}
    made = cli(ws, "init", str(EXAMPLE_TOML), env={**base, "EXAM_CENTER_PASSWORD": PASSWORD})
    assert made.returncode == 0, made.stderr
    assert cli(ws, "results", env=base).returncode == 1  # nothing without an account
    wrong = cli(ws, "login", "-u", "admin", "--password-stdin", env=base, stdin="nope\n")
    assert wrong.returncode == 1 and "登录失败" in wrong.stderr
    done = cli(ws, "login", "-u", "admin", "--password-stdin", env=base, stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    session = ws / ".session"
    assert session.stat().st_mode & 0o777 == 0o600
    assert "admin" in cli(ws, "whoami", env=base).stdout
    added = cli(
        ws,
        "users",
        "add",
        "张三",
        "--role",
        "staff",
        "--password-stdin",
        env=base,
        stdin="zhangsan-pass\n",
    )
    assert added.returncode == 0, added.stderr
    listed = json.loads(cli(ws, "users", "list", "--json", env=base).stdout)
    assert {(a["name"], tuple(a["roles"])) for a in listed} == {
        ("admin", ("admin",)),
        ("张三", ("staff",)),
    }
    # A forged session file (right name, made-up token) signs nobody in.
    doc = json.loads(session.read_text())
    session.write_text(json.dumps({**doc, "token": "0" * 64}))
    assert cli(ws, "whoami", env=base).returncode == 1
    # Idle too long: the sign-in has expired.
    cli(ws, "login", "-u", "admin", "--password-stdin", env=base, stdin=PASSWORD + "\n")
    doc = json.loads(session.read_text())
    old = (datetime.now(UTC) - timedelta(minutes=31)).isoformat()
    session.write_text(json.dumps({**doc, "last_used": old}))
    expired = cli(ws, "whoami", env=base)
    assert expired.returncode == 1 and "过期" in expired.stderr
    assert not session.exists()


# The matrix through the CLI: (command, the role that may run it). Arguments that fail
# after the check (a missing file) keep the workspace as it is.
CLI_MATRIX = [
    (("candidates", "import", "missing.csv", "--dry-run"), Role.STAFF),
    (("rooms", "import", "missing.csv", "--dry-run"), Role.STAFF),
    (("seat",), Role.STAFF),
    (("scan", "inbox"), Role.PROCTOR),
    (("key", "import", "missing.csv"), Role.OFFICER),
    (("finalise",), Role.OFFICER),
    (("users", "add", "某人", "--role", "staff", "--password-stdin"), Role.ADMIN),
]


def test_the_role_by_action_matrix_through_the_cli(make_workspace: Any, tmp_path: Path) -> None:
    from exam_center.services import exams

    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    with ws.session(ADMIN) as s:
        exams.init_exam(EXAMPLE_TOML, session=s)
        for role in Role:
            accounts.add_account(s, name=role.value, password=PASSWORD, roles=[role.value])
    ws.close()
    (ws.path / "inbox").mkdir()
    (ws.path / "inbox" / "page.png").write_bytes(b"not an image")
    for args, role_needed in CLI_MATRIX:
        for role in Role:
            env = cli_env(ws, user=role.value)
            done = cli(ws.path, *args, env=env, stdin="short\n")
            refused = "仅限" in done.stderr
            assert refused == (role is not role_needed), (args, role, done.stderr)
            assert "Traceback" not in done.stderr
