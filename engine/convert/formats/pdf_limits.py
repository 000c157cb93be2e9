"""Bounds on what reading one PDF may cost: inflated bytes, objects per page, and wall time.

pdfminer.six (under pdfplumber) trusts its input: it inflates a whole stream at once (50 MB of
zeros become gigabytes), interprets any number of drawing operators, and a hostile object can keep
its pure-Python parser busy for minutes. engine/formats/pdf.py reads every PDF under these guards,
set for the reading thread by `start_document(deadline)`:
- `BoundedZlib` replaces the zlib that pdfminer.pdftypes uses: streams inflate in chunks up to a
  ceiling per stream and per document;
- pdfminer's tokenizer (every object, content stream and CMap goes through it) looks at the clock
  every few thousand tokens and raises `Late` past the deadline;
- `BoundedPage` is a pdfplumber page whose layout is read by a device that counts what the page
  draws (`Heavy`) and watches the clock; `find_tables` gives up on pages ruled like graph paper.
"""

from __future__ import annotations

import math
import threading
import time
import zlib
from typing import Any

from pdfminer import pdftypes
from pdfminer.layout import LTPage
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.psparser import PSBaseParser
from pdfminer.pdftypes import stream_value
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent
from pdfplumber.table import Table, TableFinder, TableSettings, cells_to_tables, edges_to_intersections
from pdfplumber.table import intersections_to_cells

MAX_STREAM_BYTES = 64 * 1024 * 1024  # one stream's decoded size: a page's content is ~100 KB
MAX_INFLATED_BYTES = 256 * 1024 * 1024  # all streams of one document together
MAX_PAGE_OBJECTS = 20_000  # characters, paths, images, forms drawn on one page: a dense page has ~5,000
# pdfplumber's table finder pairs every vertical with every horizontal ruling and groups cells in
# quadratic time: a 100 × 100 grid takes seconds. A report page has ~40 rulings and ~400 crossings.
MAX_RULING_PAIRS = 250_000
MAX_CROSSINGS = 4_000
MAX_PAGE_CONTENT = 2 * 1024 * 1024  # a page's decoded content streams: a dense report page has ~300 KB


class TooLarge(Exception):
    """Streams that inflate beyond the ceilings (a compression bomb)."""


class Heavy(Exception):
    """A page drawing far more than a report page ever does (read, it would take minutes)."""


class Late(BaseException):
    """The document's time budget ran out (a BaseException: pdfminer's `except Exception` lets it by)."""


_document = threading.local()  # the document this thread is reading: its deadline, bytes inflated


def start_document(deadline: float = math.inf) -> None:
    """Start the budgets of a document read by this thread: time until `deadline` (monotonic)."""
    _document.deadline = deadline
    _document.inflated = 0


def end_document() -> None:
    """Lift the time budget (pdfminer used outside a PDF extraction runs unbounded)."""
    _document.deadline = math.inf


def check_clock() -> None:
    """Raise Late when the document's deadline has passed."""
    if time.monotonic() > getattr(_document, "deadline", math.inf):
        raise Late()


class BoundedZlib:
    """What pdfminer.pdftypes uses of zlib, with ceilings on the decoded size.

    pdfminer retries a damaged stream byte by byte with quadratic copying; this never raises
    zlib.error, it returns what inflates up to the damage (a bad checksum, a cut stream) as
    pdfminer's own recovery intends.
    """

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)
    CHUNK = 16 * 1024  # inflates to at most ~16 MB, so the ceilings are checked often enough

    @staticmethod
    def decompress(data: bytes) -> bytes:
        inflater = zlib.decompressobj()
        parts: list[bytes] = []
        size = 0
        for start in range(0, len(data), BoundedZlib.CHUNK):
            chunk = data[start:start + BoundedZlib.CHUNK]
            before = inflater.copy()
            try:
                parts.append(inflater.decompress(chunk))
            except zlib.error:  # keep what inflates before the damage
                inflater = before
                for offset in range(len(chunk)):
                    try:
                        parts.append(inflater.decompress(chunk[offset:offset + 1]))
                    except zlib.error:
                        break
                break
            size += len(parts[-1])
            total = getattr(_document, "inflated", 0) + len(parts[-1])
            _document.inflated = total
            if size > MAX_STREAM_BYTES:
                raise TooLarge(f"PDF stream inflates beyond {MAX_STREAM_BYTES // 2**20} MB")
            if total > MAX_INFLATED_BYTES:
                raise TooLarge(f"PDF streams inflate beyond {MAX_INFLATED_BYTES // 2**20} MB")
            if inflater.eof:
                break
            check_clock()
        return b"".join(parts)


pdftypes.zlib = BoundedZlib  # type: ignore[assignment]


def _clocked(method: Any) -> Any:
    """A PSBaseParser method that looks at the clock every 4096 calls (a call takes ~10 µs)."""
    calls = 0

    def clocked(self: PSBaseParser) -> Any:
        nonlocal calls
        calls += 1
        if not calls & 4095:
            check_clock()
        return method(self)

    return clocked


PSBaseParser.nexttoken = _clocked(PSBaseParser.nexttoken)  # type: ignore[method-assign]
PSBaseParser.nextline = _clocked(PSBaseParser.nextline)  # type: ignore[method-assign]


class _BoundedDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's page device, counting what the page draws and watching the clock as it goes."""

    def __init__(self, page: BoundedPage) -> None:
        super().__init__(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
        self.drawn = 0

    def _tick(self) -> None:
        self.drawn += 1
        if self.drawn > MAX_PAGE_OBJECTS:
            raise Heavy(f"draws over {MAX_PAGE_OBJECTS} objects")
        if not self.drawn % 512:
            check_clock()

    def render_char(self, *args: Any, **kwargs: Any) -> float:  # type: ignore[override]
        self._tick()
        return super().render_char(*args, **kwargs)

    def paint_path(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._tick()
        super().paint_path(*args, **kwargs)

    def render_image(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._tick()
        super().render_image(*args, **kwargs)

    def begin_figure(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._tick()  # a form drawn again and again re-runs its content each time
        super().begin_figure(*args, **kwargs)


class BoundedPage(Page):
    """A pdfplumber page whose layout is read by the bounded device (Heavy, Late)."""

    @property
    def layout(self) -> LTPage:
        if not hasattr(self, "_layout"):
            size = sum(len(stream_value(stream).get_data()) for stream in self.page_obj.contents
                       if stream is not None)
            if size > MAX_PAGE_CONTENT:
                raise Heavy(f"has {size / 2**20:.0f} MB of drawing instructions")
            device = _BoundedDevice(self)
            PDFPageInterpreter(self.pdf.rsrcmgr, device).process_page(self.page_obj)
            self._layout: LTPage = device.get_result()
        return self._layout


class _BoundedFinder(TableFinder):
    """pdfplumber's TableFinder, stopping (Heavy) before its quadratic steps get out of hand."""

    def __init__(self, page: Page, settings: dict[str, Any]) -> None:  # mirrors TableFinder.__init__
        self.page = page
        self.settings = TableSettings.resolve(settings)
        self.edges = self.get_edges()
        vertical = sum(1 for edge in self.edges if edge["orientation"] == "v")
        if vertical * (len(self.edges) - vertical) > MAX_RULING_PAIRS:
            raise Heavy(f"has {len(self.edges)} table rulings")
        self.intersections = edges_to_intersections(
            self.edges, self.settings.intersection_x_tolerance, self.settings.intersection_y_tolerance)
        if len(self.intersections) > MAX_CROSSINGS:
            raise Heavy(f"has {len(self.intersections)} ruling crossings")
        self.cells = intersections_to_cells(self.intersections)
        self.tables = [Table(self.page, group) for group in cells_to_tables(self.cells)]


def find_tables(page: Page, settings: dict[str, Any]) -> list[Table]:
    """page.find_tables(settings), or Heavy when the page has too many rulings to pair up."""
    return _BoundedFinder(page, settings).tables
