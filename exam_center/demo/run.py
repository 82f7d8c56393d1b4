"""The demo's stages, run in order through the same services as the CLI and TUI."""

from __future__ import annotations

import csv
import os
import random
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from exam_center.db.models import ScannedPage
from exam_center.demo.answers import answer_sheet, make_key, questions
from exam_center.demo.scanner import SheetJob, make_scans
from exam_center.demo.stages import STAGES
from exam_center.demo.synth import DemoInputs, write_inputs
from exam_center.domain.errors import NotAllowed
from exam_center.services import (
    accounts,
    documents,
    exams,
    exporting,
    finalising,
    marking,
    national_stage,
    registration,
    results,
    review,
    scanning,
    seating,
    sheets,
    standings,
    venues,
)
from exam_center.services.grading_model import grading_paper
from exam_center.services.signoff import SignOffPending
from exam_center.services.workspace import Workspace
from scans import REALISTIC, MarkStyle, SheetHeader

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "jiangsu-2022" / "exam.toml"
MARKER = ".exam-center-demo"


@dataclass
class DemoRun:
    workspace: Workspace
    inputs: DemoInputs
    seed: int
    # What each candidate meant, by admission number: the demo's reviewer reads it
    # "from the sheet image", and the scan stage checks the reader against it.
    meant: dict[str, dict[int, str]] = field(default_factory=dict)
    key: dict[int, str] = field(default_factory=dict)
    ability: dict[str, float] = field(default_factory=dict)

    def as_(self, account: str) -> Workspace:
        """The workspace signed in as one of the demo's accounts (with its password)."""
        name, _display, _roles, password = next(a for a in DEMO_ACCOUNTS if a[0] == account)
        self.workspace.sign_in(name, password)
        return self.workspace


# One account per role, demo workspaces only: (name, display name, roles, password).
DEMO_ACCOUNTS = (
    ("admin", "演示管理员", ["admin"], "admin-demo-2022"),
    ("staff", "演示考务员", ["staff"], "staff-demo-2022"),
    ("proctor", "演示扫描员", ["proctor"], "proctor-demo-2022"),
    ("officer", "演示成绩管理员", ["officer"], "officer-demo-2022"),
    ("officer2", "演示复核成绩员", ["officer"], "officer2-demo-2022"),
)


DEMO_MARK = "【演示】"


def mark_as_demo(definition: Path) -> None:
    """The demo exam's title says 演示, so every screen, sheet and document made from it
    does: its accounts' passwords are printed, its results are synthetic."""
    text = definition.read_text(encoding="utf-8")
    marked = re.sub(r'^title = "', f'title = "{DEMO_MARK}', text, count=1, flags=re.M)
    definition.write_text(marked, encoding="utf-8")


def create_demo_accounts(ws: Workspace) -> None:
    name, display, _roles, password = DEMO_ACCOUNTS[0]
    with ws.session() as s:
        accounts.create_first_admin(s, name, password, display)
    ws.sign_in(name, password)
    with ws.session() as s:
        for name, display, roles, password in DEMO_ACCOUNTS[1:]:
            accounts.add_account(s, name=name, password=password, roles=roles, display_name=display)


def demo_accounts_text() -> list[str]:
    return [
        "演示账户 demo accounts (this demo workspace only):",
        *(
            f"  {name:<9} {password:<19} {display} ({', '.join(roles)})"
            for name, display, roles, password in DEMO_ACCOUNTS
        ),
        "  e.g. EXAM_CENTER_USER=officer EXAM_CENTER_PASSWORD=officer-demo-2022 "
        "exam-center --workspace DIR results",
    ]


Stage = Callable[[DemoRun], str]


def _register(run: DemoRun) -> str:
    ws = run.as_("admin")
    with ws.session() as s:
        summary = exams.init_exam(run.inputs.definition, session=s)
    run.as_("staff")
    with ws.session() as s:
        report = registration.import_candidates(run.inputs.roster, session=s)
        rooms = venues.import_rooms(run.inputs.rooms, session=s)
        people = venues.import_invigilators(run.inputs.invigilators, session=s)
    return (
        f"exam {summary.code} created; {report.imported} candidates registered "
        f"({report.ineligible} not eligible); {rooms.imported} rooms; "
        f"{people.imported} invigilators"
    )


def _seat(run: DemoRun) -> str:
    ws = run.as_("staff")
    with ws.session() as s:
        outcome = seating.seat_exam(session=s, seed=run.seed)
    with ws.session() as s:
        docs = documents.print_room_documents(ws.folder("print") / "rooms", session=s)
    fallbacks = f"; fallbacks: {len(outcome.fallbacks)}" if outcome.fallbacks else ""
    return (
        f"{outcome.seated} seated in {outcome.rooms_used} rooms, no two of one city side by "
        f"side{fallbacks}; {outcome.invigilators} invigilators; {len(outcome.not_seated)} "
        f"not eligible, not seated; room documents in {docs.door_lists.parent}"
    )


def _print(run: DemoRun) -> str:
    ws = run.as_("staff")
    out = ws.folder("print")
    with ws.session() as s:
        done = sheets.print_sheets(session=s, out_pdf=out / "sheets.pdf")
        spares = sheets.print_spares(session=s, count=10, out_pdf=out / "spares.pdf")
    return (
        f"{done.sheets} answer sheets ({done.pages} pages with room covers) in {done.path}; "
        f"{spares.sheets} spare sheets in {spares.path}"
    )


DEMO_REVIEWER = "演示扫描员 (proctor)"
# The candidate who spoiled their sheet writes the spare one in a hurry, ticking some
# answers instead of filling them: the review queue always has a spare sheet's question.
HURRIED = replace(
    REALISTIC,
    name="hurried",
    style_weights={**REALISTIC.style_weights, MarkStyle.TICK: 0.04},
)


def _scan(run: DemoRun) -> str:
    ws = run.as_("proctor")
    rng = random.Random(run.seed)
    with ws.session() as s:
        exam = exams.current_exam(s)
        view = seating.seating_view(session=s)
        layouts = sheets.exam_layouts(s)
        secret = sheets.exam_secret(s)
        definition = exams.exam_definition(s)
        qs = questions(definition)
    assert view is not None
    run.key = make_key(qs, rng)
    with (run.inputs.roster.parent / "key.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["题号", "答案"])
        w.writerows(sorted(run.key.items()))
    seats = [(room.code, seat) for room in view.rooms for seat in room.seats]
    absent = {seat.admission_no for _, seat in rng.sample(seats, 2)}
    spare_user = rng.choice([st for _, st in seats if st.admission_no not in absent]).admission_no
    # A printing slip the grid catches: one candidate is handed the sheet printed for an
    # absentee (that one's name and QR code) and fills in their own admission number.
    by_number = {seat.admission_no: (room, seat) for room, seat in seats}
    swapped_into = rng.choice(
        [st.admission_no for _, st in seats if st.admission_no not in absent | {spare_user}]
    )
    wrong_sheet = sorted(absent)[0]
    folder = ws.folder("scans") / "incoming"
    jobs: list[SheetJob] = []
    title, date = exam.title, definition.exam.when
    for room, seat in seats:
        if seat.admission_no in absent:
            continue
        run.ability[seat.admission_no] = rng.betavariate(6, 2.5)
        answers = answer_sheet(qs, run.key, run.ability[seat.admission_no], rng)
        spare = seat.admission_no == spare_user
        printed_room, printed = (
            by_number[wrong_sheet] if seat.admission_no == swapped_into else (room, seat)
        )
        header = (
            SheetHeader(title=title, exam_date=date, spare_serial=1)
            if spare
            else SheetHeader(
                title=title,
                name=printed.name,
                admission_no=printed.admission_no,
                room=printed_room,
                seat=str(printed.seat),
                exam_date=date,
            )
        )
        jobs.append(
            SheetJob(
                layouts.spare if spare else layouts.candidate,
                header,
                exam.code,
                secret,
                answers,
                rng.randrange(10**9),
                folder / (f"spare-{seat.admission_no}" if spare else seat.admission_no),
                fill_grid=seat.admission_no,  # every candidate fills the grid (page 1)
                profile=HURRIED if spare else REALISTIC,
            )
        )
    truth = make_scans(jobs, folder, seed=run.seed)
    for name, items in truth.items():
        run.meant[name.removeprefix("spare-")] = {n: meant for n, meant, _ in items}
    outcomes = list(scanning.scan_paths([folder], workspace=ws, workers=os.cpu_count() or 1))
    silent = sum(
        1
        for o in outcomes
        if o.status == "read" and o.admission_no
        for q in o.questions
        if q["status"] in ("ok", "blank") and q["marks"] != run.meant[o.admission_no][q["number"]]
    )
    counts = {k: sum(o.status == k for o in outcomes) for k in ("read", "rejected", "duplicate")}
    flagged = sum(o.flagged for o in outcomes)
    settled = _file_swapped(run) + _settle_review(run)
    return (
        f"{len(jobs)} sheets filled and scanned ({len(absent)} absent, 1 on a spare sheet, "
        f"1 handed out with {wrong_sheet}'s code and filled by {swapped_into}: "
        "二维码与填涂不一致); "
        f"{counts['read']} read, {counts['rejected']} rejected (a stray page), "
        f"{counts['duplicate']} duplicate (fed twice); {flagged} questions flagged, "
        f"{settled} review decisions recorded by {DEMO_REVIEWER}; silent errors against "
        f"what candidates meant: {silent}"
    )


def _file_swapped(run: DemoRun) -> int:
    """The sheet whose code and filled number disagree: the reviewer reads the grid on the
    image (and the sign-in sheet) and files the page under the number filled."""
    ws = run.workspace
    done = 0
    with ws.session() as s:
        mismatched = [
            i
            for i in review.open_items(session=s)
            if (i.kind, i.status) == ("admission", "mismatch")
        ]
    for item in mismatched:  # first: its page's questions then belong to someone
        with ws.session() as s:
            # The reviewer reads the filled grid on the image (and the sign-in sheet).
            page = s.get(ScannedPage, item.page_id)
            assert page is not None
            review.identify_page(
                item.page_id,
                page.admission_grid["digits"],
                session=s,
                reason="demo: 二维码与填涂不一致; the grid and the sign-in sheet say who wrote it",
            )
        done += 1
    return done


def _settle_review(run: DemoRun) -> int:
    """The demo's reviewer looks at each flagged item's image; here, at what was meant."""
    ws = run.workspace
    done = 0
    with ws.session() as s:
        items = review.open_items(session=s)
    for item in items:
        with ws.session() as s:
            if item.kind == "question" and item.admission_no and item.question is not None:
                marks = run.meant[item.admission_no][item.question]
                review.resolve_question(
                    item.page_id,
                    item.question,
                    marks,
                    session=s,
                    reason="demo: read from the sheet image",
                )
            elif item.kind == "admission":
                continue
            elif item.kind == "conflict":
                review.resolve_conflict(
                    item.page_id,
                    keep=False,
                    session=s,
                    reason="demo: the first scan is the better image",
                )
        done += 1
    return done


DEMO_OFFICER = "演示成绩管理员 (officer)"


def _write_scores(run: DemoRun, path: Path, subjective: list[tuple[int, float]]) -> int:
    """Two markers per case question; a third (arbitration) where they differ too much."""
    rng = random.Random(run.seed + 1)
    thirds = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["准考证号", "题号", "评次", "评分人", "分数"])
        for adm, ability in sorted(run.ability.items()):
            for number, top in subjective:
                true = min(top, max(0.0, rng.gauss(ability * top, top * 0.08)))
                first, second = (
                    min(top, max(0.0, round((true + rng.gauss(0, 0.9)) * 2) / 2)) for _ in range(2)
                )
                w.writerow([adm, number, 1, "阅卷组A", first])
                w.writerow([adm, number, 2, "阅卷组B", second])
                if abs(first - second) > 2:
                    w.writerow([adm, number, 3, "阅卷组长", round(true * 2) / 2])
                    thirds += 1
    return thirds


def _grade(run: DemoRun) -> str:
    ws = run.as_("officer")
    with ws.session() as s:
        key = marking.import_key(run.inputs.roster.parent / "key.csv", session=s)
        assert isinstance(key, marking.KeyImport)  # the first key needs one officer
        paper = grading_paper(s)
        missing = scanning.completeness(session=s).absent
    subjective = [(q.number, float(q.points)) for q in paper.subjective_questions]
    scores_csv = run.inputs.roster.parent / "scores.csv"
    thirds = _write_scores(run, scores_csv, subjective)
    with ws.session() as s:
        imported = marking.import_scores(scores_csv, session=s)
        for adm, _name in missing:
            marking.record_absence(adm, session=s, reason="签到表未签到（演示）")
    decided = settle_boundary_ties(
        ws,
        reason="演示：按准考证号顺序决定（真实考试由成绩管理人员依据记录决定）",
    )
    with ws.session() as s:
        c = results.compute(s)
        drawable = c.national is not None and len(c.national.recommended) >= c.policy.national.drawn
        if drawable:  # a small demo exam has fewer than 35 to draw from
            national_stage.rehearse_draw(run.seed, session=s)
    ranked = c.ranking.ranked_count if c.ranking else 0
    return (
        f"key v{key.version} ({key.questions} questions); {imported.rows} case-analysis scores "
        f"({thirds} third markings); {len(missing)} absences recorded; {ranked} ranked; "
        f"{decided} boundary ties settled by a recorded decision of {DEMO_OFFICER} (the demo "
        "decides by admission number); a rehearsal draw for the national test, labelled 模拟"
    )


def _finalise(run: DemoRun) -> str:
    ws = run.as_("officer")
    with ws.session() as s:
        asked = finalising.finalise(session=s)
    assert isinstance(asked, SignOffPending)
    run.as_("officer2")  # 双人复核: the second officer signs the same results
    with ws.session() as s:
        done = finalising.finalise(session=s)
    assert isinstance(done, finalising.Finalised)
    run.as_("officer")
    with ws.session() as s:
        exported = exporting.export_results(ws.folder("exports") / "results.xlsx", session=s)
    return (
        f"results finalised by {asked.requested_by} and {done.signed_by} (双人复核); "
        f"digest {done.digest[:16]}…; exported {exported.workbook}, "
        f"{len(exported.csv_files)} CSV files and the award lists {exported.award_lists.name}"
    )


def available_stages() -> dict[str, Stage]:
    """The stages that exist in this build, in order; later issues add theirs."""
    stages: dict[str, Stage] = {"register": _register, "seat": _seat, "print": _print}
    try:
        import scans.batch  # noqa: F401  (the reader's batch module)

        stages["scan"] = _scan
        stages["grade"] = _grade
        stages["finalise"] = _finalise
    except ImportError:
        pass
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
    if workspace.settings.register_file is None:
        # Synthetic winners never go into a real 能手库: the demo keeps its own, inside.
        workspace.settings.register_file = workspace.path / "nengshouku-demo.db"
    before = workspace.actor  # whoever ran the demo acts again after it
    try:
        create_demo_accounts(workspace)
        for line in demo_accounts_text():
            say(line)
        inputs = write_inputs(workspace.path / "inputs", candidates, seed, EXAMPLE)
        mark_as_demo(inputs.definition)
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
    finally:
        workspace.actor = before
    return done


def settle_boundary_ties(ws: Workspace, *, reason: str, rounds: int = 20) -> int:
    """Settle every boundary tie of a synthetic exam by admission number, each with a
    recorded decision (a real exam's officer decides from the record); how many."""
    decided = 0
    for _round in range(rounds):
        with ws.session() as s:
            pending = standings.pending_ties(results.compute(s))
        if not pending:
            break
        p = pending[0]
        with ws.session() as s:
            standings.decide_tie(
                p.scope, p.award, p.rank, sorted(p.tied)[: p.slots], session=s, reason=reason
            )
        decided += 1
    return decided
