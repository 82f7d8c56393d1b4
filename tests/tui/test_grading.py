"""Grading (F7): the answer key imported through the check-then-import dialog, stored as
a version by the officer; a correction shows the questions it changes and is refused
without a reason, recorded with one; subjective scores imported the same way, two
markings too far apart listed as needing a third, a changed score only with a reason;
an absence recorded; `i` opens the item analysis on the results screen."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlmodel import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static, TabbedContent

from exam_center.db.models import Absence
from exam_center.services import audit, marking, scanning, seating
from exam_center.services.grading_model import grading_paper
from exam_center.services.results import marking_issues
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.dialogs.import_file import ImportDialog
from exam_center.tui.dialogs.reason import ReasonDialog
from exam_center.tui.screens.grading import GradingScreen
from exam_center.tui.screens.results import ResultsScreen
from tests.signing import SECOND
from tests.tui.pilot_steps import drive, settle, shown, sign_in

OFFICER = "赵成绩"


def rows(table: DataTable[str]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def status_of(dialog: ImportDialog) -> str:
    return str(dialog.query_one("#import-status", Static).render())


async def check_file(pilot: Pilot[None], key: str, path: Path) -> ImportDialog:
    """Open an import dialog with `key`, and check `path` (a dry run)."""
    await pilot.press(key)
    await settle(pilot)
    dialog = shown(pilot.app)
    assert isinstance(dialog, ImportDialog)
    dialog.query_one("#import-path", Input).value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return dialog


async def open_grading(pilot: Pilot[None]) -> GradingScreen:
    await sign_in(pilot, OFFICER, Role.OFFICER)
    await pilot.press("f7")
    await settle(pilot)
    screen = shown(pilot.app)
    assert isinstance(screen, GradingScreen)
    return screen


def corrected_key(source: Path, to: Path, question: int, answer: str) -> Path:
    with source.open(encoding="utf-8") as f:
        table = list(csv.reader(f))
    for row in table[1:]:
        if row[0] == str(question):
            assert row[1] != answer
            row[1] = answer
    with to.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(table)
    return to


def write_scores(to: Path, rows: list[tuple[str, int, int, float]]) -> Path:
    with to.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["准考证号", "题号", "评次", "评分人", "分数"])
        w.writerows([adm, q, rnd, f"阅卷{rnd}", score] for adm, q, rnd, score in rows)
    return to


@drive
async def test_the_key_and_a_correction_that_needs_a_reason(
    scanned_workspace: Workspace, tmp_path: Path
) -> None:
    ws = scanned_workspace
    key = ws.path / "inputs" / "key.csv"
    correction = corrected_key(key, tmp_path / "key-corrected.csv", 3, "D")
    app = make_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_grading(pilot)
        assert "尚无答案" in str(screen.query_one("#grading-summary", Static).render())

        dialog = await check_file(pilot, "k", key)
        assert "答案第 1 版" in status_of(dialog) and "130 题" in status_of(dialog)
        assert not dialog.query_one("#import-reason-row").display  # a first key needs none
        with ws.session() as s:
            assert marking.key_versions(session=s) == []  # the check stored nothing
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app) is screen
        assert [r[:4] for r in rows(screen.query_one("#key-versions", DataTable))] == [
            ["v1", "130", "", OFFICER]
        ]

        dialog = await check_file(pilot, "k", correction)
        assert "改动的题 changed questions: 3" in status_of(dialog)
        assert dialog.query_one("#import-reason-row").display
        await pilot.press("ctrl+s")  # no reason: refused by the dialog
        await settle(pilot)
        assert shown(app) is dialog and "请写明原因" in status_of(dialog)
        with ws.session() as s:
            assert len(marking.key_versions(session=s)) == 1
        dialog.query_one("#import-reason", Input).value = "第3题答案更正为D"
        await pilot.press("ctrl+s")
        await settle(pilot)
        with ws.session() as s:  # 双人复核: asked for, not yet made
            assert len(marking.key_versions(session=s)) == 1
        with ws.session(SECOND) as s:  # the second officer imports the same file
            marking.import_key(correction, session=s, reason="第3题答案更正为D")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert shown(app) is screen
        table = rows(screen.query_one("#key-versions", DataTable))
        assert [r[0] for r in table] == ["v2", "v1"] and table[0][-1] == "第3题答案更正为D"

    with ws.session() as s:
        versions = marking.key_versions(session=s)
        first = audit.list_entries(session=s, action="key.import", limit=1)[0]
        fixed = audit.list_entries(session=s, action="key.correct", limit=1)[0]
    assert [(v.version, v.created_by, v.reason) for v in versions] == [
        (2, f"{OFFICER}, {SECOND.name}", "第3题答案更正为D"),  # 双人复核: both
        (1, OFFICER, ""),
    ]
    assert (first.operator, first.detail["version"]) == (OFFICER, 1)
    assert (fixed.operator, fixed.detail["changed"], fixed.detail["reason"]) == (
        SECOND.name,
        [3],
        "第3题答案更正为D",
    )


@drive
async def test_scores_a_third_marking_required_an_absence_and_the_item_analysis(
    scanned_workspace: Workspace, tmp_path: Path
) -> None:
    ws = scanned_workspace
    with ws.session() as s:
        marking.import_key(ws.path / "inputs" / "key.csv", session=s)
        paper = grading_paper(s)
        view = seating.seating_view(session=s)
        absent = [adm for adm, _ in scanning.completeness(session=s).absent]
    assert view is not None and absent
    first, second = (q.number for q in paper.subjective_questions)
    present = next(st for r in view.rooms for st in r.seats if st.admission_no not in absent)
    adm = present.admission_no
    # 9.5 against 6.0: more than the tolerance (2.0) apart, so a third marking is needed.
    scores = write_scores(
        tmp_path / "scores.csv",
        [(adm, first, 1, 9.5), (adm, first, 2, 6.0), (adm, second, 1, 8), (adm, second, 2, 8.5)],
    )
    rescored = write_scores(tmp_path / "rescored.csv", [(adm, first, 2, 8.5)])
    app = make_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_grading(pilot)
        dialog = await check_file(pilot, "s", scores)
        assert "4 条成绩" in status_of(dialog) and "新增 4" in status_of(dialog)
        assert not dialog.query_one("#import-reason-row").display
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app) is screen
        issues = rows(screen.query_one("#marking-issues", DataTable))
        assert issues[0][:4] == [adm, present.name, str(first), "须三评 third marking required"]
        assert issues[0][5] == "阻断"
        assert sum("须三评" in r[3] for r in issues) == 1
        assert "须三评 1" in str(screen.query_one("#grading-summary", Static).render())

        dialog = await check_file(pilot, "s", rescored)
        assert "修改 1" in status_of(dialog) and dialog.query_one("#import-reason-row").display
        dialog.query_one("#import-reason", Input).value = "二评复查后更正"
        await pilot.press("ctrl+s")
        await settle(pilot)
        issues = rows(screen.query_one("#marking-issues", DataTable))
        assert not any("须三评" in r[3] for r in issues)  # 9.5 and 8.5 agree well enough

        await pilot.press("a")
        await settle(pilot)
        absence = shown(app)
        assert isinstance(absence, ReasonDialog)
        absence.query_one("#decision-value", Input).value = absent[0]
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(app) is screen

        await pilot.press("i")
        await settle(pilot)
        results = shown(app)
        assert isinstance(results, ResultsScreen)
        assert results.query_one("#results-tabs", TabbedContent).active == "items"

    with ws.session() as s:
        issues_now = marking_issues(session=s)
        recorded = s.exec(select(Absence)).all()
        imported = audit.list_entries(session=s, action="scores.import", limit=2)
        marked_absent = audit.list_entries(session=s, action="candidate.absent", limit=1)[0]
    assert not any(i.reason == "third_marking_required" for i in issues_now)
    assert [(e.operator, e.detail["reason"]) for e in imported] == [
        (OFFICER, "二评复查后更正"),
        (OFFICER, ""),
    ]
    assert imported[0].detail["changed"][0]["new"] == 8.5
    assert len(recorded) == 1
    assert (marked_absent.operator, marked_absent.detail["admission_no"]) == (OFFICER, absent[0])
    assert marked_absent.detail["reason"] == "签到表未签到"
