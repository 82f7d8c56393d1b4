"""Results exports on a real finalised workspace (one small demo run for the module):
the workbook's sheets, headers and winners, the CSV files with their BOM, the PDF award
lists' text layer, the audit entry; then the same after re-opening, marked not final.
The writers are also driven with hand-made tables for the notes the demo may not hit."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pypdfium2 as pdfium
import pytest

from exam_center.demo import run as demo_run
from exam_center.io.reports.award_lists import write_award_lists
from exam_center.io.reports.exports import display_width, shown, write_csv_files, write_workbook
from exam_center.io.reports.results_tables import (
    AwardRow,
    NationalRow,
    NationalTable,
    Provenance,
    RankRow,
    ResultsTables,
    TeamRow,
    tie_key_label,
)
from exam_center.services import audit, exporting, finalising
from exam_center.services.workspace import open_workspace
from exam_center.settings import Settings
from tests.signing import actor, reopen_by_two

SHEETS = ["成绩排名", "个人奖项", "团体奖项", "全国比试名单", "试题分析", "说明"]
RANK_HEADER = ["名次", "准考证号", "姓名", "设区市", "单位", "客观题", "主观题", "总分"]
AWARD_HEADER = ["奖项", "名次", "准考证号", "姓名", "设区市", "单位", "备注"]
TEAM_HEADER = ["名次", "设区市", "参赛人数", "实到人数", "总成绩", "奖项", "优秀组织奖"]


@dataclass
class Exported:
    final: exporting.ExportOutcome
    draft: exporting.ExportOutcome
    snapshot: dict[str, Any]
    digest: str
    audit_entries: list[audit.AuditLine]
    chain_ok: bool


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    base = tmp_path_factory.mktemp("exports")
    # A small exam cannot fill the 100 recommended / 35 drawn of the real policy.
    toml = base / "exam.toml"
    text = demo_run.EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("national_recommended = 100", "national_recommended = 10")
    toml.write_text(text.replace("national_drawn = 35", "national_drawn = 5"), encoding="utf-8")
    ws = open_workspace(Settings(workspace=base / "ws"))
    ws.actor = actor("成绩管理员")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(demo_run, "EXAMPLE", toml)
        demo_run.run_demo(ws, candidates=30, seed=3, say=lambda _: None)
    try:
        with ws.session() as s:
            lock = finalising.finalised_snapshot(session=s)
            assert lock is not None
            snapshot, digest = dict(lock.snapshot), lock.digest
            final = exporting.export_results(base / "final" / "成绩.xlsx", session=s)
        with ws.session() as s:
            reopen_by_two(s, reason="测试：重新打开")
        with ws.session() as s:
            draft = exporting.export_results(base / "draft" / "成绩.xlsx", session=s)
        with ws.session() as s:
            entries = audit.list_entries(session=s, action="results.export")
            chain = audit.verify_chain(session=s)
        yield Exported(final, draft, snapshot, digest, entries, chain.ok)
    finally:
        ws.close()


def _names(snapshot: dict[str, Any]) -> dict[int, str]:
    return {int(c["candidate_id"]): c["name"] for c in snapshot["results"]["candidates"]}


def _winners(snapshot: dict[str, Any]) -> list[tuple[str, str]]:
    names = _names(snapshot)
    return [(g["award"], names[int(g["candidate_id"])]) for g in snapshot["awards"]["individual"]]


def _pdf_text(path: Path) -> str:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def _notes(wb: openpyxl.Workbook) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for label, value in wb["说明"].iter_rows(min_row=2, values_only=True):
        out.setdefault(str(label or ""), []).append(str(value))
    return out


def test_final_workbook_holds_every_sheet_from_the_locked_snapshot(exported: Exported) -> None:
    out = exported.final
    assert out.final and out.source == "snapshot" and out.digest == exported.digest
    wb = openpyxl.load_workbook(out.workbook)
    assert wb.sheetnames == SHEETS and wb.active is not None and wb.active.title == "成绩排名"
    ranking = wb["成绩排名"]
    header = [c.value for c in ranking[1]]
    assert header[:8] == RANK_HEADER and header[-1] == "状态"
    assert header[8].startswith("比较1：总分") and "空题数（低者优先）" in header[-2]
    assert ranking.freeze_panes == "A2" and ranking["A1"].font.bold
    rows = list(ranking.iter_rows(min_row=2, values_only=True))
    candidates = exported.snapshot["results"]["candidates"]
    assert [(r[0], r[1] or "", r[2]) for r in rows] == [
        (c["rank"], c["admission_no"] or "", c["name"]) for c in candidates
    ]
    statuses = {r[-1] for r in rows}
    assert {"正常", "缺考", "不符合参赛条件"} <= statuses
    assert ranking.column_dimensions["E"].width > ranking.column_dimensions["A"].width

    awards = wb["个人奖项"]
    assert [c.value for c in awards[1]] == AWARD_HEADER
    got = [(r[0], r[3]) for r in awards.iter_rows(min_row=2, values_only=True) if r[1]]
    assert got[: len(_winners(exported.snapshot))] == _winners(exported.snapshot)
    notes = [
        r[6] for r in awards.iter_rows(min_row=2, values_only=True) if r[0] == "江苏省五一劳动奖章"
    ]
    assert notes and all("按程序申报" in str(n) for n in notes)

    teams = wb["团体奖项"]
    assert [c.value for c in teams[1]] == TEAM_HEADER
    team_rows = list(teams.iter_rows(min_row=2, values_only=True))
    assert [r[5] for r in team_rows].count("特等奖") == 1
    assert "省厅本级" not in {r[1] for r in team_rows}

    national = wb["全国比试名单"]
    assert "模拟" in str(national["A2"].value) and national["A2"].font.color.rgb.endswith("C00000")
    nat_rows = list(national.iter_rows(min_row=4, max_col=8, values_only=True))
    listed = [r for r in nat_rows if r[0] in ("省选", "推荐")]
    assert [r[3] for r in listed if r[0] == "省选"] == exported.snapshot["national"]["selected"]
    assert sum(r[7] == "模拟抽中" for r in listed) == 5

    items = wb["试题分析"]
    assert items["A1"].value.startswith("KR-20") and 0 < float(items["B1"].value) <= 1
    item_header = [c.value for c in items[5]]
    assert item_header[:6] == ["题号", "题型", "答案", "难度", "区分度 rpb", "D 27%"]
    assert items.freeze_panes == "A6" and items.max_row == 5 + 130

    info = _notes(wb)
    assert info["状态"] == ["已定稿"] and info["结果摘要"] == [f"SHA-256 {exported.digest}"]
    assert info["摘要核对"] == ["按当前数据重新计算，与定稿摘要一致"]
    assert info["答案版本"] == ["第 1 版"] and "定稿人" in info
    assert any("依次顺延" in v for v in info["政策：往年荣誉"])
    assert not any("未定稿" in v for vs in info.values() for v in vs)


def test_csv_files_read_back_with_their_bom(exported: Exported) -> None:
    ranking_csv, awards_csv, teams_csv = exported.final.csv_files
    assert ranking_csv.name == "成绩-成绩排名.csv" and teams_csv.name == "成绩-团体奖项.csv"
    for path in exported.final.csv_files:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with ranking_csv.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:8] == RANK_HEADER
    candidates = exported.snapshot["results"]["candidates"]
    assert [r[2] for r in rows[1:]] == [c["name"] for c in candidates]
    top = candidates[0]
    assert rows[1][0] == "1" and float(rows[1][7]) == top["total"]
    assert not rows[1][7].endswith(".0")
    with awards_csv.open(encoding="utf-8-sig", newline="") as f:
        awards = list(csv.reader(f))
    assert awards[0] == AWARD_HEADER
    assert [(r[0], r[3]) for r in awards[1:]] == _winners(exported.snapshot)


def test_pdf_award_lists_carry_awards_winners_and_the_digest(exported: Exported) -> None:
    path = exported.final.award_lists
    assert path.name == "成绩-获奖名单.pdf"
    text = _pdf_text(path)
    assert "获奖名单" in text and "2022年7月10日" in text
    for award, name in _winners(exported.snapshot):
        assert award in text and name in text
    assert "团体奖项" in text and "特等奖" in text
    top_team = exported.snapshot["teams"]["teams"][0]["team"]
    assert top_team in text
    assert exported.digest in text.replace("\r", "").replace("\n", "")
    assert "未定稿" not in text
    # in rank order within an award
    expert = [
        g for g in exported.snapshot["awards"]["individual"] if g["award"] == "江苏省人社知识通"
    ]
    names = _names(exported.snapshot)
    positions = [text.index(names[int(g["candidate_id"])]) for g in expert[:3]]
    assert positions == sorted(positions)


def test_each_export_is_audited(exported: Exported) -> None:
    # newest first: the draft, the final export, and the demo's own export when it finalised
    assert exported.chain_ok and len(exported.audit_entries) == 3
    draft, final, _demo = exported.audit_entries
    assert final.operator == "成绩管理员" and final.detail["digest"] == exported.digest
    assert final.detail["final"] is True and final.detail["source"] == "snapshot"
    assert str(exported.final.workbook) in final.detail["files"]
    assert draft.detail["final"] is False and draft.detail["digest"] is None
    assert len(draft.detail["files"]) == 5


def test_a_not_finalised_export_says_so_everywhere(exported: Exported) -> None:
    out = exported.draft
    assert not out.final and out.source == "computed" and out.digest is None
    assert all("未定稿" in p.name for p in [*out.csv_files, out.award_lists])
    wb = openpyxl.load_workbook(out.workbook)
    assert wb.sheetnames == SHEETS and wb.active is not None and wb.active.title == "说明"
    notes = wb["说明"]
    assert notes["A2"].value == "状态" and notes["B2"].value == "未定稿"
    assert notes["B2"].font.bold
    info = _notes(wb)
    assert "结果摘要" not in info and "当前数据" in info["数据来源"][0]
    # re-opened without changes: the same people win
    got = []
    for r in wb["个人奖项"].iter_rows(min_row=2, values_only=True):
        if not any(r):
            break  # the awards table ends; blocks of ties and passed-over holders follow
        got.append((r[0], r[3]))
    assert got == _winners(exported.snapshot)
    text = _pdf_text(out.award_lists)
    assert "未定稿" in text and "不得公布" in text
    assert exported.digest not in text.replace("\n", "")


# --- the writers on hand-made tables -------------------------------------------------


def _tables(**changes: Any) -> ResultsTables:
    info = Provenance(
        title="测试考试",
        exam_date=date(2022, 7, 10),
        venue="南京",
        final=True,
        finalised_at=datetime(2022, 7, 20, 2, 0, tzinfo=UTC),
        finalised_by="王主任",
        digest="ab" * 32,
        digest_recomputed=False,
        source="定稿快照",
        key_version=2,
        policies=(("往年荣誉", "名额依次顺延"),),
        paper=("单项选择题 第 1–2 题",),
        exported_at=datetime(2022, 7, 21, tzinfo=UTC),
        exported_by="李四",
        warnings=(),
    )
    person = {"admission_no": "220700001", "name": "张三", "team": "南京", "unit": "南京市人社局"}
    second = {"admission_no": "220700002", "name": "李红", "team": "无锡", "unit": "无锡市人社局"}
    tables = ResultsTables(
        info=info,
        tie_keys=(tie_key_label("total desc"), tie_key_label("blanks asc")),
        ranking=(
            RankRow(
                1, "220700001", "张三", "南京", "南京市人社局", 70, 18.5, 88.5, (88.5, 2), "正常"
            ),
            RankRow(None, "220700009", "赵六", "南京", "", None, None, None, (), "缺考"),
        ),
        awards=(
            AwardRow("江苏省技术能手", 2, **second, note="依次顺延"),
            AwardRow("江苏省五一创新能手", 1, **person, note="并列，按记录的决定"),
        ),
        award_ties=(
            AwardRow("江苏省人社知识通", 10, **person, note="并列待决定：2 人并列，1 个名额"),
        ),
        award_exclusions=(
            AwardRow(
                "江苏省技术能手", 1, **person, note="2020年已获此荣誉，不重复授予（名额依次顺延）"
            ),
        ),
        teams=(TeamRow(1, "南京", 10, 9, 800.5, "特等奖", True),),
        national=NationalTable(
            (NationalRow("推荐", 1, 16, "220700001", "张三", "南京", "", True),),
            "ministry",
            "",
            1,
            (),
            (),
        ),
        items=None,
    )
    return replace(tables, **changes)


def test_writers_show_pass_down_decisions_exclusions_and_a_digest_mismatch(tmp_path: Path) -> None:
    tables = _tables()
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "r.xlsx", tables))
    cells = [v for row in wb["个人奖项"].iter_rows(values_only=True) for v in row if v]
    assert {"依次顺延", "并列，按记录的决定", "往年已获同一荣誉，不重复授予"} <= set(cells)
    assert "名额边界并列，待成绩管理人员决定" in cells
    national = [v for row in wb["全国比试名单"].iter_rows(values_only=True) for v in row if v]
    assert (
        "部抽取" in national and "抽中" in national and not any("模拟" in str(v) for v in national)
    )
    assert wb["试题分析"]["A1"].value.startswith("试题分析不可用")
    assert "不一致" in _notes(wb)["摘要核对"][0]
    assert _notes(wb)["定稿时间"][0].startswith("2022-07-")
    _, awards_csv, teams_csv = write_csv_files(tmp_path, "r", "", tables)
    assert "依次顺延" in awards_csv.read_text(encoding="utf-8-sig")
    assert "岗位练兵优秀组织奖" in teams_csv.read_text(encoding="utf-8-sig")
    text = _pdf_text(write_award_lists(tmp_path / "r.pdf", tables))
    for words in (
        "江苏省技术能手",
        "李红",
        "依次顺延",
        "岗位练兵优秀组织奖",
        "名额边界并列",
        "ab" * 32,
        "制表人：",
        "审核人：",
        "单位（盖章）：",
        "日期：",
        "第 1 页 共 1 页",
    ):
        assert words in text.replace("\n", "")


def test_the_award_list_shows_a_passed_over_holder_at_their_rank_with_the_reason(
    tmp_path: Path,
) -> None:
    """江苏省技术能手 starts at 名次 2: the holder at 名次 1 stands in their place, why."""
    text = _pdf_text(write_award_lists(tmp_path / "r.pdf", _tables()))
    text = text.replace("\r", "").replace("\n", "")
    section = text[text.index("江苏省技术能手（1 名）") :]  # counts only the awarded
    reason = section.index("未授予：2020年已获此荣誉，不重复授予")
    assert section.index("张三") < reason < section.index("李红")


def test_a_long_award_list_runs_on_under_its_title_and_ends_with_the_approval(
    tmp_path: Path,
) -> None:
    many = tuple(
        AwardRow("江苏省人社知识通", i, f"2207001{i:02d}", f"考生{i:02d}", "南京", "某局", "")
        for i in range(1, 61)
    )
    path = write_award_lists(tmp_path / "long.pdf", _tables(awards=many))
    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = [pdf[i].get_textpage().get_text_range().replace("\n", "") for i in range(len(pdf))]
    finally:
        pdf.close()
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in page
        if number > 1:
            assert "测试考试 获奖名单（续）" in page
    assert "制表人" in pages[-1] and "单位（盖章）" in pages[-1]
    assert not any("制表人" in p for p in pages[:-1])


@pytest.mark.parametrize("last", ["awards", "teams", "organisers"])
def test_the_approval_never_stands_alone_on_the_last_page(tmp_path: Path, last: str) -> None:
    """Whatever the length, the last page holds the end of the last list with 制表人."""
    award, organiser = ("特等奖", False) if last == "teams" else ("", True)
    team = TeamRow(1, "南京", 10, 9, 800.5, award, organiser)
    for n in range(22, 62, 2):
        many = tuple(
            AwardRow("江苏省人社知识通", i, f"2207001{i:02d}", f"考生{i:02d}", "南京", "某局", "")
            for i in range(1, n + 1)
        )
        teams = () if last == "awards" else (team,)
        tables = _tables(awards=many, award_ties=(), teams=teams)
        path = write_award_lists(tmp_path / f"{last}-{n}.pdf", tables)
        pdf = pdfium.PdfDocument(str(path))
        try:
            final = pdf[len(pdf) - 1].get_textpage().get_text_range().replace("\n", "")
        finally:
            pdf.close()
        ending = {"awards": f"考生{n:02d}", "teams": "800.50", "organisers": "岗位练兵优秀组织奖"}
        assert "制表人" in final and ending[last] in final, (last, n)


def _cells(ws: Any) -> list[Any]:
    return [cell for row in ws.iter_rows() for cell in row]


def test_workbook_formats_filters_and_print_set_up(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "r.xlsx", _tables()))
    ranking = wb["成绩排名"]
    # 名次 whole; 客观题, 主观题, 总分 and the total tie key 0.00; the blanks key whole.
    row = {ranking.cell(1, c).value: ranking.cell(2, c) for c in range(1, ranking.max_column + 1)}
    assert row["名次"].number_format == "0" and row["名次"].value == 1
    for heading in ("客观题", "主观题", "总分", "比较1：总分（高者优先）"):
        assert row[heading].number_format == "0.00", heading
    blanks = row["比较2：空题数（低者优先）"]
    assert blanks.number_format == "0" and type(blanks.value) is int and blanks.value == 2
    # The absent candidate: no scores, no rank, no unit, no tie keys: empty cells.
    absent = [ranking.cell(3, c).value for c in range(1, ranking.max_column + 1)]
    assert absent == [None, "220700009", "赵六", "南京", None, None, None, None, None, None, "缺考"]
    assert wb["团体奖项"]["E2"].number_format == "0.00" and wb["团体奖项"]["E2"].value == 800.5
    assert wb["团体奖项"]["C2"].number_format == "0"
    assert ranking.auto_filter.ref == "A1:K3"
    assert wb["个人奖项"].auto_filter.ref == "A1:G3"  # the table, not the blocks below it
    orientation = {}
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert int(setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        orientation[ws.title] = setup.orientation
        for cell in _cells(ws):
            assert cell.value not in ("", "None"), (ws.title, cell.coordinate)
    assert orientation["成绩排名"] == "landscape" and orientation["团体奖项"] == "portrait"
    assert ranking.print_title_rows == "$1:$1"
    national = wb["全国比试名单"]
    header_row = int(str(national.print_title_rows).split(":")[0].strip("$"))
    assert national.cell(header_row, 1).value == "类别"
    # Every heading fits its column.
    for ws, row_no in ((ranking, 1), (wb["个人奖项"], 1), (wb["团体奖项"], 1)):
        for cell in ws[row_no]:
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= display_width(cell.value) + 2, (ws.title, cell.value)


def test_exported_absences_and_unscored_rows_are_empty_not_zero(exported: Exported) -> None:
    ranking = openpyxl.load_workbook(exported.final.workbook)["成绩排名"]
    header = [c.value for c in ranking[1]]
    rows = [
        dict(zip(header, r, strict=True)) for r in ranking.iter_rows(min_row=2, values_only=True)
    ]
    unscored = [r for r in rows if r["状态"] in ("缺考", "缺答题卡", "未安排座位")]
    assert len(unscored) >= 2  # the demo has two absentees
    for r in unscored:
        assert (r["名次"], r["客观题"], r["主观题"], r["总分"]) == (None, None, None, None)
    ranked = [r for r in rows if r["名次"] is not None]
    assert ranked and all(isinstance(r["总分"], int | float) for r in ranked)
    first = ranking.cell(2, header.index("总分") + 1)
    assert first.number_format == "0.00"


def test_labels_and_widths() -> None:
    assert tie_key_label("total desc") == "总分（高者优先）"
    assert tie_key_label("blanks") == "空题数（低者优先）"
    assert tie_key_label("section:判断题 desc") == "判断题（高者优先）"
    assert display_width("ab") == 2 and display_width("南京市") == 6 and display_width(None) == 0


def test_columns_fit_numbers_as_shown_in_their_format(tmp_path: Path) -> None:
    assert shown(735, "0.00") == "735.00" and shown(0.0345, "0.0%") == "3.5%"
    assert shown(12, "0") == "12" and shown("南京") == "南京" and shown(None) is None
    teams = (TeamRow(1, "南京", 10, 9, 123456.25, "特等奖", False),)
    wb = openpyxl.load_workbook(write_workbook(tmp_path / "w.xlsx", _tables(teams=teams)))
    sheet = wb["团体奖项"]
    assert sheet["E2"].number_format == "0.00"
    assert sheet.column_dimensions["E"].width >= len("123456.25") + 2
    notes = wb["说明"]
    widest = max(display_width(c.value) for c in notes["A"])
    assert notes.column_dimensions["A"].width >= widest + 2
