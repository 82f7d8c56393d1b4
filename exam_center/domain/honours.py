"""The honours named in the 2022 notice, and the prior-honour notation of rosters
("江苏省技术能手2020；江苏省五一创新能手（2019）")."""

from __future__ import annotations

import re

PROVINCIAL_EXPERT = "江苏省人社知识通"
MAY_DAY_MEDAL = "江苏省五一劳动奖章"
TECHNICAL_EXPERT = "江苏省技术能手"
MAY_DAY_INNOVATOR = "江苏省五一创新能手"
NATIONAL_EXPERT = "全国人社知识通"
NATIONAL_STAR = "全国岗位练兵明星"

KNOWN_HONOURS = (
    PROVINCIAL_EXPERT,
    MAY_DAY_MEDAL,
    TECHNICAL_EXPERT,
    MAY_DAY_INNOVATOR,
    NATIONAL_EXPERT,
    NATIONAL_STAR,
)

_ITEM = re.compile(r"^(?P<name>[^\d（()]+?)\s*[（(]?\s*(?P<year>\d{4})\s*年?\s*[)）]?$")


def parse_honours(text: str) -> list[dict[str, object]]:
    """[{"honour": name, "year": 2020}, ...]; ValueError names the item that is wrong."""
    out: list[dict[str, object]] = []
    for raw in re.split(r"[;；,，、\n]+", text):
        item = raw.strip()
        if not item:
            continue
        m = _ITEM.match(item)
        if not m:
            raise ValueError(f"honour {item!r} should read like 江苏省技术能手2020")
        name = m["name"].strip()
        if name not in KNOWN_HONOURS:
            raise ValueError(f"honour {name!r} is not one of {'、'.join(KNOWN_HONOURS)}")
        out.append({"honour": name, "year": int(m["year"])})
    return out
