"""Layouts 5, 6, 9 and 10 of the perturbation set: how whole pages come out (issue layouts 5, 6, 9, 10)."""

from __future__ import annotations

import random

from bench.perturb_base import (GRIDS, Document, Line, Rendering, blank_out, heading, intro, printed_pointers,
                                prose, spec_table, table_lines, title)
from bench.render import HEAD, LABEL, render, write_table
from engine.templates import SECTION_TITLES

TABLE_OF = {2: "proactive", 3: "applications", 4: "disputes"}


def _tabs(document: Document, key: str) -> list[str]:
    """A table in bench.render's tabs layout (clean rows: these layouts perturb the page around it)."""
    return write_table(GRIDS[key](spec_table(document, key), document.get(key) or {}), key, "tabs")


# --- 5. narrative parts numbered their own way, table parts numbered again from 一 -----------------

NARRATIVE = (("总体情况", "基本情况", "工作概述", "工作开展情况"),
             ("主要做法及成效", "重点工作开展情况", "政府信息管理及平台建设情况"),
             ("存在的主要问题及改进情况", "存在的不足和下一步打算", "下一步工作打算"))
TABLE_TITLES = {"proactive": ("主动公开政府信息情况", "主动公开情况"),
                "applications": ("收到和处理政府信息公开申请情况", "依申请公开情况"),
                "disputes": ("政府信息公开行政复议、行政诉讼情况", "行政复议、行政诉讼情况")}


def renumbered(document: Document, rnd: random.Random) -> Rendering:
    """Layout 5: narrative parts 一、二、三 of the report's own, then table parts 一、二、三 again."""
    lines = [title(document), "", intro(document), ""]
    narrative = [(titles, number) for titles, number in zip(NARRATIVE, (1, 2, 5)) if rnd.random() < 0.85]
    if rnd.random() < 0.5:
        narrative.append((("其他需要报告的事项",), 6))
    for index, (titles, number) in enumerate(narrative):
        lines += [f"{'一二三四五六'[index]}、{rnd.choice(titles)}", *prose(document, number), ""]
    lines += [rnd.choice(("附件：政府信息公开工作年度报告统计表", "具体数据如下：", "")), ""]
    for index, key in enumerate(("proactive", "applications", "disputes")):
        lead = rnd.choice(("", "（", "")) if index else ""
        numeral = "一二三"[index]
        head = f"（{numeral}）" if lead == "（" else f"{numeral}、"
        lines += [head + rnd.choice(TABLE_TITLES[key]), *_tabs(document, key), ""]
    return Rendering("\n".join(lines) + "\n", document)


# --- 6. PDF text: wrapped labels, detached values, furniture between rows -------------------------

def _furniture(rnd: random.Random, page: list[int]) -> str:
    page[0] += 1
    return rnd.choice((f"— {page[0]} —", f"第 {page[0]} 页 共 {page[1]} 页", f"- {page[0]} -"))


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def _pdf_row(line: Line, rnd: random.Random) -> list[str]:
    values = " ".join(value.text for value in line.values)
    if not line.labels:
        return [values]
    lines: list[str] = []
    for group in line.labels[:-1]:  # group labels stand in their own column: lines of their own
        lines += list(group) if rnd.random() < 0.2 else [group]  # sometimes one character per line
    label = line.labels[-1]
    if rnd.random() < 0.08:
        return lines + ["| " + " | ".join([label, *[v.text for v in line.values]]) + " |"]  # a pipe row
    if len(label) <= 10:
        return lines + ([f"{label} {values}"] if rnd.random() < 0.8 else [label, values])
    cell = next(c for c in reversed(line.cells) if c.kind == LABEL)
    first, *rest = _wrap(cell.text, rnd.randint(5, 10))
    first = cell.enum + first  # a wrapped label never breaks inside its enumeration
    parts = [first, *rest]
    mode = rnd.randrange(4)
    if mode == 0:
        return lines + [f"{first} {values}", *rest]  # the label's tail printed after the value row
    if mode == 1:
        return lines + [first, values, *rest]  # fragments before and after a value-only row
    if mode == 2:
        return lines + [*parts, values]  # the whole label first, its values detached below it
    middle = len(parts) // 2  # a vertically centred label: values on its middle line
    return lines + parts[:middle] + [f"{parts[middle]} {values}"] + parts[middle + 1:]


def _pdf_table(document: Document, key: str, rnd: random.Random, page: list[int]) -> list[str]:
    lines: list[str] = []
    for line in table_lines(document, key):
        if line.kind == "clause":
            lines.append(line.labels[0].replace("第二十条第", rnd.choice(("第二十条第", "第二十条 第"))))
        elif line.kind == "head":
            for cell in line.cells:  # header cells one per line, long ones broken
                if cell.kind in (LABEL, HEAD):
                    text = cell.enum + cell.text
                    lines += _wrap(text, rnd.randint(4, 8)) if len(text) > 8 and rnd.random() < 0.5 else [text]
        else:
            lines += _pdf_row(line, rnd)
        if rnd.random() < 0.06:
            lines.append(_furniture(rnd, page))
    return lines


def pdf_text(document: Document, rnd: random.Random) -> Rendering:
    """Layout 6: text from a PDF: wrapped, detached labels, value-only rows, page furniture."""
    page = [1, rnd.randint(9, 14)]  # this page, pages in all
    lines = [title(document), *_wrap(intro(document), 38)]
    for number in [section["number"] for section in document["sections"]]:
        lines.append(heading(number, document))
        for paragraph in prose(document, number):
            lines += _wrap(paragraph, 38)
        if number in TABLE_OF:
            lines += _pdf_table(document, TABLE_OF[number], rnd, page)
        lines.append(_furniture(rnd, page))
    return Rendering("\n".join(lines) + "\n", document)


# --- 9. a fragment: the tail of a report from a page break in table 三 ---------------------------------

def fragment(document: Document, rnd: random.Random) -> Rendering:
    """Layout 9: only the tail from a page break inside table 三 (no title, no template header)."""
    lines = render(document, "tabs").split("\n")
    table = _tabs(document, "applications")
    start = next(i for i in range(len(lines)) if lines[i:i + len(table)] == table)
    rows = [line for line in table_lines(document, "applications") if line.kind == "row"]
    cut = rnd.randrange(1, len(rows))  # rows before the cut are on the lost pages
    tail = lines[start + 3 + cut:]
    lost = [value.pointer for line in table_lines(document, "proactive") + rows[:cut] for value in line.values]
    expected = blank_out(document, lost)
    furniture = rnd.choice(("", f"— {rnd.randint(2, 6)} —", f"第 {rnd.randint(2, 5)} 页"))
    return Rendering("\n".join(([furniture] if furniture else []) + tail), expected,
                     printed_pointers(expected))


# --- 10. the pre-2019 (2008-era) report: no template tables at all -----------------------------------

OLD_SECTIONS = ("概述", "主动公开政府信息的情况", "依申请公开政府信息情况", "政府信息公开的收费及减免情况",
                "因政府信息公开申请提起行政复议、行政诉讼的情况", "存在的主要问题和改进措施")


def pre2019(document: Document, rnd: random.Random) -> Rendering:
    """Layout 10: an old-format report (2008–2018 structure); a reader must read no table value."""
    agency, year = document["meta"]["agency"], rnd.randint(2008, 2018)
    n, asked = rnd.randint(50, 3000), rnd.randint(0, 40)
    granted = rnd.randint(0, asked)
    body = {
        1: [f"本报告根据《中华人民共和国政府信息公开条例》要求，由{agency}编制。全文包括概述，主动公开政府信息的情况，"
            f"依申请公开政府信息情况，政府信息公开的收费及减免情况，因政府信息公开申请提起行政复议、行政诉讼的情况，"
            f"存在的主要问题和改进措施。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"],
        2: [f"{year}年，共主动公开政府信息{n}条，其中机构职能类{n // 10}条，法规文件类{n // 7}条，业务动态类{n // 3}条。"],
        3: [f"{year}年共受理政府信息公开申请{asked}件，其中同意公开{granted}件，不予公开{asked - granted}件。"],
        4: ["本年度未收取政府信息公开检索、复制、邮寄等费用，也未发生减免情况。"],
        5: [rnd.choice(("本年度未发生因政府信息公开申请提起行政复议、行政诉讼的情况。",
                        f"本年度因政府信息公开申请提起行政复议{rnd.randint(1, 3)}件，行政诉讼{rnd.randint(0, 2)}件。"))],
        6: ["政府信息公开工作还存在公开内容不够全面等问题。下一步将进一步完善制度，加强培训。"],
    }
    lines = [f"{agency}{year}年政府信息公开工作年度报告", ""]
    for number, section in enumerate(OLD_SECTIONS, 1):
        lines += [f"{'一二三四五六'[number - 1]}、{section}", *body[number], ""]
        if number == 3 and rnd.random() < 0.5:  # some printed a small table of their own
            lines += ["申请总数\t同意公开\t部分同意公开\t不同意公开", f"{asked}\t{granted}\t0\t{asked - granted}", ""]
    expected = {"template": document["template"], "meta": dict(document["meta"], year=year),
                "sections": [{"number": i, "title": t, "canonical": t == SECTION_TITLES[i]}
                             for i, t in enumerate(OLD_SECTIONS, 1)],
                "proactive": {}, "applications": {}, "disputes": {}}
    return Rendering("\n".join(lines) + "\n", expected, ())


LAYOUTS = {"renumbered": renumbered, "pdf-text": pdf_text, "fragment": fragment, "pre2019": pre2019}
BLANKLESS = frozenset({"pdf-text"})
