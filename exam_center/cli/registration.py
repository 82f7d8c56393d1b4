"""init, candidates, rooms, invigilators."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from exam_center.cli.common import console, print_json, table, workspace
from exam_center.cli.lazy import lazy_module
from exam_center.cli.paths import check_input

if TYPE_CHECKING:
    from exam_center.services import exams, register_facts, registration, venues
else:
    register_facts = lazy_module("exam_center.services.register_facts")
    exams = lazy_module("exam_center.services.exams")
    registration = lazy_module("exam_center.services.registration")
    venues = lazy_module("exam_center.services.venues")

candidates_app = typer.Typer(
    help="Register candidates and check eligibility (参赛资格).", no_args_is_help=True
)
rooms_app = typer.Typer(help="Exam rooms.", no_args_is_help=True)
invigilators_app = typer.Typer(help="Invigilators.", no_args_is_help=True)


def init(
    ctx: typer.Context,
    definition: Path = typer.Argument(..., help="考试定义文件 the exam definition, EXAM.toml"),
    admin: str | None = typer.Option(
        None,
        "--admin",
        help="考试管理员账户名 the exam administrator's account (default: EXAM_CENTER_USER, admin)",
    ),
) -> None:
    """Create the exam from its definition (validated; each error names its key) and its
    administrator's account (password from EXAM_CENTER_PASSWORD, or asked)."""
    from exam_center.cli.accounts import admin_password
    from exam_center.domain.definition import load_definition
    from exam_center.services import accounts

    ws = workspace(ctx)
    # The definition is read before anything is made: a mistyped file creates no workspace.
    load_definition(check_input(definition, "考试定义文件 exam definition"))
    name = admin or ws.settings.user or "admin"
    password = admin_password(ws, name)
    with ws.session() as s:  # one transaction: a refused definition leaves no account
        s.info["actor"] = accounts.create_first_admin(s, name, password)
        summary = exams.init_exam(definition, session=s)
    console.print(f"考试管理员账户 administrator account: {name}", markup=False)
    console.print(
        f"已创建考试 Created exam [bold]{summary.code}[/] {summary.title}: "
        f"{summary.teams} 队 teams, 客观题 {summary.objective_questions} 道 objective questions, "
        f"满分 full marks {summary.max_score:g}."
    )


@candidates_app.command("import")
def candidates_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="考生名单 .csv 或 .xlsx the roster"),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="只检查，不导入 check only, import nothing"
    ),
) -> None:
    """Import a roster: every error reported by row and column; all rows or none."""
    ws = workspace(ctx)
    with ws.session() as s:
        report = registration.import_candidates(file, session=s, dry_run=dry_run)
    verb = (
        f"可导入 would import {report.rows}"
        if dry_run
        else f"已导入 {report.imported} 人 imported {report.imported}"
    )
    console.print(
        f"{report.source}: {report.rows} 行 rows, {verb}; "
        f"{report.ineligible} 人不符合参赛条件 not eligible (see `candidates check`)."
    )
    for over in report.over_limit:
        console.print(f"[yellow]超过每队上限 over the limit:[/] {over.message()}", highlight=False)


@candidates_app.command("check")
def candidates_check(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="以 JSON 输出 print JSON (for scripts)"),
) -> None:
    """Eligibility report: every candidate who fails, with every rule that fails."""
    ws = workspace(ctx)
    with ws.session() as s:
        rows = registration.list_candidates(session=s)
        over = registration.teams_over_limit(session=s)
        differ = register_facts.disagreements(session=s)
    bad = [r for r in rows if not r.eligible]
    if as_json:
        print_json(
            {
                "candidates": len(rows),
                "eligible": len(rows) - len(bad),
                "teams_over_limit": [
                    {
                        "team": o.team,
                        "limit": o.limit,
                        "count": o.count,
                        "rows": [asdict(r) for r in o.rows],
                    }
                    for o in over
                ],
                "register_disagreements": [
                    {
                        "candidate_id": d.candidate_id,
                        "name": d.name,
                        "team": d.team,
                        "items": [asdict(i) for i in d.items],
                    }
                    for d in differ
                ],
                "ineligible": [
                    {
                        "candidate_id": r.id,
                        "name": r.name,
                        "team": r.team,
                        "failures": [asdict(f) for f in r.failures],
                    }
                    for r in bad
                ],
            }
        )
        return
    console.print(
        f"考生 {len(rows)} 人，符合条件 {len(rows) - len(bad)} 人，不符合 {len(bad)} 人 "
        f"({len(rows)} candidates, {len(rows) - len(bad)} eligible, {len(bad)} not eligible)."
    )
    for o in over:
        console.print(f"[yellow]超过每队上限 over the limit:[/] {o.message()}", highlight=False)
    for d in differ:
        console.print(
            f"[yellow]能手库与报名表不一致 register and roster differ:[/] {d.name}（{d.team}）："
            + "；".join(str(i) for i in d.items),
            highlight=False,
        )
    if bad:
        table(
            "不符合参赛条件",
            ["ID", "姓名", "设区市", "原因"],
            [[r.id, r.name, r.team, "；".join(f.message for f in r.failures)] for r in bad],
        )


@candidates_app.command("list")
def candidates_list(
    ctx: typer.Context,
    team: str | None = typer.Option(None, help="只列此设区市 only this team"),
    search: str | None = typer.Option(None, help="姓名或身份证号包含 name or resident ID contains"),
    as_json: bool = typer.Option(False, "--json"),
    show_ids: bool = typer.Option(
        False,
        "--show-ids",
        help="显示完整身份证号（记入审计日志）full resident IDs (masked otherwise; recorded in the "
        "audit log)",
    ),
) -> None:
    """List the registered candidates (resident IDs masked: region and last four)."""
    ws = workspace(ctx)
    with ws.session() as s:
        rows = registration.list_candidates(session=s, team=team, search=search, show_ids=show_ids)
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    table(
        f"考生 {len(rows)} 人 candidates",
        ["编号 ID", "姓名", "设区市", "单位", "参赛资格"],
        [[r.id, r.name, r.team, r.unit, "符合" if r.eligible else "不符合"] for r in rows],
    )


@rooms_app.command("import")
def rooms_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="考场表 .csv 或 .xlsx the rooms"),
    dry_run: bool = typer.Option(False, "--dry-run"),
) -> None:
    """Import rooms: code, building, rows, columns, unusable seats."""
    ws = workspace(ctx)
    with ws.session() as s:
        report = venues.import_rooms(file, session=s, dry_run=dry_run)
    console.print(
        f"{report.source}: "
        + (
            "已检查 checked"
            if dry_run
            else f"已导入考场 {report.imported} 个 imported {report.imported} rooms"
        )
        + "."
    )


@invigilators_app.command("import")
def invigilators_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="监考人员表 .csv 或 .xlsx the invigilators"),
    dry_run: bool = typer.Option(False, "--dry-run"),
) -> None:
    """Import invigilators: id, name, team, unit, phone."""
    ws = workspace(ctx)
    with ws.session() as s:
        report = venues.import_invigilators(file, session=s, dry_run=dry_run)
    console.print(
        f"{report.source}: "
        + (
            "已检查 checked"
            if dry_run
            else f"已导入监考 {report.imported} 人 imported {report.imported} invigilators"
        )
        + "."
    )
