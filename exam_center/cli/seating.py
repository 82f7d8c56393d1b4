"""seat, print rooms."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from exam_center.cli.common import console, print_json, shown, table, workspace
from exam_center.cli.lazy import lazy_module
from exam_center.domain.errors import NotAllowed
from exam_center.domain.vocabulary import WARNING_PREFIX

if TYPE_CHECKING:
    from exam_center.services import certificates, documents, seating, sheets
else:
    certificates = lazy_module("exam_center.services.certificates")
    documents = lazy_module("exam_center.services.documents")
    seating = lazy_module("exam_center.services.seating")
    sheets = lazy_module("exam_center.services.sheets")

print_app = typer.Typer(
    help="Print answer sheets and room documents (答题卡、考场文书、证书).", no_args_is_help=True
)


def seat(
    ctx: typer.Context,
    seed: int | None = typer.Option(
        None,
        "--seed",
        help="随机种子，重现方案（默认：新种子）reproduce a plan (default: a new seed)",
    ),
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出方案 print the plan as JSON"),
    force: bool = typer.Option(
        False, "--force", help="答题卡已打印仍重新编排 re-seat even though sheets were printed"
    ),
    reason: str = typer.Option(
        "", "--reason", help="理由（与 --force 同用时必填）why (required with --force)"
    ),
    show: bool = typer.Option(
        False, "--show", help="只显示现行方案，不作改动 show the plan in force; change nothing"
    ),
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
        f"已编排 {outcome.seated} 名考生，{outcome.rooms_used} 个考场（随机种子 {outcome.seed}），"
        f"监考 {outcome.invigilators} 人 (seated {outcome.seated} candidates in "
        f"{outcome.rooms_used} rooms, seed {outcome.seed}; {outcome.invigilators} invigilators)."
    )
    for line in outcome.fallbacks:
        console.print(f"[yellow]{WARNING_PREFIX}[/] {shown(line)}")
    if outcome.not_seated:
        console.print(
            f"未安排座位（不符合参赛条件）not seated (not eligible): "
            f"{shown('、'.join(outcome.not_seated))}"
        )
    if outcome.reprint_needed:
        console.print(
            "[bold red]新方案须重新打印答题卡 the answer sheets must be printed again "
            "for the new plan.[/]"
        )
    _room_table(view)


def _room_table(view: seating.SeatingView) -> None:
    table(
        f"考场 rooms（随机种子 seed {view.seed}）",
        ["考场 room", "人数 seated", "主监考 chief", "监考 invigilators"],
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
    out: Path = typer.Option(..., "--out", help="存放 PDF 的文件夹 folder for the PDFs"),
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
    out: Path = typer.Option(..., "--out", help="存放 PDF 的文件夹 folder for the PDFs"),
) -> None:
    """证书: one A4 landscape certificate per individual and team award, and the numbered
    证书发放登记表 (refused before the results are finalised)."""
    ws = workspace(ctx)
    with ws.session() as s:
        done = certificates.print_certificates(out, session=s)
    for path in done.files():
        console.print(f"已写出 wrote {path}")
    console.print(
        f"证书 {done.count} 张，已编号登记 ({done.count} certificates, numbered in the register)."
    )


@print_app.command("sheets")
def print_sheets(
    ctx: typer.Context,
    out: Path | None = typer.Option(
        None, "--out", help="一个可打印的 PDF 文件 one print-ready PDF"
    ),
    png_dir: Path | None = typer.Option(
        None, "--png-dir", help="改为每页一个 PNG 的文件夹 one PNG per page instead, in this folder"
    ),
    dpi: int = typer.Option(
        200, "--dpi", min=72, max=1200, help="PNG 分辨率（72–1200）PNG resolution (72-1200)"
    ),
) -> None:
    """Every seated candidate's answer sheet, in room and seat order, with its signed QR code."""
    ws = workspace(ctx)
    with ws.session() as s:
        done = sheets.print_sheets(session=s, out_pdf=out, png_dir=png_dir, dpi=dpi)
    console.print(
        f"已写出 wrote {done.path}: 答题卡 {done.sheets} 份 sheets，{done.pages} 页 pages "
        f"(版式 layout {done.layout_hash})"
    )


@print_app.command("spares")
def print_spares(
    ctx: typer.Context,
    count: int = typer.Option(
        ..., "--count", min=1, help="备用卡张数（至少 1）how many spare sheets (at least 1)"
    ),
    out: Path = typer.Option(..., "--out", help="PDF 文件 the PDF"),
) -> None:
    """Numbered spare sheets: the candidate fills the admission-number grid."""
    ws = workspace(ctx)
    with ws.session() as s:
        done = sheets.print_spares(session=s, count=count, out_pdf=out)
    first = done.first_spare_serial or 0
    console.print(f"已写出 wrote {done.path}: 备用卡 spare sheets {first}–{first + count - 1}")


def layout(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出 print JSON (the contract)"),
) -> None:
    """Where every mark is on every page, in millimetres from the page's top-left corner."""
    ws = workspace(ctx)
    with ws.session() as s:
        doc = sheets.layout_json(session=s)
    if as_json:
        print_json(doc)
        return
    pages = doc["pages"]
    questions = sum(len(p["questions"]) for p in pages)
    console.print(
        f"答题卡版式 layout {doc['layout_hash']}: {len(pages)} 页 page(s)，"
        f"{questions} 道题 questions"
    )
