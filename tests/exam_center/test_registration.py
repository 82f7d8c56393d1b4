"""Roster import through the real service on a real database."""

import csv
import random
from pathlib import Path

import pytest
from openpyxl import Workbook

from exam_center.demo.synth import ROSTER_HEADERS, roster_rows, write_roster
from exam_center.domain.errors import ImportRejected
from exam_center.domain.resident_id import mask_id
from exam_center.services import registration
from exam_center.services.workspace import Workspace


def write_csv(
    path: Path, headers: list[str], rows: list[list[object]], encoding: str = "utf-8"
) -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        w.writerow(headers)
        w.writerows(rows)
    return path


def valid_rows(n: int = 30, seed: int = 1) -> list[list[object]]:
    rows = roster_rows(n, random.Random(seed))
    for r in rows:  # plain, eligible rows; tests add the trouble they need
        r[7], r[10], r[6], r[13], r[14] = 1500, "否", 2, "否", ""
    return rows


@pytest.mark.postgres
def test_xlsx_roster_with_chinese_headers_imports(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    rows = valid_rows(150)
    rows[0][14] = "江苏省技术能手2020；江苏省五一创新能手（2019）"
    rows[1][2] = "南京市"  # rosters write the city with 市
    write_roster(tmp_path / "r.xlsx", rows)
    with exam_workspace.session() as s:
        report = registration.import_candidates(tmp_path / "r.xlsx", session=s)
    assert (report.rows, report.imported, report.ineligible) == (150, 150, 0)
    with exam_workspace.session() as s:
        listed = registration.list_candidates(session=s, show_ids=True)
        assert registration.count_candidates(session=s) == 150
    first = next(c for c in listed if c.id_number == rows[0][1])
    assert first.prior_honours == (("江苏省技术能手", 2020), ("江苏省五一创新能手", 2019))
    assert next(c for c in listed if c.id_number == rows[1][1]).team == "南京"


def test_csv_with_english_headers_in_gb18030(exam_workspace: Workspace, tmp_path: Path) -> None:
    english = [
        "name",
        "id_number",
        "team",
        "unit",
        "gender",
        "phone",
        "star_titles",
        "weekly_points",
    ]
    rows = [r[:8] for r in valid_rows(20)]
    path = write_csv(tmp_path / "r.csv", english, rows, encoding="gb18030")
    with exam_workspace.session() as s:
        report = registration.import_candidates(path, session=s)
    assert report.imported == 20


def test_twenty_bad_rows_are_all_reported_and_nothing_is_imported(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    rows = valid_rows(60)
    breakers = [
        (1, "id_number"), (2, "checkdigit"), (3, "team"), (4, "star"), (5, "points"),
        (6, "gender"), (7, "flag"), (8, "dupe"), (9, "name"), (10, "honour"),
    ]  # fmt: skip
    for k in range(20):
        i, kind = breakers[k % 10]
        row = rows[i + 10 * (k // 10) + 5]
        if kind == "id_number":
            row[1] = "12345"
        elif kind == "checkdigit":
            row[1] = str(row[1])[:17] + ("0" if str(row[1])[17] != "0" else "1")
        elif kind == "team":
            row[2] = "南景"
        elif kind == "star":
            row[6] = "三次"
        elif kind == "points":
            row[7] = -5
        elif kind == "gender":
            row[4] = "女" if row[4] == "男" else "男"
        elif kind == "flag":
            row[8] = "也许"
        elif kind == "dupe":
            row[1] = rows[0][1]
        elif kind == "name":
            row[0] = ""
        elif kind == "honour":
            row[14] = "全省先进2020"
    write_roster(tmp_path / "bad.xlsx", rows)
    with exam_workspace.session() as s, pytest.raises(ImportRejected) as err:
        registration.import_candidates(tmp_path / "bad.xlsx", session=s)
    problems = err.value.problems
    assert len(problems) == 20
    assert len({p.row for p in problems}) == 20
    assert all(p.row >= 2 and p.column for p in problems)
    by_col = {p.column for p in problems}
    assert {
        "身份证号",
        "设区市",
        "日日学之星次数",
        "周周练积分",
        "性别",
        "姓名",
        "既往荣誉",
    } <= by_col
    with exam_workspace.session() as s:
        assert registration.count_candidates(session=s) == 0


def test_dry_run_checks_without_importing(exam_workspace: Workspace, tmp_path: Path) -> None:
    write_roster(tmp_path / "r.xlsx", valid_rows(30))
    with exam_workspace.session() as s:
        report = registration.import_candidates(tmp_path / "r.xlsx", session=s, dry_run=True)
    assert report.dry_run and report.imported == 0 and report.rows == 30
    with exam_workspace.session() as s:
        assert registration.count_candidates(session=s) == 0


@pytest.mark.postgres
def test_a_second_file_repeating_a_candidate_is_refused(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    rows = valid_rows(30)
    write_roster(tmp_path / "a.xlsx", rows[:20])
    write_roster(tmp_path / "b.xlsx", rows[18:])
    with exam_workspace.session() as s:
        registration.import_candidates(tmp_path / "a.xlsx", session=s)
    with exam_workspace.session() as s, pytest.raises(ImportRejected) as err:
        registration.import_candidates(tmp_path / "b.xlsx", session=s)
    assert [(p.row, "already registered" in p.message) for p in err.value.problems] == [
        (2, True),
        (3, True),
    ]
    with exam_workspace.session() as s:
        assert registration.count_candidates(session=s) == 20


def test_ids_that_excel_stored_as_numbers_are_explained(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(ROSTER_HEADERS[:8])
    row = valid_rows(14)[0][:8]
    row[1] = int(str(row[1])[:17]) * 10  # what Excel does to an 18-digit number
    ws.append(row)
    wb.save(tmp_path / "n.xlsx")
    with exam_workspace.session() as s, pytest.raises(ImportRejected) as err:
        registration.import_candidates(tmp_path / "n.xlsx", session=s)
    assert "format the column as text" in err.value.problems[0].message


def test_missing_required_column_is_named(exam_workspace: Workspace, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["姓名", "设区市"], [["王伟", "南京"]])
    with exam_workspace.session() as s, pytest.raises(ImportRejected) as err:
        registration.import_candidates(path, session=s)
    assert {p.column for p in err.value.problems} == {"身份证号", "日日学之星次数", "周周练积分"}


def test_eligibility_is_reported_with_every_failing_rule(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    rows = valid_rows(30)
    rows[0][7] = 500
    rows[0][9] = "是"
    rows[1][11] = "是"  # the 2021 national online test does not count
    write_roster(tmp_path / "r.xlsx", rows)
    with exam_workspace.session() as s:
        report = registration.import_candidates(tmp_path / "r.xlsx", session=s)
        listed = registration.list_candidates(session=s, show_ids=True)
    assert report.ineligible == 1
    bad = [c for c in listed if not c.eligible]
    assert [c.id_number for c in bad] == [rows[0][1]]
    assert [f.rule for f in bad[0].failures] == ["weekly_points", "prior_contest"]
    with exam_workspace.session() as s:
        assert len(registration.list_candidates(session=s, eligible=False)) == 1
        assert len(registration.list_candidates(session=s, team="南京")) == 2


def test_a_prior_national_title_in_the_honours_makes_one_ineligible(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    """Rule 五(二)3 read from 既往荣誉 where the 已获全国人社知识通 cell is left blank."""
    rows = valid_rows(30)
    rows[4][13] = ""
    rows[4][14] = "全国人社知识通2020；江苏省技术能手2019"
    write_roster(tmp_path / "r.xlsx", rows)
    with exam_workspace.session() as s:
        report = registration.import_candidates(tmp_path / "r.xlsx", session=s)
        (bad,) = registration.list_candidates(session=s, eligible=False)
    assert report.ineligible == 1 and bad.id_number == mask_id(rows[4][1])
    assert [f.rule for f in bad.failures] == ["national_title"]
    assert "全国人社知识通2020" in bad.failures[0].message


def test_honours_that_contradict_the_title_column_are_an_import_error(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    rows = valid_rows(30)
    rows[4][14] = "全国人社知识通2020"  # and 已获全国人社知识通 = 否
    rows[9][13], rows[9][14] = "是", "全国人社知识通2021"  # agrees: no error
    write_roster(tmp_path / "r.xlsx", rows)
    with exam_workspace.session() as s, pytest.raises(ImportRejected) as err:
        registration.import_candidates(tmp_path / "r.xlsx", session=s)
    (problem,) = err.value.problems
    assert (problem.row, problem.column) == (6, "已获全国人社知识通")
    assert "既往荣誉" in problem.message and "全国人社知识通2020" in problem.message
    with exam_workspace.session() as s:
        assert registration.count_candidates(session=s) == 0


def test_a_city_over_the_per_team_limit_is_reported_with_its_rows(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    """The example exam allows 10 per city (省厅本级 unlimited): a second file that brings
    南京 to 11 is reported naming all eleven rows, across both files."""
    rows = valid_rows(150)  # 10 per city, 20 of 省厅本级
    write_roster(tmp_path / "a.xlsx", rows)
    with exam_workspace.session() as s:
        first = registration.import_candidates(tmp_path / "a.xlsx", session=s)
    assert first.over_limit == ()
    extra = valid_rows(300, seed=9)  # 20 per city, 40 of 省厅本级
    nanjing = [r for r in extra if r[2] == "南京"][:1]
    ministry = [r for r in extra if r[2] == "省厅本级"][:5]
    write_roster(tmp_path / "b.xlsx", nanjing + ministry)
    with exam_workspace.session() as s:
        report = registration.import_candidates(tmp_path / "b.xlsx", session=s, dry_run=True)
    (over,) = report.over_limit
    assert (over.team, over.limit, over.count) == ("南京", 10, 11)
    assert [r.file for r in over.rows] == ["a.xlsx"] * 10 + ["b.xlsx"]
    assert (over.rows[-1].row, over.rows[-1].name) == (2, nanjing[0][0])
    assert "b.xlsx 第2行" in over.message() and "超过每队上限 10 人" in over.message()
    with exam_workspace.session() as s:
        assert registration.teams_over_limit(session=s) == ()  # a dry run imports nothing
        registration.import_candidates(tmp_path / "b.xlsx", session=s)
    with exam_workspace.session() as s:
        assert [o.team for o in registration.teams_over_limit(session=s)] == ["南京"]
