"""Scanning: a folder read in a worker (reader processes, as in use) with live counts,
the rejected page listed with its reason, the pages stored; and a cancelled scan that
stops early and is audited as cancelled."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, ProgressBar, Static

from exam_center.services import audit, scanning
from exam_center.services.workspace import Workspace
from exam_center.tui import make_app
from exam_center.tui.context import Role
from exam_center.tui.screens import scanning as scanning_screen
from exam_center.tui.screens.scanning import ScanningScreen
from exam_center.tui.widgets.stat_card import StatCard
from tests.tui.demo_scenes import SOME_PAGES, copy_pages
from tests.tui.pilot_steps import drive, settle, sign_in


def count(screen: ScanningScreen, key: str) -> str:
    return str(screen.query_one(f"#count-{key}", StatCard).query_one(".stat-value").render())


@drive
async def test_a_folder_is_read_with_live_counts_and_its_rejected_page_listed(
    printed_workspace: Workspace, tmp_path: Path
) -> None:
    ws = printed_workspace
    folder = tmp_path / "batch-1"
    folder.mkdir()
    copy_pages(ws.path / "scans" / "incoming", folder)
    app = make_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "王扫描", Role.PROCTOR)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScanningScreen)
        screen.query_one("#scan-folder", Input).value = str(folder)
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.running
        assert [count(screen, k) for k in ("read", "rejected", "duplicate", "conflict")] == [
            "2",
            "1",
            "1",
            "0",
        ]
        bar = screen.query_one("#scan-bar", ProgressBar)
        assert (bar.total, bar.progress) == (4, 4)
        assert "pages/s" in str(screen.query_one("#scan-rate", Static).render())
        table = screen.query_one("#rejected", DataTable)
        assert table.row_count == 1
        name, page, status, reason = (str(c) for c in table.get_row_at(0))
        assert (name, page, status) == ("zz-stray-page.png", "1", "已拒收")
        assert "fiducial" in reason
        assert "完整 complete 2/27" in str(screen.query_one("#completeness", Static).render())
    with ws.session() as s:
        done = scanning.completeness(session=s)
        batch = audit.list_entries(session=s, action="scan.batch", limit=1)[0]
    assert (done.complete, done.rejected) == (2, 1)
    assert batch.operator == "王扫描"
    assert batch.detail["counts"] == {"read": 2, "rejected": 1, "duplicate": 1}


@drive
async def test_a_cancelled_scan_stops_early_and_is_audited_as_cancelled(
    printed_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scanning_screen, "scan_workers", lambda: 1)
    # A deliberately slow scanner room (50 ms a page), so that the cancel lands mid-batch
    # however fast this machine reads; the real reader and store still run for each page.
    store = scanning._store

    def slow_store(*args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.05)
        return store(*args, **kwargs)

    store_group = scanning._store_group

    def slow_group(workspace, ctx, group, *args, **kwargs):  # type: ignore[no-untyped-def]
        time.sleep(0.05 * len(group))  # pages are stored in groups: as slow a page
        return store_group(workspace, ctx, group, *args, **kwargs)

    monkeypatch.setattr(scanning, "_store", slow_store)
    monkeypatch.setattr(scanning, "_store_group", slow_group)
    ws = printed_workspace
    incoming = ws.path / "scans" / "incoming"
    pages = len(list(incoming.iterdir()))
    app = make_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "王扫描", Role.PROCTOR)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScanningScreen)
        assert screen.check_action("cancel_scan", ()) is None  # nothing to cancel yet
        screen.query_one("#scan-folder", Input).value = str(incoming)
        await pilot.press("ctrl+s")
        for _ in range(200):  # until the first page is in
            await pilot.pause(0.02)
            if screen.running and screen.tally.pages >= 1:
                break
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.running
        assert "cancelled" in str(screen.query_one("#scan-status", Static).render())
        assert screen.tally.pages < pages
    with ws.session() as s:
        batch = audit.list_entries(session=s, action="scan.batch", limit=1)[0]
        stored = scanning.completeness(session=s)
    assert batch.detail["cancelled"] is True
    assert stored.complete + stored.rejected == sum(batch.detail["counts"].values()) < pages


@drive
async def test_a_watched_folder_is_read_as_the_scanner_fills_it_until_cancel(
    printed_workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scanning_screen, "scan_workers", lambda: 1)
    monkeypatch.setattr(scanning_screen, "WATCH_INTERVAL_S", 0.2)
    ws = printed_workspace
    inbox = tmp_path / "scanner-out"
    inbox.mkdir()
    app = make_app(ws)
    async with app.run_test(size=(120, 36)) as pilot:
        await sign_in(pilot, "王扫描", Role.PROCTOR)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScanningScreen)
        screen.query_one("#scan-folder", Input).value = str(inbox)
        await pilot.click("#scan-watch")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert screen.running and "watching" in str(screen.query_one("#scan-status").render())
        # the scanner delivers two sheets while the screen watches
        copy_pages(ws.path / "scans" / "incoming", inbox, SOME_PAGES[:2])
        for _ in range(300):
            await pilot.pause(0.05)
            if screen.tally.pages >= 2:
                break
        assert screen.running, "a watch goes on until it is cancelled"
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.running
        assert "stopped watching" in str(screen.query_one("#scan-status", Static).render())
        assert count(screen, "read") == "2"
        assert "完整 complete 2/27" in str(screen.query_one("#completeness", Static).render())
    with ws.session() as s:
        assert scanning.completeness(session=s).complete == 2
