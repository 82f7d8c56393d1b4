"""Review: the queue most doubtful first, the question's image from the sheet beside
what was read; a decision set with letter keys is stored with the signed-in operator
and the default reason, and the next item comes up."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import DataTable, Input

from exam_center.db.models import ScannedPage
from exam_center.services import audit, review, scanning
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.dialogs.reason import ReasonDialog
from exam_center.tui.screens.review import DEFAULT_REASON, ReviewScreen
from exam_center.tui.widgets.review_item import ReviewFacts
from exam_center.tui.widgets.sheet_image import SheetImage
from tests.exam_center.test_identify import _sheet
from tests.tui.pilot_steps import drive, settle, shown, sign_in


@drive
async def test_a_decision_is_stored_with_the_operator_and_the_next_item_comes_up(
    scanned_workspace: Workspace,
) -> None:
    ws = scanned_workspace
    with ws.session() as s:
        queue = review.open_items(session=s)
    first = queue[0]
    assert first.kind == "question" and first.question is not None
    assert [q.doubt for q in queue] == sorted((q.doubt for q in queue), reverse=True)
    # Toggle on an option the reader did not read: the decision starts from what was read.
    choice = next(label for label in first.labels if label not in first.read_marks)
    decided = "".join(sorted(first.read_marks + choice))
    app = make_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "王复核", Role.PROCTOR)
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        table = screen.query_one("#queue", DataTable)
        assert [str(k.value) for k in table.rows] == [str(q.item_id) for q in queue]
        facts = str(screen.query_one("#item-facts", ReviewFacts).render())
        assert first.reason in facts and f"第 {first.question} 题" in facts
        image = screen.query_one("#sheet-image", SheetImage)
        assert "▀" in str(image.render())  # the half-block picture of the question
        assert f"question {first.question}" in str(image.border_subtitle)

        await pilot.press("z")  # not an option key: nothing changes
        await pilot.press(choice.lower())
        decision = str(screen.query_one("#decision", ReviewFacts).render())
        assert f"→ {decided}" in decision
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        assert dialog.query_one("#decision-reason", Input).value == DEFAULT_REASON
        await pilot.press("enter")
        await settle(pilot)
        assert shown(app) is screen and isinstance(screen, ReviewScreen)
        assert screen.current is not None and screen.current.item_id == queue[1].item_id
        assert next(iter(table.rows)).value == str(queue[1].item_id)

    with ws.session() as s:
        stored = review.decisions(session=s)[-1]
        left = review.open_items(session=s)
        entry = audit.list_entries(session=s, action="review.question", limit=1)[0]
    assert (stored.question, stored.marks, stored.decided_by, stored.reason) == (
        first.question,
        decided,
        "王复核",
        DEFAULT_REASON,
    )
    assert first.item_id not in {q.item_id for q in left}
    assert len(left) == len(queue) - 1
    assert (entry.operator, entry.detail["decided"]) == ("王复核", decided)


@drive
async def test_a_page_to_identify_is_filed_from_the_review_screen(
    printed_workspace: Workspace,
) -> None:
    ws = printed_workspace
    path, adm = _sheet(ws, 0, seed=51, codes=0)
    [outcome] = scanning.scan_paths([path], workspace=ws, workers=1)
    assert outcome.status == "unidentified", outcome.reason
    with ws.session() as s:
        first = review.open_items(session=s)[0]
    assert first.kind == "identify" and first.admission_no is None
    app = make_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "王复核", Role.PROCTOR)
        await pilot.press("f6")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.current is not None and screen.current.item_id == first.item_id
        facts = str(screen.query_one("#item-facts", ReviewFacts).render())
        assert "待识别页面" in facts
        image = screen.query_one("#sheet-image", SheetImage)
        assert "page header" in str(image.border_subtitle)  # the name and number in view
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        dialog.query_one("#decision-value", Input).value = adm
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app) is screen
        assert screen.current is None or screen.current.kind != "identify"

    with ws.session() as s:
        page = s.get(ScannedPage, first.page_id)
        assert page is not None
        assert (page.admission_no, page.status, page.current) == (adm, "read", True)
        entry = audit.list_entries(session=s, action="review.identify", limit=1)[0]
        assert s.exec(select(ScannedPage).where(ScannedPage.status == "unidentified")).all() == []
    assert (entry.operator, entry.detail["admission_no"]) == ("王复核", adm)
