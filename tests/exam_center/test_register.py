"""The 能手库 register across years: imported from the ministry's list (all or nothing,
each entry once), filled by finalising an exam and by its national results, and read
by a later year's registration, eligibility and prior-honour rule, with every
disagreement between the register and the roster reported with both sources."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exam_center.demo.synth import roster_rows, write_roster
from exam_center.domain.errors import ImportRejected
from exam_center.services import national_stage, registration, results, standings
from exam_center.services.register import Register
from exam_center.services.register_facts import disagreements
from exam_center.services.workspace import Workspace
from tests.cli_accounts import cli_env
from tests.conftest import EXAMPLE_TOML
from tests.exam_center.graded_exam import graded_exam, write_csv
from tests.signing import finalise_by_two, reopen_by_two

HEADER = ["姓名", "身份证号", "设区市", "单位", "荣誉", "参赛", "年度", "来源"]


def cli(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "exam_center", "--workspace", str(ws), *args],
        capture_output=True,
        text=True,
        env=cli_env(ws, columns="200"),
    )


def people(n: int = 30, seed: int = 4) -> list[list[object]]:
    rows = roster_rows(n, random.Random(seed))
    for r in rows:  # eligible and with no honours of their own; tests add what they need
        r[7], r[10], r[6], r[13], r[14] = 1500, "否", 2, "否", ""
    return rows


def test_the_ministrys_list_imports_all_or_nothing_and_each_entry_once(tmp_path: Path) -> None:
    ws = tmp_path / "ws2022"
    assert cli(ws, "init", str(EXAMPLE_TOML)).returncode == 0  # the officer's account
    p = people()
    bad = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        [
            [p[0][0], p[0][1], "南京", "", "全国人社知识通", "", 2020, "人社部名单"],
            [p[1][0], "320101198001010010", "", "", "江苏省技术能手", "", 2021, ""],  # check digit
            [p[2][0], p[2][1], "", "", "全省先进", "", 2021, ""],  # not an honour of the notice
            [p[3][0], p[3][1], "", "", "江苏省技术能手", "全国赛", 2021, ""],  # both in one row
            [p[4][0], p[4][1], "", "", "", "全国赛", "", ""],  # no year
            ["别名", p[0][1], "", "", "江苏省技术能手", "", 2021, ""],  # same ID, other name
        ],
    )
    out = cli(ws, "register", "import", str(bad))
    assert out.returncode == 1
    for row in (3, 4, 5, 6, 7):
        assert f"row {row}" in out.stderr
    assert "row 2" not in out.stderr and "nothing was imported" in out.stderr
    assert json.loads(cli(ws, "register", "list", "--json").stdout) == []

    good = write_csv(
        tmp_path / "good.csv",
        HEADER,
        [
            [p[0][0], p[0][1], "南京", "南京市人社局", "全国人社知识通", "", 2020, "人社部名单"],
            [p[0][0], p[0][1], "南京", "南京市人社局", "", "全国赛", 2020, ""],
            [p[5][0], p[5][1], "无锡", "", "江苏省技术能手", "", 2021, ""],
        ],
    )
    first = cli(ws, "register", "import", str(good))
    assert first.returncode == 0 and "3 entries added, 0 already" in first.stdout
    again = cli(ws, "register", "import", str(good))
    assert again.returncode == 0 and "0 entries added, 3 already" in again.stdout
    assert (tmp_path / "nengshouku.db").exists()  # beside the workspaces, not in one
    shown = json.loads(cli(ws, "register", "show", str(p[0][1]), "--json").stdout)
    assert [(e["kind"], e["name"], e["year"]) for e in shown["entries"]] == [
        ("honour", "全国人社知识通", 2020),
        ("contest", "全国赛", 2020),
    ]
    assert shown["entries"][0]["source"] == "good.csv 第2行；人社部名单"
    assert shown["entries"][0]["recorded_by"] == "测试员"
    assert cli(ws, "register", "export", "--out", str(tmp_path / "r.xlsx")).returncode == 0
    wb = load_workbook(tmp_path / "r.xlsx", read_only=True)
    exported = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    assert len(exported) == 4 and list(exported[0][:7]) == HEADER[:7]
    elsewhere = tmp_path / "other.db"
    moved = cli(ws, "register", "--file", str(elsewhere), "import", str(good))
    assert moved.returncode == 0 and elsewhere.exists()


def test_register_entries_make_a_candidate_ineligible_and_the_disagreement_is_reported(
    exam_workspace: Workspace, tmp_path: Path
) -> None:
    p = people()
    Register(exam_workspace.settings.register_path).import_file(
        write_csv(
            tmp_path / "ministry.csv",
            HEADER,
            [
                [p[2][0], p[2][1], "", "", "全国人社知识通", "", 2021, "人社部名单"],
                [p[7][0], p[7][1], "", "", "", "全国赛", 2020, "晋级赛名单"],
                [p[9][0], p[9][1], "", "", "", "全国统一在线比试", 2021, ""],
            ],
        ),
        operator="库管",
    )
    write_roster(tmp_path / "roster.xlsx", p)
    with exam_workspace.session() as s:
        report = registration.import_candidates(tmp_path / "roster.xlsx", session=s)
        listed = {c.id_number: c for c in registration.list_candidates(session=s, show_ids=True)}
        differ = {d.id_number: d for d in disagreements(session=s)}
    assert report.ineligible == 2
    expert, contestant = listed[str(p[2][1])], listed[str(p[7][1])]
    assert [f.rule for f in expert.failures] == ["national_title"]
    assert "全国人社知识通2021" in expert.failures[0].message
    assert [f.rule for f in contestant.failures] == ["prior_contest"]
    assert listed[str(p[9][1])].eligible  # the national online test does not count
    (item,) = differ[str(p[2][1])].items
    assert "能手库 有（ministry.csv 第2行；人社部名单）" in str(item)
    assert "报名表 既往荣誉未列" in str(item)
    (item,) = differ[str(p[7][1])].items
    assert "参加过全国赛：否" in str(item)
    assert set(differ) == {str(p[2][1]), str(p[7][1])}


def test_2022_winners_are_in_the_register_and_2023_reads_them(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
) -> None:
    """The same people sit again in 2023 (same roster and seed, so the same order):
    2022's ten 江苏省人社知识通 are passed over in 2023 by the register alone."""
    ws22: Workspace = make_workspace(folder=tmp_path / "ws2022")
    e22 = graded_exam(ws22, tmp_path / "y2022")
    with ws22.session() as s:
        done = finalise_by_two(s)
        winners22 = [
            (a["admission_no"], a["award"])
            for a in standings.awards_json(results.compute(s))["individual"]
        ]
    assert done.register is not None and done.register.added > 0
    experts22 = [adm for adm, award in winners22 if award == "江苏省人社知识通"]
    assert len(experts22) == 10
    register = Register(tmp_path / "nengshouku.db")
    with ws22.session() as s:
        by_adm = {
            x["admission_no"]: x
            for x in standings.results_json(results.compute(s), s)["candidates"]
        }
        ids = {c.id: c.id_number for c in registration.list_candidates(session=s, show_ids=True)}
    held = register.entries_of(ids.values())
    for adm in experts22:
        entries = held[ids[by_adm[adm]["candidate_id"]]]
        (e,) = [e for e in entries if e.name == "江苏省人社知识通"]
        assert (e.year, e.origin, e.exam_code) == (2022, "exam", "JS2022")
        assert "JS2022" in e.source and "定稿" in e.source
    took_part = [e for es in held.values() for e in es if e.name == "全省选拔赛"]
    assert len(took_part) == len(e22.ranked)
    with ws22.session() as s:  # finalising twice adds nothing twice
        reopen_by_two(s, reason="复核")
    with ws22.session() as s:
        again = finalise_by_two(s)
    assert again.register is not None and again.register.already == 0
    assert sum(len(v) for v in register.entries_of(ids.values()).values()) == sum(
        len(v) for v in held.values()
    )
    register.close()

    ws23: Workspace = make_workspace(folder=tmp_path / "ws2023")
    e23 = graded_exam(
        ws23, tmp_path / "y2023", year=2023, policy={"honour_years": "[2020, 2021, 2022]"}
    )
    with ws23.session() as s:
        c = results.compute(s)
        doc = standings.awards_json(c)
        differ = disagreements(session=s)
    experts23 = [a["admission_no"] for a in doc["individual"] if a["award"] == "江苏省人社知识通"]
    passed = [
        e for e in doc["excluded"] if e["award"] == "江苏省人社知识通" and e["years"] == [2022]
    ]
    assert len(passed) == len(experts22)
    assert {e["admission_no"] for e in passed} == set(e23.ranked[: len(experts22)])
    assert set(experts23).isdisjoint({e["admission_no"] for e in passed})
    named = {d.name for d in differ if any("江苏省人社知识通2022" in str(i) for i in d.items)}
    assert len(named) == len(experts22)
    checked = json.loads(cli(ws23.path, "candidates", "check", "--json").stdout)
    reported = [
        d for d in checked["register_disagreements"] if any("2022" in i["what"] for i in d["items"])
    ]
    assert len(reported) >= len(experts22)
    assert all(
        i["register"].startswith("有（JS2022")
        for d in reported
        for i in d["items"]
        if "江苏省人社知识通" in i["what"]
    )


@pytest.mark.parametrize(
    "policy", [{"national_selected": "3", "national_recommended": "6", "national_drawn": "2"}]
)
def test_national_results_add_the_national_titles_once(
    tmp_path: Path,
    make_workspace,  # type: ignore[no-untyped-def]
    policy: dict[str, str],
) -> None:
    ws: Workspace = make_workspace(folder=tmp_path / "ws")
    exam = graded_exam(ws, tmp_path, policy=dict(policy))
    r = exam.ranked
    write_csv(tmp_path / "n.csv", ["准考证号", "全国排名"], [[r[0], 1], [r[1], 80]])
    for _ in range(2):
        with ws.session() as s:
            done = national_stage.import_national_results(tmp_path / "n.csv", session=s)
    assert done.register is not None
    with ws.session() as s:
        ids = {c.id: c.id_number for c in registration.list_candidates(session=s, show_ids=True)}
        by_adm = {
            x["admission_no"]: x["candidate_id"]
            for x in standings.results_json(results.compute(s), s)["candidates"]
        }
    held = Register(tmp_path / "nengshouku.db").entries_of(ids.values())
    first = [(e.name, e.origin) for e in held[ids[by_adm[r[0]]]]]
    assert first.count(("全国人社知识通", "national")) == 1
    assert ("全国统一在线比试", "national") in first
    # The province's second by national rank is a 全国岗位练兵明星 (the first is an expert).
    assert [e.name for e in held[ids[by_adm[r[1]]]] if e.kind == "honour"] == ["全国岗位练兵明星"]
    write_csv(tmp_path / "x.csv", ["准考证号", "全国排名"], [[r[20], 1]])
    with ws.session() as s, pytest.raises(ImportRejected):
        national_stage.import_national_results(tmp_path / "x.csv", session=s)
    after = Register(tmp_path / "nengshouku.db").entries_of(ids.values())
    assert after == held  # a rejected file adds nothing
