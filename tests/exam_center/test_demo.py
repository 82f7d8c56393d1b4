"""The demo runs every stage of this build and leaves a workspace the CLI continues."""

from pathlib import Path

from exam_center.demo.run import run_demo
from exam_center.services import audit, registration, venues
from exam_center.services.workspace import Workspace


def test_demo_builds_a_workspace(tmp_path: Path, make_workspace) -> None:  # type: ignore[no-untyped-def]
    ws: Workspace = make_workspace(folder=tmp_path / "demo")
    said: list[str] = []
    done = run_demo(ws, candidates=150, seed=3, until="register", say=said.append)
    assert done == ["register"]
    with ws.session() as s:
        rows = registration.list_candidates(session=s)
        assert len(venues.list_rooms(session=s)) >= 5
        assert audit.verify_chain(session=s).ok
    assert len(rows) == 150
    assert {r.team for r in rows} >= {"南京", "宿迁", "省厅本级"}
    assert sum(not r.eligible for r in rows) == 3
    assert said[0].startswith("演示账户")  # the accounts and their passwords first
    assert any("150 candidates registered" in line for line in said)
