"""A deterministic corpus of synthetic annual reports for benchmarks (`python -m bench.corpus`).

Each report is a random document (both templates, realistic values: mostly zeros and small counts,
totals that add up, now and then a blank cell or an arithmetic slip) rendered by bench.render in
one of its layouts with realistic prose, ~10–12 KB of UTF-8. Report i depends only on (seed, i),
so a corpus of n/4 reports is the first quarter of the corpus of n.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` and `engine` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.render import BLANKLESS_LAYOUTS, LAYOUTS, Document, lookup, put, render
from engine.templates import SECTION_TITLES, TEMPLATES, template as template_named

# Real agencies with reports in the seed set or of the same kinds (province, prefecture, county).
AGENCIES = ("黑龙江省商务厅", "双鸭山市商务局", "山东省商务厅", "广州市天河区人民政府", "黑龙江省工业和信息化厅",
            "黑龙江省人民政府外事办公室", "杭州市西湖区人民政府", "成都市武侯区人民政府", "江苏省财政厅", "济南市历下区人民政府")
YEARS = {"2019": (2019, 2020), "2021": (2021, 2022, 2023, 2024)}
# Section 五's title as reports print it besides the template's own (seed 000 and 004).
SECTION_5_VARIANTS = ("存在的主要问题及下步工作计划", "下一步工作打算")

SUBHEADINGS = ("（一）主动公开情况", "（二）依申请公开情况", "（三）政府信息管理情况", "（四）平台建设情况", "（五）监督保障情况")
SENTENCES = {
    1: ("全年在门户网站发布政务信息{n}条，其中政策文件{k}件、政策解读{m}篇，均按要求同步公开。",
        "坚持“公开为常态、不公开为例外”原则，以门户网站、政务微博和微信公众号为主要平台，全面发布工作信息。",
        "召开新闻发布会{k}场，主要负责同志出席{m}场，及时准确传递权威信息和政策意图。",
        "严格执行《条例》规定的答复时限，对每一件申请做到登记、审核、办理、答复、归档全流程留痕。",
        "开展规范性文件专项清理，纳入清理范围的文件共{m}件，均按要求向社会公布清理结果。",
        "完善政府信息主动公开基本目录，明确{m}个公开事项的公开内容、公开时限、公开方式和公开主体。",
        "坚持“谁公开谁审查、谁审查谁负责”和“先审查、后公开”的原则，未经审核的信息一律不得上网。",
        "对门户网站进行改版升级，新增政策文件库、政策解读、回应关切等栏目{k}个，优化站内搜索功能。",
        "落实网站安全保障机制，定期开展网络安全自查，全年未发生网站安全事故。",
        "把政务公开工作纳入年度绩效考核，调整政务公开工作领导小组，明确办公室负责组织协调和推进落实。",
        "组织政务公开专题培训{k}次，参训人员{n}人次，工作人员业务能力明显提升。",
        "围绕优化营商环境、稳外贸稳外资等重点工作，加强政策解读，制作图解、视频等解读产品{m}件。",
        "畅通政民互动渠道，全年答复网民留言和政务服务热线转办事项{n}件，按期办结率100%。",
        "健全政府信息管理动态调整机制，及时更新机构职能、领导分工和联系方式等信息。"),
    2: ("按照《条例》第二十条规定，对规章、规范性文件、行政许可、行政处罚等信息依法主动公开。",
        "本年度制发的规范性文件均在门户网站和政府公报同步公开，并同步发布政策解读材料。",
        "行政许可和行政处罚信息在作出决定之日起七个工作日内通过“信用中国”网站公示。",
        "政府集中采购项目信息均在政府采购网公开，接受社会监督。"),
    3: ("严格按照法定程序和时限办理政府信息公开申请，做到件件有回复、事事有着落。",
        "申请人主要通过网上平台、信函和当面提交三种方式提出申请，其中网上申请占多数。",
        "对不属于本机关职责范围的申请，依法告知申请人并指明获取信息的途径。",
        "本年度依申请公开工作未收取任何信息处理费。"),
    4: ("本年度依法依规办理政府信息公开答复事项，答复内容规范、程序合法。",
        "对申请人提出的行政复议，积极配合复议机关做好答复和举证工作。"),
    5: ("一是主动公开的深度和广度还需进一步拓展，部分栏目更新不够及时。",
        "二是政策解读形式较为单一，图文、视频等多媒体解读运用不够充分。",
        "三是个别工作人员对政务公开工作重视程度不够，业务水平有待提高。",
        "下一步，将继续坚持以公开为常态、不公开为例外，把政务公开工作与业务工作同步部署、同步推进。",
        "{next}年，将进一步完善工作制度，加强工作人员培训，推动政务公开工作再上新台阶。",
        "加强政策文件解读，坚持解读材料与政策文件同步起草、同步审签、同步发布。",
        "提升平台建设管理水平，充实门户网站和政务新媒体内容，提升信息公开的针对性和有效性。"),
    6: ("本年度未收取信息处理费。", "无其他需要报告的事项。",
        "本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。"),
}
# Text that defaced sites inject (seed 002); a few corpus reports carry it, as real ones do.
SPAM = "体球网,球探体育比分"
SHARE = {1: 0.45, 2: 0.08, 3: 0.1, 4: 0.07, 5: 0.22, 6: 0.08}  # share of a report's prose per section


@dataclass(frozen=True)
class Report:
    """One corpus report: file name, layout, the document it was rendered from, and its text."""

    name: str
    layout: str
    document: Document
    text: str


def new_document(template: str, agency: str, year: int, published_on: str | None,
                 titles: dict[int, str]) -> Document:
    """An empty document (no tables yet) with meta and the sections `titles` ({number: title})."""
    return {
        "template": template,
        "meta": {"title": f"{agency}{year}年政府信息公开工作年度报告", "agency": agency, "year": year,
                 "published_on": published_on},
        "sections": [{"number": n, "title": t, "canonical": t == SECTION_TITLES[n]}
                     for n, t in sorted(titles.items())],
        "proactive": {}, "applications": {}, "disputes": {},
    }


def compare(expected: Document, got: Document) -> list[str]:
    """Every difference in what a rendered report prints: cells, template, meta and sections."""
    problems = [f"{key}: expected {expected[key]!r}, got {got.get(key)!r}"
                for key in ("template",) if got.get(key) != expected[key]]
    for key in ("agency", "year", "published_on"):
        want, have = expected["meta"][key], (got.get("meta") or {}).get(key)
        if want != have:
            problems.append(f"meta.{key}: expected {want!r}, got {have!r}")
    want_sections = [(s["number"], s["title"], s["canonical"]) for s in expected["sections"]]
    have_sections = [(s.get("number"), s.get("title"), s.get("canonical")) for s in got.get("sections") or []]
    if want_sections != have_sections:
        problems.append(f"sections: expected {want_sections}, got {have_sections}")
    for _, _, cell, pointer in template_named(expected["template"]).cells():
        want, have = lookup(expected, pointer), lookup(got, pointer)
        same = (want is None) == (have is None) and not isinstance(have, bool)
        if same and want is not None:
            same = abs(want - have) < 1e-9 if cell.kind == "amount" else (want == have and type(have) is int)
        if not same:
            problems.append(f"{pointer}: expected {want!r}, got {have!r}")
    return problems


# --- random documents --------------------------------------------------------------------------

def _count(rnd: random.Random, large: int = 60) -> int:
    roll = rnd.random()
    if roll < 0.6:
        return 0
    return rnd.randint(1, min(9, large)) if roll < 0.9 else rnd.randint(1, large)


def random_document(rnd: random.Random, template: str, blanks: bool = True) -> Document:
    """A plausible report document: most counts 0 or small, totals that add up (usually)."""
    spec = template_named(template)
    year = rnd.choice(YEARS[template])
    published = None
    if rnd.random() < 0.7:
        published = (dt.date(year + 1, 1, 1) + dt.timedelta(days=rnd.randint(0, 89))).isoformat()
    titles = dict(SECTION_TITLES)
    if rnd.random() < 0.2:
        titles[5] = rnd.choice(SECTION_5_VARIANTS)
    if rnd.random() < 0.15:
        del titles[6]
    document = new_document(template, rnd.choice(AGENCIES), year, published, titles)

    for table, _, cell, pointer in spec.cells():
        if table.key != "proactive":
            continue
        value: Any = _count(rnd, 5000)
        if cell.kind == "signed":
            value = rnd.choice((0, 0, rnd.randint(-20, -1), rnd.randint(1, 300)))
        elif cell.kind == "amount":
            value = round(rnd.uniform(0, 9000), rnd.randint(0, 5)) if rnd.random() < 0.7 else 0
            value = int(value) if value == int(value) else value
        put(document, pointer, value)

    keys = [cell.key for cell in spec.applications.rows[0].cells]
    parts, result_rows = keys[:-1], [row for row in spec.applications.rows if row.path[0] == "results"]
    column_sums = dict.fromkeys(parts, 0)
    for row in result_rows[:-1]:  # （七）总计 is last
        values = {key: _count(rnd) if rnd.random() < 0.4 else 0 for key in parts}
        for key in parts:
            column_sums[key] += values[key]
        _put_row(document, "applications", row.path, values)
    _put_row(document, "applications", result_rows[-1].path, column_sums)
    carried_forward = {key: _count(rnd, 5) for key in parts}
    carried_over = {key: rnd.randint(0, column_sums[key] + carried_forward[key]) for key in parts}
    new = {key: column_sums[key] + carried_forward[key] - carried_over[key] for key in parts}
    for path, values in ((("new_received",), new), (("carried_over",), carried_over),
                         (("carried_forward",), carried_forward)):
        _put_row(document, "applications", path, values)
    for row in spec.disputes.rows:
        values = {cell.key: _count(rnd, 5) if rnd.random() < 0.3 else 0 for cell in row.cells[:-1]}
        _put_row(document, "disputes", row.path, values)

    cells = list(spec.cells())
    if rnd.random() < 0.1:  # a report whose arithmetic does not add up
        _, _, cell, pointer = rnd.choice(cells)
        if cell.kind == "count":
            put(document, pointer, lookup(document, pointer) + rnd.randint(1, 3))
    roll = rnd.random()
    if blanks and roll < 0.1:  # offices that print every 0 as a blank cell (seed 003)
        for _, _, _, pointer in cells:
            if lookup(document, pointer) == 0:
                put(document, pointer, None)
    elif blanks and roll < 0.2:  # and those that leave a few cells blank here and there
        for _, _, _, pointer in rnd.sample(cells, rnd.randint(1, 40)):
            put(document, pointer, None)
    return document


def _put_row(document: Document, table: str, path: tuple[str, ...], values: dict[str, int]) -> None:
    values = dict(values, total=sum(values.values()))
    base = "/" + "/".join((table, *path))
    for key, value in values.items():
        put(document, f"{base}/{key}", value)


# --- prose -------------------------------------------------------------------------------------

def _sentences(rnd: random.Random, number: int, meta: dict) -> list[str]:
    bank = SENTENCES[number]
    return [text.format(year=meta["year"], next=meta["year"] + 1, n=rnd.randint(100, 3000),
                        m=rnd.randint(2, 60), k=rnd.randint(1, 12))
            for text in rnd.sample(bank, min(len(bank), rnd.randint(2, 4)))]


def _facts(document: Document, number: int) -> list[str]:
    """Sentences that state what the tables show, as reports do (rules X01–X03 read them)."""
    year = document["meta"]["year"]
    if number == 3:
        total = lookup(document, "/applications/new_received/total")
        if total == 0:
            return [f"{year}年，本机关未收到政府信息公开申请。"]
        return [f"{year}年，本机关共收到政府信息公开申请{total}件，均已按期答复。"] if total else []
    if number == 4:
        totals = [lookup(document, f"/disputes/{key}/total") for key in
                  ("review", "litigation_direct", "litigation_after_review")]
        if all(total == 0 for total in totals):
            return [f"{year}年度，本机关未发生政府信息公开行政复议、行政诉讼案件。"]
    return []


def add_prose(rnd: random.Random, document: Document, layout: str, size: int) -> None:
    """Give each section a `text` so the report is `size` bytes of UTF-8 or up to ~1 KB more."""
    meta = document["meta"]
    for section in document["sections"]:
        section["text"] = " "  # no prose at all (not the renderer's default) while measuring
    budget = max(0, size - len(render(document, layout).encode()))
    for section in document["sections"]:
        number = section["number"]
        paragraphs = _facts(document, number)
        share = int(budget * SHARE[number])
        subheadings = iter(SUBHEADINGS) if number == 1 else iter(())
        while share > 0:
            heading = next(subheadings, None)
            if heading:
                paragraphs.append(heading)
            sentences = _sentences(rnd, number, meta)
            if rnd.random() < 0.01:
                sentences.insert(1, SPAM)
            paragraph = "".join(sentences)
            paragraphs.append(paragraph)
            share -= len(paragraph.encode()) + len((heading or "").encode()) + 2
        section["text"] = "\n".join(paragraphs)


# --- the corpus --------------------------------------------------------------------------------

def make_report(seed: int, index: int) -> Report:
    """Report number `index` of the corpus with `seed`; independent of the corpus size."""
    rnd = random.Random(f"nianbao-corpus:{seed}:{index}")
    template = rnd.choice(TEMPLATES)
    layout = rnd.choice(LAYOUTS)
    document = random_document(rnd, template, blanks=layout not in BLANKLESS_LAYOUTS)
    add_prose(rnd, document, layout, rnd.randint(9_200, 11_000))  # → ~10–12 KB
    name = f"{index:05d}_{template}_{layout}.txt"
    return Report(name, layout, document, render(document, layout))


def iter_reports(n: int, seed: int = 0) -> Iterator[Report]:
    """The corpus as a stream: one report at a time, so memory does not grow with n."""
    for index in range(n):
        yield make_report(seed, index)


def generate(n: int, seed: int = 0, out_dir: str | Path | None = None) -> list[Report]:
    """The first n reports of the corpus with `seed`; also written to `out_dir` (UTF-8) if given."""
    reports = list(iter_reports(n, seed))
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for report in reports:
            (out / report.name).write_text(report.text, encoding="utf-8")
    return reports


def main(argv: list[str] | None = None) -> int:
    """Write a corpus to a directory and print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    reports = generate(args.n, args.seed, args.out_dir)
    size = sum(len(report.text.encode()) for report in reports)
    print(f"wrote {len(reports)} reports ({size / max(1, len(reports)) / 1024:.1f} KB each on average) "
          f"to {args.out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
