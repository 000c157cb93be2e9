"""Layouts 1–4 of the perturbation set: the ways real pages print table rows (issue layouts 1–4).

Each renderer takes a clean document and a random.Random and returns a Rendering (the text, with
what it prints); same document and seed, same text.
"""

from __future__ import annotations

import random

from bench.fusedoracle import APPLICANT, DISPUTES
from bench.perturb_base import Document, Line, Rendering, heading, intro, prose, split_disputes, table_lines, title
from bench.render import HEAD, HPAD, LABEL, VMERGE
from engine.templates import APPLICANTS, OUTCOMES, Group
from engine.templates import template as template_named

SECTIONS = range(1, 7)
TABLE_OF = {2: "proactive", 3: "applications", 4: "disputes"}


def _present(document: Document) -> list[int]:
    return [section["number"] for section in document["sections"]]


# --- 1. crawler page: the whole body on one line, cells fused -------------------------------------

def _fused_table(document: Document, key: str, rnd: random.Random, space_rate: float, runs: list) -> str:
    parts = []
    for line in table_lines(document, key):
        parts.append("".join(line.labels))  # header and label cells fused like the values
        if line.kind != "row":
            continue
        if line.labels and rnd.random() < space_rate:
            parts.append(" ")  # 本年新收政府信息公开申请数量 00 00000 (105)
        texts = [value.text for value in line.values]
        run = "".join(text + (" " if i < len(texts) - 1 and rnd.random() < space_rate else "")
                      for i, text in enumerate(texts))
        unit = "万元" if line.values[-1].vkind == "amount" else ""
        parts.append(run + unit)
        identity = {"applications": APPLICANT, "disputes": DISPUTES}.get(key)
        runs.append((tuple(v.pointer for v in line.values), tuple(v.vkind for v in line.values), run, identity))
    return "".join(parts)


def crawler(document: Document, rnd: random.Random) -> Rendering:
    """Layout 1: a key: value header block, then title, headings, prose and tables on ONE line."""
    meta, runs = document["meta"], []
    space_rate = rnd.choice((0.0, 0.0, 0.1, 0.4))  # stray spaces mark some cell boundaries, not all
    published = meta.get("published_on")
    when = f"{published} {rnd.randint(8, 18)}:{rnd.randint(0, 59):02d}" if published else ""
    report_title = title(document).replace("年政府", rnd.choice(("年政府", "年度政府")))
    header = [f"标题: {report_title}", f"发布时间: {when}", "文号: ",
              f"{rnd.choice(('发布机构', '来源'))}: {meta['agency']}", "栏目: 部门文件",
              f"原文链接: https://www.example.gov.cn/zwgk/{meta['year'] + 1}01/t{rnd.randint(10**7, 10**8)}.htm",
              "==================== 正文 ===================="]
    body = [f"当前位置： 首页政务公开最新文件 {report_title} 时间：{when} 微信 微博 QQ空间 ", intro(document)]
    for number in _present(document):
        body.append(heading(number, document))
        body += prose(document, number)
        if number in TABLE_OF:
            body.append(_fused_table(document, TABLE_OF[number], rnd, space_rate, runs))
    body.append(f" {meta['agency']} {published or ''} 来源：{meta['agency']} 附件下载")
    return Rendering("\n".join(header) + "\n" + "".join(body) + "\n", document, runs=runs)


# --- 2. pipe-terminated rows ------------------------------------------------------------------

def _cell_text(cell) -> str:
    return cell.enum + cell.text if cell.kind in (LABEL, HEAD) else ""


def _pipe_line(line: Line, rnd: random.Random) -> str:
    if line.kind != "row":
        # Header lines keep their merged cells as padding: 信息内容 | 本年新制作数量 | |||
        texts = [_cell_text(cell) for cell in line.cells]
        while texts and not texts[-1]:
            texts.pop()
        pad = rnd.choice(("| |||", "||", " | |", ""))
        return " | ".join(texts) + " |" + pad
    cells = line.labels + [value.text + ("万元" if value.vkind == "amount" and value.text else "")
                      for value in line.values]
    trailing = rnd.choice(("", "", " |", " | |", "|"))  # extra empty columns after the row
    return " | ".join(cells) + " |" + trailing


def _prose_lines(document: Document, number: int, lead: str = "") -> list[str]:
    return [heading(number, document), *[lead + p for p in prose(document, number)]]


def pipe_rows(document: Document, rnd: random.Random) -> Rendering:
    """Layout 2: `label | 0 | 0 | 0 |` rows, no leading pipe, `| |||` padding, trailing columns."""
    lines = [title(document), "", intro(document), ""]
    for number in _present(document):
        lines += _prose_lines(document, number) + [""]
        if number in TABLE_OF:
            lines += [_pipe_line(line, rnd) for line in table_lines(document, TABLE_OF[number])] + [""]
    return Rendering("\n".join(lines) + "\n", document)


# --- 3. one cell per line, each ending in " |" --------------------------------------------------

def cell_pipes(document: Document, rnd: random.Random) -> Rendering:
    """Layout 3: one cell per line ending in ` |`, spacer lines of pipes only (no blank cells)."""
    lines = [title(document), "", intro(document)]
    for number in _present(document):
        lines += _prose_lines(document, number)
        if number not in TABLE_OF:
            continue
        for line in table_lines(document, TABLE_OF[number]):
            for cell in line.cells:
                if cell.kind in (LABEL, HEAD):
                    lines.append(_cell_text(cell) + " |")
                elif cell.kind in (HPAD, VMERGE) and rnd.random() < 0.3:
                    lines.append(rnd.choice(("|", "||", "| |")))  # a merged cell, printed as a spacer
            for value in line.values:
                if value.value is None:
                    raise ValueError("the cell-pipes layout cannot print a blank cell")
                lines.append(value.text + ("万元" if value.vkind == "amount" else "") + " |")
            if rnd.random() < 0.5:
                lines.append(rnd.choice(("|", "||", "|||", "| | |")))
    return Rendering("\n".join(lines) + "\n", document)


# --- 4. markdown, one small table per row group ------------------------------------------------

SHORT = {"其他处理": "其他", "本年度办理结果": "办理结果"}


def _md(cells) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(header: list[str], rows: list[list[str]], stray: list[str] | None = None) -> list[str]:
    lines = [_md(header), _md(["---"] * len(header))]
    for index, row in enumerate(rows):
        if stray and index == len(rows) // 2 and index:
            lines.append(_md(stray))  # a header row with other column names in the middle
            stray = None
        lines.append(_md(row))
    return lines


def _values(line: Line) -> list[str]:
    return [v.text + ("万元" if v.vkind == "amount" and v.text else "") for v in line.values]


def _application_groups(document: Document, rnd: random.Random) -> list[tuple[str, list[Line]]]:
    """Table 三's rows by group: (heading, rows); group headings sometimes in short form."""
    spec = template_named(document["template"]).applications
    rows = iter(line for line in table_lines(document, "applications") if line.kind == "row")
    groups: list[tuple[str, list[Line]]] = [("收到申请数量", [])]
    for item in spec.items:
        if isinstance(item, Group):
            label = SHORT.get(item.label, item.label) if rnd.random() < 0.5 else item.label
            groups.append((item.enum + label, []))
            continue
        if item.path[0] != "results" or item.path[-1] == "total":
            if item.path[-1] == "total" or item.path[0] == "carried_forward":
                if groups[-1][0] != "总计及结转":
                    groups.append(("总计及结转", []))
        elif len(item.path) == 2 and item.path[-1] == "other":
            groups.append((item.enum + item.label, []))  # 2019's （六）其他处理 is a row of its own
        groups[-1][1].append(next(rows))
    return [group for group in groups if group[1]]


def md_groups(document: Document, rnd: random.Random) -> Rendering:
    """Layout 4: markdown with one pipe table per row group, generic headers, a stray header row."""
    lines = ["", f"# {title(document)}", "", intro(document), ""]
    generic = rnd.random() < 0.7
    applicant_titles = [cell.title for cell in APPLICANTS]
    named = ["项目", *applicant_titles]
    numbered = ["类别", *[f"数据{i}" for i in range(1, 7)], "总计"]
    for number in _present(document):
        lines += [f"## {heading(number, document)}", ""] + [p for text in prose(document, number) for p in (text, "")]
        if number == 2:
            lines += _md_proactive(document)
        elif number == 3:
            stray_at = rnd.randrange(8)
            for index, (group, rows) in enumerate(_application_groups(document, rnd)):
                header = numbered if generic else named
                stray = (named if generic else numbered) if index == stray_at and len(rows) > 1 else None
                body = [[line.row_label, *_values(line)] for line in rows]
                lines += [f"### {group}", ""] + _md_table(header, body, stray) + [""]
        elif number == 4:
            for row in split_disputes(table_lines(document, "disputes")[-1]):
                # Each of table 四's rows is a one-row table named by the heading above it.
                lines += [f"### {row.row_label}", "",
                          *_md_table([cell.title for cell in OUTCOMES], [_values(row)]), ""]
    return Rendering("\n".join(lines) + "\n", document)


def _md_proactive(document: Document) -> list[str]:
    lines: list[str] = []
    table: list[list[str]] = []
    header: list[str] = []
    for line in table_lines(document, "proactive") + [Line("clause", (), ())]:
        if line.kind == "clause":
            if table:
                lines += _md_table(header, table) + [""]
            table = []
            if line.cells:
                lines += [f"### {line.labels[0]}", ""]
        elif line.kind == "head":
            header = line.labels
        else:
            table.append([line.row_label, *_values(line)])
    return lines


LAYOUTS = {"crawler": crawler, "pipe-rows": pipe_rows, "cell-pipes": cell_pipes, "md-groups": md_groups}
BLANKLESS = frozenset({"crawler", "cell-pipes"})
