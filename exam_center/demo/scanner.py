"""The demo's scanner output: every present candidate's sheet filled in pencil as they
meant it (scans.simulate.pages) and 'scanned' into JPEG files, with the usual accidents:
an absentee, a candidate who wrote on a spare sheet, a page fed twice, a stray page."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from scans import (
    REALISTIC,
    SheetHeader,
    SheetLayout,
    SimProfile,
    encode_image,
    render_page,
    sheet_to_print,
    simulate_page,
)

JPEG_QUALITY = 88


@dataclass(frozen=True)
class SheetJob:
    layout: SheetLayout
    header: SheetHeader
    exam_code: str
    secret: bytes
    answers: dict[int, str]
    seed: int
    out: Path
    fill_grid: str | None = None  # a spare sheet: the admission number the candidate fills
    profile: SimProfile = REALISTIC  # how this candidate fills and how the page is scanned


def _make(job: SheetJob) -> list[tuple[int, str, bool]]:
    """Render, fill and scan one sheet; returns each question's (number, meant, clear)."""
    sheet = sheet_to_print(job.layout, job.header, exam_code=job.exam_code, secret=job.secret)
    truth: list[tuple[int, str, bool]] = []
    for page in job.layout.pages:
        clean = render_page(
            job.layout, page.number, job.header, sheet.payloads[page.number - 1], 200
        )
        sim = simulate_page(
            clean,
            page,
            dpi_in=200,
            seed=job.seed + page.number,
            profile=job.profile,
            answers=job.answers,
            admission_no=job.fill_grid,
        )
        # JPEG, as office scanners send them: a third of the bytes of a PNG, and written
        # and read in a fraction of the time (the stray page below stays a PNG).
        data = encode_image(sim.image, ".jpg", JPEG_QUALITY)
        job.out.with_name(f"{job.out.name}-p{page.number}.jpg").write_bytes(data.tobytes())
        truth.extend((t.number, t.intended, t.unambiguous) for t in sim.truth)
    return truth


def make_scans(
    jobs: list[SheetJob], folder: Path, *, seed: int
) -> dict[str, list[tuple[int, str, bool]]]:
    """Write every job's pages into `folder`, plus one page fed twice and one stray page."""
    folder.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        truths = list(pool.map(_make, jobs, chunksize=4))
    if jobs:  # the scanner operator fed one sheet twice
        first = sorted(folder.glob(f"{jobs[0].out.name}-p1.*"))[0]
        shutil.copy(first, folder / f"zz-refeed-{first.name}")
    stray = np.full((2339, 1654), 250, np.uint8)  # a blank page between sheets
    cv2.putText(stray, "memo", (200, 400), cv2.FONT_HERSHEY_SIMPLEX, 4, 30, 8)
    cv2.imwrite(str(folder / "zz-stray-page.png"), stray)
    return {job.out.name: truth for job, truth in zip(jobs, truths, strict=True)}
