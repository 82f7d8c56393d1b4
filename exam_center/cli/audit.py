"""audit list / audit verify."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from exam_center.cli.common import console, print_json, shown, table, workspace
from exam_center.cli.lazy import lazy_module
from exam_center.domain.vocabulary import action_label, detail_line

if TYPE_CHECKING:
    from exam_center.services import audit
else:
    audit = lazy_module("exam_center.services.audit")

audit_app = typer.Typer(help="The append-only audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(
    ctx: typer.Context,
    expect: str | None = typer.Option(
        None,
        "--expect",
        help="the chain head printed on a receipt or award list (COUNT:HEX): "
        "entries removed since then are found too",
    ),
) -> None:
    """Check the keyed hash chain; report the first entry that was altered or removed."""
    ws = workspace(ctx)
    with ws.session() as s:
        try:
            report = audit.verify_chain(session=s, expect=expect)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--expect") from exc
    if report.ok:
        console.print(
            f"审计日志完整 Audit log intact: {report.entries} entries, "
            f"head {report.chain_head.printed()}.",
            highlight=False,
        )
        if report.note:
            console.print(report.note, highlight=False)
        return
    console.print(f"[red]审计日志被改动 Audit log broken[/]: {shown(report.problem)}")
    raise typer.Exit(1)


@audit_app.command("list")
def list_(
    ctx: typer.Context,
    limit: int = typer.Option(50, help="newest first"),
    action: str | None = typer.Option(None, help="action prefix, e.g. candidates"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show the newest audit entries."""
    ws = workspace(ctx)
    with ws.session() as s:
        lines = audit.list_entries(session=s, limit=limit, action=action)
    if as_json:
        print_json([line.__dict__ for line in lines])
        return
    table(
        "审计日志",
        ["序号 #", "时间 time (UTC)", "操作人 operator", "动作 action", "详情 detail"],
        [
            [
                x.id,
                x.at.strftime("%Y-%m-%d %H:%M:%S"),
                x.operator,
                action_label(x.action),
                detail_line(x.detail),
            ]
            for x in lines
        ],
    )
