"""A page neither of whose QR codes reads, through the real reader into a real database:
it waits as 待识别页面 with no candidate (so it scores nobody), and a person's decision,
checked against the roster, the layout and the pages already read, files it — through
the service and through the CLI as a user runs it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import pytest
from sqlmodel import col, select

from exam_center.db.models import AuditEntry, ReviewDecision, ReviewItem, ScannedPage
from exam_center.demo.run import run_demo
from exam_center.domain.errors import NotAllowed
from exam_center.services import exams, review, scanning, seating, sheets
from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings
from scans.layout import Rect
from scans.payload import make_payload
from scans.render.output import SheetHeader, render_page
from scans.simulate.pages import REALISTIC, gentle, simulate_page
from tests.cli_accounts import cli_env

MARKED = {1: "A", 2: "B", 3: "C", 61: "AC", 62: "BDE", 91: "A", 92: "B"}
ANSWERS = {n: MARKED.get(n, "") for n in range(1, 131)}
DPI = 150


def _streak(image: npt.NDArray[np.uint8], rect: Rect) -> npt.NDArray[np.uint8]:
    """A thick toner streak down the page across one QR code."""
    out = image.copy()
    s = DPI / 25.4
    x = rect.x_mm + rect.w_mm * 0.45
    out[
        int((rect.y_mm - 4) * s) : int((rect.bottom + 4) * s),
        int((x - 2.5) * s) : int((x + 2.5) * s),
    ] = 25
    return out


def _sheet(ws: Workspace, seat_index: int, seed: int, *, codes: int) -> tuple[Path, str]:
    """One candidate's filled, scanned page with ``codes`` of its QR codes left legible
    (2: both, 0: a streak across each), written as a PNG; and the admission number."""
    with ws.session() as s:
        exam = exams.current_exam(s)
        view = seating.seating_view(session=s)
        layout = sheets.exam_layouts(s).candidate
        secret = sheets.exam_secret(s)
    assert view is not None
    seat = [st for r in view.rooms for st in r.seats][seat_index]
    header = SheetHeader(
        title=exam.title, name=seat.name, admission_no=seat.admission_no, room="01", seat="1"
    )
    payload = make_payload(
        exam_code=exam.code,
        admission_no=seat.admission_no,
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=layout.layout_hash,
        secret=secret,
    )
    clean = render_page(layout, 1, header, payload, DPI)
    page = layout.pages[0]
    if codes == 0:
        clean = _streak(_streak(clean, page.qr), page.qr2)
    sim = simulate_page(
        clean, page, dpi_in=DPI, seed=seed, profile=gentle(REALISTIC), answers=ANSWERS
    )
    path = ws.path / f"scan-{seat_index}-{seed}.png"
    cv2.imwrite(str(path), sim.image)
    return path, seat.admission_no


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("identify")
    ws = open_workspace(Settings(workspace=root / "ws"))
    run_demo(ws, candidates=12, seed=5, until="print", say=lambda _: None)
    ws.close()
    return root / "ws"


@pytest.fixture
def ws(printed: Path, tmp_path: Path, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    shutil.copytree(printed, tmp_path / "ws")
    return make_workspace(folder=tmp_path / "ws")  # type: ignore[no-any-return]


def _scan(ws: Workspace, path: Path) -> scanning.PageOutcome:
    [outcome] = scanning.scan_paths([path], workspace=ws, workers=1)
    return outcome


def test_a_page_without_codes_waits_unattributed_then_a_decision_files_it(ws: Workspace) -> None:
    path, adm = _sheet(ws, 0, seed=21, codes=0)
    outcome = _scan(ws, path)
    assert outcome.status == "unidentified", outcome.reason
    assert outcome.admission_no is None and outcome.page is None
    assert "待识别页面" in outcome.reason and Path(outcome.overlay).is_file()
    with ws.session() as s:
        page = s.exec(select(ScannedPage)).one()
        assert page.status == "unidentified" and page.candidate_id is None and not page.current
        assert page.page_no == 1 and page.marks  # measured, kept, attributed to nobody
        items = review.open_items(session=s)
        [identify] = [r for r in items if r.kind == "identify"]
        assert identify.page_id == page.id and identify.admission_no is None
        report = scanning.completeness(session=s)
        assert report.complete == 0  # no candidate has a page yet
        page_id = page.id
    assert page_id is not None

    with ws.session() as s:
        with pytest.raises(NotAllowed, match=r"准考证号 999999999 未在本次考试中编座 .*not seated"):
            review.identify_page(page_id, "999999999", session=s, reason="看页眉")
        with pytest.raises(NotAllowed, match=r"答题卡只有第 1–1 页，没有第 2 页 .*pages 1\.\.1"):
            review.identify_page(page_id, adm, page_no=2, session=s, reason="看页眉")
        with pytest.raises(NotAllowed, match="--reason"):
            review.identify_page(page_id, adm, session=s, reason="")
    with ws.session() as s:
        filed = review.identify_page(page_id, adm, session=s, reason="页眉印有姓名和准考证号")
        assert filed.status == "read" and filed.current and filed.admission_no == adm
    with ws.session() as s:
        page = s.get(ScannedPage, page_id)
        assert page is not None and page.candidate_id is not None
        certain = {m["number"]: m["marks"] for m in page.marks if m["status"] in ("ok", "blank")}
        assert len(certain) >= 100 and all(ANSWERS[n] == m for n, m in certain.items())
        assert not any(r.kind == "identify" for r in review.open_items(session=s))
        decision = s.exec(select(ReviewDecision).where(ReviewDecision.kind == "identify")).one()
        assert decision.marks == adm and decision.decided_by == "张考务"
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "review.identify")).one()
        assert entry.detail["admission_no"] == adm and entry.detail["page_no"] == 1
        assert scanning.completeness(session=s).complete == 1
        # Filed once: a second decision on the same page is refused.
        with pytest.raises(
            NotAllowed, match=rf"待识别页面 {page_id} .*已由 张考务 .*处理，本次决定未保存"
        ):
            review.identify_page(page_id, adm, session=s, reason="again")


def test_identifying_a_page_already_read_makes_it_a_conflict(ws: Workspace) -> None:
    readable, adm = _sheet(ws, 1, seed=31, codes=2)
    assert _scan(ws, readable).status == "read"
    unreadable, _ = _sheet(ws, 1, seed=32, codes=0)
    outcome = _scan(ws, unreadable)
    assert outcome.status == "unidentified", outcome.reason
    with ws.session() as s:
        page = s.exec(select(ScannedPage).where(ScannedPage.status == "unidentified")).one()
        assert page.id is not None
        filed = review.identify_page(page.id, adm, session=s, reason="页眉")
        assert filed.status == "conflict" and not filed.current
        kinds = {i.kind for i in s.exec(select(ReviewItem).where(col(ReviewItem.open)))}
        assert "conflict" in kinds and "identify" not in kinds


def _spare(ws: Workspace, seed: int, *, grid: str | None, codes: int) -> Path:
    """A spare sheet, its grid filled with ``grid`` (or left empty), scanned."""
    with ws.session() as s:
        exam = exams.current_exam(s)
        layout = sheets.exam_layouts(s).spare
        secret = sheets.exam_secret(s)
    payload = make_payload(
        exam_code=exam.code,
        admission_no=None,
        spare_serial=7,
        page=1,
        pages=len(layout.pages),
        layout_hash=layout.layout_hash,
        secret=secret,
    )
    clean = render_page(layout, 1, SheetHeader(title=exam.title, spare_serial=7), payload, DPI)
    page = layout.pages[0]
    if codes == 0:
        clean = _streak(_streak(clean, page.qr), page.qr2)
    sim = simulate_page(
        clean,
        page,
        dpi_in=DPI,
        seed=seed,
        profile=gentle(REALISTIC),
        answers=ANSWERS,
        admission_no=grid,
    )
    path = ws.path / f"spare-{seed}.png"
    cv2.imwrite(str(path), sim.image)
    return path


@pytest.mark.parametrize("codes", [2, 0])
def test_a_spare_sheet_is_identified_through_the_same_mechanism(ws: Workspace, codes: int) -> None:
    # codes=2: the QR codes read, the admission grid left empty (review kind "admission");
    # codes=0: neither code reads (kind "identify", measured as the spare layout).
    with ws.session() as s:
        view = seating.seating_view(session=s)
    assert view is not None
    adm = [st for r in view.rooms for st in r.seats][3].admission_no
    outcome = _scan(ws, _spare(ws, 61 + codes, grid=None, codes=codes))
    assert outcome.admission_no is None
    kind = "admission" if codes else "identify"
    assert outcome.status == ("read" if codes else "unidentified"), outcome.reason
    with ws.session() as s:
        [item] = [r for r in review.open_items(session=s) if r.kind in ("admission", "identify")]
        assert item.kind == kind
        if codes:
            review.resolve_admission(item.page_id, adm, session=s, reason="手写号")
        else:
            review.identify_page(item.page_id, adm, session=s, reason="手写号")
    with ws.session() as s:
        page = s.get(ScannedPage, item.page_id)
        assert page is not None and (page.admission_no, page.current) == (adm, True)
        decision = s.exec(select(ReviewDecision).where(ReviewDecision.page_id == page.id)).one()
        assert decision.kind == kind
        assert s.exec(select(AuditEntry).where(AuditEntry.action == f"review.{kind}")).one()


def _cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "exam_center",
            "--workspace",
            str(ws),
            *args,
        ],
        capture_output=True,
        text=True,
        env=cli_env(ws, columns="200"),
    )


def test_the_cli_scans_lists_and_identifies_the_page(ws: Workspace) -> None:
    path, adm = _sheet(ws, 2, seed=41, codes=0)
    root = ws.path
    ws.close()
    scanned = _cli(root, "scan", str(path), "--json", "--workers", "1")
    assert scanned.returncode == 0, scanned.stderr
    [line] = [json.loads(x) for x in scanned.stdout.splitlines() if x.strip().startswith("{")]
    assert line["status"] == "unidentified" and line["admission_no"] is None
    listed = _cli(root, "review", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    [item] = [r for r in json.loads(listed.stdout) if r["kind"] == "identify"]
    page = str(item["page_id"])
    refused = _cli(root, "review", "identify", page, "123", "--reason", "页眉")
    assert refused.returncode != 0 and "准考证号 123 未在本次考试中编座" in refused.stderr
    done = _cli(root, "review", "identify", page, adm, "--reason", "页眉")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"页面 {page} 是 {adm} 的第 1 页 (page {page} is page 1 of {adm})" in done.stdout
    again = _cli(root, "review", "list", "--json")
    assert not [r for r in json.loads(again.stdout) if r["kind"] == "identify"]
