"""PDF reports with a text layer, read with pdfplumber into the text the converter reads.

Each page is read into text lines and ruled tables (pdfplumber's line-based table finder; a table
without rulings stays as lines whose wide gaps become tabs), and engine/formats/pdf_layout.py lays
the pages out as one text. Every cell's page and box go into the locations. A PDF is refused with
one clear InputError when it cannot give a faithful text: a scan without a text layer, fonts
without a Unicode mapping, a password, a malformed file, or one too big or too slow to read
(engine/formats/pdf_limits.py bounds the time and memory one PDF may take).
"""

from __future__ import annotations

import io
import logging
import time
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import resolve1
from pdfplumber.utils.exceptions import PdfminerException

from engine.errors import InputError
from engine.convert.formats import Extracted
from engine.convert.formats import pdf_layout as layout
from engine.convert.formats import pdf_limits as limits
from engine.convert.formats.detect import MAX_BYTES as _LIMITS
from engine.convert.formats.detect import check_size

MAX_BYTES = _LIMITS["pdf"]  # the shared size policy (formats/detect.py)
MAX_PAGES = 500
MAX_SECONDS = 60.0
MIN_PAGE_CHARS = 5  # fewer characters than this and a page has no text layer to speak of
SCAN_AREA = 0.25  # images covering this share of a page make a textless page a scanned one
UNREADABLE_SHARE = 0.3  # more (cid:N) characters than this and the text would be garbage
SCANNED = "scanned PDF without a text layer: run OCR first or supply the text/HTML version"
_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

# pdfminer logs every oddity of a file as a warning; the engine never prints, the caller decides.
for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).addHandler(logging.NullHandler())


def extract(data: bytes, name: str, *, max_pages: int = MAX_PAGES, max_seconds: float = MAX_SECONDS) -> Extracted:
    """The report text of a PDF with a text layer, or InputError saying why it cannot be read."""
    check_size("pdf", len(data), name)
    late = InputError(f"PDF took over {max_seconds:g} s to read", name)
    deadline = time.monotonic() + max_seconds
    limits.start_document(deadline)
    try:
        return _extract(data, name, max_pages, deadline, late)
    except InputError:
        raise
    except limits.Late:
        raise late from None
    except PdfminerException as error:  # pdfplumber wraps what pdfminer raised
        cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
        raise _input_error(cause, name) from None
    except RecursionError:
        raise InputError("malformed PDF: objects nested too deeply", name) from None
    except MemoryError:
        raise InputError("PDF too large to read in memory", name) from None
    except Exception as error:  # pdfminer meets hostile files with any exception type
        raise _input_error(error, name) from None
    finally:
        limits.end_document()


def _input_error(error: BaseException, name: str) -> InputError:
    if isinstance(error, PDFPasswordIncorrect):
        return InputError("encrypted PDF: it needs a password to open; supply an unprotected copy", name)
    if isinstance(error, PDFEncryptionError):
        return InputError(f"encrypted PDF: {error or 'unsupported encryption'}", name)
    if isinstance(error, limits.TooLarge):
        return InputError(str(error), name)
    message = " ".join(str(error).split())[:160]
    return InputError(f"malformed PDF: {type(error).__name__}{': ' + message if message else ''}", name)


def _declared_pages(pdf: pdfplumber.PDF) -> int:
    try:
        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except Exception:  # a broken page tree: pages are counted as they are read
        return 0


def _extract(data: bytes, name: str, max_pages: int, deadline: float, late: InputError) -> Extracted:
    pdf = pdfplumber.open(io.BytesIO(data))  # never closed: PDF.close() would read every page
    declared = _declared_pages(pdf)
    if declared > max_pages:
        raise InputError(f"PDF has {declared} pages, at most {max_pages} are read (a report has ~10)", name)
    pages: list[list[layout.Block]] = []
    widths: dict[int, int] = {}  # each page's width: pages of one width share their text margins
    scanned: list[int] = []
    skipped: list[tuple[int, str]] = []  # pages left out, or read without their tables: why
    chars = unreadable = 0
    for number, page_object in enumerate(PDFPage.create_pages(pdf.doc), 1):
        if number > max_pages:
            raise InputError(f"PDF has more than {max_pages} pages (a report has ~10)", name)
        if time.monotonic() > deadline:
            raise late
        page = limits.BoundedPage(pdf, page_object, page_number=number)
        try:
            read = _read_page(page, number)
        except limits.Heavy as heavy:  # one monstrous page (a chart, a trap) is left out, not the report
            read = _Read([], 0, 0, False, str(heavy))
        page.close()
        pages.append(read.blocks)
        chars += read.chars
        unreadable += read.unreadable
        if read.scanned:
            scanned.append(number)
        if read.problem:
            skipped.append((number, read.problem))
        widths[number] = round(page.width)
    if not pages:
        raise InputError("malformed PDF: no pages", name)
    if unreadable > UNREADABLE_SHARE * max(chars + unreadable, 1):
        raise InputError("PDF text cannot be read: its fonts map no characters to Unicode "
                         "(text comes out as (cid:N)); run OCR first or supply the text/HTML version", name)
    with_text = sum(1 for blocks in pages if blocks)
    if chars < MIN_PAGE_CHARS or len(scanned) >= with_text:
        if skipped:
            reasons = "; ".join(f"page {number} {reason}" for number, reason in skipped)
            raise InputError(f"PDF pages too complex to read: {reasons}", name)
        if scanned:
            raise InputError(SCANNED, name)
        raise InputError("PDF without text: its pages have no characters and no scanned images", name)
    notes = [_note(f"第{number}页内容过于复杂（{reason}），" + ("未读取" if not pages[number - 1] else "未按表格读取"))
             for number, reason in skipped]
    if scanned:
        notes.append(_note(f"第{'、'.join(map(str, scanned))}页是扫描图像，没有文字层，未能读取"))
    blocks = layout.join_tables(layout.drop_running_lines(pages))
    return layout.write(layout.join_paragraphs(blocks, layout.margins(pages, widths)), notes)


@dataclass
class _Read:
    """What one page gave: blocks top to bottom, characters, unreadable ones, scanned?, a problem."""

    blocks: list[layout.Block]
    chars: int
    unreadable: int
    scanned: bool
    problem: str = ""


def _note(message: str) -> dict:
    return {"code": "pdf_pages_unread", "message": message, "pointer": None, "line": None}


def _read_page(page: limits.BoundedPage, number: int) -> _Read:
    """The page's lines and tables top to bottom."""
    chars, unreadable = [], 0
    for char in layout.dedupe(page.chars):
        text = char["text"]
        if text.startswith("(cid:") or any(0xE000 <= ord(c) <= 0xF8FF for c in text):
            unreadable += 1
        elif char.get("upright", True) and text:  # rotated text is a watermark or a stamp
            chars.append(char)
    visible = sum(1 for char in chars if not char["text"].isspace())
    x0, top, x1, bottom = page.bbox
    if visible < MIN_PAGE_CHARS:
        covered = sum(max(0.0, image["x1"] - image["x0"]) * max(0.0, image["bottom"] - image["top"])
                      for image in page.images)
        return _Read([], visible, unreadable, covered >= SCAN_AREA * max((x1 - x0) * (bottom - top), 1.0))

    tables, problem = [], ""
    try:
        found_tables = limits.find_tables(page, _LINES)
    except limits.Heavy as heavy:  # ruled like graph paper: read as lines, not as tables
        found_tables, problem = [], str(heavy)
    for found in found_tables:
        rows = [list(row.cells) for row in found.rows]
        if len(rows) >= 2 or len(rows[0]) >= 2:
            tables.append(layout.read_table(rows, chars, number))
    outside = [char for char in chars if not any(layout.inside(char, table.box) for table in tables)]
    band = layout.BAND * (bottom - top)
    blocks: list[layout.Block] = list(tables)
    for row in layout.text_rows(outside):
        cells = layout.split_cells(row)
        if not cells:
            continue
        line = layout.Line(number, cells, max(char["size"] for char in row))
        _, line_top, _, line_bottom = line.box
        line.band = "top" if line_bottom <= top + band else "bottom" if line_top >= bottom - band else ""
        blocks.append(line)
    blocks.sort(key=lambda block: block.box[1])
    return _Read(blocks, visible, unreadable, False, problem)
