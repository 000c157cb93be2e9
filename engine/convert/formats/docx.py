"""Reading a Word (.docx) report into the converter's text: paragraphs as lines, tables as tab rows.

A DOCX is a ZIP of XML parts; only word/document.xml (and numbering.xml and styles.xml, for list
numbers Word generates) is read, with zipfile and lxml — no Word library, which would add little
over the XML and hide the merge attributes. The ZIP is checked before anything is unpacked and
every read is bounded, so a zip bomb costs nothing. Tables become grids: gridSpan (merged across)
and vMerge (merged down) leave the text in the first cell and blanks in the rest of the span.
"""

from __future__ import annotations

import io
import itertools
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree

from engine.errors import InputError
from engine.convert.formats import Extracted
from engine.convert.formats.lines import Lines, cell_join, collapse
from engine.convert.formats.numbering import Numbering

MAX_PART = 50 * 2**20
MAX_TOTAL = 200 * 2**20
MAX_RATIO = 200
MAX_MEMBERS = 10_000
MAX_TABLE_CELLS = 5000
_RATIO_FLOOR = 2**20  # a tiny part may compress 200-fold without harm; a bomb must be big
_DOCUMENT, _NUMBERING, _STYLES = "word/document.xml", "word/numbering.xml", "word/styles.xml"
_WORKS = "save it again as .docx, or as PDF or text"
# Run content that is not the paragraph's text: properties, deleted text, field codes, drawings.
_SKIP = frozenset({"pPr", "rPr", "del", "delText", "delInstrText", "instrText", "drawing", "pict", "object",
                   "AlternateContent", "fldData", "moveFrom", "commentReference", "footnoteReference",
                   "endnoteReference", "tcPr", "trPr", "tblPr", "sectPr", "proofErr", "bookmarkStart",
                   "bookmarkEnd", "lastRenderedPageBreak"})


def extract(data: bytes, name: str) -> Extracted:
    """Extract a DOCX report as text, with each paragraph's and table cell's index."""
    parts = read_parts(data, name)
    document = _xml(parts[_DOCUMENT], _DOCUMENT, name)
    ns = document.tag[1:document.tag.index("}")] if document.tag.startswith("{") else ""
    body = document.find(f"{{{ns}}}body")
    if body is None:
        raise InputError("not a Word document: word/document.xml has no body", name)
    # Word's list numbers need numbering.xml and (for numbered styles) styles.xml; most reports have
    # no numPr anywhere, and parsing styles.xml costs more than the rest of a small report.
    numbered = _NUMBERING in parts and any(b"numPr" in parts.get(part, b"") for part in (_DOCUMENT, _STYLES))
    numbering = Numbering(*(_xml(parts[part], part, name) if numbered and part in parts else None
                            for part in (_NUMBERING, _STYLES)), ns=ns)
    reader = _Reader(ns, numbering, name)
    reader.blocks(body, None)
    notes = []
    if reader.textboxes:
        notes.append({"code": "docx_textbox_skipped", "pointer": None, "line": None,
                      "message": f"文档中有{reader.textboxes}个文本框，其中的文字未读取"})
    return Extracted(reader.lines.text(), "docx", reader.lines.locations, notes)


def read_parts(data: bytes, name: str) -> dict[str, bytes]:
    """The XML parts needed, after checking the archive is not a zip bomb; InputError if it may be."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InputError(f"damaged or truncated DOCX (not a complete ZIP archive); {_WORKS}", name) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputError(f"DOCX holds {len(members):,} parts (at most {MAX_MEMBERS:,}); refused", name)
        total = 0
        for member in members:
            size = member.file_size
            total += size
            if size > MAX_PART:
                raise InputError(f"DOCX part {member.filename} unpacks to {size / 2**20:.0f} MB (at most "
                                 f"{MAX_PART // 2**20} MB): refused as a possible zip bomb", name)
            if size > _RATIO_FLOOR and size > MAX_RATIO * max(1, member.compress_size):
                raise InputError(f"DOCX part {member.filename} is compressed {size // max(1, member.compress_size)}"
                                 f"-fold (at most {MAX_RATIO}): refused as a possible zip bomb", name)
        if total > MAX_TOTAL:
            raise InputError(f"DOCX unpacks to {total / 2**20:.0f} MB (at most {MAX_TOTAL // 2**20} MB): "
                             "refused as a possible zip bomb", name)
        names = {member.filename: member for member in members}
        if _DOCUMENT not in names:
            raise InputError(f"not a Word document: no {_DOCUMENT} in the archive; {_WORKS}", name)
        parts = {}
        for part in (_DOCUMENT, _NUMBERING, _STYLES):
            if part in names:
                parts[part] = _read(archive, names[part], name)
    return parts


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bytes:
    """Unpack one part, never more than its declared size (zipfile stops there and checks the CRC)."""
    try:
        with archive.open(member) as stream:
            content = stream.read(MAX_PART + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as error:
        raise InputError(f"damaged DOCX: cannot unpack {member.filename} ({error}); {_WORKS}", name) from None
    if len(content) > MAX_PART:
        raise InputError(f"DOCX part {member.filename} unpacks past {MAX_PART // 2**20} MB; refused", name)
    return content


def _xml(content: bytes, part: str, name: str) -> etree._Element:
    """Parse a part with entities, DTDs and the network off, and libxml2's size limits on."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True)
    try:
        return etree.fromstring(content, parser=parser)
    except etree.XMLSyntaxError as error:
        raise InputError(f"damaged DOCX: {part} is not well-formed XML ({error.msg})", name) from None


class _Reader:
    """Walks the document body in order, writing lines and recording indices."""

    def __init__(self, ns: str, numbering: Numbering, name: str):
        self.w = f"{{{ns}}}" if ns else ""
        self.numbering = numbering
        self.name = name
        self.lines = Lines(collapse_spaces=False)
        self.paragraphs = 0
        self.tables = 0
        self.textboxes = 0

    def local(self, element: etree._Element) -> str:
        tag = element.tag
        return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""

    def blocks(self, parent: etree._Element, cell: dict | None) -> None:
        """Write the paragraphs and tables under `parent` (the body, a cell, a content control)."""
        for child in parent:
            tag = self.local(child)
            if tag == "p":
                where = cell
                if where is None:
                    where = {"paragraph": self.paragraphs}
                    self.paragraphs += 1
                for line in self.paragraph(child).split("\n"):
                    self.lines.add(line, where)
                    self.lines.end()
            elif tag == "tbl":
                self.table(child)
            elif tag in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"):
                self.blocks(child, cell)

    def paragraph(self, paragraph: etree._Element) -> str:
        """A paragraph's text with its list number; w:tab as a tab, w:br as a line break."""
        out: list[str] = []
        self._runs(paragraph, out)
        label = self.numbering.label(paragraph, self.w)
        return label + "".join(out)

    def _runs(self, element: etree._Element, out: list[str]) -> None:
        for child in element:
            tag = self.local(child)
            if tag == "t":
                out.append(child.text or "")
            elif tag == "tab":
                out.append("\t")
            elif tag in ("br", "cr"):
                out.append("\n")
            elif tag == "noBreakHyphen":
                out.append("-")
            elif tag in _SKIP:
                if next(child.iter(f"{self.w}txbxContent"), None) is not None:
                    self.textboxes += 1
            elif tag == "r" and self._hidden(child):
                continue
            else:
                self._runs(child, out)

    def _hidden(self, run: etree._Element) -> bool:
        """Hidden text (w:vanish) is not shown in Word, nor printed in the report."""
        vanish = run.find(f"{self.w}rPr/{self.w}vanish")
        return vanish is not None and vanish.get(f"{self.w}val", "1") not in ("0", "false", "off")

    def _rows(self, table: etree._Element) -> list[etree._Element]:
        return self._children(table, "tr")

    def _cells(self, row: etree._Element) -> list[etree._Element]:
        return self._children(row, "tc")

    def _children(self, parent: etree._Element, tag: str) -> list[etree._Element]:
        """The `tag` children of a table or row, looking through content controls and custom XML."""
        found = []
        for child in parent:
            kind = self.local(child)
            if kind == tag:
                found.append(child)
            elif kind in ("sdt", "customXml"):
                inner = child.find(f"{self.w}sdtContent") if kind == "sdt" else child
                found += self._children(inner if inner is not None else child, tag)
        return found

    def _int(self, element: etree._Element | None, default: int) -> int:
        if element is None:
            return default
        try:
            return max(0, min(int(element.get(f"{self.w}val", default)), 1000))
        except ValueError:
            return default

    def table(self, table: etree._Element) -> None:
        """A table of tables (or of one column) is layout: its cells are blocks; otherwise a grid."""
        number = self.tables
        self.tables += 1
        w = self.w
        rows = [(row, self._cells(row)) for row in self._rows(table)]
        if sum(len(cells) for _, cells in rows) > MAX_TABLE_CELLS:
            raise InputError(f"DOCX table {number} has over {MAX_TABLE_CELLS:,} cells; not a report table", self.name)
        if next(itertools.islice(table.iter(f"{w}tbl"), 1, None), None) is not None or all(len(cells) <= 1 for _, cells in rows):
            for r, (_, cells) in enumerate(rows):
                for c, cell in enumerate(cells):
                    self.blocks(cell, {"table": number, "row": r, "cell": c})
            return
        placed: list[list[tuple[str, dict | None]]] = []
        area = 0
        for r, (row, cells) in enumerate(rows):
            line: list[tuple[str, dict | None]] = []
            row_props = row.find(f"{w}trPr")
            before = self._int(row_props.find(f"{w}gridBefore"), 0) if row_props is not None else 0
            line += [("", None)] * before
            for cell in cells:
                props = cell.find(f"{w}tcPr")
                span, merged = 1, False
                if props is not None:
                    span = max(1, self._int(props.find(f"{w}gridSpan"), 1))
                    vmerge, hmerge = props.find(f"{w}vMerge"), props.find(f"{w}hMerge")
                    # vMerge without val="restart" (and hMerge without it) continues the cell above/left.
                    merged = any(m is not None and m.get(f"{w}val", "continue") != "restart"
                                 for m in (vmerge, hmerge))
                area += span
                if area > MAX_TABLE_CELLS:
                    raise InputError(f"DOCX table {number} spans over {MAX_TABLE_CELLS:,} cells; "
                                     "not a report table", self.name)
                where = {"table": number, "row": r, "cell": len(line)}
                line.append(("", None) if merged else (self._cell_text(cell), where))
                line += [("", None)] * (span - 1)
            placed.append(line)
        width = max((len(line) for line in placed), default=0)
        self.lines.blank()
        for line in placed:
            if any(text for text, _ in line):
                self.lines.row(line + [("", None)] * (width - len(line)))
        self.lines.blank()

    def _cell_text(self, cell: etree._Element) -> str:
        """A cell's paragraphs (and any nested content) on one line."""
        pieces: list[str] = []
        for paragraph in self._paragraphs(cell):
            text = self.paragraph(paragraph)
            pieces += [collapse(part) for part in text.split("\n")]
        return cell_join(piece for piece in pieces if piece)

    def _paragraphs(self, parent: etree._Element) -> Iterator[etree._Element]:
        """The paragraphs of a cell in order, through content controls; not those in text boxes."""
        for child in parent:
            tag = self.local(child)
            if tag == "p":
                yield child
            elif tag in ("sdt", "sdtContent", "customXml", "tbl", "tr", "tc"):
                yield from self._paragraphs(child)
