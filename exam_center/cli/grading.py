"""key, scores, absent, grade, results, awards, teams, national, tie, items, finalise, reopen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from exam_center.cli.common import console, print_json, table, workspace
from exam_center.cli.lazy import lazy_module
from exam_center.domain.vocabulary import tie_scope_label

if TYPE_CHECKING:
    from exam_center.io.reports import results_tables
    from exam_center.services import (
        exporting,
        finalising,
        marking,
        national_stage,
        results,
        standings,
        team_awards,
    )
else:
    results_tables = lazy_module("exam_center.io.reports.results_tables")
    team_awards = lazy_module("exam_center.services.team_awards")
    exporting = lazy_module("exam_center.services.exporting")
    finalising = lazy_module("exam_center.services.finalising")
    marking = lazy_module("exam_center.services.marking")
    national_stage = lazy_module("exam_center.services.national_stage")
    results = lazy_module("exam_center.services.results")
    standings = lazy_module("exam_center.services.standings")

# The scores the ranking table shows as columns of their own; other tie-break keys
# (空题数, a section) get a column each.
SHOWN_SCORES = ("total", "objective", "subjective")

key_app = typer.Typer(help="标准答案 The answer key.", no_args_is_help=True)
scores_app = typer.Typer(
    help="主观题（案例分析）评分 Subjective (case-analysis) scores.", no_args_is_help=True
)
tie_app = typer.Typer(help="奖项分界处的并列 Ties at award boundaries.", no_args_is_help=True)


@key_app.command("import")
def key_import(
    ctx: typer.Context,
    file: Path = typer.Argument(
        ..., help="答案文件：csv/xlsx（题号, 答案, 作废）或 toml（\\[answers] 表） answer file"
    ),
    reason: str = typer.Option("", "--reason", help="更正答案时必填 required for a correction"),
) -> None:
    """Import the key; a later import is a correction that re-scores everyone (audited)."""
    ws = workspace(ctx)
    from exam_center.services.signoff import SignOffPending

    with ws.session() as s:
        done = marking.import_key(file, session=s, reason=reason)
    if isinstance(done, SignOffPending):
        console.print(done.message(), markup=False, highlight=False)
        return
    changed = f"; changed questions: {list(done.changed)}" if done.changed else ""
    console.print(
        f"答案第 {done.version} 版，{done.questions} 题"
        + (f"，作废 {'、'.join(map(str, done.voided))}" if done.voided else "")
        + f" (key version {done.version}: {done.questions} questions, "
        f"voided {list(done.voided)}{changed})"
    )


@scores_app.command("import")
def scores_import(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="准考证号, 题号, 评次 (1/2/3), 评分人, 分数"),
    reason: str = typer.Option(
        "", "--reason", help="已录入的分数改变时必填 required when scores already entered change"
    ),
) -> None:
    """Import markers' scores (double marking; round 3 is the arbitration)."""
    ws = workspace(ctx)
    with ws.session() as s:
        done = marking.import_scores(file, session=s, reason=reason)
    console.print(f"{done.rows} scores: {done.added} new, {done.changed} changed.")


def absent(
    ctx: typer.Context,
    admission_no: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="缺考理由，例如 签到表未签到 the reason"),
) -> None:
    """Confirm a candidate absent (缺考): listed without rank, no longer blocks finalising."""
    ws = workspace(ctx)
    with ws.session() as s:
        marking.record_absence(admission_no, session=s, reason=reason)
    console.print(f"{admission_no} 已确认缺考 recorded absent.")


def grade(ctx: typer.Context) -> None:
    """Score and rank as the database stands; say what still blocks finalising."""
    ws = workspace(ctx)
    with ws.session() as s:
        c = results.compute(s)
        blockers = finalising.blockers(c, s)
    ranked = c.ranking.ranked_count if c.ranking else 0
    console.print(
        f"考生 {len(c.roster.candidates)} 人，排名 {ranked} 人"
        + (f"（答案第 {c.key_version} 版）" if c.key_version is not None else "（尚未导入答案）")
        + f" ({len(c.roster.candidates)} candidates, {ranked} ranked)."
    )
    if blockers:
        console.print(
            f"[yellow]定稿前须处理 {len(blockers)} 项 "
            f"({len(blockers)} thing(s) to settle before finalising):[/]"
        )
        for line in blockers[:40]:
            console.print(f"  - {line}", markup=False)
        if len(blockers) > 40:
            console.print(
                f"  … and {len(blockers) - 40} more (exam-center finalise lists them all)"
            )
    else:
        console.print("全部处理完毕，可以定稿 exam-center finalise (everything is settled)")


def results_cmd(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """The ranking: every candidate with total, rank and tie-break keys."""
    ws = workspace(ctx)
    with ws.session() as s:
        doc = finalising.published("results", session=s)
    if as_json:
        print_json(doc)
        return
    keys = [str(k) for k in doc["policy"].get("tie_break", [])]
    extra = [i for i, k in enumerate(keys) if k.split(" ")[0] not in SHOWN_SCORES]
    table(
        "成绩排名",
        ["名次", "准考证号", "姓名", "设区市", "客观题", "主观题", "总分"]
        + [results_tables.tie_key_label(keys[i]) for i in extra]
        + ["状态"],
        [
            [
                c["rank"] or "",
                c["admission_no"] or "",
                c["name"],
                c["team"],
                *_scores(c),
                *(f"{c['tie_keys'][i]:g}" if c["rank"] else "" for i in extra),
                results_tables.status_label(str(c["status"])),
            ]
            for c in doc["candidates"]
        ],
    )


def _scores(c: dict[str, object]) -> list[object]:
    """Objective, subjective, total; 缺考 for an absent candidate, never zeros or None."""
    if c["status"] == "absent":
        return ["缺考"] * 3
    return ["" if c[k] is None else c[k] for k in ("objective", "subjective", "total")]


def awards(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Individual awards, with the ties that wait for a decision."""
    ws = workspace(ctx)
    with ws.session() as s:
        doc = finalising.published("awards", session=s)
    if as_json:
        print_json(doc)
        return
    listed = [(a["award"], a["rank"], 1, a) for a in doc["individual"]]
    listed += [(e["award"], e["rank"], 0, e) for e in doc["excluded"]]
    order = {award: i for i, (award, *_) in reversed(list(enumerate(listed)))}
    listed.sort(key=lambda x: (order[x[0]], x[1], x[2]))
    table(
        "个人奖项",
        ["奖项", "名次", "准考证号", "姓名", "备注"],
        [
            [a["award"], a["rank"], a["admission_no"], a["name"], a["note"]]
            if granted
            else [f"（{award}）", rank, a["admission_no"], a["name"], f"未授予：{a['explanation']}"]
            for award, rank, granted, a in listed
        ],
    )
    for p in doc["pending_ties"]:
        tied = "、".join(f"{a} {n}" for a, n in zip(p["admission_nos"], p["names"], strict=True))
        console.print(
            f"[yellow]并列待决定 pending tie[/] {p['award']} 第{p['rank']}名: "
            f"{p['slots']} 个名额 of {tied}",
            highlight=False,
        )


def teams(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json"),
    organisation_award: str | None = typer.Option(
        None,
        "--organisation-award",
        help="为该团队记录岗位练兵优秀组织奖（成绩管理人员决定，须 --reason） record it",
    ),
    withdraw: str | None = typer.Option(
        None,
        "--withdraw-organisation-award",
        help="撤回误记的岗位练兵优秀组织奖（须 --reason） withdraw an award recorded in error",
    ),
    reason: str = typer.Option(
        "", "--reason", help="决定的依据（记入审计日志） the basis of the decision (audited)"
    ),
) -> None:
    """Team totals, ranks and awards (the cities; 省厅本级 is not a team); 岗位练兵优秀组织奖."""
    ws = workspace(ctx)
    with ws.session() as s:
        if organisation_award is not None:
            team_awards.record_organisation_award(organisation_award, session=s, reason=reason)
        if withdraw is not None:
            team_awards.withdraw_organisation_award(withdraw, session=s, reason=reason)
    with ws.session() as s:
        doc = finalising.published("teams", session=s)
    if as_json:
        print_json(doc)
        return
    table(
        "团体奖项",
        ["名次", "设区市", "人数", "总成绩", "奖项", team_awards.ORGANISATION_AWARD],
        [
            [
                t["rank"] or "",
                t["team"],
                t["members"],
                t["total"],
                t["award"] or "",
                "是" if t["organisation_award"] else "",
            ]
            for t in doc["teams"]
        ],
    )


def national(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json"),
    import_draw: Path | None = typer.Option(
        None, "--import-draw", help="人社部抽取的35人名单（准考证号） the ministry's 35"
    ),
    rehearse: int | None = typer.Option(
        None, "--rehearse", help="以给定种子演练抽取（模拟） a seeded rehearsal draw"
    ),
    import_results: Path | None = typer.Option(
        None, "--import-results", help="全国比试名次 national ranks"
    ),
) -> None:
    """The national online test: 15 chosen, 100 recommended, the 35 drawn; national honours."""
    ws = workspace(ctx)
    with ws.session() as s:
        if import_draw is not None:
            national_stage.import_draw(import_draw, session=s)
        if rehearse is not None:
            national_stage.rehearse_draw(rehearse, session=s)
        if import_results is not None:
            national_stage.import_national_results(import_results, session=s)
    with ws.session() as s:
        doc = finalising.published("national", session=s)
    if as_json:
        print_json(doc)
        return
    console.print(
        f"选拔 {len(doc['selected'])} 人，推荐 {len(doc['recommended'])} 人，"
        f"抽中 {len(doc['drawn'])} 人 (selected {len(doc['selected'])}, recommended "
        f"{len(doc['recommended'])}, drawn {len(doc['drawn'])}; "
        f"{doc['draw']} {doc.get('draw_label') or ''})"
    )
    with ws.session() as s:
        people = {
            c["admission_no"]: c for c in finalising.published("results", session=s)["candidates"]
        }
    drawn = set(doc["drawn"])
    rows = []
    for key, label in (("selected", "选拔 chosen"), ("recommended", "推荐 recommended")):
        for i, adm in enumerate(doc[key], start=1):
            who = people.get(adm, {})
            if key == "selected":
                mark = "直接参加"
            elif doc["draw"] == "none":
                mark = "待抽取"
            else:
                mark = "抽中" if adm in drawn else "未抽中"
                if doc["draw"] == "simulation":  # a rehearsal, never the ministry's
                    mark = f"模拟{mark}"
            rows.append(
                [
                    label,
                    i,
                    who.get("rank") or "",
                    adm,
                    who.get("name", ""),
                    who.get("team", ""),
                    mark,
                ]
            )
    table("全国比试名单", ["名单", "序", "名次", "准考证号", "姓名", "设区市", "抽取"], rows)


@tie_app.command("list")
def tie_list(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Ties at award boundaries that wait for a recorded decision."""
    ws = workspace(ctx)
    with ws.session() as s:
        pending = standings.pending_ties(results.compute(s))
    prefix = "exam-center"
    if ws.path != Path("workspace"):  # the default needs no option
        prefix += f" --workspace {standings.shell_word(str(ws.path))}"
    if as_json:
        print_json([p.__dict__ | {"command": p.command(prefix)} for p in pending])
        return
    if not pending:
        console.print("没有待决定的并列 (no tie waits for a decision).")
        return
    table(
        "待决定的并列",
        [
            "范围 scope",
            "奖项 award",
            "名额界限 boundary",
            "并列名次 rank",
            "名额 slots",
            "并列者 tied",
        ],
        [
            [
                tie_scope_label(p.scope),
                p.award,
                p.boundary if p.boundary is not None else "",
                p.rank,
                p.slots,
                "、".join(f"{a} {n}" for a, n in zip(p.tied, p.names, strict=True)),
            ]
            for p in pending
        ],
    )
    console.print("决定每个并列，运行 (to decide each tie, run):")
    for p in pending:
        console.print(f"  {p.command(prefix)}", markup=False, highlight=False)
        console.print(
            f"    从 {' '.join(p.tied)} 中选 {p.slots} 个 (choose {p.slots})",
            markup=False,
            highlight=False,
        )


@tie_app.command("decide")
def tie_decide(
    ctx: typer.Context,
    scope: str = typer.Argument(
        ..., help="范围：individual（个人）| team（团体）| national（全国）| honours（荣誉）"
    ),
    award: str = typer.Argument(...),
    rank: int = typer.Argument(
        ..., help="奖项分界（如 10）或并列名次（tie list 均列出） the boundary or the tied rank"
    ),
    winners: list[str] = typer.Argument(
        ..., help="准考证号（团体为团队名称） admission numbers (team names for teams)"
    ),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """Record who gets the slots of a tie at an award boundary."""
    ws = workspace(ctx)
    with ws.session() as s:
        standings.decide_tie(scope, award, rank, winners, session=s, reason=reason)
    console.print("已记录决定 decision recorded.")


def items(ctx: typer.Context, as_json: bool = typer.Option(False, "--json")) -> None:
    """Item analysis: difficulty, discrimination, option frequencies, probable key errors."""
    ws = workspace(ctx)
    with ws.session() as s:
        report = standings.item_analysis(results.compute(s))
    if report is None:
        console.print("已评分考生不足，暂不能做试题分析 (not enough scored candidates yet)")
        return
    if as_json:
        from dataclasses import asdict

        print_json(asdict(report))
        return
    console.print(f"{report.candidates} candidates; KR-20 {report.kr20:.3f}")
    table(
        "试题分析",
        ["题号", "答案", "难度", "区分度(rpb)", "D(27%)", "选项分布", "提示"],
        [
            [
                r.number,
                r.key,
                f"{r.difficulty:.2f}",
                f"{r.point_biserial:.2f}",
                f"{r.upper_lower:.2f}",
                " ".join(f"{k}{v:.0%}" for k, v in r.option_frequencies.items()),
                "；".join(r.flags),
            ]
            for r in report.items
        ],
    )


def finalise(ctx: typer.Context) -> None:
    """Lock the results with their digest (refused, with every reason, while anything is
    open). 双人复核: one results officer asks, a second one running it again signs."""
    from exam_center.services.signoff import SignOffPending

    ws = workspace(ctx)
    with ws.session() as s:
        done = finalising.finalise(session=s)
    if isinstance(done, SignOffPending):
        console.print(done.message(), markup=False, highlight=False)
        return
    console.print("成绩已定稿 Results finalised. 定稿回执 receipt (print and sign):")
    for line in done.receipt_lines():
        console.print(f"  {line}", markup=False, highlight=False)


def reopen(ctx: typer.Context, reason: str = typer.Option(..., "--reason")) -> None:
    """Re-open finalised results (recorded with the reason; two results officers)."""
    ws = workspace(ctx)
    with ws.session() as s:
        asked = finalising.reopen(session=s, reason=reason)
    if asked is not None:
        console.print(asked.message(), markup=False, highlight=False)
        return
    console.print("成绩已重新打开 Results re-opened.")


def export(
    ctx: typer.Context,
    out: Path = typer.Option(
        ...,
        "--out",
        help="导出的工作簿（.xlsx），CSV 与 PDF 写在其旁 the workbook; CSV and PDF beside it",
    ),
) -> None:
    """Results, awards, teams, national list and item analysis: XLSX, CSV and PDF award lists."""
    ws = workspace(ctx)
    with ws.session() as s:
        done = exporting.export_results(out, session=s)
    for path in done.files():
        console.print(f"已写出 wrote {path}")
    if not done.final:
        console.print(
            "[bold red]未定稿，不得公布 (the results are not finalised; do not publish).[/]"
        )
    for warning in done.warnings:
        console.print(f"[yellow]{warning}[/]", highlight=False)
