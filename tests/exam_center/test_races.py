"""Two terminals at once, as two real processes on one database (SQLite, and PostgreSQL
when EXAM_CENTER_TEST_PG is set), each race repeated round after round at the same
moment (a barrier): two different scans of one page, two reviewers settling one conflict,
one question decided two ways, a finalise while a page is stored. Every round ends with
one scan counting and one decision stored; the other is a conflict or a refusal naming
who decided."""

from __future__ import annotations

import multiprocessing
import pickle
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, delete, func, select

from exam_center.db.models import ReviewDecision, ReviewItem, ScannedPage
from exam_center.services import exams, sheets
from exam_center.services.workspace import Workspace
from scans.payload import make_payload
from scans.read.page import read_page
from scans.render.output import SheetHeader, render_page
from scans.simulate.pages import REALISTIC, gentle, simulate_page
from tests.exam_center import racing
from tests.exam_center.graded_exam import GradedExam, graded_exam
from tests.signing import finalise_by_two, reopen_by_two

ROUNDS = 12

pytestmark = pytest.mark.postgres


@pytest.fixture
def exam(workspace: Workspace, tmp_path: Path) -> GradedExam:
    return graded_exam(workspace, tmp_path / "graded")


def _real_read(ws: Workspace, admission_no: str) -> bytes:
    """One sheet through the real renderer, simulated scanner and reader, pickled: each
    racer stores it as its own, different scan of a candidate's page."""
    with ws.session() as s:
        exam = exams.current_exam(s)
        layout = sheets.exam_layouts(s).candidate
        secret = sheets.exam_secret(s)
    payload = make_payload(
        exam_code=exam.code,
        admission_no=admission_no,
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=layout.layout_hash,
        secret=secret,
    )
    header = SheetHeader(
        title=exam.title, name="考生", admission_no=admission_no, room="01", seat="1"
    )
    clean = render_page(layout, 1, header, payload, 150)
    sim = simulate_page(clean, layout.pages[0], dpi_in=150, seed=3, profile=gentle(REALISTIC))
    read = read_page(
        sim.image, secret=secret, exam_code=exam.code, layouts={layout.layout_hash: layout}
    )
    assert read.status == "read", read.reason
    return pickle.dumps(read)


def _race(ws: Workspace, *races: racing.Race) -> dict[int, dict[str, str]]:
    """Run the racers as processes; each round's outcome by racer."""
    mp = multiprocessing.get_context("spawn")
    barrier: Any = mp.Barrier(len(races))
    out: Any = mp.Queue()
    procs = [mp.Process(target=racing.run, args=(r, barrier, out)) for r in races]
    for p in procs:
        p.start()
    rounds: dict[int, dict[str, str]] = defaultdict(dict)
    for _ in range(sum(len(r.rounds) for r in races)):
        operator, number, outcome = out.get(timeout=300)
        assert not outcome.startswith("error: "), f"{operator}, round {number}: {outcome}"
        rounds[number][operator] = outcome
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    return dict(rounds)


def _racers(ws: Workspace, task: str, rounds: tuple[Any, ...], **each: Any) -> list[racing.Race]:
    return [
        racing.Race(ws.settings.database_url, ws.path, who, task, rounds, **kw)
        for who, kw in zip(("复核员甲", "复核员乙"), each.get("kw", ({}, {})), strict=True)
    ]


def test_two_scans_of_a_page_at_once_one_counts_then_one_reviewer_settles_it(
    exam: GradedExam,
) -> None:
    ws = exam.ws
    chosen = exam.ranked[:ROUNDS]
    with ws.engine.begin() as conn:  # these candidates' sheets are not on record yet
        conn.execute(delete(ScannedPage).where(col(ScannedPage.admission_no).in_(chosen)))
    read = _real_read(ws, chosen[0])
    scans = _race(ws, *_racers(ws, "scan", tuple(chosen), kw=({"read": read}, {"read": read})))
    for number, by in scans.items():
        assert sorted(by.values()) == ["conflict", "read"], (number, by)
    with ws.session() as s:
        pages = s.exec(select(ScannedPage).where(col(ScannedPage.admission_no).in_(chosen))).all()
        assert len(pages) == 2 * ROUNDS
        current = [(p.candidate_id, p.page_no) for p in pages if p.current]
        assert sorted(current) == sorted({(p.candidate_id, p.page_no) for p in pages})
        conflicts = {p.admission_no: p.id for p in pages if p.status == "conflict"}
    assert sorted(conflicts) == sorted(chosen)

    # Both reviewers settle each conflict at the same moment, one keeping the new scan and
    # one the old: one decision is stored, the other refused with who made the first.
    settle = tuple(conflicts[adm] for adm in chosen)
    racers = _racers(ws, "conflict", settle, kw=({"keep": True}, {"keep": False}))
    decided = _race(ws, *racers)
    for number, by in decided.items():
        ok = [who for who, outcome in by.items() if outcome == "ok"]
        assert len(ok) == 1, (number, by)
        (refusal,) = [outcome for outcome in by.values() if outcome != "ok"]
        assert ok[0] in refusal and "already decided" in refusal
    with ws.session() as s:
        pages = s.exec(select(ScannedPage).where(col(ScannedPage.admission_no).in_(chosen))).all()
        by_candidate: dict[str, list[ScannedPage]] = defaultdict(list)
        for p in pages:
            by_candidate[p.admission_no or ""].append(p)
        for adm, two in by_candidate.items():
            assert sorted(p.status for p in two) == ["read", "superseded"], adm
            assert [p.status for p in two if p.current] == ["read"], adm
        assert (
            s.exec(
                select(func.count())
                .select_from(ReviewDecision)
                .where(ReviewDecision.kind == "conflict")
            ).one()
            == ROUNDS
        )
        still = s.exec(select(ReviewItem).where(col(ReviewItem.open))).all()
        assert not [i for i in still if i.kind == "conflict"]


def test_one_question_decided_two_ways_at_once_keeps_one_and_names_its_reviewer(
    exam: GradedExam,
) -> None:
    ws = exam.ws
    with ws.session() as s:
        pages = s.exec(
            select(ScannedPage)
            .where(col(ScannedPage.admission_no).in_(exam.ranked[:ROUNDS]))
            .order_by(col(ScannedPage.id))
        ).all()
        for p in pages:
            assert p.id is not None
            p.marks = [{**m, "labels": "ABCD"} for m in p.marks]  # as the reader stores them
            s.add(p)
            s.add(
                ReviewItem(
                    exam_id=p.exam_id,
                    page_id=p.id,
                    kind="question",
                    question=5,
                    status="ambiguous",
                    reason="a faint mark",
                    read_marks="",
                )
            )
        page_ids = tuple(p.id for p in pages)
    racers = _racers(ws, "question", page_ids, kw=({"marks": "A"}, {"marks": "B"}))
    decided = _race(ws, *racers)
    winners = {}
    for number, by in decided.items():
        ok = [who for who, outcome in by.items() if outcome == "ok"]
        assert len(ok) == 1, (number, by)
        (refusal,) = [outcome for outcome in by.values() if outcome != "ok"]
        assert ok[0] in refusal and "already decided" in refusal
        winners[page_ids[number]] = ok[0]
    with ws.session() as s:
        stored = s.exec(select(ReviewDecision).where(ReviewDecision.kind == "question")).all()
        assert sorted(d.page_id or 0 for d in stored) == sorted(page_ids)  # one each
        for d in stored:
            assert d.decided_by == winners[d.page_id or 0]
            assert d.marks == ("A" if d.decided_by == "复核员甲" else "B")
        items = s.exec(select(ReviewItem).where(ReviewItem.kind == "question")).all()
        assert all(not i.open and i.version == 1 for i in items)


def test_a_page_stored_while_results_are_finalised_never_lands_in_them(
    exam: GradedExam,
) -> None:
    ws = exam.ws
    started = time.perf_counter()
    with ws.session() as s:  # the exam can be finalised: the race is the only obstacle
        finalise_by_two(s)
    takes = time.perf_counter() - started
    with ws.session() as s:
        reopen_by_two(s, reason="开始")
    read = _real_read(ws, exam.ranked[0])
    # The page arrives at moments spread over the whole of finalise, and a little after.
    count = ROUNDS
    rounds = tuple(
        (exam.ranked[n % len(exam.ranked)], takes * 1.2 * n / (count - 1)) for n in range(count)
    )
    finaliser = racing.Race(ws.settings.database_url, ws.path, "成绩员", "finalise", rounds)
    scanner = racing.Race(ws.settings.database_url, ws.path, "扫描员", "rescan", rounds, read=read)
    outcomes = _race(ws, finaliser, scanner)
    for number, by in outcomes.items():
        finalised = by["成绩员"] == "ok"
        stored = by["扫描员"] == "conflict"
        # Either the page came first (and finalise saw its open conflict and refused), or
        # finalise did (and the page was refused): never both, never neither.
        assert finalised != stored, (number, by)
        if not finalised:
            assert "review of conflict open" in by["成绩员"], by
        else:
            assert by["扫描员"] == "refused: finalised", by
