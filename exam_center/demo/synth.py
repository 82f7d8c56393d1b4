"""Synthetic but realistic inputs: Chinese names, valid resident IDs of each city,
a roster in XLSX with Chinese headers, rooms and invigilators in CSV."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from exam_center.domain.resident_id import check_character

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国建"
    "华晓东晓燕海波海燕志强志明文杰文静婷婷雪梅立新春梅俊杰子涵雨欣浩然思远佳怡梓萱一"
    "鸣宇轩欣怡诗涵"
)
UNIT_KINDS = (
    "人力资源和社会保障局",
    "社会保险基金管理中心",
    "公共就业人才服务中心",
    "劳动保障监察支队",
    "人事考试中心",
    "政务服务中心人社窗口",
)
# GB/T 2260 prefecture codes of Jiangsu's cities; 省厅本级 staff are mostly in Nanjing.
REGION = {
    "南京": "3201", "无锡": "3202", "徐州": "3203", "常州": "3204", "苏州": "3205",
    "南通": "3206", "连云港": "3207", "淮安": "3208", "盐城": "3209", "扬州": "3210",
    "镇江": "3211", "泰州": "3212", "宿迁": "3213", "省厅本级": "3201",
}  # fmt: skip
CITIES = list(REGION)[:13]
UNRANKED = "省厅本级"
EXAM_STAFF_UNITS = ("江苏省人事考试中心", "江苏省人事考试中心考务处", "江苏省人社厅机关服务中心")
PROVINCIAL_UNITS = ("就业促进处", "养老保险处", "人才流动处", "劳动关系处", "政务服务处")


@dataclass(frozen=True)
class DemoInputs:
    definition: Path
    roster: Path
    rooms: Path
    invigilators: Path
    candidates: int


def resident_id(rng: random.Random, team: str, born: date, male: bool) -> str:
    district = f"{rng.randint(1, 15):02d}"
    seq = rng.randrange(0, 100) * 10 + rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    first17 = f"{REGION[team]}{district}{born:%Y%m%d}{seq:03d}"
    return first17 + check_character(first17)


def chinese_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.3 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def team_sizes(n: int) -> dict[str, int]:
    """Each city sends the same share (the top 10 for 150); 省厅本级 the remainder."""
    per_city = max(1, (n * 10) // 150) if n >= 14 else 1
    sizes = {c: per_city for c in CITIES}
    sizes[UNRANKED] = max(0, n - per_city * len(CITIES))
    return sizes


ROSTER_HEADERS = [
    "姓名", "身份证号", "设区市", "单位", "性别", "手机", "日日学之星次数", "周周练积分",
    "参加过省际邀请赛", "参加过区域赛", "参加过全国赛", "参加过2021年度全国统一在线比试",
    "参加过2019年度全国人社法治知识竞赛", "已获全国人社知识通", "既往荣誉",
]  # fmt: skip


def roster_rows(n: int, rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = []
    used: set[str] = set()
    for team, size in team_sizes(n).items():
        for _ in range(size):
            male = rng.random() < 0.45
            born = date(1975, 1, 1) + timedelta(days=rng.randrange(0, 365 * 24))
            rid = resident_id(rng, team, born, male)
            while rid in used:
                rid = resident_id(rng, team, born, male)
            used.add(rid)
            unit = (
                "江苏省人力资源和社会保障厅" + rng.choice(PROVINCIAL_UNITS)
                if team == UNRANKED
                else f"{team}市" + rng.choice(UNIT_KINDS)
            )
            rows.append(
                [
                    chinese_name(rng), rid, team, unit,
                    "男" if male else "女", f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                    rng.randint(1, 12), rng.randint(1000, 4200),
                    "否", "否", "否", "是" if rng.random() < 0.2 else "否", "否", "否", "",
                ]
            )  # fmt: skip
    # A few who fail a rule, so the eligibility report has something to say.
    if len(rows) >= 20:
        rows[3][7] = 860
        rows[17][10] = "是"
        rows[-2][6] = 0
        rows[-2][13] = "是"
    # Prior honours, so the awards show the pass-down of RULES-2022.
    for i, honour in (
        (5, "江苏省技术能手2020"),
        (25, "江苏省五一创新能手2019；江苏省人社知识通2021"),
    ):
        if i < len(rows):
            rows[i][14] = honour
    return rows


def write_roster(path: Path, rows: list[list[object]]) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名表")
    ws.append(ROSTER_HEADERS)
    for r in rows:
        ws.append(r)
    wb.save(path)


def write_rooms(path: Path, candidates: int, rng: random.Random) -> None:
    rows, cols = 5, 6
    count = max(1, -(-candidates * 6 // 5 // (rows * cols)))  # ~20 % spare seats
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["考场号", "考点", "行数", "列数", "不可用座位"])
        for i in range(1, count + 1):
            unusable = str(rng.randint(1, rows * cols)) if rng.random() < 0.3 else ""
            w.writerow([f"{i:02d}", "江苏省人事考试中心 南京考点", rows, cols, unusable])


def write_invigilators(path: Path, rooms: int, rng: random.Random) -> None:
    needed = rooms * 3
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["工号", "姓名", "设区市", "单位", "手机"])
        for i in range(1, needed + 1):
            # Two per room from the examination centre's own staff, who have no city at
            # stake; the rest are city staff, who can only watch rooms without their city.
            team = "" if i <= rooms * 2 else rng.choice(CITIES)
            unit = f"{team}市人力资源和社会保障局" if team else rng.choice(EXAM_STAFF_UNITS)
            phone = f"139{rng.randrange(10**8):08d}"
            w.writerow([f"JK{i:04d}", chinese_name(rng), team, unit, phone])


def write_inputs(folder: Path, candidates: int, seed: int, definition: Path) -> DemoInputs:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    exam_toml = folder / "exam.toml"
    exam_toml.write_text(definition.read_text(encoding="utf-8"), encoding="utf-8")
    rows = roster_rows(candidates, rng)
    write_roster(folder / "roster.xlsx", rows)
    write_rooms(folder / "rooms.csv", len(rows), rng)
    with (folder / "rooms.csv").open(encoding="utf-8") as f:
        room_count = sum(1 for _ in f) - 1
    write_invigilators(folder / "invigilators.csv", room_count, rng)
    return DemoInputs(
        exam_toml,
        folder / "roster.xlsx",
        folder / "rooms.csv",
        folder / "invigilators.csv",
        len(rows),
    )
