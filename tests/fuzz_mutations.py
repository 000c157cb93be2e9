"""Mutations of report files for tests/test_fuzz.py: what downloads and hostile inputs do to a report.

A mutation is a list of operations drawn by hypothesis, applied to one base file: line deletes, swaps
and duplicates, huge numbers, long lines, random Unicode and full-width digits on the text (for DOCX:
on word/document.xml's paragraphs, rows and runs), then byte flips, inserts and truncation on the
bytes. Operations carry plain integers, taken modulo the file's size, so hypothesis shrinks them well.
"""

from __future__ import annotations

import functools
import html
import io
import re
import zipfile
from pathlib import Path

from hypothesis import strategies as st

import renderers  # noqa: F401  (puts the repository root on sys.path for bench)
from bench.corpus import make_report
from bench.formats_render import STYLES, DocStyle, document_blocks, docx_file, html_page

ROOT = Path(__file__).resolve().parents[1]
POSITION = st.integers(0, 2**20)
# Long lines stay below 2,000 characters while layout.py is quadratic in a line's cells (issue #10.6,
# being fixed on its own branch): the fuzz test must not hang on a defect it does not own.
LONG_UNITS = ("\t", "0\t", "1 ", "数", "\t\t3", "（一）", " ", "９", "12,")
MAX_LONG = 2000

TEXT_OPS = st.one_of(
    st.tuples(st.just("delete"), POSITION),
    st.tuples(st.just("swap"), POSITION, POSITION),
    st.tuples(st.just("duplicate"), POSITION),
    st.tuples(st.just("huge"), POSITION, st.sampled_from([16, 19, 400, 4301, 6000])),
    st.tuples(st.just("long"), POSITION, st.sampled_from(LONG_UNITS), st.integers(1, MAX_LONG)),
    st.tuples(st.just("unicode"), POSITION, st.text(max_size=12)),
    st.tuples(st.just("fullwidth"), POSITION),
)
BYTE_OPS = st.one_of(
    st.tuples(st.just("flip"), POSITION, st.integers(1, 255)),
    st.tuples(st.just("insert"), POSITION, st.binary(min_size=1, max_size=4)),
    st.tuples(st.just("truncate"), POSITION),
)
MUTATIONS = st.tuples(st.lists(TEXT_OPS, max_size=4), st.lists(BYTE_OPS, max_size=2))
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")
_DIGITS = re.compile(r"\d+")


@functools.cache
def bases() -> dict[str, bytes]:
    """The files mutated: the sample reports, rendered text layouts, HTML pages and DOCX files."""
    files = {path.name: path.read_bytes() for path in sorted((ROOT / "examples").glob("*.txt"))}
    for index in range(6):  # one report in each text layout of bench.render
        report = make_report(7, index)
        files[f"rendered-{index}-{report.layout}.txt"] = report.text.encode("utf-8")
    for index, style in enumerate(STYLES[:2]):
        files[f"page-{index}.html"] = html_page(document_blocks(make_report(8, index).document), style)
    files["report.docx"] = docx_file(document_blocks(make_report(9, 0).document), DocStyle())
    files["numbered.docx"] = docx_file(document_blocks(make_report(9, 1).document), DocStyle(library_merge=True))
    return files


def mutate_lines(text: str, ops: list[tuple]) -> str:
    """Apply the text operations to the lines of `text`."""
    lines = text.split("\n")
    for op in ops:
        at = op[1] % len(lines)
        if op[0] == "delete" and len(lines) > 1:
            del lines[at]
        elif op[0] == "swap":
            other = op[2] % len(lines)
            lines[at], lines[other] = lines[other], lines[at]
        elif op[0] == "duplicate":
            lines.insert(at, lines[at])
        else:
            lines[at] = mutate_piece(lines[at], op)
    return "\n".join(lines)


def mutate_piece(text: str, op: tuple) -> str:
    """A huge number, a long run, random Unicode or full-width digits put into one line (or run)."""
    if op[0] == "huge":
        digits = "9" * op[2]
        found = _DIGITS.search(text)
        return text[:found.start()] + digits + text[found.end():] if found else f"{text}\t{digits}"
    if op[0] == "long":
        return text + op[2] * max(1, op[3] // len(op[2]))
    if op[0] == "unicode":
        at = op[1] % (len(text) + 1)
        return text[:at] + op[2] + text[at:]
    if op[0] == "fullwidth":
        return text.translate(_FULL)
    return text


def mutate_bytes(data: bytes, ops: list[tuple]) -> bytes:
    """Apply the byte operations: flip bits of a byte, insert bytes, cut the file."""
    for op in ops:
        if not data:
            break
        at = op[1] % len(data)
        if op[0] == "flip":
            data = data[:at] + bytes([data[at] ^ op[2]]) + data[at + 1:]
        elif op[0] == "insert":
            data = data[:at] + op[2] + data[at:]
        else:
            data = data[:at]
    return data


def mutate(name: str, data: bytes, text_ops: list[tuple], byte_ops: list[tuple]) -> bytes:
    """The base file `name` with the operations applied, as its format allows."""
    if name.endswith(".docx"):
        return mutate_bytes(mutate_docx(data, text_ops), byte_ops)
    codec = "utf-8" if _is_utf8(data) else "gb18030"  # a GBK page stays GBK
    return mutate_bytes(mutate_lines(data.decode(codec), text_ops).encode(codec, "replace"), byte_ops)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_ELEMENTS = re.compile(r"<w:p[ >].*?</w:p>|<w:tr[ >].*?</w:tr>", re.DOTALL)
_RUN_TEXT = re.compile(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)")


def mutate_docx(data: bytes, ops: list[tuple]) -> bytes:
    """Apply the text operations to word/document.xml: its paragraphs and rows as lines, its runs' text."""
    if not ops:
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    xml = dict(members)["word/document.xml"].decode("utf-8")
    for op in ops:
        if op[0] in ("delete", "swap", "duplicate"):
            spans = [match.span() for match in _ELEMENTS.finditer(xml)]
            if not spans:
                continue
            start, end = spans[op[1] % len(spans)]
            if op[0] == "delete":
                xml = xml[:start] + xml[end:]
            elif op[0] == "duplicate":
                xml = xml[:end] + xml[start:end] + xml[end:]
            else:
                other_start, other_end = spans[op[2] % len(spans)]
                if other_start > start:
                    (start, end), (other_start, other_end) = (other_start, other_end), (start, end)
                if other_end <= start:  # swap two elements that do not nest
                    xml = (xml[:other_start] + xml[start:end] + xml[other_end:start] + xml[other_start:other_end]
                           + xml[end:])
        else:
            runs = list(_RUN_TEXT.finditer(xml))
            if runs:
                run = runs[op[1] % len(runs)]
                changed = html.escape(mutate_piece(html.unescape(run.group(2)), op), quote=False)
                xml = xml[:run.start(2)] + changed + xml[run.end(2):]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:  # stored: fast, and the same bytes each time
        for member, content in members:
            info = zipfile.ZipInfo(member, date_time=(2021, 1, 20, 0, 0, 0))
            archive.writestr(info, xml.encode("utf-8") if member == "word/document.xml" else content)
    return out.getvalue()
