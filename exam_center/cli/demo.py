"""exam-center demo."""

from __future__ import annotations

from pathlib import Path

import typer

from exam_center.cli.common import console, workspace
from exam_center.demo.stages import STAGES


def demo(
    ctx: typer.Context,
    dir: Path | None = typer.Option(
        None,
        "--dir",
        help="演示工作区（默认：--workspace）the demo workspace (default: --workspace)",
    ),
    candidates: int = typer.Option(
        150, "--candidates", min=14, help="考生人数（至少 14）how many candidates (at least 14)"
    ),
    seed: int = typer.Option(
        2022, "--seed", help="随机种子 the random seed of everything synthetic"
    ),
    until: str | None = typer.Option(
        None, "--until", help=f"在此阶段后停止 stop after: {', '.join(STAGES)}"
    ),
) -> None:
    """A whole synthetic exam, end to end; leaves a workspace the other commands continue."""
    from exam_center.demo.run import run_demo
    from exam_center.services.workspace import open_workspace

    ws = workspace(ctx)
    if dir is not None:
        ws.close()
        ws = open_workspace(ws.settings.model_copy(update={"workspace": dir}))
        ctx.obj = ws
    ws.close()  # the demo wipes the folder first: no database may be open on it
    done = run_demo(
        ws,
        candidates=candidates,
        seed=seed,
        until=until,
        say=lambda line: console.print(line, markup=False, highlight=False),
    )
    console.print(
        f"演示完成（{'、'.join(done)}），继续请用 exam-center --workspace {ws.path} … "
        f"(demo finished: {', '.join(done)}; continue with: exam-center --workspace {ws.path} …)",
        markup=False,
        highlight=False,
    )
