"""exam-center verify: the live results, the lock and the audit log against the seal."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from exam_center.cli.common import console, print_json, shown, workspace
from exam_center.cli.lazy import lazy_module

if TYPE_CHECKING:
    from exam_center.services import sealing
else:
    sealing = lazy_module("exam_center.services.sealing")


def verify(
    ctx: typer.Context,
    expect: str | None = typer.Option(
        None,
        "--expect",
        help="回执上印的审计链头 the audit chain head printed on a receipt (COUNT:HEX)",
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recompute everything and check it against the seal; name the first difference."""
    ws = workspace(ctx)
    with ws.session() as s:
        try:
            report = sealing.verify_workspace(session=s, expect=expect)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--expect") from exc
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "finalised": report.finalised,
                "entries": report.head.entries,
                "chain_head": report.head.head,
                "digest": report.digest,
                "seal": report.seal,
                "differences": [{"where": d.where, "what": d.what} for d in report.differences],
                "notes": list(report.notes),
            }
        )
    elif report.ok:
        state = "已定稿 finalised" if report.finalised else "未定稿 not finalised"
        console.print(f"验证通过 Verified ({state}).", highlight=False)
        if report.finalised:
            console.print(f"结果摘要 digest {report.digest}", highlight=False)
            console.print(f"结果封印 seal   {report.seal}", highlight=False)
        console.print(
            f"审计链 audit chain: {report.head.entries} entries, head {report.head.printed()}",
            highlight=False,
        )
        for note in report.notes:
            console.print(shown(note), highlight=False)
    else:
        first = report.first
        assert first is not None
        console.print(f"[red]验证未通过 NOT verified[/]: first difference: {shown(first)}")
        for d in report.differences[1 : sealing.SHOWN_DIFFERENCES]:
            console.print(f"  - {shown(d)}")
        more = len(report.differences) - sealing.SHOWN_DIFFERENCES
        if more > 0:
            console.print(f"  … 另有 {more} 处 and {more} more")
    if not report.ok:
        raise typer.Exit(1)
