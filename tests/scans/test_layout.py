"""scans.layout: geometry invariants, pagination, the spare grid, the layout hash and its JSON."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scans.layout import (
    ABSENCE_LABEL,
    CONTENT_Y1,
    QR2_RECT_MM,
    QR_RECT_MM,
    Bubble,
    InvalidPaper,
    LayoutError,
    PaperSpec,
    Rect,
    SectionSpec,
    SheetLayout,
    build_layout,
)

EXAMPLE = PaperSpec(
    (
        SectionSpec("单项选择题", "single", 60, 4),
        SectionSpec("多项选择题", "multi", 30, 5),
        SectionSpec("判断题", "truefalse", 40, 2),
    )
)
QR_QUIET_MM = 3.0  # 4 modules of a version-4 symbol in the 25 mm QR area
QR2_QUIET_MM = 1.6  # 4 modules of the same symbol in the second, 13.5 mm area


def _overlap(a: Rect, b: Rect, margin: float = 0.0) -> bool:
    return not (
        a.right + margin <= b.x_mm
        or b.right + margin <= a.x_mm
        or a.bottom + margin <= b.y_mm
        or b.bottom + margin <= a.y_mm
    )


def _all_bubbles(layout: SheetLayout) -> list[tuple[int, Bubble]]:
    out = [(p.number, b) for p in layout.pages for q in p.questions for b in q.options]
    for p in layout.pages:
        if p.admission_grid is not None:
            out += [(p.number, b) for col in p.admission_grid.bubbles for b in col]
    return out


def assert_sound(layout: SheetLayout) -> None:
    """Invariants every layout must keep, whatever the paper."""
    w, _ = layout.page_size_mm
    numbers = [q.number for q in layout.questions]
    assert numbers == list(range(1, layout.paper.question_count + 1))
    assert [p.number for p in layout.pages] == list(range(1, len(layout.pages) + 1))
    for page in layout.pages:
        assert len(page.fiducials) == 4
        assert page.qr == Rect(*QR_RECT_MM) and page.qr2 == Rect(*QR2_RECT_MM)
        # The two copies of the identity share no row and no column of the page: one
        # streak down it, one line across it or one fold cannot reach both.
        assert page.qr2.right < page.qr.x_mm and page.qr.bottom < page.qr2.y_mm
        for f in page.fiducials:
            assert not _overlap(page.qr2, f, QR2_QUIET_MM)
        footer = page.header.footer
        assert not _overlap(page.qr2, footer, QR2_QUIET_MM)
        for title in page.section_titles:
            assert not _overlap(page.qr2, title.rect, QR2_QUIET_MM)
        for block in page.blocks:
            # the section frame is drawn 1.5 mm below a section's last block
            assert block.bottom + 1.5 < page.qr2.y_mm - QR2_QUIET_MM, block
        header_bottom = max(page.header.instructions.bottom, page.header.fill_example.bottom)
        if page.admission_grid is not None:
            header_bottom = max(header_bottom, page.admission_grid.frame.bottom)
        for q in page.questions:
            labels = [b.label for b in q.options]
            assert labels == [chr(ord("A") + i) for i in range(len(labels))]
            assert all(b.rect.y_mm > header_bottom for b in q.options), q.number
    by_page: dict[int, list[Bubble]] = {}
    for page_no, b in _all_bubbles(layout):
        by_page.setdefault(page_no, []).append(b)
        r = b.rect
        assert r.x_mm >= 15.0 and r.right <= w - 15.0, b
        assert r.y_mm >= 20.0 and r.bottom <= CONTENT_Y1, b
        page = layout.page(page_no)
        assert not _overlap(r, page.qr, QR_QUIET_MM), b
        assert not _overlap(r, page.qr2, QR2_QUIET_MM), b
        for f in page.fiducials:
            assert not _overlap(r, f, 3.0), b
    for bubbles in by_page.values():
        # Bubbles of one page never touch: at least 0.9 mm of paper between any two.
        rects = sorted((b.rect for b in bubbles), key=lambda r: (r.y_mm, r.x_mm))
        for one, other in itertools.combinations(rects, 2):
            if abs(one.y_mm - other.y_mm) > 10:
                continue
            assert not _overlap(one, other, 0.9), (one, other)


def test_example_paper_fits_one_page_with_130_numbered_questions() -> None:
    layout = build_layout(EXAMPLE)
    assert len(layout.pages) == 1
    assert len(layout.questions) == 130
    assert_sound(layout)
    q = {x.number: x for x in layout.questions}
    assert (q[1].kind, q[1].section, len(q[1].options)) == ("single", "单项选择题", 4)
    assert (q[61].kind, len(q[61].options)) == ("multi", 5)
    assert (q[130].kind, [b.label for b in q[130].options]) == ("truefalse", ["A", "B"])
    page = layout.pages[0]
    assert page.header.admission_no is not None
    assert page.section_titles[0].text.startswith("一、单项选择题")


def test_a_candidate_sheet_has_an_empty_grid_signature_and_absence_box_on_page_one() -> None:
    paper = PaperSpec(
        (SectionSpec("单项选择题", "single", 120, 4), SectionSpec("判断题", "truefalse", 120, 2))
    )
    layout = build_layout(paper, admission_digits=9)
    assert not layout.spare and len(layout.pages) >= 2
    assert_sound(layout)
    first = layout.pages[0]
    grid = first.admission_grid
    assert grid is not None and grid.digits == 9
    # The number is printed beside it: no boxes to write it again.
    assert grid.write_boxes == ()
    h = first.header
    assert h.admission_no is not None and h.signature is not None and h.absence is not None
    mark = first.absence_mark
    assert mark is not None and mark.label == ABSENCE_LABEL
    assert h.absence.value_box.x_mm < mark.rect.x_mm and mark.rect.right < h.absence.value_box.right
    assert h.exam_time is not None and h.exam_time.y_mm >= QR_RECT_MM[1] + QR_RECT_MM[3] + 3.0
    header_boxes = [h.name, h.admission_no, h.room, h.seat, h.page_label, h.signature, h.absence]
    for fld in header_boxes:
        assert not _overlap(fld.value_box, grid.frame), fld.label
    assert not _overlap(h.exam_time, grid.frame) and not _overlap(h.exam_time, first.qr, 3.0)
    for later in layout.pages[1:]:
        assert later.admission_grid is None and later.absence_mark is None
        assert later.header.signature is None


def test_page_designs_keep_their_bubble_rows_apart() -> None:
    """An unidentified page is told by its printed grid: a candidate's page 1, a spare's
    page 1 and any later page must not put their question rows in the same places."""
    tops = {
        "candidate p1": build_layout(EXAMPLE).pages[0].questions[0].options[0].y_mm,
        "spare p1": build_layout(EXAMPLE, spare=True).pages[0].questions[0].options[0].y_mm,
    }
    long = build_layout(PaperSpec((SectionSpec("单项选择题", "single", 300, 4),)))
    tops["later page"] = long.pages[1].questions[0].options[0].y_mm
    for (a, ya), (b, yb) in itertools.combinations(tops.items(), 2):
        offset = (ya - yb) % 4.5  # question rows are 4.5 mm apart
        assert min(offset, 4.5 - offset) >= 1.0, (a, b)


def test_questions_come_in_blocks_of_five_with_equal_pitch() -> None:
    layout = build_layout(EXAMPLE)
    q = {x.number: x for x in layout.questions}
    for first in range(1, 130, 5):
        rows = [q[n] for n in range(first, first + 5)]
        xs = {r.options[0].x_mm for r in rows}
        assert len(xs) == 1, f"block starting at {first} is not one column"
        ys = [r.options[0].y_mm for r in rows]
        assert all(b - a == pytest.approx(4.5) for a, b in itertools.pairwise(ys))
    assert len(layout.pages[0].blocks) == 12 + 6 + 8


def test_fiducials_sit_in_the_corners_and_tell_the_orientation() -> None:
    page = build_layout(EXAMPLE).pages[0]
    tl, tr, bl, br = page.fiducials
    assert tl.centre[0] < 20 and tl.centre[1] < 20
    assert tr.centre[0] > 190 and tr.centre[1] < 20
    assert bl.centre[0] < 20 and bl.centre[1] > 277
    assert br.centre[0] > 190 and br.centre[1] > 277
    # Only one mark is large: it stays the top-left at any rotation of the scan.
    assert tl.w_mm > max(tr.w_mm, bl.w_mm, br.w_mm)
    assert tr.w_mm == bl.w_mm == br.w_mm
    # Centres form a rectangle, so a reader can fit the transform from them directly.
    assert tl.centre[0] == bl.centre[0] and tr.centre[0] == br.centre[0]
    assert tl.centre[1] == tr.centre[1] and bl.centre[1] == br.centre[1]


def test_a_long_paper_continues_on_more_pages() -> None:
    paper = PaperSpec(
        (
            SectionSpec("单项选择题", "single", 200, 4),
            SectionSpec("多项选择题", "multi", 80, 6),
            SectionSpec("判断题", "truefalse", 100, 2),
        )
    )
    layout = build_layout(paper)
    assert len(layout.pages) >= 2
    assert_sound(layout)
    titles = [t.text for p in layout.pages for t in p.section_titles]
    assert any(t.endswith("（续）") for t in titles)
    # The continuation of a section on a later page is headed by its own title.
    for page in layout.pages:
        if page.questions:
            assert page.section_titles, page.number


def test_spare_layout_has_the_admission_grid_on_page_one_only() -> None:
    paper = PaperSpec(
        (SectionSpec("单项选择题", "single", 120, 4), SectionSpec("判断题", "truefalse", 120, 2))
    )
    layout = build_layout(paper, spare=True, admission_digits=9)
    assert layout.spare and len(layout.pages) >= 2
    assert_sound(layout)
    grid = layout.pages[0].admission_grid
    assert grid is not None
    assert all(p.admission_grid is None for p in layout.pages[1:])
    assert grid.digits == 9 and len(grid.bubbles) == 9 and len(grid.write_boxes) == 9
    for col in grid.bubbles:
        assert [b.label for b in col] == [str(d) for d in range(10)]
        assert len({b.x_mm for b in col}) == 1
        assert [b.y_mm for b in col] == sorted(b.y_mm for b in col)
    # The box for writing each digit stands above its column.
    for box, col in zip(grid.write_boxes, grid.bubbles, strict=True):
        assert box.x_mm < col[0].x_mm < box.right and box.bottom < col[0].rect.y_mm
    assert layout.pages[0].header.admission_no is None


def test_example_spare_sheet_still_fits_one_page() -> None:
    layout = build_layout(EXAMPLE, spare=True)
    assert len(layout.pages) == 1
    assert_sound(layout)


@pytest.mark.parametrize("digits", [1, 6, 9, 10, 12])
def test_admission_grid_width_never_reaches_the_qr(digits: int) -> None:
    layout = build_layout(EXAMPLE, spare=True, admission_digits=digits)
    assert_sound(layout)
    grid = layout.pages[0].admission_grid
    assert grid is not None and grid.digits == digits


def test_layout_hash_is_stable_for_the_same_structure() -> None:
    a = build_layout(EXAMPLE)
    b = build_layout(PaperSpec(tuple(replace(s) for s in EXAMPLE.sections)))
    assert a.layout_hash == b.layout_hash
    assert len(a.layout_hash) == 16 and int(a.layout_hash, 16) >= 0
    # admission_digits shapes the grids, so it is part of every layout.
    assert build_layout(EXAMPLE, admission_digits=8).layout_hash != a.layout_hash


@pytest.mark.parametrize(
    "changed",
    [
        (SectionSpec("单项选择题", "single", 61, 4),),  # one more question
        (SectionSpec("单项选择题", "single", 60, 5),),  # one more option
        (SectionSpec("单项选择题", "multi", 60, 4),),  # another kind
        (SectionSpec("单选题", "single", 60, 4),),  # renamed
    ],
)
def test_layout_hash_changes_with_the_paper_structure(changed: tuple[SectionSpec, ...]) -> None:
    paper = PaperSpec(changed + EXAMPLE.sections[1:])
    assert build_layout(paper).layout_hash != build_layout(EXAMPLE).layout_hash


def test_layout_hash_tells_spare_and_section_order_apart() -> None:
    base = build_layout(EXAMPLE).layout_hash
    assert build_layout(EXAMPLE, spare=True).layout_hash != base
    reordered = PaperSpec((EXAMPLE.sections[1], EXAMPLE.sections[0], EXAMPLE.sections[2]))
    assert build_layout(reordered).layout_hash != base
    spare9 = build_layout(EXAMPLE, spare=True, admission_digits=9).layout_hash
    assert build_layout(EXAMPLE, spare=True, admission_digits=8).layout_hash != spare9


def test_json_has_exactly_the_issue_schema() -> None:
    layout = build_layout(EXAMPLE)
    doc = layout.to_json_dict("JS2022")
    json.dumps(doc)  # serialisable as is
    assert set(doc) == {"exam_code", "layout_hash", "page_size_mm", "pages"}
    assert doc["exam_code"] == "JS2022" and doc["layout_hash"] == layout.layout_hash
    assert doc["page_size_mm"] == [210, 297]
    (page,) = doc["pages"]
    # The grid and the absence box came later: added keys, the old ones unchanged.
    assert set(page) == {
        "page",
        "fiducials",
        "qr",
        "qr2",
        "questions",
        "admission_grid",
        "absence_mark",
    }
    assert set(page["absence_mark"]) == {"label", "x_mm", "y_mm", "w_mm", "h_mm"}
    assert page["page"] == 1
    assert set(page["qr"]) == {"x_mm", "y_mm", "w_mm", "h_mm"}
    assert page["qr2"] == {"x_mm": 18.5, "y_mm": 279.0, "w_mm": 13.5, "h_mm": 13.5}
    assert all(set(f) == {"x_mm", "y_mm", "w_mm", "h_mm"} for f in page["fiducials"])
    q1 = page["questions"][0]
    assert set(q1) == {"number", "section", "kind", "options"}
    assert set(q1["options"][0]) == {"label", "x_mm", "y_mm", "w_mm", "h_mm"}
    # Option positions are bubble centres.
    bubble = layout.pages[0].questions[0].options[0]
    assert q1["options"][0]["x_mm"] == pytest.approx(bubble.rect.centre[0], abs=1e-3)
    assert q1["options"][0]["y_mm"] == pytest.approx(bubble.rect.centre[1], abs=1e-3)
    numbers = [q["number"] for p in doc["pages"] for q in p["questions"]]
    assert len(numbers) == len(set(numbers)) == 130


def test_spare_json_adds_the_admission_grid() -> None:
    doc = build_layout(EXAMPLE, spare=True).to_json_dict("JS2022")
    grid = doc["pages"][0]["admission_grid"]
    assert grid["digits"] == 9 and len(grid["bubbles"]) == 9 and len(grid["bubbles"][0]) == 10


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda: PaperSpec(()), "no objective section"),
        (lambda: SectionSpec("判断题", "truefalse", 10, 3), "2 options"),
        (lambda: SectionSpec("单选", "single", 0, 4), "at least one question"),
        (lambda: SectionSpec("单选", "essay", 5, 4), "kind"),  # type: ignore[arg-type]
        (lambda: SectionSpec("单选", "single", 5, 11), "options must be"),
        (lambda: SectionSpec(" ", "single", 5, 4), "needs a name"),
        (
            lambda: PaperSpec(
                (SectionSpec("单选", "single", 5, 4), SectionSpec("单选", "multi", 5, 4))
            ),
            "used twice",
        ),
    ],
)
def test_unusable_papers_are_refused_with_the_reason(make: object, fragment: str) -> None:
    with pytest.raises(InvalidPaper, match=fragment):
        make()  # type: ignore[operator]


def test_impossible_admission_digits_are_refused() -> None:
    with pytest.raises(LayoutError, match="admission_digits"):
        build_layout(EXAMPLE, spare=True, admission_digits=0)
    with pytest.raises(LayoutError, match="admission_digits"):
        build_layout(EXAMPLE, spare=True, admission_digits=13)


sections = st.builds(
    SectionSpec,
    name=st.text(alphabet="甲乙丙丁单选多判断题", min_size=1, max_size=6),
    kind=st.sampled_from(["single", "multi"]),
    count=st.integers(1, 160),
    options=st.integers(2, 10),
) | st.builds(
    SectionSpec,
    name=st.text(alphabet="甲乙丙丁单选多判断题", min_size=1, max_size=6),
    kind=st.just("truefalse"),
    count=st.integers(1, 160),
    options=st.just(2),
)
papers = st.lists(sections, min_size=1, max_size=4, unique_by=lambda s: s.name).map(
    lambda xs: PaperSpec(tuple(xs))
)


@settings(max_examples=60, deadline=None)
@given(paper=papers, spare=st.booleans())
def test_any_paper_gives_a_sound_layout(paper: PaperSpec, spare: bool) -> None:
    layout = build_layout(paper, spare=spare)
    assert_sound(layout)
    assert build_layout(paper, spare=spare).layout_hash == layout.layout_hash


@settings(max_examples=60, deadline=None)
@given(paper=papers, which=st.integers(0, 3), extra=st.integers(1, 20))
def test_any_change_of_a_count_changes_the_hash(paper: PaperSpec, which: int, extra: int) -> None:
    k = which % len(paper.sections)
    bigger = list(paper.sections)
    bigger[k] = replace(bigger[k], count=bigger[k].count + extra)
    assert build_layout(PaperSpec(tuple(bigger))).layout_hash != build_layout(paper).layout_hash


def test_example_layout_hashes_are_pinned() -> None:
    # Printed sheets carry this hash: a release that moved a bubble would reject every
    # sheet already printed for a running exam. Change these values only on purpose.
    # Changed on purpose with issue 16 item 3: the candidate's admission grid and 缺考标记
    # box on page 1 (dcb15cd428d80775 before). Spare sheets did not move.
    assert build_layout(EXAMPLE).layout_hash == "d525698cf1ec03db"
    assert build_layout(EXAMPLE, spare=True).layout_hash == "2bfe7672688f856a"
