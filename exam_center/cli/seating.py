"""seat, print rooms."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from exam_center.cli.common import console, print_json, shown, table, workspace
from exam_center.cli.lazy import lazy_module
from exam_center.domain.errors import NotAllowed

if TYPE_CHECKING:
    from exam_center.services import certificates, documents, seating, sheets
else:
    certificates = lazy_module("exam_center.services.certificates")
    documents = lazy_module("exam_center.services.documents")
    seating = lazy_module("exam_center.services.seating")
    sheets = lazy_module("exam_center.services.sheets")

print_app = typer.Typer(help="Print answer sheets and room documents.", no_args_is_help=True)


def seat(
    ctx: typer.Context,
    seed: int | None = typer.Option(None, "--seed", help="reproduce a plan (default: a new seed)"),
    as_json: bool = typer.Option(False, "--json", help="print the plan as JSON"),
    force: bool = typer.Option(False, "--force", help="re-seat even though sheets were printed"),
    reason: str = typer.Option("", "--reason", help="why (required with --force)"),
    show: bool = typer.Option(False, "--show", help="show the plan in force; change nothing"),
) -> None:
    """Assign seats, admission numbers and invigilators (no two of one city side by side)."""
    ws = workspace(ctx)
    if show:
        with ws.session() as s:
            view = seating.seating_view(session=s)
        if view is None:
            raise NotAllowed("尚未编排座位，请先运行 `exam-center seat` (nobody is seated yet)")
        if as_json:
            print_json(seating.seating_json(view))
        else:
            _room_table(view)
        return
    with ws.session() as s:
        outcome = seating.seat_exam(session=s, seed=seed, force=force, reason=reason)
    with ws.session() as s:
        view = seating.seating_view(session=s)
    assert view is not None
    if as_json:
        print_json(seating.seating_json(view))
        return
    console.print(
        f"Seated {outcome.seated} candidates in {outcome.rooms_used} rooms "
        f"(seed {outcome.seed}); {outcome.invigilators} invigilators on duty."
    )
    for line in outcome.fallbacks:
        console.print(f"[yellow]fallback:[/] {line}")
    if outcome.not_seated:
        console.print(f"Not seated (not eligible): {shown('、'.join(outcome.not_seated))}")
    if outcome.reprint_needed:
        console.print("[bold red]The answer sheets must be printed again for the new plan.[/]")
    _room_table(view)


def _room_table(view: seating.SeatingView) -> None:
    table(
        f"考场 (seed {view.seed})",
        ["考场", "人数", "主监考", "监考"],
        [
            [
                r.code,
                len(r.seats),
                "、".join(p.name for p in r.invigilators if p.chief),
                "、".join(p.name for p in r.invigilators if not p.chief),
            ]
            for r in view.rooms
        ],
    )


@print_app.command("rooms")
def print_rooms(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="folder for the PDFs"),
) -> None:
    """Door lists, sign-in sheets, seat labels, invigilator roster and room plans (PDF)."""
    ws = workspace(ctx)
    with ws.session() as s:
        docs = documents.print_room_documents(out, session=s)
    for path in docs.all():
        console.print(f"已写出 wrote {path}")


@print_app.command("certificates")
def print_certificates(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help="folder for the PDFs"),
) -> None:
    """证书: one A4 landscape certificate per individual and team award, and the numbered
    证书发放登记表 (refused before the results are finalised)."""
    ws = workspace(ctx)
    with ws.session() as s:
        done = certificates.print_certificates(out, session=s)
    for path in done.files():
        console.print(f"已写出 wrote {path}")
    console.print(f"{done.count} certificates, numbered in the register.")


@print_app.command("sheets")
def print_sheets(
    ctx: typer.Context,
    out: Path | None = typer.Option(None, "--out", help="one print-ready PDF"),
    png_dir: Path | None = typer.Option(None, "--png-dir", help="one PNG per page instead"),
    dpi: int = typer.Option(200, "--dpi", min=72, max=1200, help="PNG resolution"),
) -> None:
    """Every seated candidate's answer sheet, in room and seat order, with its signed QR code."""
    ws = workspace(ctx)
    with ws.session() as s:
        done = sheets.print_sheets(session=s, out_pdf=out, png_dir=png_dir, dpi=dpi)
    console.print(
        f"wrote {done.path}: {done.sheets} sheets, {done.pages} pages (layout {done.layout_hash})"
    )


@print_app.command("spares")
def print_spares(
    ctx: typer.Context,
    count: int = typer.Option(..., "--count", min=1, help="how many spare sheets"),
    out: Path = typer.Option(..., "--out", help="the PDF"),
) -> None:
    """Numbered spare sheets: the candidate fills the admission-number grid."""
    ws = workspace(ctx)
    with ws.session() as s:
        done = sheets.print_spares(session=s, count=count, out_pdf=out)
    first = done.first_spare_serial or 0
    console.print(f"已写出 wrote {done.path}: 备用卡 spare sheets {first}–{first + count - 1}")


def layout(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Where every mark is on every page, in millimetres from the page's top-left corner."""
    ws = workspace(ctx)
    with ws.session() as s:
        doc = sheets.layout_json(session=s)
    if as_json:
        print_json(doc)
        return
    pages = doc["pages"]
    questions = sum(len(p["questions"]) for p in pages)
    console.print(f"layout {doc['layout_hash']}: {len(pages)} page(s), {questions} questions")
