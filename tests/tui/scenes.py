"""Deterministic input files and workspaces for the TUI tests, the snapshot tests and
the screenshots in docs/. Everything comes from a fixed seed; paths handed to the
services are relative to the current folder, so the audit log reads the same on any
machine."""

from __future__ import annotations

import csv
import os
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from exam_center.demo.synth import (
    ROSTER_HEADERS,
    roster_rows,
    write_invigilators,
    write_rooms,
)
from exam_center.services import audit, exams, registration, venues
from exam_center.services.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_TOML = ROOT / "examples" / "jiangsu-2022" / "exam.toml"


FROZEN_AT = datetime(2022, 7, 10, 0, 30, tzinfo=UTC)


class FrozenClock(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Any:
        return FROZEN_AT.astimezone(tz) if tz else FROZEN_AT.replace(tzinfo=None)


@contextmanager
def frozen_audit_clock() -> Iterator[None]:
    """Every audit entry written at one instant, shown in one time zone (UTC+8, in
    POSIX form so no tzdata is needed): the audit screen reads the same on any day."""
    clock, zone = audit.datetime, os.environ.get("TZ")  # type: ignore[attr-defined]
    audit.datetime = FrozenClock  # type: ignore[attr-defined]
    os.environ["TZ"] = "CST-8"
    time.tzset()
    try:
        yield
    finally:
        audit.datetime = clock  # type: ignore[attr-defined]
        if zone is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = zone
        time.tzset()


@dataclass(frozen=True)
class Inputs:
    definition: Path
    roster: Path
    bad_roster: Path
    rooms: Path
    invigilators: Path
    candidates: int


def write_table(path: Path, headers: list[str], rows: list[list[object]]) -> Path:
    # CSV, not XLSX: an XLSX file embeds its creation time, so its hash in the audit
    # log would change from run to run.
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def write_inputs(folder: Path, candidates: int = 60, seed: int = 7) -> Inputs:
    """A roster (with the synth's few ineligible candidates), another roster with
    three errors, rooms and invigilators, all in `folder`."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    definition = folder / "exam.toml"
    definition.write_text(EXAMPLE_TOML.read_text(encoding="utf-8"), encoding="utf-8")
    rows = roster_rows(candidates, rng)
    roster = write_table(folder / "roster.csv", ROSTER_HEADERS, rows)
    # People of their own (another seed), so the only errors are the three made here.
    bad = roster_rows(13, random.Random(seed + 1))
    bad[1][1] = "12345"  # a resident ID too short
    bad[4][2] = "南景"  # not a team
    bad[7][7] = "很多"  # not a number
    bad_roster = write_table(folder / "roster-with-errors.csv", ROSTER_HEADERS, bad)
    rooms = folder / "rooms.csv"
    write_rooms(rooms, candidates, rng)
    with rooms.open(encoding="utf-8") as f:
        room_count = sum(1 for _ in f) - 1
    invigilators = folder / "invigilators.csv"
    write_invigilators(invigilators, room_count, rng)
    return Inputs(definition, roster, bad_roster, rooms, invigilators, len(rows))


def fixed_key(workspace: Workspace) -> None:
    """A workspace key with fixed bytes, so the key's id in the audit log (a snapshot
    shows it) is the same in every run; a real workspace's key is random."""
    import json

    path = workspace.settings.key_path
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.write_text(json.dumps({"key": "5e" * 32, "qr_secret": "a1" * 32}))
        path.chmod(0o600)


def create_exam(workspace: Workspace, inputs: Inputs) -> None:
    fixed_key(workspace)
    with workspace.session() as s:
        exams.init_exam(inputs.definition, session=s)


def register_everyone(workspace: Workspace, inputs: Inputs) -> None:
    """Candidates, rooms and invigilators, through the same services as the CLI."""
    with workspace.session() as s:
        registration.import_candidates(inputs.roster, session=s)
        venues.import_rooms(inputs.rooms, session=s)
        venues.import_invigilators(inputs.invigilators, session=s)
