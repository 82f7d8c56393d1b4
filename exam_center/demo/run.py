"""The demo's stages, run in order through the same services as the CLI and TUI."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from exam_center.demo.synth import DemoInputs, write_inputs
from exam_center.errors import NotAllowed
from exam_center.services import documents, exams, registration, seating, sheets, venues
from exam_center.services.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "jiangsu-2022" / "exam.toml"
MARKER = ".exam-center-demo"
STAGES = ("register", "seat", "print", "scan", "grade", "finalise")


@dataclass
class DemoRun:
    workspace: Workspace
    inputs: DemoInputs
    seed: int


Stage = Callable[[DemoRun], str]


def _register(run: DemoRun) -> str:
    ws = run.workspace
    with ws.session() as s:
        summary = exams.init_exam(run.inputs.definition, session=s, operator=ws.operator)
    with ws.session() as s:
        report = registration.import_candidates(run.inputs.roster, session=s, operator=ws.operator)
        rooms = venues.import_rooms(run.inputs.rooms, session=s, operator=ws.operator)
        people = venues.import_invigilators(
            run.inputs.invigilators, session=s, operator=ws.operator
        )
    return (
        f"exam {summary.code} created; {report.imported} candidates registered "
        f"({report.ineligible} not eligible); {rooms.imported} rooms; "
        f"{people.imported} invigilators"
    )


def _seat(run: DemoRun) -> str:
    ws = run.workspace
    with ws.session() as s:
        outcome = seating.seat_exam(session=s, operator=ws.operator, seed=run.seed)
    with ws.session() as s:
        docs = documents.print_room_documents(
            ws.folder("print") / "rooms", session=s, operator=ws.operator
        )
    fallbacks = f"; fallbacks: {len(outcome.fallbacks)}" if outcome.fallbacks else ""
    return (
        f"{outcome.seated} seated in {outcome.rooms_used} rooms, no two of one city side by "
        f"side{fallbacks}; {outcome.invigilators} invigilators; {len(outcome.not_seated)} "
        f"not eligible, not seated; room documents in {docs.door_lists.parent}"
    )


def _print(run: DemoRun) -> str:
    ws = run.workspace
    out = ws.folder("print")
    with ws.session() as s:
        done = sheets.print_sheets(session=s, operator=ws.operator, out_pdf=out / "sheets.pdf")
        spares = sheets.print_spares(
            session=s, operator=ws.operator, count=10, out_pdf=out / "spares.pdf"
        )
    return (
        f"{done.sheets} answer sheets ({done.pages} pages with room covers) in {done.path}; "
        f"{spares.sheets} spare sheets in {spares.path}"
    )


def available_stages() -> dict[str, Stage]:
    """The stages that exist in this build, in order; later issues add theirs."""
    stages: dict[str, Stage] = {"register": _register, "seat": _seat, "print": _print}
    return stages


def prepare_folder(folder: Path) -> None:
    """A demo folder is ours to wipe only if a previous demo made it."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise NotAllowed(
                f"{folder} is not empty and was not made by the demo: choose another --dir"
            )
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by exam-center demo; wiped by the next demo run\n")


def run_demo(
    workspace: Workspace,
    *,
    candidates: int,
    seed: int,
    until: str | None = None,
    say: Callable[[str], None] = print,
) -> list[str]:
    """Generate inputs into the workspace and run every stage that exists, in order."""
    if until is not None and until not in STAGES:
        raise NotAllowed(f"unknown stage {until!r}; stages: {', '.join(STAGES)}")
    prepare_folder(workspace.path)
    inputs = write_inputs(workspace.path / "inputs", candidates, seed, EXAMPLE)
    run = DemoRun(workspace, inputs, seed)
    done: list[str] = []
    stages = available_stages()
    for name in STAGES:
        if name in stages:
            say(f"[{name}] {stages[name](run)}")
            done.append(name)
        else:
            say(f"[{name}] not in this build yet")
        if name == until:
            break
    return done
