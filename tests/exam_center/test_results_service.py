"""Grading through the services on a real database: a tie at rank 10 waits for a
recorded decision, finalising is refused with every reason, a key correction
re-scores everyone and is audited, and re-opening is recorded."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from exam_center.db.models import AuditEntry, ScannedPage
from exam_center.demo.run import run_demo
from exam_center.domain.errors import NotAllowed
from exam_center.services import finalising, marking, results, seating, standings
from exam_center.services.signoff import SignOffPending
from exam_center.services.workspace import Workspace
from tests.cli_accounts import cli_env
from tests.signing import SECOND, finalise_by_two, reopen_by_two

KEY = {n: ("A" if n <= 60 else "AB" if n <= 90 else "B") for n in range(1, 131)}


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def exam(tmp_path: Path, make_workspace) -> tuple[Workspace, list[str]]:  # type: ignore[no-untyped-def]
    """27 seated candidates whose sheets are on record: candidate k answers the first
    120 - k questions right, except that the 10th and 11th answer exactly alike."""
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    run_demo(ws, candidates=30, seed=8, until="seat", say=lambda _: None)
    with ws.session() as s:
        view = seating.seating_view(session=s)
        assert view is not None
        seats = [st for r in view.rooms for st in r.seats]
        for k, st in enumerate(seats):
            right = 120 - (k if k != 10 else 9)
            marks = [
                {
                    "number": n,
                    "marks": KEY[n] if n <= right else "",
                    "status": "ok" if n <= right else "blank",
                }
                for n in range(1, 131)
            ]
            s.add(
                ScannedPage(
                    exam_id=1,
                    sha256=f"{k:064d}",
                    file=f"{st.admission_no}.png",
                    status="read",
                    admission_no=st.admission_no,
                    candidate_id=st.candidate_id,
                    page_no=1,
                    pages=1,
                    marks=marks,
                    current=True,
                    read_at=datetime.now(UTC),
                )
            )
    _write(tmp_path / "key.csv", ["题号", "答案"], sorted(KEY.items()))
    rows = [
        [st.admission_no, q, r, f"阅卷{r}", 6.0] for st in seats for q in (131, 132) for r in (1, 2)
    ]
    _write(tmp_path / "scores.csv", ["准考证号", "题号", "评次", "评分人", "分数"], rows)
    return ws, [st.admission_no for st in seats]


def test_a_tie_at_rank_ten_waits_for_a_recorded_decision(
    exam: tuple[Workspace, list[str]], tmp_path: Path
) -> None:
    ws, adm = exam
    with ws.session() as s:
        marking.import_key(tmp_path / "key.csv", session=s)
        marking.import_scores(tmp_path / "scores.csv", session=s)
    with ws.session() as s:
        c = results.compute(s)
        doc = standings.awards_json(c)
        ranked = standings.results_json(c, s)["candidates"]
    assert [x["rank"] for x in ranked[8:12]] == [9, 10, 10, 12]
    assert ranked[9]["tie_keys"] == ranked[10]["tie_keys"]
    experts = [a for a in doc["individual"] if a["award"] == "江苏省人社知识通"]
    assert len(experts) == 9
    (tie,) = [p for p in doc["pending_ties"] if p["award"] == "江苏省人社知识通"]
    assert (tie["rank"], sorted(tie["admission_nos"]), tie["slots"]) == (10, sorted(adm[9:11]), 1)
    with ws.session() as s, pytest.raises(finalising.FinaliseRefused) as refused:
        finalise_by_two(s)
    assert any("个人 individual 江苏省人社知识通 第 10 名" in r for r in refused.value.reasons)
    assert all(r.startswith("并列待决定 tie at") for r in refused.value.reasons)
    with ws.session() as s:
        standings.decide_tie(
            "individual",
            "江苏省人社知识通",
            10,
            [adm[10]],
            session=s,
            reason="评审组会议决定",
        )
    with ws.session() as s:
        doc = standings.awards_json(results.compute(s))
    experts = [a for a in doc["individual"] if a["award"] == "江苏省人社知识通"]
    assert len(experts) == 10 and doc["pending_ties"] == []
    chosen = next(a for a in experts if a["admission_no"] == adm[10])
    assert chosen["by_decision"] and chosen["rank"] == 10
    assert adm[9] not in {a["admission_no"] for a in experts}


def test_finalise_names_every_blocker_then_locks_and_reopens(
    exam: tuple[Workspace, list[str]], tmp_path: Path
) -> None:
    ws, adm = exam
    with ws.session() as s:
        marking.import_key(tmp_path / "key.csv", session=s)
    with ws.engine.begin() as conn:  # one sheet never scanned
        conn.exec_driver_sql("DELETE FROM scannedpage WHERE admission_no = ?", (adm[26],))
    with ws.session() as s, pytest.raises(finalising.FinaliseRefused) as refused:
        finalise_by_two(s)
    text = "\n".join(refused.value.reasons)
    assert f"{adm[26]}" in text and "no answer sheet" in text
    assert "missing_mark" in text  # no case-analysis scores yet
    with ws.session() as s:
        marking.import_scores(tmp_path / "scores.csv", session=s)
        marking.record_absence(adm[26], session=s, reason="签到表未签到")
        standings.decide_tie(
            "individual", "江苏省人社知识通", 10, [adm[9]], session=s, reason="会议决定"
        )
    for _ in range(5):  # any further ties the data made (teams, national list) — decide them
        with ws.session() as s:
            pending = standings.pending_ties(results.compute(s))
        if not pending:
            break
        with ws.session() as s:
            p = pending[0]
            standings.decide_tie(
                p.scope,
                p.award,
                p.rank,
                list(p.tied[: p.slots]),
                session=s,
                reason="会议决定",
            )
    with ws.session() as s:
        done = finalise_by_two(s)
        c = results.compute(s)
        absent_row = next(
            x for x in standings.results_json(c, s)["candidates"] if x["admission_no"] == adm[26]
        )
    assert len(done.digest) == 64 and done.digest == c.digest()
    assert absent_row["rank"] is None and absent_row["status"] == "absent"
    with ws.session() as s, pytest.raises(NotAllowed, match=r"成绩已于 .* 定稿，请先重新打开"):
        marking.import_key(tmp_path / "key.csv", session=s, reason="x")
    with ws.session() as s, pytest.raises(NotAllowed):
        reopen_by_two(s, reason=" ")
    with ws.session() as s:
        reopen_by_two(s, reason="第5题答案有误")
    corrected = {**KEY, 5: "C"}
    _write(tmp_path / "key2.csv", ["题号", "答案"], sorted(corrected.items()))
    with ws.session() as s, pytest.raises(NotAllowed, match="reason"):
        marking.import_key(tmp_path / "key2.csv", session=s)
    with ws.session() as s:
        before = results.compute(s).totals
        asked = marking.import_key(tmp_path / "key2.csv", session=s, reason="第5题答案更正为C")
        assert isinstance(asked, SignOffPending)  # 双人复核: a second officer signs
        s.info["actor"] = SECOND
        fix = marking.import_key(tmp_path / "key2.csv", session=s, reason="第5题答案更正为C")
        after = results.compute(s).totals
    assert fix.version == 2 and fix.changed == (5,)
    assert before is not None and after is not None
    assert int((before.objective - after.objective).max()) == int(
        0.5 * before.scale
    )  # 0.5 point lost
    with ws.session() as s:
        actions = [e.action for e in s.exec(select(AuditEntry).order_by(AuditEntry.id))]  # type: ignore[arg-type]
    actions = [a for a in actions if not a.startswith("signoff.")]  # 双人复核's requests
    # Finalising also adds the exam's awards to the 能手库 register, audited.
    assert actions[-4:] == ["results.finalise", "register.update", "results.reopen", "key.correct"]


def test_json_contracts_from_the_cli(exam: tuple[Workspace, list[str]], tmp_path: Path) -> None:
    ws, _ = exam
    with ws.session() as s:
        marking.import_key(tmp_path / "key.csv", session=s)
        marking.import_scores(tmp_path / "scores.csv", session=s)

    def cli(*args: str) -> dict:  # type: ignore[type-arg]
        out = subprocess.run(
            [sys.executable, "-m", "exam_center", "--workspace", str(ws.path), *args, "--json"],
            capture_output=True,
            text=True,
            check=True,
            env=cli_env(ws),
        )
        return json.loads(out.stdout)  # type: ignore[no-any-return]

    res = cli("results")
    first = res["candidates"][0]
    assert {
        "admission_no",
        "candidate_id",
        "name",
        "team",
        "objective",
        "subjective",
        "total",
        "rank",
        "tie_keys",
    } <= first.keys()
    assert (first["rank"], first["objective"], first["subjective"], first["total"]) == (
        1,
        75.0,  # 60 single × 0.5 + 30 multi × 1 + 30 of the true/false × 0.5
        12.0,  # two case questions, both markers 6
        87.0,
    )
    assert "policy" in res and any(
        c["status"] == "ineligible" and c["rank"] is None for c in res["candidates"]
    )
    aw = cli("awards")
    assert {"individual", "pending_ties"} <= aw.keys()
    assert {"award", "admission_no", "rank", "note"} <= aw["individual"][0].keys()
    assert {"award", "rank", "admission_nos"} <= aw["pending_ties"][0].keys()
    tm = cli("teams")
    assert {"team", "members", "total", "rank", "award"} <= tm["teams"][0].keys()
    assert "省厅本级" not in {t["team"] for t in tm["teams"] if t["rank"] is not None}
    nat = cli("national")
    assert {"selected", "recommended", "drawn", "draw"} <= nat.keys() and nat["draw"] == "none"
