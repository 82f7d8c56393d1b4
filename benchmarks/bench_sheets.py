"""Answer-sheet printing speed: 1,000 candidates' sheets to one PDF, and raster pages.

Run: .venv/bin/python benchmarks/bench_sheets.py [--candidates N] [--runs R]
Prints the median of R runs. Target (issue 4): 1,000 sheets to one PDF in under 60 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from scans.layout import PaperSpec, SectionSpec, build_layout
from scans.payload import new_exam_secret
from scans.render.output import SheetHeader, render_page, sheet_to_print, write_sheets_pdf

PAPER = PaperSpec(
    (
        SectionSpec("单项选择题", "single", 60, 4),
        SectionSpec("多项选择题", "multi", 30, 5),
        SectionSpec("判断题", "truefalse", 40, 2),
    )
)
TITLE = "2022年度全省人社窗口单位业务技能练兵比武全省选拔赛"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚"


def headers(n: int) -> list[SheetHeader]:
    return [
        SheetHeader(
            title=TITLE,
            name=SURNAMES[i % 20] + GIVEN[(i * 7) % 20] + GIVEN[(i * 13) % 20],
            admission_no=f"2022{i // 30 + 1:02d}{i % 30 + 1:03d}",
            room=f"{i // 30 + 1:02d}",
            seat=str(i % 30 + 1),
            exam_date="2022-07-10",
        )
        for i in range(n)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    layout = build_layout(PAPER)
    secret = new_exam_secret()
    heads = headers(args.candidates)

    t0 = time.perf_counter()
    sheets = [sheet_to_print(layout, h, exam_code="JS2022", secret=secret) for h in heads]
    sign_s = time.perf_counter() - t0

    pdf_times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sheets.pdf"
        for _ in range(args.runs):
            t0 = time.perf_counter()
            printed = write_sheets_pdf(out, layout, sheets)
            pdf_times.append(time.perf_counter() - t0)
        size = out.stat().st_size

    # Raster: the first page of a layout at a dpi draws the static parts; later pages reuse them.
    dpi = 200
    t0 = time.perf_counter()
    render_page(layout, 1, heads[0], sheets[0].payloads[0], dpi)
    first_ms = (time.perf_counter() - t0) * 1000
    raster_ms: list[float] = []
    for h, s in list(zip(heads, sheets, strict=True))[1:41]:
        t0 = time.perf_counter()
        render_page(layout, 1, h, s.payloads[0], dpi)
        raster_ms.append((time.perf_counter() - t0) * 1000)

    pdf_s = statistics.median(pdf_times)
    print(f"paper: {PAPER.question_count} questions, {len(layout.pages)} page(s) per sheet")
    print(f"signing {args.candidates} payload sets: {sign_s:.2f} s")
    print(
        f"PDF: {printed.sheets} sheets, {printed.pages} pages ({len(printed.rooms)} room covers)"
        f" in {pdf_s:.1f} s median of {args.runs} (target < 60 s), {size / 1e6:.1f} MB,"
        f" {size / printed.pages / 1e3:.1f} kB/page, {pdf_s / printed.sheets * 1000:.1f} ms/sheet"
    )
    print(
        f"raster at {dpi} dpi: {statistics.median(raster_ms):.1f} ms/page median"
        f" (first page of a layout {first_ms:.0f} ms, draws the cached static parts)"
    )


if __name__ == "__main__":
    main()
