"""What one computation of the results reads: the exam row once, its definition parsed
once, each table read once (the grading itself is `grading.grade`, tested in
tests/grading); and the results name people by id and name, not by database row."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from exam_center.services import results, standings
from exam_center.services.workspace import Workspace
from tests.exam_center.graded_exam import graded_exam


@pytest.fixture
def exam(tmp_path: Path, make_workspace) -> Workspace:  # type: ignore[no-untyped-def]
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    graded_exam(ws, tmp_path, candidates=20, alike=(8, 9))
    return ws


def _table_read(statement: str) -> str:
    words = statement.split()
    return words[words.index("FROM") + 1] if "FROM" in words else ""


def test_a_computation_reads_the_exam_once_and_parses_its_definition_once(
    exam: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    parse = results.parse_definition

    def counted(text: str, source: str) -> Any:
        parsed.append(source)
        return parse(text, source)

    monkeypatch.setattr(results, "parse_definition", counted)
    selects: Counter[str] = Counter()

    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects[_table_read(statement)] += 1

    engine = exam.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        with exam.session() as s:
            c = results.compute_now(s)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert c.ranking is not None and c.individual is not None and c.national is not None
    assert len(parsed) == 1
    assert selects["exam"] == 1
    assert selects["tiedecisionrecord"] == 1  # every scope's decisions in one read
    assert selects["candidate"] == 1
    # Every table once; the scanned pages also by the answer store, which decodes them.
    assert {t: n for t, n in selects.items() if n > 1} == {"scannedpage": selects["scannedpage"]}


def test_the_results_name_people_not_rows(exam: Workspace) -> None:
    with exam.session() as s:
        c = results.compute(s)
        doc = standings.standings(c)
    entrant = c.roster.candidates[0]
    assert type(entrant) is results.Entrant
    assert {x.candidate_id for x in doc.candidates} == {e.id for e in c.roster.candidates}
    best = doc.candidates[0]
    assert best.rank == 1 and best.status == "ranked" and best.status.label == "正常"
    assert doc.to_json()["candidates"][0]["status"] == "ranked"
