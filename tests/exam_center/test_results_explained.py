"""Results that explain themselves, and are kept rather than computed again: a prior
holder passed over is listed at their rank with the reason (awards --json and the CLI
table, with names); an absence reads 缺考; the national list prints the chosen and the
recommended by name; a kept computation and the kept page answers agree with a fresh
computation, also after a change and after a page is renumbered in place."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from sqlmodel import select

from exam_center.db.models import Candidate, ScannedPage
from exam_center.services import finalising, kept_results, marking, results, standings
from exam_center.services.page_answers import decode, store_for
from exam_center.services.workspace import Workspace
from exam_center.services.workspace_key import KEY_FILE, read_key
from exam_center.tui.screens.results_scene import item_report, results_scene
from grading import parse_answer
from tests.cli_accounts import cli_env
from tests.exam_center.graded_exam import GradedExam, graded_exam
from tests.signing import finalise_by_two
from tests.tamper import drop_append_only

EXPERT = "江苏省人社知识通"


def cli(ws: Workspace, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws.path), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(ws, columns="200"),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.fixture
def exam(tmp_path: Path, make_workspace) -> GradedExam:  # type: ignore[no-untyped-def]
    """30 candidates ranked in seat order; the best already received 江苏省人社知识通 in
    2021, and the 20th is confirmed absent."""
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    made = graded_exam(ws, tmp_path)
    with ws.session() as s:
        best = s.exec(
            select(Candidate).where(
                Candidate.id
                == standings.results_json(results.compute(s), s)["candidates"][0]["candidate_id"]
            )
        ).one()
        best.prior_honours = [{"honour": EXPERT, "year": 2021}]
        s.add(best)
    with ws.session() as s:
        marking.record_absence(made.ranked[19], session=s, reason="签到表未签到")
    return made


def test_a_prior_holder_is_listed_at_their_rank_with_the_reason(exam: GradedExam) -> None:
    with exam.ws.session() as s:
        c = results.compute(s)
        doc = standings.awards_json(c)
        names = {x.id: x.name for x in c.roster.candidates}
    (passed,) = [e for e in doc["excluded"] if e["award"] == EXPERT]
    assert passed["admission_no"] == exam.ranked[0] and passed["rank"] == 1
    assert passed["explanation"] == "2021年已获此荣誉，不重复授予（名额依次顺延）"
    experts = [g for g in doc["individual"] if g["award"] == EXPERT]
    assert experts[0]["rank"] == 2
    assert all(g["name"] == names[g["candidate_id"]] for g in doc["individual"])

    printed = cli(exam.ws, "awards")
    line = next(x for x in printed.splitlines() if exam.ranked[0] in x and EXPERT in x)
    assert "未授予" in line and "2021年已获此荣誉" in line and passed["name"] in line
    first = printed.index(exam.ranked[0])  # listed in its place, before rank 2
    assert first < printed.index(exam.ranked[1])


def test_an_absence_reads_as_such_and_the_national_list_names_everyone(exam: GradedExam) -> None:
    printed = cli(exam.ws, "results")
    absent = next(x for x in printed.splitlines() if exam.ranked[19] in x)
    assert absent.count("缺考") == 4 and " 0 " not in absent  # three scores and the status
    with exam.ws.session() as s:
        national = standings.national_json(results.compute(s))
    listed = cli(exam.ws, "national").splitlines()
    for key in ("selected", "recommended"):
        for adm in national[key]:
            assert any(adm in x and ("选拔" if key == "selected" else "推荐") in x for x in listed)


def test_kept_results_and_answers_agree_with_a_fresh_computation(exam: GradedExam) -> None:
    ws = exam.ws
    with ws.session() as s:
        kept = results.compute(s)
        assert results.compute(s) is kept  # nothing changed: the same computation
        fresh = results.compute_now(s)
    assert standings.results_json(kept, s) == standings.results_json(fresh, s)

    with ws.session() as s:  # a change: computed again
        marking.record_absence(exam.ranked[3], session=s, reason="补登")
    with ws.session() as s:
        again = results.compute(s)
        assert again is not kept
        status = {
            x["admission_no"]: x["status"] for x in standings.results_json(again, s)["candidates"]
        }
    assert status[exam.ranked[3]] == "absent"

    # A page renumbered in place (an alike page filed as another) is decoded again.
    with ws.session() as s:
        page = s.exec(select(ScannedPage).where(ScannedPage.admission_no == exam.ranked[5])).one()
        assert page.id is not None
        before = store_for(s).answers(s, [(page.id, page.page_no)])[page.id]
        page.marks = [{**m, "marks": "B", "status": "ok"} for m in page.marks]
        page.page_no = 2
        s.add(page)
    with ws.session() as s:
        after = store_for(s).answers(s, [(page.id, 2)])[page.id]
    assert not np.array_equal(before.masks, after.masks) and set(after.masks.tolist()) == {2}
    assert (ws.path / "cache").is_dir()  # kept for the next command's process too


def test_stored_marks_become_grading_s_masks_and_flagged_statuses_are_doubtful() -> None:
    marks = [
        {"number": 1, "marks": "AC", "status": "ok"},
        {"number": 2, "marks": "", "status": "blank"},
        {"number": 3, "marks": "BD", "status": "multiple"},
        {"number": 4, "marks": "H", "status": "ambiguous"},
    ]
    answer = decode(marks, 1)
    assert answer.numbers.tolist() == [1, 2, 3, 4]
    assert answer.masks.tolist() == [parse_answer("AC"), 0, parse_answer("BD"), 1 << 7]
    assert answer.doubtful.tolist() == [False, False, True, True]


def test_finalised_results_are_read_from_the_seal_not_computed_again(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
) -> None:
    """Once final, `results`/`awards`/... and the results screen read the sealed snapshot:
    a table edited behind the seal's back (no service would) does not change what they
    show (verify names the edit); a snapshot that does not match its seal is not trusted,
    and the results are computed instead."""
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    graded_exam(ws, tmp_path, candidates=20)
    with ws.session() as s:
        finalise_by_two(s)
    with ws.session() as s:
        sealed = finalising.published("results", session=s)
        assert sealed == standings.results_json(results.compute_now(s), s)
        scene = results_scene(s)
        assert scene.finalised and scene.items_pending and scene.results.to_json() == sealed
        assert scene.with_items(item_report(s)).items is not None
    with ws.engine.begin() as conn:
        drop_append_only(conn)
        conn.execute(text("UPDATE subjectivemark SET score = 0"))
    with ws.session() as s:
        assert finalising.published("results", session=s) == sealed
        live = standings.results_json(results.compute_now(s), s)
        assert live != sealed
    assert json.loads(cli(ws, "results", "--json")) == sealed
    with ws.engine.begin() as conn:
        drop_append_only(conn)
        lock_id, snapshot = conn.execute(
            text("SELECT id, snapshot FROM resultslock ORDER BY id DESC LIMIT 1")
        ).one()
        doc = json.loads(snapshot)
        doc["results"]["candidates"][0]["name"] = "伪造"
        conn.execute(
            text("UPDATE resultslock SET snapshot = :s WHERE id = :i"),
            {"s": json.dumps(doc, ensure_ascii=False), "i": lock_id},
        )
    with ws.session() as s:
        shown = finalising.published("results", session=s)
        assert shown != doc["results"] and "伪造" not in json.dumps(shown, ensure_ascii=False)
        assert not results_scene(s).items_pending  # computed, not read from the snapshot


def test_no_reason_says_passed_down_twice() -> None:
    from exam_center.services.read_models import EXCLUSION_REASONS, exclusion_note

    for reason in EXCLUSION_REASONS:
        for lapsed in (False, True):
            note = exclusion_note(reason, (2021,), lapsed)
            assert note.count("顺延") == (0 if lapsed else 1), note


def test_the_documents_are_kept_between_commands_until_the_database_changes(
    exam: GradedExam,
) -> None:
    """Each CLI command is a process: the documents computed by one are kept in the
    workspace's cache, with the change stamp, for the next; a change computes again."""
    ws = exam.ws
    first = cli(ws, "results", "--json")
    (kept,) = (ws.path / "cache").glob("results-*.json")
    stamp_line = kept.read_text(encoding="utf-8").splitlines()[0]
    assert cli(ws, "results", "--json") == first
    with ws.session() as s:
        fresh = results.compute_now(s)
        assert json.loads(cli(ws, "awards", "--json")) == standings.awards_json(fresh)
        assert json.loads(first) == standings.results_json(fresh, s)
    with ws.session() as s:  # a change: computed again, and kept at the new stamp
        marking.record_absence(exam.ranked[3], session=s, reason="补登")
    after = json.loads(cli(ws, "results", "--json"))
    status = {c["admission_no"]: c["status"] for c in after["candidates"]}
    assert status[exam.ranked[3]] == "absent"
    assert kept.read_text(encoding="utf-8").splitlines()[0] != stamp_line
    # What is kept is what the next command prints (a marked copy, MACed with the
    # workspace key as the program does, shows it is read)...
    key = read_key(ws.path / KEY_FILE)
    stamp_now, _, body = kept.read_bytes().split(b"\n", 2)
    marked = json.loads(body)
    marked["results"]["candidates"][0]["name"] = "（缓存）"

    def write_kept(stamp: bytes, body: bytes) -> None:
        mac = key.mac(kept_results.PURPOSE, stamp + b"\n" + body).encode()
        kept.write_bytes(stamp + b"\n" + mac + b"\n" + body)

    write_kept(stamp_now, json.dumps(marked, ensure_ascii=False).encode())
    assert json.loads(cli(ws, "results", "--json"))["candidates"][0]["name"] == "（缓存）"
    # ...but only at its stamp: kept at another one, or unreadable, it is computed again.
    write_kept(stamp_line.encode(), json.dumps(marked, ensure_ascii=False).encode())
    assert json.loads(cli(ws, "results", "--json")) == after
    write_kept(stamp_now, b"{not json")
    assert json.loads(cli(ws, "results", "--json")) == after


def test_an_altered_kept_file_is_computed_again_not_printed(exam: GradedExam) -> None:
    """The cache is MACed with the workspace key: a total edited in the kept file
    (its stamp line left as it was) is not what `results --json` prints."""
    first = json.loads(cli(exam.ws, "results", "--json"))
    (kept,) = (exam.ws.path / "cache").glob("results-*.json")
    stamp, mac, body = kept.read_bytes().split(b"\n", 2)
    doc = json.loads(body)
    top = doc["results"]["candidates"][0]
    top["total"] = float(top["total"] or 0) + 50
    kept.write_bytes(stamp + b"\n" + mac + b"\n" + json.dumps(doc, ensure_ascii=False).encode())
    again = json.loads(cli(exam.ws, "results", "--json"))
    assert again == first
    assert kept.read_bytes().split(b"\n", 2)[2] != json.dumps(doc, ensure_ascii=False).encode()
