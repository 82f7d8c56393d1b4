"""scans.batch: a folder of scanner output read in worker processes, as in production."""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from crashing import KillsItsReader, kill_a_worker
from PIL import Image

from scans.batch import (
    KNOWN,
    PageResult,
    ReadContext,
    ReaderProcessesFailing,
    needs_a_person,
    read_batch,
)
from scans.ingest import PageFormat, Source, iter_sources
from scans.layout import PaperSpec, SectionSpec, SheetLayout, build_layout
from scans.payload import make_payload
from scans.read.page import PageStatus, QuestionStatus
from scans.render.output import SheetHeader, render_page
from scans.simulate.pages import REALISTIC, encode_image, gentle, simulate_page

DPI = 150
SECRET = b"batch-secret"
EXAM = "EX2022"
PAPER = PaperSpec(
    (SectionSpec("单项选择题", "single", 10, 4), SectionSpec("判断题", "truefalse", 5, 2))
)
Gray = npt.NDArray[np.uint8]


@cache
def _layout() -> SheetLayout:
    return build_layout(PAPER)


def _context() -> ReadContext:
    return ReadContext(EXAM, SECRET, {_layout().layout_hash: _layout()})


@cache
def _page(candidate: int) -> tuple[Gray, dict[int, str]]:
    layout = _layout()
    admission = f"2022{candidate:05d}"
    payload = make_payload(
        exam_code=EXAM,
        admission_no=admission,
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=layout.layout_hash,
        secret=SECRET,
    )
    clean = render_page(layout, 1, SheetHeader(title="t", admission_no=admission), payload, DPI)
    answers = {n: "ABCD"[(n + candidate) % 4] for n in range(1, 11)}
    answers.update({n: "AB"[(n + candidate) % 2] for n in range(11, 16)})
    sim = simulate_page(
        clean,
        layout.pages[0],
        dpi_in=DPI,
        seed=candidate,
        profile=gentle(REALISTIC),
        answers=answers,
        rotation=180 if candidate % 2 else 0,
    )
    return sim.image, answers


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scanner's output folder: single pages, a multi-page TIFF and PDF, and junk."""
    folder = tmp_path_factory.mktemp("scanner")
    (folder / "a").mkdir()
    (folder / "a" / "p1.png").write_bytes(encode_image(_page(1)[0], ".png").tobytes())
    (folder / "a" / "p2.jpg").write_bytes(encode_image(_page(2)[0], ".jpg", 90).tobytes())
    frames = [Image.fromarray(_page(c)[0]) for c in (3, 4)]
    frames[0].save(folder / "b.tiff", save_all=True, append_images=frames[1:])
    pdf_pages = [Image.fromarray(_page(c)[0]) for c in (5, 6)]
    pdf_pages[0].save(folder / "c.pdf", save_all=True, append_images=pdf_pages[1:], resolution=DPI)
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.txt").write_text("not a scan")
    return folder


def _key(result: PageResult) -> tuple[str, int | None]:
    return (result.file.name, result.page_index)


def _summary(results: list[PageResult]) -> dict[tuple[str, int | None], tuple[str, str]]:
    out = {}
    for r in results:
        marks = "".join(q.marks or "-" for q in r.read.questions) if r.read else ""
        admission = r.read.payload.admission_no if r.read and r.read.payload else ""
        out[_key(r)] = (f"{r.status}:{r.reject_kind}:{admission}", marks)
    return out


@pytest.fixture(scope="module")
def one_worker(scans: Path) -> list[PageResult]:
    return list(read_batch(iter_sources([scans]), context=_context(), workers=1))


def test_every_page_and_every_bad_file_gets_a_result(one_worker: list[PageResult]) -> None:
    assert sorted(_key(r) for r in one_worker) == [
        ("b.tiff", 0),
        ("b.tiff", 1),
        ("c.pdf", 0),
        ("c.pdf", 1),
        ("empty.png", None),
        ("notes.txt", None),
        ("p1.png", 0),
        ("p2.jpg", 0),
    ]
    rejected = {r.file.name: r for r in one_worker if r.status is PageStatus.REJECTED}
    assert set(rejected) == {"empty.png", "notes.txt"}
    assert rejected["empty.png"].reject_kind == "empty_file"
    assert rejected["notes.txt"].reject_kind == "not_an_image"


def test_pages_of_every_format_are_read_correctly(one_worker: list[PageResult]) -> None:
    candidate_of = {("p1.png", 0): 1, ("p2.jpg", 0): 2, ("b.tiff", 0): 3, ("b.tiff", 1): 4}
    candidate_of.update({("c.pdf", 0): 5, ("c.pdf", 1): 6})
    for result in one_worker:
        if _key(result) not in candidate_of:
            continue
        candidate = candidate_of[_key(result)]
        assert result.read is not None and result.status is PageStatus.READ, result.reason
        assert result.read.payload is not None
        assert result.read.payload.admission_no == f"2022{candidate:05d}"
        expected = _page(candidate)[1]
        certain = [q for q in result.read.questions if q.status is QuestionStatus.OK]
        # The simulated candidates erase and press lightly now and then: a flag is fine,
        # a certain answer that is not the candidate's is not.
        assert len(certain) >= len(expected) - 2
        assert all(q.marks == expected[q.number] for q in certain)
        assert result.sha256 and len(result.sha256) == 64


def test_two_workers_read_the_same_as_one(scans: Path, one_worker: list[PageResult]) -> None:
    two = list(read_batch(iter_sources([scans]), context=_context(), workers=2))
    assert _summary(two) == _summary(one_worker)
    assert {r.sha256 for r in two} == {r.sha256 for r in one_worker}


def test_overlays_are_written_per_read_page(scans: Path, tmp_path: Path) -> None:
    results = list(
        read_batch(
            iter_sources([scans / "a"]),
            exam_code=EXAM,
            secret=SECRET,
            layouts=_context().layouts,
            workers=2,
            overlay_dir=tmp_path / "overlays",
        )
    )
    assert len(results) == 2
    for result in results:
        assert result.overlay_path is not None and result.overlay_path.exists()
        assert result.read is not None and result.read.overlay is None  # stays on disk
        picture = np.asarray(Image.open(result.overlay_path))
        assert picture.ndim == 3 and picture.shape[0] > picture.shape[1]


def test_overlays_only_for_the_pages_a_person_will_look_at(scans: Path, tmp_path: Path) -> None:
    results = list(
        read_batch(
            iter_sources([scans]),
            context=_context(),
            workers=2,
            overlay_dir=tmp_path / "overlays",
            overlay_when=needs_a_person,
        )
    )
    read = [r for r in results if r.read is not None and r.status is PageStatus.READ]
    assert read
    for result in read:
        assert result.read is not None
        drawn = result.overlay_path is not None and result.overlay_path.is_file()
        assert drawn == needs_a_person(result.read)
        assert needs_a_person(result.read) == bool(result.read.flagged)  # seated, no grid


def test_the_picture_drawn_later_is_the_one_drawn_while_reading(
    scans: Path, tmp_path: Path
) -> None:
    [source] = [s for s in iter_sources([scans / "a" / "p2.jpg"])]
    eager = list(read_batch([source], context=_context(), overlay_dir=tmp_path / "now"))
    lazy = list(
        read_batch([source], context=_context(), overlay_dir=tmp_path / "later", overlay_when=False)
    )
    assert lazy[0].overlay_path is None and not any((tmp_path / "later").iterdir())
    assert lazy[0].read is not None and eager[0].read is not None
    # The picture changes nothing read (only the timings differ).
    assert replace(lazy[0].read, timings_ms={}) == replace(eager[0].read, timings_ms={})
    again = list(read_batch([source], context=_context(), overlay_dir=tmp_path / "later"))
    assert eager[0].overlay_path is not None and again[0].overlay_path is not None
    assert again[0].overlay_path.read_bytes() == eager[0].overlay_path.read_bytes()


def test_pages_already_recorded_are_yielded_unread(
    scans: Path, one_worker: list[PageResult]
) -> None:
    known = {r.sha256 for r in one_worker if r.read is not None and r.sha256}
    results = list(read_batch(iter_sources([scans]), context=_context(), workers=2, skip=known))
    assert len(results) == len(one_worker)
    skipped = [r for r in results if r.sha256 in known]
    assert len(skipped) == len(known)
    assert all(r.read is None and r.reject_kind == KNOWN for r in skipped)
    others = sorted(str(r.file) + str(r.page_index) for r in results if r.sha256 not in known)
    expected = [r for r in one_worker if r.sha256 not in known]
    assert others == sorted(str(r.file) + str(r.page_index) for r in expected)


def test_cancelling_stops_submitting(scans: Path) -> None:
    cancel = threading.Event()
    results = []
    for result in read_batch(
        iter_sources([scans]), context=_context(), workers=2, cancel=cancel, max_in_flight=2
    ):
        results.append(result)
        cancel.set()
    assert 1 <= len(results) <= 4  # what was in flight still arrives; nothing new starts


def test_closing_the_generator_early_is_clean(scans: Path) -> None:
    batch = read_batch(iter_sources([scans]), context=_context(), workers=2)
    first = next(batch)
    batch.close()
    assert first.file.exists()


def test_wrong_secret_rejects_every_page_with_its_reason(scans: Path) -> None:
    context = ReadContext(EXAM, b"another secret", _context().layouts)
    results = list(read_batch(iter_sources([scans / "a"]), context=context, workers=1))
    assert [r.reject_kind for r in results] == ["bad_signature", "bad_signature"]
    assert all(r.read is not None and r.read.rotation is not None for r in results)


@pytest.fixture(scope="module")
def many(scans: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Ten single pages: more than the pool holds in flight, so a death finds work left."""
    folder = tmp_path_factory.mktemp("many")
    for i in range(10):
        name = "p1.png" if i % 2 == 0 else "p2.jpg"
        shutil.copy(scans / "a" / name, folder / f"s{i:02d}{Path(name).suffix}")
    return folder


def _crasher(folder: Path, name: str) -> KillsItsReader:
    sha = hashlib.sha256(name.encode()).hexdigest()
    return KillsItsReader(folder / name, 0, 1, PageFormat.PNG, sha, sha)


def test_a_killed_worker_is_replaced_and_every_page_still_read(many: Path) -> None:
    # os.kill of a worker mid-batch (as the issue did): its pool is broken, the next submit
    # used to raise BrokenProcessPool and end the scan. Now every page is still read.
    results: list[PageResult] = []
    killed: list[int] = []
    for result in read_batch(iter_sources([many]), context=_context(), workers=2):
        results.append(result)
        if not killed:
            killed.append(kill_a_worker())
            # Let the pool notice before the batch asks it for more (a busy machine does):
            # that next submit is where the scan used to die.
            time.sleep(0.5)
    assert killed
    assert sorted(r.file.name for r in results) == sorted(p.name for p in many.iterdir())
    assert all(r.status is PageStatus.READ for r in results), [r.reason for r in results]


def test_a_page_that_kills_its_reader_is_rejected_and_the_batch_goes_on(many: Path) -> None:
    sources: list[Source] = list(iter_sources([many]))
    sources.insert(3, _crasher(many, "crash.png"))
    results = list(read_batch(sources, context=_context(), workers=2))
    assert len(results) == 11
    by_name = {r.file.name: r for r in results}
    crashed = by_name.pop("crash.png")
    assert crashed.status is PageStatus.REJECTED and crashed.reject_kind == "reader_crashed"
    assert "died on this page" in crashed.reason and "请重新扫描" in crashed.reason
    # Every other page was read, including those in flight with it when it struck.
    assert all(r.status is PageStatus.READ for r in by_name.values()), [
        r.reason for r in by_name.values()
    ]


def test_workers_that_die_on_every_page_stop_the_batch_with_a_reason(tmp_path: Path) -> None:
    sources = [_crasher(tmp_path, f"c{i}.png") for i in range(4)]
    with pytest.raises(ReaderProcessesFailing, match="in a row"):
        list(read_batch(sources, context=_context(), workers=2))
