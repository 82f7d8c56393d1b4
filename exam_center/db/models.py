"""Database tables (SQLModel), one class per table.

Only `exam_center.services` opens sessions on these. Every schema change is an
Alembic migration under `exam_center/db/migrations/versions`. Services hand plain read
models to the CLI and TUI, never these live rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def _json_list() -> Any:
    return Field(default_factory=list, sa_column=Column(JSON, nullable=False))


def _json_dict() -> Any:
    return Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Exam(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=32)
    title: str
    exam_date: date
    venue: str
    eligibility_date: date
    admission_prefix: str = Field(max_length=16)
    definition_toml: str = Field(sa_column=Column(Text, nullable=False))
    policy: dict[str, Any] = _json_dict()
    # HMAC key of the answer sheets' QR codes: made at `init`, never printed or exported.
    secret_hex: str = Field(max_length=128)
    created_at: datetime
    finalised_at: datetime | None = None
    results_digest: str | None = None


class Section(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    position: int
    name: str
    kind: str = Field(max_length=16)
    count: int
    options: int
    points: float
    first_number: int
    scoring: str = Field(default="all_or_nothing", max_length=32)
    partial_fraction: float = 0.5


class Team(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("exam_id", "name"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    name: str
    position: int
    # 省厅本级 sends contestants but is not ranked as a team.
    ranked: bool = True


class Candidate(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("exam_id", "id_number"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    name: str
    id_number: str = Field(max_length=18)
    team_id: int = Field(foreign_key="team.id", index=True)
    unit: str = ""
    gender: str = Field(default="", max_length=4)
    phone: str = Field(default="", max_length=20)
    star_titles: int = 0
    weekly_points: int = 0
    prior_invitational: bool = False
    prior_regional: bool = False
    prior_national: bool = False
    online_test_2021: bool = False
    law_contest_2019: bool = False
    national_expert_title: bool = False
    prior_honours: list[dict[str, Any]] = _json_list()
    source_file: str = ""
    source_row: int = 0
    registered_at: datetime


class Room(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("exam_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    code: str
    building: str = ""
    rows: int
    cols: int
    unusable: list[int] = _json_list()


class Invigilator(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("exam_id", "staff_id"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    staff_id: str
    name: str
    team: str = ""
    unit: str = ""
    phone: str = ""


class AuditEntry(SQLModel, table=True):
    """Append-only; each entry's hash covers its content and the previous hash."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    operator: str
    action: str = Field(index=True)
    detail: dict[str, Any] = _json_dict()
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class SeatPlanRecord(SQLModel, table=True):
    """Every seating plan ever made; the `active` one is in force. The seed and the
    inputs' fingerprint let anyone reproduce it with the same solver version."""

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    seed: int
    fingerprint: str = Field(max_length=128)
    algorithm: str = Field(max_length=32)
    neighbourhood: int
    plan: dict[str, Any] = _json_dict()
    created_at: datetime
    created_by: str
    reason: str = ""
    active: bool = True


class Seat(SQLModel, table=True):
    """A candidate's seat in the active plan, and so their admission number (准考证号)."""

    __table_args__ = (
        UniqueConstraint("exam_id", "admission_no"),
        UniqueConstraint("exam_id", "candidate_id"),
        UniqueConstraint("room_id", "seat"),
    )
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    plan_id: int = Field(foreign_key="seatplanrecord.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id")
    room_id: int = Field(foreign_key="room.id")
    seat: int
    row: int
    col: int
    admission_no: str = Field(max_length=24, index=True)


class InvigilatorDuty(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("exam_id", "invigilator_id"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    plan_id: int = Field(foreign_key="seatplanrecord.id", index=True)
    room_id: int = Field(foreign_key="room.id")
    invigilator_id: int = Field(foreign_key="invigilator.id")
    chief: bool = False


class PrintRun(SQLModel, table=True):
    """A printing of answer sheets (or spares, or room documents) for a seating plan."""

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    kind: str = Field(max_length=16)  # sheets | spares | rooms
    plan_id: int | None = Field(default=None, foreign_key="seatplanrecord.id")
    layout_hash: str = ""
    path: str
    pages: int
    first_spare_serial: int | None = None
    count: int = 0
    created_at: datetime
    created_by: str


class ScanBatch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    started_at: datetime
    finished_at: datetime | None = None
    operator: str
    paths: list[str] = _json_list()
    workers: int = 1
    counts: dict[str, int] = _json_dict()


class ScannedPage(SQLModel, table=True):
    """One scanned image of one sheet page: what was read, or why it was not.

    `sha256` identifies the image, so scanning the same file again records nothing
    twice. `current` marks the scan that counts for its candidate and page; a later,
    different scan of the same page is a `conflict` until a reviewer picks one.
    The per-bubble measures and thresholds are kept in `marks`/`thresholds` as evidence
    (a reviewer sees a question's measures). They are not enough to decide a page again:
    the reader's thresholds come from the admission grid's and absence box's measures too,
    which are not kept, so nothing here re-decides a stored page (rescan it instead).
    """

    __table_args__ = (
        UniqueConstraint("exam_id", "sha256"),
        # The scan that counts for a candidate's page is looked up for every page stored:
        # without this, SQLite walks the whole exam's pages (17 ms each at 10,000 pages).
        Index("ix_scannedpage_candidate_page", "candidate_id", "page_no"),
        # At most one scan counts for a candidate's page, whatever terminals race to store
        # one: the second of two arriving at once fails here and is stored as a conflict.
        Index(
            "uq_scannedpage_current",
            "candidate_id",
            "page_no",
            unique=True,
            sqlite_where=text('"current"'),
            postgresql_where=text('"current"'),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    batch_id: int | None = Field(default=None, foreign_key="scanbatch.id")
    sha256: str = Field(max_length=64)
    file: str
    page_index: int = 0
    status: str = Field(max_length=16, index=True)  # services.scanning.PageOutcomeStatus
    reason: str = ""
    reject_kind: str = ""
    admission_no: str | None = Field(default=None, max_length=24, index=True)
    candidate_id: int | None = Field(default=None, foreign_key="candidate.id", index=True)
    spare_serial: int | None = None
    page_no: int | None = None
    pages: int | None = None
    layout_hash: str = ""
    reader_version: str = ""
    residual_mm: float | None = None
    rotation: int | None = None
    thresholds: dict[str, Any] = _json_dict()
    marks: list[dict[str, Any]] = _json_list()
    admission_grid: dict[str, Any] = _json_dict()
    overlay_path: str = ""
    current: bool = False
    read_at: datetime


class ReviewItem(SQLModel, table=True):
    """Something a person must decide: a doubtful question, a conflicting rescan, or a
    spare sheet whose admission number could not be read or matched."""

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    page_id: int = Field(foreign_key="scannedpage.id", index=True)
    kind: str = Field(max_length=16)  # question | conflict | admission
    question: int | None = None
    status: str = Field(max_length=16)  # the reader's verdict: multiple | ambiguous | …
    reason: str = ""
    read_marks: str = ""
    doubt: float = 0.0  # 1 = most doubtful; orders the queue
    open: bool = Field(default=True, index=True)
    # Optimistic version: every decision on the item adds one, and a decision made on an
    # older version than the stored one (someone decided meanwhile) is refused, naming who.
    version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    decided_by: str = Field(default="", sa_column_kwargs={"server_default": ""})
    decided_at: datetime | None = None


class ReviewDecision(SQLModel, table=True):
    """A person's decision, keyed by candidate and question (not by scan), so it
    survives rescans. The newest decision for a key counts."""

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    candidate_id: int | None = Field(default=None, foreign_key="candidate.id", index=True)
    page_id: int | None = Field(default=None, foreign_key="scannedpage.id")
    kind: str = Field(max_length=16)  # question | conflict | admission
    question: int | None = None
    marks: str = ""
    decided_by: str
    reason: str
    decided_at: datetime


class AnswerKeyVersion(SQLModel, table=True):
    """Every version of the answer key; the newest counts. A correction after scoring
    re-scores everyone (results are computed from the newest key) and is audited."""

    __table_args__ = (UniqueConstraint("exam_id", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    version: int
    answers: dict[str, str] = _json_dict()  # question number -> "A", "AC" or "A|B"
    voided: list[int] = _json_list()
    source: str = ""
    created_at: datetime
    created_by: str
    reason: str = ""


class SubjectiveMark(SQLModel, table=True):
    """One marker's score for one case-analysis question of one candidate (round 1, 2
    or 3, the third being the arbitration)."""

    __table_args__ = (UniqueConstraint("exam_id", "candidate_id", "question", "round"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    question: int
    round: int
    marker: str
    score: float
    entered_at: datetime
    entered_by: str
    source: str = ""


class Absence(SQLModel, table=True):
    """A seated candidate confirmed absent (缺考), by whom and why."""

    __table_args__ = (UniqueConstraint("exam_id", "candidate_id"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id")
    recorded_by: str
    reason: str
    recorded_at: datetime


class TieDecisionRecord(SQLModel, table=True):
    """An officer's decision on a tie at an award boundary (individual, team, national)."""

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    scope: str = Field(max_length=16)  # individual | team | national | honours
    award: str
    rank: int
    tied: list[str] = _json_list()
    winners: list[str] = _json_list()
    decided_by: str
    reason: str
    decided_at: datetime


class ResultsLock(SQLModel, table=True):
    """Finalising (with the results' digest and a snapshot) and every re-opening."""

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    action: str = Field(max_length=16)  # finalise | reopen
    digest: str = ""
    snapshot: dict[str, Any] = _json_dict()
    at: datetime
    by: str
    reason: str = ""


class NationalDrawRecord(SQLModel, table=True):
    """The ministry's draw of 35 from the recommended 100 (imported), or a rehearsal."""

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    kind: str = Field(max_length=16)  # ministry | simulation
    drawn: list[str] = _json_list()  # candidate ids
    seed: int | None = None
    source: str = ""
    at: datetime
    by: str


class NationalResultRecord(SQLModel, table=True):
    """A Jiangsu contestant's result in the national online test, as the ministry sent it."""

    __table_args__ = (UniqueConstraint("exam_id", "candidate_id"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id")
    national_rank: int
    knowledge_title: bool | None = None
    at: datetime
    by: str


class OrganisationAward(SQLModel, table=True):
    """岗位练兵优秀组织奖: decided by the officers from organisation records, not computed."""

    __table_args__ = (UniqueConstraint("exam_id", "team"),)
    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    team: str
    decided_by: str
    reason: str
    at: datetime


class RegisterFact(SQLModel, table=True):
    """An entry of the 能手库 register for a candidate, as read at registration or by
    `register check`: the exam keeps its own copy, so its eligibility and awards change
    only when the register is read again (audited), never behind finalised results."""

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    candidate_id: int = Field(foreign_key="candidate.id", index=True)
    kind: str = Field(max_length=16)  # honour | contest
    name: str
    year: int
    source: str = ""
    read_at: datetime


class Account(SQLModel, table=True):
    """A person who may sign in: roles, an scrypt password hash, the lock-out counter
    and the CLI's sign-in session (only the token's SHA-256 is kept here)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=64)
    display_name: str
    roles: list[str] = _json_list()
    password_hash: str
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: datetime | None = None
    session_hash: str = ""
    created_at: datetime
    created_by: str


class SignOff(SQLModel, table=True):
    """An action that needs a second results officer (双人复核): asked for by one account,
    done only when another signs the same request (the same results digest, key file)."""

    id: int | None = Field(default=None, primary_key=True)
    exam_id: int = Field(foreign_key="exam.id", index=True)
    action: str = Field(max_length=32)
    subject: str  # what is signed: the live results digest, or the key file's SHA-256
    detail: dict[str, Any] = _json_dict()
    requested_by: str
    requested_at: datetime
    state: str = Field(default="pending", max_length=16)  # pending | done | withdrawn
    signed_by: str = ""
    signed_at: datetime | None = None
