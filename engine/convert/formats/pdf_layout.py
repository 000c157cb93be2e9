"""Laying out one PDF's pages as report text: lines, ruled tables, running headers, page breaks.

engine/formats/pdf.py reads each page into blocks (text lines and ruled tables, top to bottom);
this module turns the pages' blocks into the text the converter reads: page headers and footers
dropped, a table that runs over a page break joined (its repeated header rows dropped, a row the
break cut in two made whole), a paragraph wrapped over several lines joined again, every table row
one line of tab-separated cells (a merged cell's text in its first column, the others empty).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from engine.convert.formats import Extracted

Box = tuple[float, float, float, float]  # x0, top, x1, bottom in points from the page's top left
Chars = list[dict]

# A wider gap than this (in font sizes) between two characters of a line separates cells of an
# unruled table; narrower ones are word spaces. Reports' table columns are ≥ 12 pt apart.
TAB_GAP = 1.0
SPACE_GAP = 0.2
BAND = 0.1  # running headers and footers sit in the top and bottom tenth of a page
_PAGE_NUMBER = re.compile(
    r"^(?:第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|共\s*\d+\s*页\s*第\s*\d+\s*页|[-—–－]\s*\d+\s*[-—–－]"
    r"|\d+\s*/\s*\d+|page\s*\d+(?:\s*of\s*\d+)?|\d{1,4})$", re.IGNORECASE)
_VALUE = re.compile(r"^[+\-]?[\d,.]+(?:万元|元|万|件|条|项|个)?$")
# A line that opens a heading or an enumerated item never continues the line above it.
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十]+部分"
                      r"|\d+[.、．]|[#*])")


@dataclass
class Line:
    """A line of text outside tables: its cells (one, unless wide gaps split an unruled row)."""

    page: int
    cells: list[tuple[str, Box]]
    size: float  # the font size of its largest character
    band: str = ""  # "top" or "bottom" when it lies where running headers and footers do

    @property
    def text(self) -> str:
        return "\t".join(text for text, _ in self.cells)

    @property
    def box(self) -> Box:
        return _union(box for _, box in self.cells)


@dataclass
class Table:
    """A ruled table: rows of cells on a column grid; None where a merged cell covers the position."""

    page: int
    box: Box
    columns: list[float]  # the grid's x boundaries, left to right
    rows: list[list[tuple[str, Box] | None]]
    pages: list[int] = field(default_factory=list)  # each row's page

    def texts(self, index: int) -> tuple[str, ...]:
        return tuple(cell[0] if cell else "" for cell in self.rows[index])


Block = Line | Table


# --- characters to text ------------------------------------------------------------------------

def _union(boxes: Iterable[Box]) -> Box:
    x0s, tops, x1s, bottoms = zip(*boxes)
    return min(x0s), min(tops), max(x1s), max(bottoms)


def text_rows(chars: Chars) -> list[Chars]:
    """Group characters into printed lines (by baseline), each left to right, lines top to bottom."""
    rows: list[Chars] = []
    for char in sorted(chars, key=lambda c: (c["bottom"], c["x0"])):
        if rows and char["bottom"] - rows[-1][0]["bottom"] <= max(1.0, 0.3 * char["size"]):
            rows[-1].append(char)
        else:
            rows.append([char])
    return [sorted(row, key=lambda c: c["x0"]) for row in rows]


def split_cells(row: Chars) -> list[tuple[str, Box]]:
    """A printed line's text, cut into cells where the gap between characters is wide."""
    cells: list[tuple[str, Box]] = []
    current: Chars = []
    text = ""
    for char in row:
        if current:
            gap = char["x0"] - current[-1]["x1"]
            size = max(char["size"], current[-1]["size"], 1.0)
            if gap >= TAB_GAP * size:
                cells.append(_cell(text, current))
                current, text = [], ""
            elif gap > SPACE_GAP * size and not text.endswith(" ") and not char["text"].isspace():
                text += " "
        current.append(char)
        text += char["text"]
    if current:
        cells.append(_cell(text, current))
    return [cell for cell in cells if cell[0]]


def _cell(text: str, chars: Chars) -> tuple[str, Box]:
    box = _union((c["x0"], c["top"], c["x1"], c["bottom"]) for c in chars)
    return text.strip().replace("\t", " "), box


def _joined(parts: Sequence[str]) -> str:
    """Join a cell's wrapped lines: nothing between CJK characters, a space between Latin words."""
    text = ""
    for part in parts:
        if text and part and text[-1].isascii() and text[-1].isalpha() and part[0].isascii() and part[0].isalpha():
            text += " "
        text += part
    return text


def cell_text(chars: Chars) -> str:
    """The text of a table cell whose narrow column wrapped it over several lines."""
    return _joined([" ".join(text for text, _ in split_cells(row)) for row in text_rows(chars)])


def inside(char: dict, box: Box) -> bool:
    """Whether a character's centre lies in `box`."""
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def read_table(cell_boxes: list[list[Box | None]], chars: Chars, page: int) -> Table:
    """A table from pdfplumber's rows of cell boxes and the characters inside the table."""
    boxes = [box for row in cell_boxes for box in row if box]
    outline = _union(boxes)
    chars = [char for char in chars if inside(char, outline)]
    rows = []
    for row in cell_boxes:
        band = _union(box for box in row if box)
        near = [char for char in chars if band[1] <= (char["top"] + char["bottom"]) / 2 < band[3]]
        rows.append([(cell_text([c for c in near if inside(c, box)]), box) if box else None for box in row])
    columns = sorted({box[0] for box in boxes}) + [outline[2]]  # pdfplumber's rows follow the distinct x0s
    return Table(page, outline, columns, rows, [page] * len(rows))


def dedupe(chars: Chars) -> Chars:
    """Drop a character drawn again within a point of itself (Word's fake bold draws glyphs twice)."""
    kept: Chars = []
    seen: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for char in chars:
        x, y = char["x0"], char["top"]
        row = round(y)
        if any(abs(x - x2) <= 1.0 and abs(y - y2) <= 1.0
               for near in (row - 1, row, row + 1) for x2, y2 in seen.get((char["text"], near), ())):
            continue
        seen.setdefault((char["text"], row), []).append((x, y))
        kept.append(char)
    return kept


# --- running headers and footers ---------------------------------------------------------------

def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)))


def drop_running_lines(pages: list[list[Block]]) -> list[list[Block]]:
    """Remove page numbers and the headers and footers that repeat on most pages."""
    seen: dict[tuple[str, str], set[int]] = {}
    for blocks in pages:
        for block in blocks:
            if isinstance(block, Line) and block.band:
                seen.setdefault((block.band, _key(block.text)), set()).add(block.page)
    with_text = sum(1 for blocks in pages if blocks)
    need = max(2, (with_text + 1) // 2)

    def running(block: Block) -> bool:
        if not isinstance(block, Line) or not block.band:
            return False
        text = unicodedata.normalize("NFKC", block.text).strip()
        if _PAGE_NUMBER.match(text) and (block.band == "bottom" or not text.isdigit()):
            return True
        return len(seen[(block.band, _key(block.text))]) >= need

    return [[block for block in blocks if not running(block)] for blocks in pages]


# --- tables over a page break ------------------------------------------------------------------

def _union_grid(first: Table, second: Table) -> list[float] | None:
    """The column edges of both tables when one's grid refines the other's (merged cells hide
    some edges on one page), or None when they are different tables."""
    def has(edges: list[float], x: float) -> bool:
        return any(abs(edge - x) <= 2.0 for edge in edges)

    ends = (first.columns[0], first.columns[-1]), (second.columns[0], second.columns[-1])
    if abs(ends[0][0] - ends[1][0]) > 2.0 or abs(ends[0][1] - ends[1][1]) > 2.0:
        return None
    if all(has(first.columns, x) for x in second.columns):
        return first.columns
    if all(has(second.columns, x) for x in first.columns):
        return second.columns
    return None


def _spread(table: Table, edges: list[float]) -> None:
    """Put a table's rows on a finer grid: a cell's text in its first column, None in the others."""
    if len(edges) == len(table.columns):
        return
    positions = [next(i for i, edge in enumerate(edges) if abs(edge - x) <= 2.0) for x in table.columns[:-1]]
    rows = []
    for row in table.rows:
        spread: list[tuple[str, Box] | None] = [None] * (len(edges) - 1)
        for cell, position in zip(row, positions):
            spread[position] = cell
        rows.append(spread)
    table.rows, table.columns = rows, list(edges)


def join_tables(pages: list[list[Block]]) -> list[Block]:
    """Flatten the pages; a table at the top of a page continuing the one ending the page before is
    joined to it, without the header rows it repeats."""
    blocks: list[Block] = []
    for page in pages:
        if blocks and page and isinstance(blocks[-1], Table) and isinstance(page[0], Table):
            first, second = blocks[-1], page[0]
            edges = _union_grid(first, second)
            if edges is not None:
                _spread(first, edges)
                _spread(second, edges)
                repeated = 0
                while (repeated < min(len(second.rows) - 1, len(first.rows))
                       and second.texts(repeated) == first.texts(repeated)
                       and any(_wordy(text) for text in first.texts(repeated))):
                    repeated += 1
                rows, pages_of = second.rows[repeated:], second.pages[repeated:]
                if rows and _split_row(first.rows[-1], rows[0]):  # a row broken by the page break
                    first.rows[-1] = [_merge_cells(a, b) for a, b in zip(first.rows[-1], rows[0])]
                    rows, pages_of = rows[1:], pages_of[1:]
                first.rows += rows
                first.pages += pages_of
                page = page[1:]
        blocks += page
    return blocks


def _wordy(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _split_row(last: list[tuple[str, Box] | None], first: list[tuple[str, Box] | None]) -> bool:
    """Whether a continuation's first row is the rest of the row the page break cut (Word lets a
    row break across pages): the same cells side by side (a merged cell resumed empty), text only
    in cells the cut row has text in, and none of it opening a row (a numbered item, a template
    label); a row of blanks after the break is a row of its own."""
    for cut, rest in zip(last, first):
        if cut is not None and (rest is None or abs(cut[1][0] - rest[1][0]) > 2 or abs(cut[1][2] - rest[1][2]) > 2):
            return False
    filled = [rest[0] for cut, rest in zip(last, first) if rest and rest[0]]
    if not filled or any(rest and rest[0] and not (cut and cut[0]) for cut, rest in zip(last, first)):
        return False
    return not any(_opens_row(text) for text in filled)


def _opens_row(text: str) -> bool:
    """Whether a cell's text begins a row (or is a value, which a cut row keeps above the break)."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return bool(_HEADING.match(text) or _VALUE.match(compact)) or compact.startswith(_row_starts())


@lru_cache(maxsize=1)
def _row_starts() -> tuple[str, ...]:
    """How the templates' rows and column heads begin (labels, aliases, titles), in NFKC."""
    from engine.templates import TEMPLATE_2019, TEMPLATE_2021, Row

    texts: set[str] = set()
    for template in (TEMPLATE_2019, TEMPLATE_2021):
        for table in template.tables:
            for item in table.items:
                texts.update((item.label, *item.aliases))
                if isinstance(item, Row):
                    texts.update(cell.title for cell in item.cells)
    compact = (re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)) for text in texts)
    return tuple(sorted(text[:4] for text in compact if len(text) >= 2))


def _merge_cells(cut: tuple[str, Box] | None, rest: tuple[str, Box] | None) -> tuple[str, Box] | None:
    if cut is None or rest is None or not rest[0]:
        return cut
    return _joined([cut[0], rest[0]]), cut[1]  # the cell is located where its text begins


# --- paragraphs wrapped over lines -------------------------------------------------------------

def margins(pages: list[list[Block]], widths: dict[int, int]) -> dict[int, tuple[float, float]]:
    """Each page's left and right text margin: the extremes of the body lines of all pages as wide
    (a page that is mostly table has too few lines to tell its own)."""
    extents: dict[int, tuple[float, float]] = {}
    for blocks in pages:
        for block in blocks:
            if isinstance(block, Line) and not block.band:
                width = widths[block.page]
                left, right = extents.get(width, (block.box[0], block.box[2]))
                extents[width] = min(left, block.box[0]), max(right, block.box[2])
    return {page: extents[width] for page, width in widths.items() if width in extents}


def join_paragraphs(blocks: list[Block], margins: dict[int, tuple[float, float]]) -> list[Block]:
    """Join a line that runs to the right margin with the next when that one is not indented."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (isinstance(block, Line) and isinstance(previous, Line) and len(block.cells) == 1
                and len(previous.cells) == 1 and _continues(previous, block, margins)):
            (text, box), (more, more_box) = previous.cells[-1], block.cells[0]
            if block.page == previous.page:
                box = _union((box, more_box))
            previous.cells[-1] = (_joined([text, more]), box)
            continue
        out.append(block)
    return out


def _continues(line: Line, after: Line, margins: dict[int, tuple[float, float]]) -> bool:
    """Whether `after` goes on with `line`'s paragraph: `line` is full (within 2.5 characters of
    the right margin; CJK wrapping leaves up to two short), `after` starts at the left margin
    (a paragraph's first line is indented), same font size, close below or on the next page."""
    x0, top, _, _ = after.box
    _, _, x1, bottom = line.box
    size = line.size
    if line.page not in margins or after.page not in margins:  # only running lines there
        return False
    if abs(after.size - size) > 0.5 or _HEADING.match(after.cells[0][0]):
        return False
    if x1 < margins[line.page][1] - 2.5 * size or x0 > margins[after.page][0] + 0.5 * size:
        return False
    return after.page != line.page or 0 <= top - bottom <= 1.2 * size


# --- the text ----------------------------------------------------------------------------------

def write(blocks: list[Block], notes: list[dict]) -> Extracted:
    """The report text: a line per paragraph, a blank line around each table, a line per table row."""
    lines: list[str] = []
    locations: dict[tuple[int, int], dict] = {}

    def add(cells: Sequence[tuple[str, Box] | None], pages: Iterable[int]) -> None:
        column = 1
        texts = []
        for cell, page in zip(cells, pages):
            text = cell[0] if cell else ""
            if cell is not None:
                locations[(len(lines) + 1, column)] = {"page": page, "bbox": [round(v, 1) for v in cell[1]]}
            texts.append(text)
            column += len(text) + 1
        lines.append("\t".join(texts))

    for block in blocks:
        if isinstance(block, Line):
            add(block.cells, [block.page] * len(block.cells))
            continue
        if lines and lines[-1]:
            lines.append("")
        for row, page in zip(block.rows, block.pages):
            add(row, [page] * len(row))
        lines.append("")
    return Extracted("\n".join(lines) + "\n", "pdf", locations, notes)
