"""Render a report document as report text, in one of six layouts seen in real reports.

The inverse of the converter: tests/test_roundtrip.py renders random documents and converts them
back, and bench/corpus.py renders the benchmark corpus, so there is one renderer for both. A
document here is the part of the JSON document (docs/document-model.md) that a report prints:
`template`, `meta`, `sections` (each may carry its `text`) and the three tables. Each table is first
laid out as a grid of cells, then the grid is written the layout's way, so all layouts print the
same cells.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, NamedTuple

from engine.templates import APPLICANTS, NUMERALS, SECTION_TITLES, Group, Table, Template
from engine.templates import template as template_named

Document = dict[str, Any]

LAYOUTS = ("tabs", "markdown", "cell-lines", "tab-cells", "spaced", "fullwidth")
# One cell per line with blank lines between cells (seed 002) prints a blank cell as nothing, which
# cannot be told from the separator, so documents rendered this way must have no blank cell.
BLANKLESS_LAYOUTS = frozenset({"cell-lines"})

# Grid cell kinds. A merged cell covers several grid positions: the first prints the text, the
# others are HPAD (merged across) or VMERGE (merged down). Word-to-text exports print both as empty
# cells in tab rows; one-cell-per-line exports drop HPAD (seed 003) or both (seed 002).
LABEL, HEAD, VALUE, HPAD, VMERGE = "label", "head", "value", "hpad", "vmerge"

# 第二十条 clause of each proactive row: the template prints it as a line above the row's block.
CLAUSES = {"rules": "一", "normative_documents": "一", "licensing": "五", "other_services": "五",
           "penalty": "六", "coercion": "六", "fees": "八", "procurement": "九"}
CHECK_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANT_GROUP, LEGAL_PERSONS, LITIGATION = "申请人情况", "法人或其他组织", "行政诉讼"
APP_LABEL_COLUMNS = 3  # 三、本年度办理结果 | （三）不予公开 | 1.属于国家秘密

FULLWIDTH = str.maketrans("0123456789+-.:()%", "０１２３４５６７８９＋－．：（）％")
ASCII_PUNCT = str.maketrans("（），：", "(),:")
IDEO = "\u3000"
_ENUM_PAREN = re.compile(r"^（(.)）")

PROSE = {
    1: ("{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国"
        "政府信息公开条例》，坚持“以公开为常态、不公开为例外”，全面推进决策、执行、管理、服务、结果公开。",
        "一是加大主动公开力度。全年通过门户网站发布政务信息{n}条，召开新闻发布会{k}场，及时回应社会关切。"),
    2: ("按照《条例》第二十条规定，本机关{year}年主动公开政府信息情况如下。",),
    3: ("本机关畅通依申请公开受理渠道，严格按照法定时限答复，办理情况如下。",),
    4: ("{year}年度，本机关政府信息公开行政复议、行政诉讼情况如下。",),
    5: ("{year}年度政府信息公开工作仍存在公开内容不够全面、政策解读形式较为单一等问题。",
        "下一步，将加强业务培训，完善公开制度，{next}年进一步提升政务公开工作水平。"),
    6: ("无其他需要报告的事项。",),
}


class GridCell(NamedTuple):
    """One grid position: its kind, printed label (enum + text) or value with its cell kind."""

    kind: str
    text: str = ""
    enum: str = ""
    role: str = ""  # LABEL/HEAD: "enum" (numbered row), "row", "head", "fixed" (never restyled)
    value: Any = None
    vkind: str = "count"


def lookup(document: Document, pointer: str) -> Any:
    """Return the value at a JSON Pointer such as /applications/results/granted/total, or None."""
    node: Any = document
    for key in pointer.strip("/").split("/"):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def put(document: Document, pointer: str, value: Any) -> None:
    """Set the value at a JSON Pointer, creating the objects on the way."""
    *parents, last = pointer.strip("/").split("/")
    node = document
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


def format_amount(value: int | float) -> str:
    """Print an amount in 万元 with the decimals it has (at most 5), never in exponent notation."""
    if isinstance(value, int):
        return str(value)
    return f"{value:.5f}".rstrip("0").rstrip(".")


def format_value(value: Any, vkind: str) -> str:
    """Print a cell value the plain way: blank for null, +N for a positive change, N万元 for amounts."""
    if value is None:
        return ""
    if vkind == "signed":
        return f"+{value}" if value > 0 else str(value)
    if vkind == "amount":
        return format_amount(value) + "万元"
    return str(value)


# --- the grids ---------------------------------------------------------------------------------

def _pad(cells: list[GridCell], width: int) -> list[GridCell]:
    return cells + [GridCell(HPAD)] * (width - len(cells))


def _values(table: dict, path: tuple[str, ...], cells: Iterable[Any]) -> list[GridCell]:
    row = lookup(table, "/".join(path)) or {}
    return [GridCell(VALUE, value=row.get(cell.key), vkind=cell.kind) for cell in cells]


def proactive_grid(spec: Table, table: dict) -> list[list[GridCell]]:
    """Section 二's table: per 第二十条 clause a clause line, a header line, then its rows."""
    width = 1 + max(len(row.cells) for row in spec.rows)
    grid: list[list[GridCell]] = []
    clause = ""
    for row in spec.rows:
        if CLAUSES[row.path[0]] != clause:
            clause = CLAUSES[row.path[0]]
            grid.append(_pad([GridCell(LABEL, f"第二十条第（{clause}）项", role="fixed")], width))
            heads = [GridCell(HEAD, cell.title, role="head") for cell in row.cells]
            grid.append(_pad([GridCell(LABEL, "信息内容", role="head")] + heads, width))
        label = GridCell(LABEL, row.label, role="row")
        grid.append(_pad([label] + _values(table, row.path, row.cells), width))
    return grid


def applications_grid(spec: Table, table: dict) -> list[list[GridCell]]:
    """Section 三's table: three header lines, then rows with their group labels merged down."""
    titles = [cell.title for cell in APPLICANTS]
    hpad, vmerge = GridCell(HPAD), GridCell(VMERGE)
    lead = [hpad] * (APP_LABEL_COLUMNS - 1)
    grid = [
        [GridCell(LABEL, CHECK_NOTE, role="fixed"), *lead, GridCell(HEAD, APPLICANT_GROUP, role="head")]
        + [hpad] * 6,
        [vmerge, *lead, GridCell(HEAD, titles[0], role="head"), GridCell(HEAD, LEGAL_PERSONS, role="head")]
        + [hpad] * 4 + [GridCell(HEAD, titles[-1], role="head")],
        [vmerge, *lead, vmerge] + [GridCell(HEAD, t, role="head") for t in titles[1:-1]] + [vmerge],
    ]
    pending: dict[int, Group] = {}
    for item in spec.items:
        level = len(item.path) - 1
        if isinstance(item, Group):
            pending[level] = item
            continue
        labels: list[GridCell] = []
        for column in range(APP_LABEL_COLUMNS):
            if column < level and column in pending:
                group = pending[column]
                labels.append(GridCell(LABEL, group.label, group.enum, role="enum"))
            elif column < level:
                labels.append(vmerge)
            elif column == level:
                labels.append(GridCell(LABEL, item.label, item.enum, role="enum"))
            else:
                labels.append(hpad)
        pending.clear()
        grid.append(labels + _values(table, item.path, item.cells))
    return grid


def disputes_grid(spec: Table, table: dict) -> list[list[GridCell]]:
    """Section 四's table: 行政复议 and 行政诉讼 (two sub-columns) side by side, one value line."""
    review, direct, after = spec.rows
    width = len(review.cells)
    hpad, vmerge = GridCell(HPAD), GridCell(VMERGE)
    heads = [GridCell(HEAD, cell.title, role="head") for cell in review.cells]
    return [
        [GridCell(HEAD, review.label, role="head")] + [hpad] * (width - 1)
        + [GridCell(HEAD, LITIGATION, role="head")] + [hpad] * (2 * width - 1),
        heads + [GridCell(HEAD, direct.label, role="head")] + [hpad] * (width - 1)
        + [GridCell(HEAD, after.label, role="head")] + [hpad] * (width - 1),
        [vmerge] * width + heads + heads,
        [value for row in spec.rows for value in _values(table, row.path, row.cells)],
    ]


# --- how each layout prints a cell -------------------------------------------------------------

def _spaced(text: str) -> str:
    if len(text) <= 6:
        return " ".join(text)
    half = len(text) // 2  # long labels in seed 004 carry one stray space: 无正当理 由大量反复申请
    return text[:half] + " " + text[half:]


def _label(cell: GridCell, layout: str) -> str:
    enum, text = cell.enum, cell.text
    if cell.role == "fixed":
        return text.translate(ASCII_PUNCT) if layout in ("cell-lines", "markdown") else text
    if layout == "markdown":
        enum = _ENUM_PAREN.sub(r"(\1) ", enum)
    elif layout == "cell-lines":
        enum, text = enum.translate(ASCII_PUNCT), text.translate(ASCII_PUNCT)
    elif layout == "spaced":
        enum = _ENUM_PAREN.sub(r"(\1) ", enum).replace("、", "、 ")
        text = text if 6 < len(text) <= 8 else _spaced(text)
    elif layout == "fullwidth" and len(text) == 2 and not enum:
        text = text[0] + IDEO * 2 + text[1]  # 规　　章: two-character labels padded to table width
    return enum + text


def _value(cell: GridCell, table: str, column: int, layout: str) -> str:
    text = format_value(cell.value, cell.vkind)
    if not text:
        return text
    if layout == "spaced" and cell.vkind == "amount":
        whole, dot, frac = format_amount(cell.value).partition(".")
        return f"{whole}{dot} {frac} 万元" if dot else f"{whole} 万元"  # 3601. 21885 万元 (seed 000)
    if layout == "cell-lines":
        return text + "\xa0" if table == "applications" else " " + text
    if layout == "tab-cells" and table == "proactive" and column == 3:
        return IDEO + text
    if layout == "fullwidth":
        return IDEO + text
    return text


def _text(cell: GridCell, table: str, column: int, layout: str) -> str:
    if cell.kind == VALUE:
        return _value(cell, table, column, layout)
    if cell.kind in (LABEL, HEAD):
        return _label(cell, layout)
    return ""


def _wrap(text: str, cell: GridCell, column: int, layout: str) -> str:
    """Break a cell's text over lines the way narrow table columns do in exported reports."""
    if cell.kind not in (LABEL, HEAD):
        return text
    if layout == "cell-lines" and cell.kind == HEAD and len(text) == 7:
        return text[:3] + "\n" + text[3:]  # 本年新\n制作数量 (seed 002)
    if layout == "tab-cells":
        if cell.kind == HEAD and 4 <= len(text) <= 7 and column % 2:
            return text[: len(text) // 2] + "\n" + text[len(text) // 2:]  # 结果\n维持 (seed 003)
        if len(text) > 13:
            return "\n".join(text[i:i + 13] for i in range(0, len(text), 13))
    return text


def write_table(grid: list[list[GridCell]], table: str, layout: str) -> list[str]:
    """Write a table grid as lines in the layout's way."""
    lines: list[str] = []
    for row in grid:
        texts = [(cell, column, _text(cell, table, column, layout)) for column, cell in enumerate(row)]
        if layout == "tab-cells":
            lines += ["\t" + _wrap(t, c, col, layout) for c, col, t in texts if c.kind != HPAD]
            lines.append("")
        elif layout == "cell-lines":
            for cell, column, text in texts:
                if cell.kind == VALUE and cell.value is None:
                    raise ValueError("the cell-lines layout cannot print a blank cell")
                if cell.kind not in (HPAD, VMERGE):
                    lines += [_wrap(text, cell, column, layout), ""]
        else:
            lines.append("\t".join(text for _, _, text in texts))
    return lines


# --- the report --------------------------------------------------------------------------------

def _date(published_on: str | None, layout: str) -> list[str]:
    if not published_on:
        return []
    day = dt.date.fromisoformat(published_on)
    if layout == "cell-lines":
        return [f"发布时间:{published_on} 16:33:45.0", ""]
    if layout in ("tab-cells", "spaced"):
        return [f"发布时间：{day.year}年{day.month}月{day.day}日", ""]
    return [f"发布时间：{published_on}", ""]


def _front(meta: dict, layout: str) -> list[str]:
    agency, year = meta["agency"], meta["year"]
    title = f"{agency}{year}年政府信息公开工作年度报告"
    date = _date(meta.get("published_on"), layout)
    if layout == "markdown":
        return ["", "", f"# {agency} {year} 年政府信息公开工作年度报告", "", *date]
    if layout == "cell-lines":
        return [title, "", *date, "", agency, "", f"{year}年政府信息公开工作年度报告", "", ""]
    if layout == "tab-cells":
        return ["", agency, f"{year}年度政府信息公开工作报告", *date]
    if layout == "spaced":
        return ["", "", f"{agency} {year} 年政府信息公开工作年度报告", "", *date]
    return [title, "", *date]


def _intro(meta: dict) -> str:
    return (f"本年度报告根据《中华人民共和国政府信息公开条例》要求编制，所列数据的统计期限自{meta['year']}年"
            f"1月1日起至{meta['year']}年12月31日止。本报告电子版可在{meta['agency']}门户网站查阅下载，"
            f"如对本报告有疑问，请与{meta['agency']}办公室联系。")


def _heading(number: int, title: str, layout: str) -> str:
    heading = f"{NUMERALS[number - 1]}、{title}"
    if layout == "markdown":
        return f"## **{heading}**" if number == 6 else ("#### " if number in (4, 5) else "## ") + heading
    return {"tab-cells": "    ", "fullwidth": IDEO * 2}.get(layout, "") + heading


def _paragraph(text: str, layout: str) -> list[str]:
    if layout == "markdown":
        lead, stop, rest = text.partition("。")
        if stop and rest and len(lead) <= 20:
            text = f"**{lead}。**{rest}"  # **一是提高主动公开力度。**以厅门户网站… (seed 000)
    if layout == "tab-cells":
        return ["    " + text]
    return [(IDEO * 2 if layout == "fullwidth" else "") + text, ""]


def _paragraphs(section: dict, meta: dict) -> list[str]:
    if section.get("text"):
        return [p for p in section["text"].split("\n") if p.strip()]
    fill = {"agency": meta["agency"], "year": meta["year"], "next": meta["year"] + 1,
            "n": 100 + meta["year"] % 97 * 13, "k": meta["year"] % 7 + 1}
    return [p.format(**fill) for p in PROSE.get(section["number"], ("本部分无需说明。",))]


def render(document: Document, layout: str) -> str:
    """Write `document` as the full text of a report in `layout` (one of LAYOUTS)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    spec: Template = template_named(document["template"])
    meta = document["meta"]
    numbers = [section["number"] for section in document["sections"]]
    if not {2, 3, 4} <= set(numbers):
        raise ValueError("sections 二, 三 and 四 hold the tables and must be present")
    grids = {2: ("proactive", proactive_grid), 3: ("applications", applications_grid),
             4: ("disputes", disputes_grid)}
    lines = _front(meta, layout) + _paragraph(_intro(meta), layout)
    for section in document["sections"]:
        number = section["number"]
        title = section.get("title") or SECTION_TITLES[number]
        lines.append(_heading(number, title, layout))
        if layout != "tab-cells":
            lines.append("")
        for text in _paragraphs(section, meta):
            lines += _paragraph(text, layout)
        if number in grids:
            key, build = grids[number]
            table_spec = getattr(spec, key)
            lines += write_table(build(table_spec, document.get(key) or {}), key, layout)
            lines.append("")
    text = "\n".join(lines) + "\n"
    return text.translate(FULLWIDTH) if layout == "fullwidth" else text
