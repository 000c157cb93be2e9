"""Report series for batch runs: agencies × years whose carry-over chains, with planted copies and breaks.

bench/corpus.py makes single reports from one small bank of sentences, so any two of them read
alike; a batch needs what real ones look like: each agency's reports share some of the agency's own
wording from year to year, a little boilerplate is common to all, and most text is the report's own.
Here, per agency and year:
- the tables come from bench.corpus.random_document (no blanks), with 二、上年结转 set to the same
  agency's last-year 四、结转下年度继续办理 (and 一、本年新收 adjusted so that A02 still holds);
- the prose mixes the bank's boilerplate, the agency's recurring sentences and fresh sentences of
  common characters (no numerals, so no line looks like a heading);
- planted near-copies: a report that repeats the agency's last-year prose (numbers changed), or
  another agency's report of the same year (its name swapped in); planted carry-over breaks: one
  column of 二、上年结转 off by one or more (一、本年新收 adjusted, so I03 alone fails).
Each report knows the outcomes I02 and I03 should have in a batch of the whole series.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

from bench.corpus import SENTENCES, random_document
from bench.render import LAYOUTS, render

DEPARTMENTS = ("商务局", "财政局", "教育局", "生态环境局", "交通运输局", "农业农村局", "卫生健康委员会",
               "市场监督管理局", "自然资源和规划局", "文化广电和旅游局", "人力资源和社会保障局",
               "住房和城乡建设局", "水务局", "民政局", "司法局", "应急管理局", "统计局", "审计局", "体育局",
               "医疗保障局")
PARTS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other")
# GB2312 level 1 (common characters), less numerals and what opens headings or tables in reports.
_COMMON = bytes(range(0xB0, 0xD8))
_BANNED = set("一二三四五六七八九十〇零壹贰叁肆伍陆柒捌玖拾第条款项章节表")


@dataclass
class SeriesReport:
    """One report of a series: file name, agency, year, text, and the outcomes I02 and I03 should have."""

    name: str
    agency: str
    year: int
    text: str
    expected: dict[str, str] = field(default_factory=dict)
    copy: str = ""  # "same-copy" (of its own last year), "cross-copy" (of another agency), "copied"
    broken: bool = False  # 二、上年结转 planted off last year's 四
    paragraphs: list[str] = field(default_factory=list, repr=False)
    carried_forward: dict[str, int] = field(default_factory=dict, repr=False)


def agencies(count: int) -> list[str]:
    """`count` distinct agency names: a prefecture-level city and a department."""
    data = json.loads(files("engine").joinpath("data/gazetteer.json").read_text(encoding="utf-8"))
    cities = [row[1] for row in data["divisions"] if row[2] == "prefecture" and row[1].endswith("市")]
    names = [city + department for department in DEPARTMENTS for city in cities]
    if count > len(names):
        raise ValueError(f"at most {len(names)} agencies")
    return names[:count]


def _characters() -> list[str]:
    out = []
    for high in _COMMON:
        for low in range(0xA1, 0xFF):
            try:
                char = bytes((high, low)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            if char not in _BANNED:
                out.append(char)
    return out


_CHARS = _characters()
_BOILERPLATE = [s for bank in SENTENCES.values() for s in bank if "{" not in s]


def _sentence(rnd: random.Random) -> str:
    """A fresh sentence: clauses of common characters, now and then with a number."""
    clauses = []
    for _ in range(rnd.randint(2, 4)):
        clause = "".join(rnd.choices(_CHARS, k=rnd.randint(6, 14)))
        if rnd.random() < 0.3:
            clause += f"{rnd.randint(2, 900)}件"
        clauses.append(clause)
    return "，".join(clauses) + "。"


def _paragraphs(rnd: random.Random, own: list[str], size: int) -> list[str]:
    """About `size` characters of prose: a tenth boilerplate, a fifth the agency's own, the rest fresh."""
    out, length = [], 0
    while length < size:
        sentences = []
        for _ in range(rnd.randint(3, 6)):
            roll = rnd.random()
            sentences.append(rnd.choice(_BOILERPLATE) if roll < 0.1 else rnd.choice(own) if roll < 0.3
                             else _sentence(rnd))
        paragraph = "".join(sentences)
        out.append(paragraph)
        length += len(paragraph)
    return out


def _set_prose(document: dict[str, Any], paragraphs: list[str]) -> None:
    """Give sections 一 and 五 (and a little to the others) the paragraphs."""
    share = {1: 0.55, 2: 0.05, 3: 0.05, 4: 0.05, 5: 0.25, 6: 0.05}
    cursor = 0
    for section in document["sections"]:
        take = max(1, round(len(paragraphs) * share[section["number"]]))
        section["text"] = "\n".join(paragraphs[cursor:cursor + take])
        cursor += take
    document["sections"][0]["text"] += "\n" + "\n".join(paragraphs[cursor:])


def _renumber(text: str, rnd: random.Random) -> str:
    """The same prose with its numbers changed (what a copied report changes first)."""
    return re.sub(r"[0-9]+", lambda m: str(rnd.randint(2, 900)), text)


def _chain(document: dict[str, Any], carried_over: dict[str, int] | None) -> None:
    """Set 二、上年结转 (to last year's 四 when given) and make 一 + 二 = （七） + 四 hold again."""
    apps = document["applications"]
    results = apps["results"]["total"]
    forward = apps["carried_forward"]
    over = dict(carried_over) if carried_over else {key: apps["carried_over"][key] for key in PARTS}
    for key in PARTS:
        if results[key] + forward[key] < over[key]:
            forward[key] = over[key] - results[key]  # this year's 四 grows so that 一 stays ≥ 0
        apps["carried_over"][key] = over[key]
        apps["new_received"][key] = results[key] + forward[key] - over[key]
    for row in (apps["carried_over"], apps["new_received"], forward):
        row["total"] = sum(row[key] for key in PARTS)


def series(n_agencies: int, years: Sequence[int] = (2019, 2020, 2021, 2022), seed: int = 0,
           copy_rate: float = 0.05, break_rate: float = 0.05, size: int = 3000) -> Iterator[SeriesReport]:
    """The reports of `n_agencies` agencies for each of `years`, agency by agency, year by year."""
    rnd = random.Random(f"nianbao-series:{seed}")
    names = agencies(n_agencies)
    previous_agency: dict[int, SeriesReport] = {}  # year → the last agency's report (cross copies)
    for index, agency in enumerate(names):
        own = [_sentence(rnd) for _ in range(12)]
        prior: SeriesReport | None = None
        current_agency: dict[int, SeriesReport] = {}
        for year in years:
            template = "2019" if year <= 2020 else "2021"
            document = random_document(rnd, template, blanks=False)
            document["meta"].update(agency=agency, year=year, title=f"{agency}{year}年政府信息公开工作年度报告")
            if document["meta"]["published_on"]:
                document["meta"]["published_on"] = f"{year + 1}-01-{rnd.randint(10, 28)}"
            carry = dict(prior.carried_forward) if prior else None
            broken = prior is not None and rnd.random() < break_rate
            if broken:
                carry[rnd.choice(PARTS)] += rnd.randint(1, 3)  # type: ignore[index]
            _chain(document, carry)
            roll, source, kind = rnd.random(), previous_agency.get(year), ""
            if prior is not None and not prior.copy and roll < copy_rate:
                paragraphs, kind = [_renumber(p, rnd) for p in prior.paragraphs], "same-copy"
            elif source is not None and not source.copy and roll < 2 * copy_rate:
                paragraphs, kind = [p.replace(source.agency, agency) for p in source.paragraphs], "cross-copy"
                source.copy = "copied"
                source.expected["I02"] = "fail"  # the same year: each reads as a copy of the other
            else:
                paragraphs = _paragraphs(rnd, own, size)
            _set_prose(document, paragraphs)
            layout = rnd.choice(LAYOUTS)  # no blank cells were made, so every layout prints the document
            report = SeriesReport(f"{index:05d}_{year}_{layout}.txt", agency, year, render(document, layout),
                                  copy=kind, broken=broken, paragraphs=paragraphs,
                                  carried_forward={key: document["applications"]["carried_forward"][key]
                                                   for key in PARTS})
            alone = n_agencies == 1 and prior is None
            report.expected = {"I03": "not_applicable" if prior is None else "fail" if broken else "pass",
                               "I02": "fail" if kind else "not_applicable" if alone else "pass"}
            prior = current_agency[year] = report
            yield report
        for done in previous_agency.values():
            done.paragraphs = []  # no later report copies from two agencies back: free the memory
        previous_agency = current_agency


def write(reports: Sequence[SeriesReport] | Iterator[SeriesReport], out_dir: str | Path) -> list[SeriesReport]:
    """Write the reports' texts to `out_dir` (UTF-8); return them, their texts dropped to save memory."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    kept = []
    for report in reports:
        (out / report.name).write_text(report.text, encoding="utf-8")
        report.text = ""
        kept.append(report)
    return kept


__all__ = ["SeriesReport", "agencies", "series", "write"]
