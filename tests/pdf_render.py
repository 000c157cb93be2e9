"""Render report documents as PDF with reportlab, the way word processors export reports.

The report is bench.render's "tabs" text (so the prose, headings and cell texts are the ones every
text round trip uses); each of its three tables is drawn from its grid (bench.render
proactive_grid/applications_grid/disputes_grid) as a reportlab Table: GRID rulings, SPAN for merged
cells (a grid's HPAD positions merge to the left, VMERGE ones upwards), narrow columns that wrap
labels and long numbers. Pages carry a running header and a page-number footer. The CJK font is
reportlab's built-in CID font STSong-Light, which needs no font file.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

import renderers  # noqa: F401  (puts the repository root on sys.path for `bench`)
from bench.render import HPAD, LABEL, VMERGE, GridCell, applications_grid, disputes_grid, proactive_grid, render, write_table
from engine.templates import template as template_named
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
MARGIN = 54.0
WIDTH = A4[0] - 2 * MARGIN
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=18, firstLineIndent=21, wordWrap="CJK")
HEADING = ParagraphStyle("heading", parent=BODY, fontSize=12, firstLineIndent=0, spaceBefore=6, spaceAfter=4)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=14, leading=22, alignment=TA_CENTER, firstLineIndent=0,
                       spaceAfter=8)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")
GRIDS = (("proactive", proactive_grid), ("applications", applications_grid), ("disputes", disputes_grid))
FOOTERS = {"page": "第 {n} 页", "dash": "- {n} -", "of": "第{n}页 共{total}页", "none": ""}


def _widths(key: str, columns: int) -> list[float]:
    if key == "proactive":
        return [WIDTH * 0.34] + [WIDTH * 0.66 / (columns - 1)] * (columns - 1)
    if key == "applications":
        lead = [48.0, 62.0, 88.0]
        return lead + [(WIDTH - sum(lead)) / (columns - 3)] * (columns - 3)
    return [WIDTH / columns] * columns


def grid_table(key: str, grid: list[list[GridCell]], texts: list[list[str]], ruled: bool = True,
               repeat_rows: int = 0) -> Table:
    """A reportlab Table of a grid: merged cells spanned, ruled or not."""
    spans: list[tuple[str, tuple[int, int], tuple[int, int]]] = []
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell.kind in (HPAD, VMERGE):
                continue
            right = c
            while right + 1 < len(row) and row[right + 1].kind == HPAD:
                right += 1
            down = r
            while down + 1 < len(grid) and grid[down + 1][c].kind == VMERGE:
                down += 1
            if (right, down) != (c, r):
                spans.append(("SPAN", (c, r), (right, down)))
    cells = [[Paragraph(escape(text), CELL) if text else "" for text in row] for row in texts]
    style = [("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 8),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 2),
             ("RIGHTPADDING", (0, 0), (-1, -1), 2), *spans]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    return Table(cells, colWidths=_widths(key, len(grid[0])), style=TableStyle(style), repeatRows=repeat_rows)


def flowables(document: dict[str, Any], ruled: bool | set[str] = True, repeat_header: bool = False,
              break_in: str | None = None, cut_row: bool = False) -> list:
    """The report as reportlab flowables: title, prose and headings from the tabs text, tables from grids.

    `ruled` is True, False or the table keys to rule; `break_in` names a table to split with a page
    break before its middle row (a table that runs over a page break wherever the prose ends);
    `cut_row` breaks the page inside that row instead, the way Word lets a row break across pages:
    its label's first half and its values above the break, the rest of the label below.
    """
    spec = template_named(document["template"])
    lines = render(document, "tabs").split("\n")
    tables = iter(GRIDS)
    story: list = []
    index = 0
    first = True
    while index < len(lines):
        line = lines[index]
        if "\t" not in line:
            if line.strip():
                style = TITLE if first else HEADING if _is_heading(line) else BODY
                story.append(Paragraph(escape(line), style))
                first = False
            index += 1
            continue
        key, build = next(tables)
        grid = build(getattr(spec, key), document.get(key) or {})
        texts = [row.split("\t") for row in write_table(grid, key, "tabs")]
        index += len(grid)
        rules = ruled if isinstance(ruled, bool) else key in ruled
        repeat = {"proactive": 0, "applications": 3, "disputes": 3}[key] if repeat_header else 0
        if key == break_in:  # the continuation repeats the header rows when repeat_header is set
            middle = _break_row(grid)
            above, below = grid[:middle], grid[middle:]
            above_texts, below_texts = texts[:middle], texts[middle:]
            labels = [c for c, cell in enumerate(grid[middle]) if cell.kind == LABEL and texts[middle][c]]
            if cut_row and labels:
                longest = max(labels, key=lambda c: len(texts[middle][c]))
                label = texts[middle][longest]
                cut = [""] * len(texts[middle])
                cut[longest] = label[len(label) // 2:]
                above, above_texts = above + [grid[middle]], above_texts + [
                    [label[:len(label) // 2] if c == longest else t for c, t in enumerate(texts[middle])]]
                below_texts = [cut] + below_texts[1:]
            story.append(grid_table(key, above, above_texts, rules))
            story += [PageBreak(), grid_table(key, grid[:repeat] + below, texts[:repeat] + below_texts, rules)]
        else:
            story.append(grid_table(key, grid, texts, rules, repeat))
        story.append(Spacer(1, 8))
    return story


def _break_row(grid: list[list[GridCell]]) -> int:
    """A row near the middle that no merged cell runs into (a split there keeps every span whole)."""
    middle = len(grid) // 2
    for offset in range(len(grid)):
        for row in (middle + offset, middle - offset):
            if 3 <= row < len(grid) and all(cell.kind != VMERGE for cell in grid[row]):
                return row
    return middle


def _is_heading(line: str) -> bool:
    return len(line) < 30 and line[:1] in "一二三四五六" and line[1:2] == "、"


def render_pdf(document: dict[str, Any], *, ruled: bool | set[str] = True, footer: str = "page",
               header: bool = True, repeat_header: bool = False, break_in: str | None = None,
               cut_row: bool = False) -> bytes:
    """The document as a PDF report (A4, STSong-Light), with running header and footer."""
    out = io.BytesIO()
    agency = document["meta"]["agency"]
    pages = {"total": 0}

    def decorate(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        if header:
            canvas.drawString(MARGIN, A4[1] - 32, f"{agency}政务公开")
            canvas.drawRightString(A4[0] - MARGIN, A4[1] - 32, "政府信息公开工作年度报告")
        if FOOTERS[footer]:
            text = FOOTERS[footer].format(n=doc.page, total=pages["total"] or doc.page)
            canvas.drawCentredString(A4[0] / 2, 28, text)
        canvas.restoreState()

    def build(target: io.BytesIO) -> SimpleDocTemplate:
        doc = SimpleDocTemplate(target, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=60,
                                bottomMargin=60, title=document["meta"].get("title") or "")
        doc.build(flowables(document, ruled, repeat_header, break_in, cut_row), onFirstPage=decorate,
                  onLaterPages=decorate)
        return doc

    if "{total}" in FOOTERS[footer]:
        pages["total"] = build(io.BytesIO()).page  # first pass counts the pages
    build(out)
    return out.getvalue()


def image_pdf(pages: int = 1) -> bytes:
    """A scanned report: pages that are only a picture of text, no characters at all."""
    from reportlab.lib.utils import ImageReader
    from PIL import Image, ImageDraw

    picture = Image.new("L", (620, 877), 255)
    draw = ImageDraw.Draw(picture)
    for y in range(60, 820, 24):
        draw.rectangle((60, y, 560, y + 10), fill=40)  # lines of "text" as a scanner sees them
    reader = ImageReader(picture)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for _ in range(pages):
        canvas.drawImage(reader, 0, 0, width=A4[0], height=A4[1])
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def many_pages(count: int) -> bytes:
    """A PDF of `count` short pages (a hostile or mistaken input: not one report)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for number in range(count):
        canvas.setFont(FONT, 10)
        canvas.drawString(72, 760, f"第{number + 1}页")
        canvas.showPage()
    canvas.save()
    return out.getvalue()
