"""A scanner that goes on (issue 16, item 2): one batch through the real service, on a real
SQLite workspace, with a worker killed midway, a FIFO, a link to /dev/zero and a file name
that is not UTF-8. Every good page is stored, the bad ones named, every page audited."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import cv2
import pytest
from sqlmodel import select

from exam_center.db.models import AuditEntry, ScannedPage
from exam_center.demo.run import run_demo
from exam_center.services import audit, scanning
from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings
from tests.exam_center.test_scanning_service import _scan_image

GOOD = 8  # more than the pool holds in flight: the batch must submit after the death
GBK_NAME = "考生-乙.png".encode("gbk")  # an old scanner's name: not UTF-8


def _worker_pids() -> list[int]:
    """This process's grandchildren: the pool's workers, forked by the forkserver child."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended while we looked
                continue
            parents[int(entry.name)] = int(fields[1])
    children = {pid for pid, parent in parents.items() if parent == os.getpid()}
    return sorted(pid for pid, parent in parents.items() if parent in children)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    ws = open_workspace(Settings(workspace=root / "ws"))
    run_demo(ws, candidates=30, seed=4, until="print", say=lambda _: None)
    folder = root / "in"
    folder.mkdir()
    for i in range(GOOD):
        sim, adm = _scan_image(ws, i, seed=200 + i)
        name = (
            os.fsdecode(os.fsencode(folder) + b"/" + GBK_NAME) if i == 3 else folder / f"{adm}.png"
        )
        ok, data = cv2.imencode(".png", sim.image)
        assert ok
        Path(name).write_bytes(data.tobytes())
    ws.close()
    return root


def test_a_hostile_batch_stores_every_good_page_and_names_the_bad(
    hostile: Path,
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
) -> None:
    import shutil

    shutil.copytree(hostile / "ws", tmp_path / "ws")
    folder = tmp_path / "in"
    shutil.copytree(hostile / "in", folder)
    os.mkfifo(folder / "pipe.png")  # a read of it would wait for a writer for ever
    (folder / "zero.png").symlink_to("/dev/zero")  # a read of it never ends
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    killed: list[int] = []

    def kill_a_worker_once(outcome: scanning.PageOutcome, done: int, total: int | None) -> None:
        if killed:
            return
        pids = _worker_pids()
        assert pids, "no worker process to kill"
        os.kill(pids[0], signal.SIGKILL)
        killed.append(pids[0])
        time.sleep(0.5)  # the pool notices before the batch submits again

    outcomes = list(
        scanning.scan_paths([folder], workspace=ws, workers=2, on_page=kill_a_worker_once)
    )
    assert killed
    by_file = {Path(o.file).name: o for o in outcomes}
    assert len(outcomes) == GOOD + 2
    read = [o for o in outcomes if o.status == "read"]
    assert len(read) == GOOD, [(o.file, o.reason) for o in outcomes if o.status != "read"]
    assert "FIFO" in by_file["pipe.png"].reason and by_file["pipe.png"].status == "rejected"
    assert "/dev/zero" in by_file["zero.png"].reason and by_file["zero.png"].status == "rejected"
    escaped = GBK_NAME.decode("utf-8", "backslashreplace")
    assert by_file[escaped].status == "read"  # stored under its name, bytes escaped

    with ws.session() as s:
        pages = s.exec(select(ScannedPage)).all()
        entries = s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()  # type: ignore[arg-type]
        chain = audit.verify_chain(session=s)
    assert len([p for p in pages if p.current]) == GOOD
    assert {Path(p.file).name for p in pages} == set(by_file)
    stored = next(p for p in pages if Path(p.file).name == escaped)
    assert stored.file.endswith("\\xbf\\xbc\\xc9\\xfa-\\xd2\\xd2.png")
    # The batch is opened in the log before any page, each page audited as it is stored.
    actions = [e.action for e in entries if e.action.startswith("scan.")]
    assert actions == ["scan.open"] + ["scan.page"] * (GOOD + 2) + ["scan.batch"]
    audited = {e.detail["sha256"] for e in entries if e.action == "scan.page"}
    assert audited == {p.sha256 for p in pages}
    assert chain.ok
