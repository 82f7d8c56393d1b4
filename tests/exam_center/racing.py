"""The processes of the race tests: each opens the exam's database itself, as a second
terminal does, and does its part of every round at the same moment as the other (a
barrier), through the real services. Outcomes go back to the test through a queue."""

from __future__ import annotations

import pickle
import time
import traceback
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from exam_center.db.models import ScanBatch
from exam_center.domain.errors import NotAllowed
from exam_center.services import review, scanning
from exam_center.services.workspace import Workspace, open_workspace
from exam_center.settings import Settings
from scans.batch import PageResult
from scans.read.model import PageRead, PageStatus
from tests.signing import actor, finalise_by_two, reopen_by_two


@dataclass(frozen=True)
class Race:
    """One racer's part: ``task`` names it; ``rounds`` the argument of each round."""

    url: str
    folder: Path
    operator: str
    task: str  # scan | conflict | question | finalise | rescan
    rounds: tuple[Any, ...]
    read: bytes = b""  # a pickled real PageRead, for the scanning tasks
    marks: str = ""  # the question task's answer
    keep: bool = True  # the conflict task's choice


def run(race: Race, barrier: Any, out: Any) -> None:
    ws = open_workspace(Settings(workspace=race.folder, db=race.url))
    ws.actor = actor(race.operator)
    try:
        task = _TASKS[race.task]
        for number, argument in enumerate(race.rounds):
            try:
                outcome = task(ws, race, number, argument, barrier)
            except Exception:  # told to the test, which fails naming it, rather than hangs
                outcome = "error: " + traceback.format_exc()
                barrier.abort()
            out.put((race.operator, number, outcome))
            if outcome.startswith("error: "):
                return
    finally:
        ws.close()


def _wait(barrier: Any) -> None:
    barrier.wait(120)


def _page_of(ws: Workspace, race: Race, admission_no: str, sha: str) -> PageResult:
    read: PageRead = pickle.loads(race.read)
    assert read.payload is not None
    read = replace(read, payload=replace(read.payload, admission_no=admission_no))
    return PageResult(Path(f"{sha}.png"), 0, sha, PageStatus.READ, read, "", None, None, 0.0)


def _batch(ws: Workspace, race: Race) -> tuple[scanning.ScanContext, int]:
    with ws.session() as s:
        ctx = scanning.scan_context(s)
        batch = ScanBatch(
            exam_id=ctx.exam_id,
            started_at=datetime.now(UTC),
            operator=race.operator,
            paths=["race"],
            workers=1,
        )
        s.add(batch)
        s.flush()
        assert batch.id is not None
        return ctx, batch.id


_contexts: dict[str, tuple[scanning.ScanContext, int]] = {}


def _scan(ws: Workspace, race: Race, number: int, admission_no: Any, barrier: Any) -> str:
    """Store a scan of ``admission_no``'s page 1, different from the other racer's."""
    ctx, batch_id = _contexts.get(race.operator) or _contexts.setdefault(
        race.operator, _batch(ws, race)
    )
    result = _page_of(ws, race, admission_no, f"{race.operator}-{admission_no}-{number}")
    _wait(barrier)
    try:
        return scanning._store(ws, ctx, result, batch_id).status
    except scanning.ResultsFinalised:
        return "refused: finalised"


def _conflict(ws: Workspace, race: Race, number: int, page_id: Any, barrier: Any) -> str:
    _wait(barrier)
    try:
        with ws.session() as s:
            review.resolve_conflict(page_id, keep=race.keep, session=s, reason="比对两份扫描")
    except NotAllowed as refused:
        return f"refused: {refused}"
    return "ok"


def _question(ws: Workspace, race: Race, number: int, page_id: Any, barrier: Any) -> str:
    _wait(barrier)
    try:
        with ws.session() as s:
            review.resolve_question(page_id, 5, race.marks, session=s, reason="看图像")
    except NotAllowed as refused:
        return f"refused: {refused}"
    return "ok"


def _finalise(ws: Workspace, race: Race, number: int, _: Any, barrier: Any) -> str:
    """Finalise at the moment the other racer stores a page; then re-open for the next."""
    _wait(barrier)
    try:
        with ws.session() as s:
            finalise_by_two(s)
        outcome = "ok"
    except NotAllowed as refused:
        outcome = f"refused: {str(refused)[:200]}"
    _wait(barrier)  # both have done their part: the test's invariant holds here
    if outcome == "ok":
        with ws.session() as s:
            reopen_by_two(s, reason="下一轮")
    _wait(barrier)
    return outcome


def _rescan(ws: Workspace, race: Race, number: int, argument: Any, barrier: Any) -> str:
    """Store a rescan (a conflict) while the other racer finalises, ``delay`` seconds into
    it (finalise takes a while: pages come at every moment of it); then set it aside."""
    admission_no, delay = argument
    ctx, batch_id = _contexts.get(race.operator) or _contexts.setdefault(
        race.operator, _batch(ws, race)
    )
    result = _page_of(ws, race, admission_no, f"{race.operator}-{admission_no}-{number}")
    _wait(barrier)
    time.sleep(delay)
    try:
        outcome = scanning._store(ws, ctx, result, batch_id).status
    except scanning.ResultsFinalised:
        outcome = "refused: finalised"
    _wait(barrier)
    if outcome == "conflict":
        with ws.session() as s:
            item = next(i for i in review.open_items(session=s) if i.kind == "conflict")
            review.resolve_conflict(item.page_id, keep=False, session=s, reason="下一轮")
    _wait(barrier)
    return outcome


_TASKS = {
    "scan": _scan,
    "conflict": _conflict,
    "question": _question,
    "finalise": _finalise,
    "rescan": _rescan,
}
