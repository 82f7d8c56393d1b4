"""A small exam graded through the real services, for the tests of what follows the
ranking (the national stage, the organisation award, the register, certificates).

The roster, rooms and invigilators are the demo's synthetic inputs; the answer sheets
are put on record directly (the reader has tests of its own): the k-th seated candidate
answers the first 120 - k questions right, so every total differs and the ranking is
the seat order. Every case-analysis question is marked 6 by both markers."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from exam_center.db.models import ScannedPage
from exam_center.demo.synth import write_inputs
from exam_center.services import exams, marking, registration, seating, venues
from exam_center.services.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_TOML = ROOT / "examples" / "jiangsu-2022" / "exam.toml"
KEY = {n: ("A" if n <= 60 else "AB" if n <= 90 else "B") for n in range(1, 131)}


@dataclass(frozen=True)
class GradedExam:
    ws: Workspace
    inputs: Path
    ranked: list[str]  # admission numbers, best first (rank 1, 2, ...)


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def definition_with(folder: Path, policy: dict[str, str], year: int = 2022) -> Path:
    """The example exam.toml with some [policy] values replaced (given as TOML text)."""
    text = EXAMPLE_TOML.read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if "=" in line and key in policy:
            line = f"{key} = {policy.pop(key)}"
        lines.append(line)
    lines += [f"{k} = {v}" for k, v in policy.items()]  # keys the example leaves out
    out = "\n".join(lines) + "\n"
    if year != 2022:
        out = out.replace("2022-07-10", f"{year}-07-10").replace("JS2022", f"JS{year}")
        out = out.replace("2022年度", f"{year}年度").replace('"2207"', f'"{year % 100}07"')
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "exam.toml"
    path.write_text(out, encoding="utf-8")
    return path


def roster_rows(path: Path) -> tuple[list[str], list[list[object]]]:
    wb = load_workbook(path, read_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    return [str(h) for h in rows[0]], rows[1:]


def graded_exam(
    ws: Workspace,
    folder: Path,
    *,
    candidates: int = 30,
    seed: int = 8,
    policy: dict[str, str] | None = None,
    alike: tuple[int, ...] = (),
    year: int = 2022,
) -> GradedExam:
    """Registered, seated, every sheet on record, key and case scores imported. The
    seated candidates numbered in `alike` (0-based, seat order) all answer like the
    first of them, so they tie."""
    inputs = folder / "inputs"
    toml = definition_with(folder / "definition", dict(policy or {}), year)
    made = write_inputs(inputs, candidates, seed, toml)
    with ws.session() as s:
        exams.init_exam(made.definition, session=s)
    with ws.session() as s:
        registration.import_candidates(made.roster, session=s)
        venues.import_rooms(made.rooms, session=s)
        venues.import_invigilators(made.invigilators, session=s)
    with ws.session() as s:
        seating.seat_exam(session=s, seed=seed)
    with ws.session() as s:
        view = seating.seating_view(session=s)
        assert view is not None
        seats = [st for r in view.rooms for st in r.seats]
        exam_id = exams.current_exam_id(s)
        for k, st in enumerate(seats):
            right = 120 - (alike[0] if k in alike else k)
            marks = [
                {
                    "number": n,
                    "marks": KEY[n] if n <= right else "",
                    "status": "ok" if n <= right else "blank",
                }
                for n in range(1, 131)
            ]
            s.add(
                ScannedPage(
                    exam_id=exam_id,
                    sha256=f"{exam_id}{k:063d}",
                    file=f"{st.admission_no}.png",
                    status="read",
                    admission_no=st.admission_no,
                    candidate_id=st.candidate_id,
                    page_no=1,
                    pages=1,
                    marks=marks,
                    current=True,
                    read_at=datetime.now(UTC),
                )
            )
    write_csv(inputs / "key.csv", ["题号", "答案"], [[q, a] for q, a in sorted(KEY.items())])
    rows: list[list[object]] = [
        [st.admission_no, q, r, f"阅卷{r}", 6.0] for st in seats for q in (131, 132) for r in (1, 2)
    ]
    write_csv(inputs / "scores.csv", ["准考证号", "题号", "评次", "评分人", "分数"], rows)
    with ws.session() as s:
        marking.import_key(inputs / "key.csv", session=s)
        marking.import_scores(inputs / "scores.csv", session=s)
    return GradedExam(ws, inputs, [st.admission_no for st in seats])
