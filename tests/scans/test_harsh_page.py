"""A harsh page once lost: turned over (180°), skewed 8°, blurred and noisy, one fiducial
came out of the scan ragged enough that its outline fell under the shape test's
solidity, the page transform rested on the QR code alone and the page was rejected
("the page transform is not trusted"). A fiducial whose outline is at least 0.75 solid
is a fiducial: the page is read. The page is the benchmark's own (bench_scan_accuracy,
harsh set, seed 20221079), drawn here through the real renderer, simulator and reader.

Four more once lost (reader 1.7 reads them): a page shifted in the feeder with two
fiducials cut off, a page whose fiducials were matched to the wrong marks under a toner
streak (both QR codes fix it), and a page with one code unreadable and a mark taken for
a fiducial (left out, the other three and the one code fix it, the printed grid checks);
and one where four filled bubbles were taken for the fiducials and one code is unreadable
(the fiducials are looked for where the one code puts them)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scans.layout import PaperSpec, SectionSpec, SheetLayout, build_layout
from scans.payload import make_payload
from scans.read.page import PageStatus, QuestionStatus, read_page
from scans.render.output import SheetHeader, render_page
from scans.simulate.marks import MarkModel
from scans.simulate.pages import HARSH, SimulatedPage, simulate_page

SECRET = b"bench-secret"
EXAM = "JS2022"
SEED = 20221079
PAPER = PaperSpec(
    (
        SectionSpec("单项选择题", "single", 60, 4),
        SectionSpec("多项选择题", "multi", 30, 5),
        SectionSpec("判断题", "truefalse", 20, 2),
    )
)


def _simulated(seed: int, model: str) -> tuple[SheetLayout, str, SimulatedPage]:
    """The benchmark's page ``seed`` of the harsh set, drawn with ``model`` marks."""
    layout = build_layout(PAPER)
    candidate = seed % 24
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
    header = SheetHeader(
        title="2022年度全省人社窗口单位业务技能练兵比武",
        name=f"考生{candidate}",
        admission_no=admission,
        room=f"{candidate % 5 + 1:02d}",
        seat=f"{candidate % 30 + 1:02d}",
    )
    clean = render_page(layout, 1, header, payload, 200)
    profile = replace(HARSH, marks=MarkModel(model))
    sim = simulate_page(clean, layout.pages[0], dpi_in=200, seed=seed, profile=profile)
    return layout, admission, sim


def test_the_turned_over_skewed_page_with_a_ragged_fiducial_is_read_not_lost() -> None:
    layout, admission, sim = _simulated(SEED, "hatch")
    assert sim.damage.rotation == 180 and abs(sim.damage.skew_deg) > 8  # the page it was
    read = read_page(sim.image, secret=SECRET, exam_code=EXAM, layouts={layout.layout_hash: layout})
    assert read.status is PageStatus.READ, read.reason
    assert read.payload is not None and read.payload.admission_no == admission
    assert len(read.questions) == 110


@pytest.mark.parametrize(
    ("seed", "model", "note"),
    [
        (1572, "hatch", "fitted to both QR codes"),
        (1526, "strokes", "fitted to both QR codes"),
        (50200, "strokes", "fiducial was left out"),
        (50329, "strokes", "fiducials were found where the code puts them"),
    ],
)
def test_a_page_whose_fiducials_disagree_with_its_codes_is_fixed_by_them(
    seed: int, model: str, note: str
) -> None:
    layout, admission, sim = _simulated(seed, model)
    read = read_page(sim.image, secret=SECRET, exam_code=EXAM, layouts={layout.layout_hash: layout})
    assert read.status is PageStatus.READ, read.reason
    assert note in read.reason
    assert read.payload is not None and read.payload.admission_no == admission
    # Read right: no question whose truth is clear read as anything but what was meant.
    for question, truth in zip(read.questions, sim.truth, strict=True):
        if truth.unambiguous and question.status in (QuestionStatus.OK, QuestionStatus.BLANK):
            assert question.marks == truth.intended, (question, truth)
