"""Benchmark: pages read per second, and memory, through the whole reading pipeline.

Writes simulated scans (200 dpi A4, realistic damage) as JPEG and as PNG files, then
times ``read_batch(iter_sources(folder), workers=W)`` over them: walking and hashing the
files in the parent, decoding and reading each page (fiducials, page transform, QR decode
and signature check, every bubble, decisions) in the workers. Worker start-up is included.
Database writes are not (they belong to the application's scanning service).

Prints the median of several runs in pages/s for 1 and 2 workers, the peak resident memory
of the parent and of the workers, and, with --stream, shows memory staying flat while the
same files are fed over and over. Reference points measured on this machine: Auto-Multiple-
Choice 1.8 pages/s (1 process) and 3.2 (2); OMRChecker 15-21 pages/s per core on
pre-aligned sheets, 1-7 once it must align them.

    .venv/bin/python benchmarks/bench_scan_speed.py [--pages N] [--runs R] [--stream N]
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import numpy.typing as npt

from scans.batch import ReadContext, read_batch
from scans.ingest import Source, iter_sources
from scans.layout import PaperSpec, SectionSpec, build_layout
from scans.payload import make_payload
from scans.read.page import PageStatus
from scans.render.output import SheetHeader, render_page
from scans.simulate.pages import encode_image, simulate_page

DPI = 200
EXAM = "JS2022"
SECRET = b"bench-secret"
PAPER = PaperSpec(
    (
        SectionSpec("单项选择题", "single", 60, 4),
        SectionSpec("多项选择题", "multi", 30, 5),
        SectionSpec("判断题", "truefalse", 20, 2),
    )
)
AMC = {1: 1.8, 2: 3.2}
OMR_CHECKER_ALIGNED = (15.0, 21.0)  # per core
OMR_CHECKER_ALIGNING = (1.0, 7.0)  # per core


def _clean_page(candidate: int) -> npt.NDArray[np.uint8]:
    layout = build_layout(PAPER)
    admission = f"3201{candidate:05d}"
    payload = make_payload(
        exam_code=EXAM,
        admission_no=admission,
        spare_serial=None,
        page=1,
        pages=1,
        layout_hash=layout.layout_hash,
        secret=SECRET,
    )
    header = SheetHeader(title="练兵比武", name=f"考生{candidate}", admission_no=admission)
    return render_page(layout, 1, header, payload, DPI)


def _write_one(job: tuple[Path, int]) -> None:
    folder, index = job
    sim = simulate_page(
        _clean_page(index % 8), build_layout(PAPER).pages[0], dpi_in=DPI, seed=index
    )
    name = f"scan{index:05d}"
    (folder / "jpeg" / f"{name}.jpg").write_bytes(encode_image(sim.image, ".jpg", 90).tobytes())
    (folder / "png" / f"{name}.png").write_bytes(encode_image(sim.image, ".png").tobytes())


def _write_scans(folder: Path, pages: int) -> ReadContext:
    """Simulated scans written by helper processes, so this process stays as lean as a
    scanning service that only reads."""
    (folder / "jpeg").mkdir()
    (folder / "png").mkdir()
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        list(pool.map(_write_one, [(folder, i) for i in range(pages)], chunksize=8))
    layout = build_layout(PAPER)
    return ReadContext(EXAM, SECRET, {layout.layout_hash: layout})


def _descendant_peak_mb() -> float:
    """The largest peak resident size (VmHWM) among this process's descendants: the reader
    workers are children of the forkserver, which getrusage(RUSAGE_CHILDREN) never sees."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    mine = {os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                grew = True
    peak = 0.0
    for pid in mine - {os.getpid()}:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024.0)
        except OSError:
            continue
    return peak


def _time(
    folder: Path, context: ReadContext, workers: int, total: int
) -> tuple[float, int, int, float]:
    start = time.perf_counter()
    cpu_start = time.process_time()
    count = read = 0
    worker_peak = 0.0
    for result in read_batch(iter_sources([folder]), context=context, workers=workers):
        count += 1
        read += result.status is PageStatus.READ
        if count == total:  # the pool is still alive: look at its workers
            worker_peak = _descendant_peak_mb()
    if workers == 1:
        _cpu_seconds[folder.name].append((time.process_time() - cpu_start) / max(count, 1))
    return time.perf_counter() - start, count, read, worker_peak


# CPU seconds per page when everything runs in this process (workers=1): what a page
# costs a core whatever else the machine is doing.
_cpu_seconds: dict[str, list[float]] = {"jpeg": [], "png": []}


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0  # kilobytes on Linux


def _cycled(folder: Path, total: int) -> Iterator[Source]:
    return itertools.islice(itertools.cycle(list(iter_sources([folder]))), total)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stream", type=int, default=0, help="pages fed for the memory check")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"writing {args.pages} simulated pages at {DPI} dpi as JPEG (q90) and PNG ...")
        context = _write_scans(folder, args.pages)
        sizes = {
            kind: sum(p.stat().st_size for p in (folder / kind).iterdir()) / args.pages / 1024
            for kind in ("jpeg", "png")
        }
        results: dict[tuple[str, int], float] = {}
        worker_peak = 0.0
        for kind in ("jpeg", "png"):
            for workers in (1, 2):
                rates = []
                for _ in range(args.runs):
                    seconds, count, read, peak = _time(folder / kind, context, workers, args.pages)
                    assert count == args.pages and read == args.pages, (count, read)
                    rates.append(count / seconds)
                    worker_peak = max(worker_peak, peak)
                rate = statistics.median(rates)
                results[(kind, workers)] = rate
                print(
                    f"  {kind:4s} ({sizes[kind]:5.0f} KB/page)  workers={workers}  "
                    f"{rate:6.1f} pages/s  ({1000 / rate:5.1f} ms/page; runs: "
                    f"{', '.join(f'{r:.1f}' for r in rates)})"
                )
        print(
            f"peak resident memory: parent {_peak_mb(resource.RUSAGE_SELF):.0f} MB "
            f"(workers=1 reads in it), largest worker process {worker_peak:.0f} MB"
        )
        print("CPU time per page (workers=1, in this process), and what 2 idle cores allow:")
        for kind in ("jpeg", "png"):
            cpu = statistics.median(_cpu_seconds[kind])
            print(f"  {kind:4s} {cpu * 1000:5.1f} ms CPU/page -> {2 / cpu:5.1f} pages/s on 2 cores")
        print("ratios (measured wall-clock rates):")
        for kind in ("jpeg", "png"):
            for workers in (1, 2):
                rate = results[(kind, workers)]
                aligned = OMR_CHECKER_ALIGNED[1] * workers
                aligning = OMR_CHECKER_ALIGNING[1] * workers
                print(
                    f"  {kind:4s} workers={workers}: {rate / AMC[workers]:5.1f}× Auto-Multiple-"
                    f"Choice, {rate / aligned:4.1f}× OMRChecker pre-aligned (best case "
                    f"{aligned:.0f}/s), {rate / aligning:4.1f}× OMRChecker aligning (best case "
                    f"{aligning:.0f}/s)"
                )
        if args.stream:
            _stream(folder / "jpeg", context, args.stream)


def _stream(folder: Path, context: ReadContext, total: int) -> None:
    """Feed ``total`` pages (the same files over and over) and watch the parent's memory."""
    before = _peak_mb(resource.RUSAGE_SELF)
    start = time.perf_counter()
    checkpoints = {total // 4, total // 2, total}
    results = read_batch(_cycled(folder, total), context=context, workers=2)
    for done, _ in enumerate(results, start=1):
        if done in checkpoints:
            rate = done / (time.perf_counter() - start)
            peak = _peak_mb(resource.RUSAGE_SELF)
            print(
                f"  streamed {done:6d} pages: parent peak {peak:.0f} MB (was {before:.0f}), "
                f"{rate:.1f} pages/s"
            )


if __name__ == "__main__":
    main()
