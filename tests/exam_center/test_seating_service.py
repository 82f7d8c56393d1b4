"""Seating on a real workspace: a valid plan stored, reproducible, audited; the room
documents carry the names."""

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from sqlmodel import select

import seating as lib
from exam_center.db.models import Seat
from exam_center.demo.run import run_demo
from exam_center.domain.errors import NotAllowed, PlanInfeasible
from exam_center.services import audit, documents, registration, seating, venues
from exam_center.services.workspace import Workspace


@pytest.fixture
def registered(tmp_path: Path, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    run_demo(ws, candidates=150, seed=11, until="register", say=lambda _: None)
    return ws


def _neighbours_of_one_team(view: seating.SeatingView) -> list[tuple[str, int, int]]:
    bad = []
    for room in view.rooms:
        where = {(s.row, s.col): s.team for s in room.seats}
        for (r, c), team in where.items():
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    if (dr or dc) and where.get((r + dr, c + dc)) == team:
                        bad.append((room.code, r, c))
    return bad


def test_seating_stores_a_valid_reproducible_plan(registered: Workspace) -> None:
    with registered.session() as s:
        outcome = seating.seat_exam(session=s, seed=42)
    with registered.session() as s:
        view = seating.seating_view(session=s)
        eligible = registration.list_candidates(session=s, eligible=True)
        chain = audit.verify_chain(session=s)
        seats = s.exec(select(Seat)).all()
    assert view is not None and chain.ok
    assert outcome.seated == len(eligible) == len(seats) == 147
    assert len(outcome.not_seated) == 3
    assert {s.candidate_id for r in view.rooms for s in r.seats} == {c.id for c in eligible}
    assert _neighbours_of_one_team(view) == []
    admission = [s.admission_no for r in view.rooms for s in r.seats]
    assert len(set(admission)) == len(admission) and all(a.startswith("2207") for a in admission)
    for room in view.rooms:  # nobody watches their own city's candidates
        teams = {s.team for s in room.seats}
        assert len(room.invigilators) == 2 and sum(p.chief for p in room.invigilators) == 1
        assert not any(p.team and p.team in teams for p in room.invigilators)
    # the same seed on the same inputs gives the same plan
    with registered.session() as s:
        again = seating.seat_exam(session=s, seed=42)
    with registered.session() as s:
        view2 = seating.seating_view(session=s)
    assert again.fingerprint == outcome.fingerprint
    assert view2 is not None
    assert seating.seating_json(view2)["rooms"] == seating.seating_json(view)["rooms"]


def test_the_stored_plan_passes_the_independent_validator(registered: Workspace) -> None:
    with registered.session() as s:
        seating.seat_exam(session=s, seed=7)
        record = seating.active_plan(s)
    assert record is not None
    plan = lib.SeatPlan.from_dict(record.plan)
    with registered.session() as s:
        people = venues.list_invigilators(session=s)
        eligible = registration.list_candidates(session=s, eligible=True)
        rooms = venues.list_rooms(session=s)
    rules = lib.SeatingRules(admission_prefix="2207")
    violations = lib.validate(
        plan,
        [lib.SeatCandidate(str(c.id), c.team, c.unit) for c in eligible],
        [lib.Room(r.code, r.rows, r.cols, frozenset(r.unusable), r.building) for r in rooms],
        rules,
        [lib.Invigilator(p.staff_id, p.name, p.team, p.unit) for p in people],
    )
    assert violations == []


def test_too_few_seats_is_a_clear_diagnostic(registered: Workspace, tmp_path: Path) -> None:
    small = tmp_path / "small.csv"
    small.write_text("考场号,行数,列数\nX1,3,3\n", encoding="utf-8")
    with registered.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM room")
    with registered.session() as s:
        venues.import_rooms(small, session=s)
    with registered.session() as s, pytest.raises(PlanInfeasible) as err:
        seating.seat_exam(session=s, seed=1)
    assert err.value.diagnostics[0]["code"] == "short_of_seats"
    assert "seating is not possible" in str(err.value)
    with registered.session() as s:
        assert seating.seating_view(session=s) is None  # nothing half-written


def test_room_documents_hold_the_names(registered: Workspace, tmp_path: Path) -> None:
    with registered.session() as s, pytest.raises(NotAllowed):
        documents.print_room_documents(tmp_path / "docs", session=s)
    with registered.session() as s:
        seating.seat_exam(session=s, seed=3)
    with registered.session() as s:
        docs = documents.print_room_documents(tmp_path / "docs", session=s)
        view = seating.seating_view(session=s)
    assert view is not None
    first_room = view.rooms[0]
    for path in docs.all():
        pdf = pdfium.PdfDocument(path)
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        assert "第01考场" in text or first_room.code in text, path.name
        if path.name != "监考安排表.pdf":
            assert all(s.name in text for s in first_room.seats), path.name
        else:
            assert all(p.name in text for r in view.rooms for p in r.invigilators)
        if path.name in ("门贴.pdf", "签到表.pdf"):
            # exam.time of the example definition, as ExamInfo.when prints it
            assert "2022年7月10日 09:00—11:00" in text, path.name
    sign_in = pdfium.PdfDocument(docs.sign_in)[0].get_textpage().get_text_range()
    assert first_room.seats[0].id_number not in sign_in  # the middle digits are masked
    assert first_room.seats[0].id_number[-4:] in sign_in
