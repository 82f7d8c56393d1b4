"""register: the 能手库 (winners since 2019 and their contests), kept across years."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from exam_center.cli.common import console, print_json, table, workspace
from exam_center.cli.lazy import lazy_module
from exam_center.domain.errors import NotAllowed
from exam_center.domain.resident_id import mask_id

if TYPE_CHECKING:
    from exam_center.services import register, register_facts
    from exam_center.services.register import Person, Register
else:
    register = lazy_module("exam_center.services.register")
    register_facts = lazy_module("exam_center.services.register_facts")

register_app = typer.Typer(
    help="The 能手库 register: winners since 2019 and their contests, read by later years.",
    no_args_is_help=True,
)


@register_app.callback()
def register_root(
    ctx: typer.Context,
    file: Path | None = typer.Option(
        None,
        "--file",
        help="the register file (default: nengshouku.db beside the workspace; "
        "EXAM_CENTER_REGISTER_FILE)",
    ),
) -> None:
    if file is not None:
        workspace(ctx).settings.register_file = file


def _register(ctx: typer.Context) -> Register:
    book = register.Register(workspace(ctx).settings.register_path)
    ctx.call_on_close(book.close)
    return book


def _person_json(p: Person) -> dict[str, Any]:
    return {
        "id_number": mask_id(p.id_number),
        "name": p.name,
        "team": p.team,
        "unit": p.unit,
        "entries": [{k: v for k, v in asdict(e).items() if k != "id_number"} for e in p.entries],
    }


@register_app.command("import")
def register_import(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="csv/xlsx: 姓名, 身份证号, 荣誉 or 参赛, 年度 (设区市, 单位, 来源 optional)"
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="check only, add nothing"),
) -> None:
    """Add the ministry's or the province's list: row-numbered errors, all rows or none."""
    register = _register(ctx)
    done = register.import_file(file, operator=workspace(ctx).operator, dry_run=dry_run)
    if dry_run:
        console.print(f"{done.source}: {done.rows} rows, no errors (nothing added: --dry-run).")
        return
    console.print(
        f"{done.source}: {done.rows} rows; {done.added} entries added, "
        f"{done.already} already in the register ({register.path})."
    )


@register_app.command("list")
def register_list(
    ctx: typer.Context,
    search: str | None = typer.Option(None, help="name or resident ID contains"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Everyone in the register, with their honours and contests."""
    people = _register(ctx).people(search)
    if as_json:
        print_json([_person_json(p) for p in people])
        return
    table(
        f"能手库 {len(people)} 人",
        ["身份证号", "姓名", "设区市", "荣誉 / 参赛"],
        [
            [mask_id(p.id_number), p.name, p.team, "、".join(e.label() for e in p.entries)]
            for p in people
        ],
    )


@register_app.command("show")
def register_show(
    ctx: typer.Context,
    id_number: str = typer.Argument(..., help="resident ID (身份证号)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """One person: every honour and contest, with its source and who recorded it."""
    found = _register(ctx).person(id_number)
    if found is None:
        raise NotAllowed(f"能手库中没有 {id_number} (not in the register)")
    if as_json:
        print_json(_person_json(found))
        return
    console.print(f"{found.name} {found.id_number} {found.team} {found.unit}", highlight=False)
    table(
        "荣誉与参赛",
        ["类别", "名称", "年度", "来源", "记录"],
        [
            [
                register.KINDS[e.kind],
                e.name,
                e.year,
                e.source,
                f"{e.recorded_at:%Y-%m-%d %H:%M} {e.recorded_by}",
            ]
            for e in found.entries
        ],
    )


@register_app.command("export")
def register_export(
    ctx: typer.Context,
    out: Path = typer.Option(..., "--out", help=".xlsx or .csv (the columns import reads)"),
) -> None:
    """The whole register, one row per honour or contest."""
    count = _register(ctx).export(out)
    console.print(f"已写出 wrote {out}: {count} 条 entries")


@register_app.command("check")
def register_check(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Read the register again for this exam's candidates and report, per candidate,
    where it and the roster disagree (both sources shown)."""
    ws = workspace(ctx)
    with ws.session() as s:
        count = register_facts.check_register(session=s)
    with ws.session() as s:
        found = register_facts.disagreements(session=s)
    if as_json:
        print_json(
            {
                "register": str(ws.settings.register_path),
                "entries_read": count,
                "disagreements": [
                    {
                        "candidate_id": d.candidate_id,
                        "name": d.name,
                        "team": d.team,
                        "items": [asdict(i) for i in d.items],
                    }
                    for d in found
                ],
            }
        )
        return
    if count is None:
        console.print(f"没有能手库文件 (no register at {ws.settings.register_path}).")
        return
    console.print(f"{count} register entries read for this exam's candidates.")
    for d in found:
        console.print(f"[yellow]{d.name}（{d.team}）[/]", highlight=False)
        for item in d.items:
            console.print(f"  {item}", markup=False, highlight=False)
    if not found:
        console.print("能手库与报名表一致 (the register and the roster agree).")
