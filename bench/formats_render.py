"""Render reports as the files portals publish: HTML pages and Word (.docx) documents.

The inverse of engine/formats/html.py and docx.py, for tests/test_formats.py and
bench/formats_bench.py. A report is first a list of blocks: paragraphs (the prose of bench.render's
"tabs" text, so every format prints the same words) and tables (bench.render's grids, so merged
cells are where the text layouts put them). Blocks are then written as a portal page (navigation,
breadcrumb, print/share tools, related links, footer; merged cells as colspan/rowspan) or as a DOCX
written with python-docx (merged cells as gridSpan/vMerge; optionally headings numbered by Word's
list numbering instead of printed numerals).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from typing import Any

from bench.render import (HPAD, VMERGE, Document, GridCell, applications_grid, disputes_grid, proactive_grid,
                          render, write_table)
from engine.templates import template as template_named

Grid = list[list[GridCell]]
Block = tuple[str, Any]  # ("p", text) or ("table", (key, grid))
GRIDS = {"proactive": proactive_grid, "applications": applications_grid, "disputes": disputes_grid}
_HEADING = re.compile(r"^\s*([一二三四五六])、(.+)$")
_SUBHEADING = re.compile(r"^（([一二三四五六七八九])）(.{2,16})$")
_NUMERALS = "一二三四五六七八九"


def document_blocks(document: Document) -> list[Block]:
    """A document as blocks: the lines of its "tabs" rendering, each table run replaced by its grid."""
    spec = template_named(document["template"])
    tables = iter([(key, build(getattr(spec, key), document.get(key) or {})) for key, build in GRIDS.items()])
    blocks: list[Block] = []
    in_table = False
    for line in render(document, "tabs").split("\n"):
        if "\t" in line:
            if not in_table:
                blocks.append(("table", next(tables)))
            in_table = True
        else:
            in_table = False
            if line.strip():
                blocks.append(("p", line.strip()))
    return blocks


def cell_texts(key: str, grid: Grid) -> list[list[str]]:
    """Each grid position's printed text, as the tabs layout prints it ("" for merged positions)."""
    return [line.split("\t") for line in write_table(grid, key, "tabs")]


def merges(grid: Grid) -> list[tuple[int, int, int, int]]:
    """(row, column, rowspan, colspan) of each printed cell: HPAD merges left, VMERGE merges up."""
    spans = []
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell.kind in (HPAD, VMERGE):
                continue
            colspan = 1
            while c + colspan < len(row) and row[c + colspan].kind == HPAD:
                colspan += 1
            rowspan = 1
            while r + rowspan < len(grid) and grid[r + rowspan][c].kind == VMERGE:
                rowspan += 1
            spans.append((r, c, rowspan, colspan))
    return spans


# --- HTML ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageStyle:
    """How a portal writes its page: charset, chrome, headings, cell markup."""

    charset: str = "utf-8"  # utf-8 | gbk
    http_equiv: bool = False  # <meta http-equiv=Content-Type content="…; charset=…"> (old portals)
    portal: bool = True  # navigation, breadcrumb, tools, share, related links, footer
    layout_table: bool = False  # the page laid out with a table: a left menu column beside the article
    heading_tag: str = "p"  # p (bold paragraph) | h3
    th: bool = False  # header cells as <th>
    word_cells: bool = False  # Word's HTML export: <td><p class=MsoNormal><span>…</span></p></td>
    nbsp_blanks: bool = True  # blank cells as &nbsp;
    break_heads: bool = False  # long header cells broken with <br>
    indent: str = "\u3000\u3000"


STYLES = (
    PageStyle(),
    PageStyle(charset="gbk", http_equiv=True, layout_table=True, th=True, heading_tag="h3"),
    PageStyle(word_cells=True, break_heads=True, nbsp_blanks=False, indent="&nbsp;&nbsp;&nbsp;&nbsp;"),
    PageStyle(charset="gbk", portal=False, th=True, break_heads=True),
    PageStyle(http_equiv=True, layout_table=True, word_cells=True, heading_tag="h3"),
)


def _cell_html(text: str, style: PageStyle, header: bool) -> str:
    if not text:
        return "&nbsp;" if style.nbsp_blanks else ""
    body = html.escape(text)
    if header and style.break_heads and 4 <= len(text) <= 8:
        half = len(text) // 2
        body = html.escape(text[:half]) + "<br/>" + html.escape(text[half:])
    if style.word_cells:
        body = f"<p class=MsoNormal align=center><span style='font-size:10.5pt'>{body}<o:p></o:p></span></p>"
    return body


def table_html(key: str, grid: Grid, style: PageStyle) -> str:
    """A grid as an HTML table with its merged cells as rowspan/colspan."""
    texts = cell_texts(key, grid)
    by_row: dict[int, list[str]] = {}
    for r, c, rowspan, colspan in merges(grid):
        header = grid[r][c].kind == "head"
        tag = "th" if style.th and header else "td"
        attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
        by_row.setdefault(r, []).append(f"<{tag}{attrs} valign=\"middle\">{_cell_html(texts[r][c], style, header)}"
                                        f"</{tag}>")
    rows = "\n".join(f"<tr>{''.join(by_row.get(r, []))}</tr>" for r in range(len(grid)))
    return f'<table border="1" cellspacing="0" cellpadding="0" class="MsoNormalTable">\n<tbody>\n{rows}\n</tbody>\n</table>'


def html_page(blocks: list[Block], style: PageStyle = PageStyle()) -> bytes:
    """Blocks as a saved portal page, encoded in the style's charset."""
    title = blocks[0][1] if blocks and blocks[0][0] == "p" else ""
    skip_first = True
    if "报告" not in title and len(blocks) > 1 and blocks[1][0] == "p" and "报告" in blocks[1][1]:
        title, skip_first = title + blocks[1][1], False  # 山东省商务厅 / 2020年度…报告: one portal title
    agency = re.split(r"\s*20\d\d", title)[0] or "本机关"
    body: list[str] = []
    info = ""
    for index, (kind, value) in enumerate(blocks):
        if kind == "table":
            body.append(table_html(*value, style))
        elif index == 0 and skip_first:
            continue  # the title goes above the article
        elif value.startswith("发布时间") and not info:
            info = (f'<div class="info">{html.escape(value)} 来源：{html.escape(agency)} '
                    '【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】'
                    '<a href="javascript:window.print()">【打印】</a> <a href="javascript:window.close()">'
                    '【关闭窗口】</a></div>\n')
        elif _HEADING.match(value):
            tag = style.heading_tag
            inner = html.escape(value) if tag != "p" else f"<strong>{html.escape(value)}</strong>"
            body.append(f'<{tag} style="text-indent:2em">{inner}</{tag}>')
        else:
            body.append(f'<p style="text-indent:2em">{style.indent}{html.escape(value)}</p>')
    article = (f'<div class="article">\n<div class="title"><h1>{html.escape(title)}</h1></div>\n{info}'
               '<div class="TRS_Editor" id="zoom">\n' + "\n".join(body) + "\n</div>\n")
    if style.portal:
        article += ('<div class="bdsharebuttonbox"><span>分享到：</span><a href="#" class="bds_weixin" '
                    'title="分享到微信">微信</a><a href="#" class="bds_tsina">微博</a></div>\n')
    article += "</div>\n"
    if style.layout_table:
        article = ('<table width="1000" align="center" border="0"><tr><td class="leftnav" width="200" valign="top">'
                   '<ul><li><a href="#">机构职能</a></li><li><a href="#">政策文件</a></li><li><a href="#">'
                   f'政府信息公开年报</a></li></ul></td>\n<td valign="top">{article}</td></tr></table>\n')
    chrome_top = chrome_bottom = ""
    if style.portal:
        chrome_top = (f'<div class="header"><div class="logo">{html.escape(agency)}</div><div class="search">'
                      '<input type="text" value="请输入关键字"/><button>搜索</button></div></div>\n'
                      '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="#">政务公开</a></li>'
                      '<li><a href="#">政务服务</a></li><li><a href="#">互动交流</a></li></ul></div>\n'
                      '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="#">政务公开</a> &gt; '
                      '<a href="#">政府信息公开年报</a></div>\n')
        chrome_bottom = ('<div class="sidebar"><h3>相关信息</h3><ul>'
                         f'<li><a href="#">{html.escape(agency)}2019年政府信息公开工作年度报告</a></li>'
                         f'<li><a href="#">{html.escape(agency)}2018年政府信息公开工作年度报告</a></li></ul></div>\n'
                         f'<div class="footer"><p>主办单位：{html.escape(agency)} 网站标识码：2300000012 '
                         '黑ICP备05002023号</p><p><a href="#">网站地图</a> | <a href="#">联系我们</a></p></div>\n'
                         '<script type="text/javascript">var _hmt = _hmt || []; document.write("<p>x</p>");</script>\n')
    charset = "gb2312" if style.charset == "gbk" else style.charset
    meta = (f'<meta http-equiv="Content-Type" content="text/html; charset={charset}"/>' if style.http_equiv
            else f'<meta charset="{charset}"/>')
    page = (f'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            f'"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n<html>\n<head>\n{meta}\n'
            f'<title>{html.escape(title)}_{html.escape(agency)}</title>\n'
            '<style type="text/css">.TRS_Editor p{line-height:2em;} td{border:1px solid #000}</style>\n'
            '<script type="text/javascript">var page = "年报";</script>\n</head>\n<body>\n'
            f'{chrome_top}<div class="main">\n{article}{chrome_bottom}</div>\n</body>\n</html>\n')
    return page.encode("gb18030" if style.charset == "gbk" else style.charset, errors="xmlcharrefreplace")


# --- DOCX ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocStyle:
    """How a Word document was made: headings as styles, numbered by Word or printed; line breaks."""

    numbered: bool = False  # 一、 and （一） come from Word's list numbering (chineseCounting)
    heading_style: bool = True  # headings in the Heading 2 style
    break_heads: bool = False  # long header cells broken with a line break
    library_merge: bool = False  # merge with python-docx's Cell.merge (vMerge="continue") instead


DOC_STYLES = (DocStyle(), DocStyle(numbered=True), DocStyle(heading_style=False, break_heads=True),
              DocStyle(numbered=True, break_heads=True, heading_style=False, library_merge=True))
_NUM_ID = 90


def _add_numbering(document: Any) -> None:
    """A two-level Chinese list: "%1、" and "（%2）", both chineseCounting."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    levels = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        f'<w:suff w:val="nothing"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>'
        for i, text in enumerate(("%1、", "（%2）")))
    abstract = parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{_NUM_ID}">'
                         f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>')
    numbering.insert(0, abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{_NUM_ID}"><w:abstractNumId w:val="{_NUM_ID}"/>'
                               '</w:num>'))


def _number(paragraph: Any, level: int) -> None:
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = _NUM_ID


def docx_file(blocks: list[Block], style: DocStyle = DocStyle()) -> bytes:
    """Blocks as a .docx written by python-docx, merged cells merged the way Word merges them."""
    import docx  # only the DOCX renderers need python-docx (a test dependency)

    document = docx.Document()
    if style.numbered:
        _add_numbering(document)
    expected = [0, 0]  # the next heading and subheading numbers Word's list would give
    for index, (kind, value) in enumerate(blocks):
        if kind == "table":
            _docx_table(document, *value, style)
            continue
        heading, sub = _HEADING.match(value), _SUBHEADING.match(value)
        if index == 0:
            document.add_heading(value, level=0)
        elif heading:
            numeral = _NUMERALS.index(heading.group(1)) + 1
            numbered = style.numbered and numeral == expected[0] + 1
            text = heading.group(2) if numbered else value
            paragraph = document.add_heading(text, level=2) if style.heading_style else document.add_paragraph(text)
            if numbered:
                _number(paragraph, 0)
                expected = [numeral, 0]
        elif sub and style.numbered and _NUMERALS.index(sub.group(1)) + 1 == expected[1] + 1 and expected[0]:
            _number(document.add_paragraph(sub.group(2)), 1)
            expected[1] += 1
        else:
            document.add_paragraph(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document: Any, key: str, grid: Grid, style: DocStyle) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    texts = cell_texts(key, grid)
    width = max(len(row) for row in grid)
    table = document.add_table(rows=len(grid), cols=width)
    cells = table._cells  # once: python-docx recomputes the whole grid on every table.cell() call
    spans = merges(grid)
    for r, c, _, _ in spans:  # texts first: merging keeps the first cell's text, the others are empty
        text = texts[r][c]
        if style.break_heads and grid[r][c].kind == "head" and 4 <= len(text) <= 8:
            text = text[: len(text) // 2] + "\n" + text[len(text) // 2:]
        cells[r * width + c].text = text
    for r, c, rowspan, colspan in spans:
        if rowspan == colspan == 1:
            continue
        if style.library_merge:  # python-docx's own merge (slow: it re-reads the grid each time)
            cells[r * width + c].merge(cells[(r + rowspan - 1) * width + c + colspan - 1])
            continue
        for row in range(r, r + rowspan):  # as Word writes it: gridSpan, then <w:vMerge w:val="restart"/> and <w:vMerge/>
            tc = cells[row * width + c]._tc
            for covered in range(c + 1, c + colspan):
                tc.getparent().remove(cells[row * width + covered]._tc)
            props = tc.get_or_add_tcPr()
            if colspan > 1:
                props.append(parse_xml(f'<w:gridSpan {nsdecls("w")} w:val="{colspan}"/>'))
            if rowspan > 1:
                restart = ' w:val="restart"' if row == r else ""
                props.append(parse_xml(f'<w:vMerge {nsdecls("w")}{restart}/>'))
