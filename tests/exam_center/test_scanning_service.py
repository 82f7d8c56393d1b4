"""Scanning through the real reader on real images, recorded in a real database:
read, duplicate, conflict, every rejected kind, crash-and-resume, and a review decision
surviving a rescan."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest
from sqlmodel import select

from exam_center.db.models import ReviewItem, ScannedPage
from exam_center.demo.run import run_demo
from exam_center.services import conflicts, exams, review, scanning, seating, sheets
from exam_center.services.results import compute
from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings
from scans.payload import make_payload
from scans.render.output import SheetHeader, render_page
from scans.simulate.pages import REALISTIC, gentle, simulate_page
from tests.cli_accounts import cli_env

MARKED = {1: "A", 2: "B", 3: "C", 61: "AC", 62: "BDE", 91: "A", 92: "B"}
ANSWERS = {n: MARKED.get(n, "") for n in range(1, 131)}  # every other question left blank


def _scan_image(
    ws: Workspace,
    seat_index: int,
    seed: int,
    *,
    exam_code: str | None = None,
    secret: bytes | None = None,
    admission_no: str | None = None,
) -> tuple:  # type: ignore[type-arg]
    with ws.session() as s:
        exam = exams.current_exam(s)
        view = seating.seating_view(session=s)
        layout = sheets.exam_layouts(s).candidate
        real_secret = sheets.exam_secret(s)
    assert view is not None
    seat = [st for r in view.rooms for st in r.seats][seat_index]
    adm = admission_no or seat.admission_no
    header = SheetHeader(title=exam.title, name=seat.name, admission_no=adm, room="01", seat="1")
    payload = make_payload(
        exam_code=exam_code or exam.code,
        admission_no=adm,
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=layout.layout_hash,
        secret=secret or real_secret,
    )
    clean = render_page(layout, 1, header, payload, 150)
    sim = simulate_page(
        clean, layout.pages[0], dpi_in=150, seed=seed, profile=gentle(REALISTIC), answers=ANSWERS
    )
    return sim, adm


@pytest.fixture(scope="module")
def scanned_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seated, printed workspace and a folder of three candidates' scans."""
    root = tmp_path_factory.mktemp("scanbase")
    ws = open_workspace(Settings(workspace=root / "ws"))
    run_demo(ws, candidates=30, seed=4, until="print", say=lambda _: None)
    folder = root / "in"
    folder.mkdir()
    for i in range(3):
        sim, adm = _scan_image(ws, i, seed=100 + i)
        cv2.imwrite(str(folder / f"{adm}.png"), sim.image)
    ws.close()
    return root


@pytest.fixture
def ws(scanned_base: Path, tmp_path: Path, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    shutil.copytree(scanned_base / "ws", tmp_path / "ws")
    shutil.copytree(scanned_base / "in", tmp_path / "in")
    return make_workspace(folder=tmp_path / "ws")  # type: ignore[no-any-return]


def scan(ws: Workspace, *paths: Path, workers: int = 1) -> list[scanning.PageOutcome]:
    return list(scanning.scan_paths(list(paths), workspace=ws, workers=workers))


def test_pages_are_read_and_the_same_files_again_are_duplicates(
    ws: Workspace, tmp_path: Path
) -> None:
    first = scan(ws, tmp_path / "in", workers=2)
    assert [o.status for o in first] == ["read"] * 3
    for o in first:
        certain = {q["number"]: q["marks"] for q in o.questions if q["status"] in ("ok", "blank")}
        assert len(certain) >= 100  # most questions certain; the rest wait for review
        assert all(ANSWERS[n] == marks for n, marks in certain.items())
        assert not o.overlay or Path(o.overlay).is_file()
    again = scan(ws, tmp_path / "in")
    assert [o.status for o in again] == ["duplicate"] * 3
    with ws.session() as s:
        assert len(s.exec(select(ScannedPage)).all()) == 3
        report = scanning.completeness(session=s)
    assert report.complete == 3 and len(report.absent) == report.seated - 3


def test_two_unreadable_files_of_one_name_in_two_folders_are_two_rejected_pages(
    ws: Workspace, tmp_path: Path
) -> None:
    # Longer than the 50 characters the key was once cut to: the paths end alike.
    name = "scanner-export-" + "x" * 50 + ".png"
    folders = [tmp_path / "feeder-a", tmp_path / "feeder-b"]
    for folder in folders:
        folder.mkdir()
        os.mkfifo(folder / name)  # not read (it would wait for a writer): no bytes to hash
    outcomes = scan(ws, *folders)
    assert [o.status for o in outcomes] == ["rejected", "rejected"]
    assert all("FIFO" in o.reason for o in outcomes)
    keys = {o.sha256 for o in outcomes}
    assert len(keys) == 2 and all(k.startswith("unhashed:") and len(k) == 64 for k in keys)
    with ws.session() as s:
        stored = s.exec(select(ScannedPage).where(ScannedPage.status == "rejected")).all()
    assert sorted(p.file for p in stored) == sorted(str(f / name) for f in folders)
    # The same unreadable file fed again is the same page: nothing stored twice.
    assert [o.status for o in scan(ws, folders[0])] == ["duplicate"]


def test_a_page_with_a_corner_cut_off_is_read_and_says_so(ws: Workspace, tmp_path: Path) -> None:
    sim, adm = _scan_image(ws, 3, seed=11)
    image = sim.image.copy()
    image[: image.shape[0] // 12, : image.shape[1] // 8] = 255  # the feeder cut a corner off
    folder = tmp_path / "cut"
    folder.mkdir()
    cv2.imwrite(str(folder / f"{adm}.png"), image)
    [outcome] = scan(ws, folder)
    assert outcome.status == "read" and outcome.admission_no == adm
    assert "fiducial was not found" in outcome.reason
    certain = {q["number"]: q["marks"] for q in outcome.questions if q["status"] in ("ok", "blank")}
    assert len(certain) >= 100 and all(ANSWERS[n] == m for n, m in certain.items())
    with ws.session() as s:
        stored = s.exec(select(ScannedPage).where(ScannedPage.admission_no == adm)).one()
    assert stored.status == "read" and stored.reason == outcome.reason
    # Every bubble's measures are kept with the page, as the evidence of its verdicts.
    assert all(len(m["spread"]) == len(m["coverage"]) == len(m["labels"]) for m in stored.marks)


def test_every_rejected_kind_has_its_reason(ws: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.png").write_bytes(b"")
    (bad / "notes.png").write_text("not an image")
    good = next((tmp_path / "in").glob("*.png")).read_bytes()
    (bad / "cut.png").write_bytes(good[: len(good) // 2])
    (bad / "sheet.gif").write_bytes(b"GIF89a" + b"\0" * 100)
    other, _ = _scan_image(ws, 0, seed=7, exam_code="OTHER2022", secret=b"another secret")
    cv2.imwrite(str(bad / "other-exam.png"), other.image)
    with ws.session() as s:
        real_secret = sheets.exam_secret(s)
    forged, _ = _scan_image(ws, 0, seed=8, secret=real_secret[::-1])
    cv2.imwrite(str(bad / "forged.png"), forged.image)
    stranger, _ = _scan_image(ws, 0, seed=9, admission_no="220799999")
    cv2.imwrite(str(bad / "stranger.png"), stranger.image)
    outcomes = {Path(o.file).name: o for o in scan(ws, bad)}
    assert {n: o.status for n, o in outcomes.items()} == {n: "rejected" for n in outcomes}
    assert len(outcomes) == 7
    with ws.session() as s:
        kinds = {Path(p.file).name: p.reject_kind for p in s.exec(select(ScannedPage))}
    assert kinds["empty.png"] == "empty_file"
    assert kinds["notes.png"] in ("not_an_image", "unsupported_format")
    assert kinds["cut.png"] in ("truncated", "corrupt")
    assert kinds["sheet.gif"] == "unsupported_format"
    assert kinds["other-exam.png"] == "wrong_exam"
    assert kinds["forged.png"] == "bad_signature"
    assert kinds["stranger.png"] == "unknown_candidate"
    assert "220799999" in outcomes["stranger.png"].reason


def test_a_different_scan_of_a_read_page_is_a_conflict_and_decisions_survive(
    ws: Workspace, tmp_path: Path
) -> None:
    scan(ws, tmp_path / "in")
    with ws.session() as s:
        page = s.exec(select(ScannedPage).where(ScannedPage.status == "read")).first()
        assert page is not None and page.id is not None
        review.resolve_question(page.id, 5, "D", session=s, reason="按图像判读")
    rescan = tmp_path / "rescan"
    rescan.mkdir()
    index = next(i for i in range(3) if _seat_adm(ws, i) == page.admission_no)
    sim, _ = _scan_image(ws, index, seed=555)
    cv2.imwrite(str(rescan / "again.png"), sim.image)
    (outcome,) = scan(ws, rescan)
    assert outcome.status == "conflict"
    with ws.session() as s:
        items = review.open_items(session=s)
        conflict = next(i for i in items if i.kind == "conflict")
        review.resolve_conflict(conflict.page_id, keep=True, session=s, reason="新扫描更清晰")
    with ws.session() as s:
        current = s.exec(
            select(ScannedPage).where(
                ScannedPage.candidate_id == page.candidate_id, ScannedPage.current
            )
        ).all()
        assert [p.id for p in current] == [conflict.page_id]
        c = compute(s)
    row = c.roster.row_of(page.candidate_id or 0)
    assert c.responses[row, 4] == 0b1000  # question 5 is D, as decided, on the new scan too


def test_pictures_not_drawn_while_scanning_are_drawn_when_asked_for(
    ws: Workspace, tmp_path: Path
) -> None:
    outcomes = list(
        scanning.scan_paths([tmp_path / "in"], workspace=ws, workers=1, overlays="lazy")
    )
    assert [o.status for o in outcomes] == ["read"] * 3
    assert all(o.overlay == "" for o in outcomes)  # none drawn: nothing to open yet
    with ws.session() as s:
        pages = s.exec(select(ScannedPage)).all()
        for page in pages:
            assert page.overlay_path and not Path(page.overlay_path).exists()  # its place
            drawn = scanning.ensure_overlay(s, page)
            assert drawn == page.overlay_path and Path(drawn).is_file()
            picture = cv2.imread(drawn)
            assert picture is not None and picture.shape[0] > picture.shape[1] > 800
    # A rescan of a page that needed nobody: both sides of the conflict get their picture.
    rescan = tmp_path / "rescan"
    rescan.mkdir()
    sim, _ = _scan_image(ws, 0, seed=556)
    cv2.imwrite(str(rescan / "again.png"), sim.image)
    with ws.session() as s:
        for page in s.exec(select(ScannedPage)).all():
            Path(page.overlay_path).unlink()
    (outcome,) = scan(ws, rescan)
    assert outcome.status == "conflict"
    with ws.session() as s:
        conflict = next(i for i in review.open_items(session=s) if i.kind == "conflict")
        pair = conflicts.conflict_pair(conflict.page_id, session=s)
    assert pair.in_force is not None and Path(pair.in_force.overlay).is_file()
    assert Path(pair.rescan.overlay).is_file()


def test_pages_that_need_a_person_have_their_picture_at_once(ws: Workspace, tmp_path: Path) -> None:
    outcomes = scan(ws, tmp_path / "in")
    for o in outcomes:
        assert bool(o.overlay) == (o.flagged > 0)
        assert not o.overlay or Path(o.overlay).is_file()
    with ws.session() as s:
        for item in review.open_items(session=s):
            assert Path(item.overlay).is_file()  # every page in review shows its image


def test_the_scan_command_imports_no_printing_nor_exporting(
    scanned_base: Path, tmp_path: Path
) -> None:
    """`exam-center scan` pays for what it uses: no fpdf, openpyxl, textual at start-up."""
    shutil.copytree(scanned_base / "ws", tmp_path / "ws")
    (tmp_path / "empty").mkdir()
    argv = ["--workspace", str(tmp_path / "ws"), "scan", "--json", str(tmp_path / "empty")]
    code = (
        "import sys\n"
        "import exam_center.cli.main as cli\n"
        f"cli.app({argv!r}, standalone_mode=False)\n"
        "heavy = ('fpdf', 'openpyxl', 'textual', 'exam_center.services.exporting')\n"
        "print('loaded:' + ','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **cli_env(tmp_path / "ws")},
    ).stdout
    assert out.strip().splitlines()[-1] == "loaded:"


def _seat_adm(ws: Workspace, index: int) -> str:
    with ws.session() as s:
        view = seating.seating_view(session=s)
    assert view is not None
    return [st for r in view.rooms for st in r.seats][index].admission_no


def test_a_killed_batch_run_again_loses_nothing_and_records_nothing_twice(
    ws: Workspace, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    src = sorted((tmp_path / "in").glob("*.png"))
    for i in range(3):  # the three sheets, plus rotated copies: distinct images of known pages
        img = cv2.imread(str(src[i]), cv2.IMREAD_GRAYSCALE)
        cv2.imwrite(str(folder / f"a{i}.png"), img)
        for k in range(1, 4):
            cv2.imwrite(
                str(folder / f"r{i}-{k}.png"),
                cv2.rotate(
                    img,
                    [cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_180, cv2.ROTATE_90_COUNTERCLOCKWISE][
                        k - 1
                    ],
                ),
            )
    files = sorted(folder.glob("*.png"))
    cmd = [
        sys.executable,
        "-m",
        "exam_center",
        "--workspace",
        str(ws.path),
        "scan",
        str(folder),
        "--workers",
        "1",
        "--json",
    ]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, **cli_env(ws)},
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        with ws.session() as s:
            stored = len(s.exec(select(ScannedPage)).all())
        if stored >= 2:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 2 <= stored < len(files), "the kill should land mid-batch"
    outcomes = scan(ws, folder)
    with ws.session() as s:
        pages = s.exec(select(ScannedPage)).all()
    assert len(pages) == len(files)
    assert len({p.sha256 for p in pages}) == len(files)
    assert sum(o.status == "duplicate" for o in outcomes) >= stored
    assert sum(p.current for p in pages) == 3  # one current scan per sheet; the rest conflicts
    with ws.session() as s:
        conflicts = s.exec(select(ReviewItem).where(ReviewItem.kind == "conflict")).all()
    assert len(conflicts) == len(files) - 3


def test_watching_a_folder_reads_each_sheet_once_it_is_whole(ws: Workspace, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sheets_in = sorted((tmp_path / "in").glob("*.png"))
    cmd = [sys.executable, "-m", "exam_center", "--workspace", str(ws.path), "scan", str(inbox)]
    cmd += ["--watch", "--interval", "0.2", "--idle-exit", "3", "--workers", "1", "--json"]
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **cli_env(ws)},
    )
    shutil.copy(sheets_in[0], inbox / "001.png")
    data = sheets_in[1].read_bytes()
    with (inbox / "002.png").open("wb") as slow:  # a scanner still writing this one
        slow.write(data[: len(data) // 2])
        slow.flush()
        time.sleep(0.4)
        slow.write(data[len(data) // 2 :])
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert sorted((Path(o["file"]).name, o["status"]) for o in lines) == [
        ("001.png", "read"),
        ("002.png", "read"),
    ]
    with ws.session() as s:
        assert len(s.exec(select(ScannedPage)).all()) == 2


def test_watching_a_folder_that_does_not_exist_is_refused(ws: Workspace, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "exam_center", "--workspace", str(ws.path), "scan"]
    cmd += [str(tmp_path / "no-such-inbox"), "--watch", "--idle-exit", "1"]
    wide = {**os.environ, **cli_env(ws), "COLUMNS": "400"}  # the message box must not wrap the path
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=wide)
    assert done.returncode == 1  # one clear error line (not a usage error)
    assert "no such file or folder" in done.stderr and "no-such-inbox" in done.stderr
