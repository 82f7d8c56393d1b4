"""双人复核 requests waiting for a second results officer."""

from __future__ import annotations

import typer

from exam_center.cli.common import console, print_json, table, workspace

signoff_app = typer.Typer(
    help="双人复核: finalising, re-opening and key corrections waiting for a second officer.",
    no_args_is_help=True,
)


@signoff_app.command("list")
def signoff_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """待确认的申请 Requests waiting for a second results officer."""
    from exam_center.services import signoff

    with workspace(ctx).session() as s:
        rows = signoff.pending_requests(s)
    if as_json:
        print_json(
            [
                {
                    "id": r.id,
                    "action": r.action,
                    "requested_by": r.requested_by,
                    "requested_at": r.requested_at.isoformat(),
                    "subject": r.subject,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        console.print("没有待确认的申请 no request is waiting.")
        return
    table(
        "双人复核 waiting for a second officer",
        ["#", "操作 action", "申请人 asked by", "时间 at", "所签 subject"],
        [
            [r.id, r.label, r.requested_by, f"{r.requested_at:%Y-%m-%d %H:%M}", r.subject[:16]]
            for r in rows
        ],
    )


@signoff_app.command("withdraw")
def signoff_withdraw(ctx: typer.Context, request: int = typer.Argument(...)) -> None:
    """撤回申请 Withdraw a waiting request."""
    from exam_center.services import signoff

    with workspace(ctx).session() as s:
        signoff.withdraw(s, request)
    console.print(f"申请 #{request} 已撤回 withdrawn.")
