"""PDF reports: documents rendered to PDF (tests/pdf_render.py) convert back to the same values.

Covers both templates with ruled tables (merged cells, tables over a page break with and without a
repeated header, a row cut by the page break, running headers and page-number footers), an unruled
table, the five seeds' golden documents, provenance (page and box), and the PDFs that must be
refused with one clear InputError: scanned, encrypted, fonts without Unicode, malformed,
compression bombs, monstrous pages, too many pages, too slow.
"""

from __future__ import annotations

import io
import json
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from compare_golden import compare as compare_golden
from pdf_render import image_pdf, many_pages, render_pdf
from renderers import compare, make_report, render
from strategies import documents

from engine.convert.pipeline import convert, convert_text
from engine.errors import InputError
from engine.convert.formats import pdf, pdf_limits
from engine.convert.formats.pdf_layout import split_cells
from engine.templates import TEMPLATES

DATA = Path(__file__).parent / "data"
SEEDS = sorted((DATA / "seeds").glob("*.txt"))
PDFS = settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VARIANTS = st.fixed_dictionaries({
    "footer": st.sampled_from(("page", "dash", "of", "none")),
    "header": st.booleans(),
    "repeat_header": st.booleans(),
    "break_in": st.sampled_from((None, "proactive", "applications", "disputes")),
    "cut_row": st.booleans(),
})


def convert_pdf(data: bytes, name: str = "report.pdf") -> tuple[dict, pdf.Extracted]:
    """Extract a PDF and convert its text, as the format dispatch does."""
    extracted = pdf.extract(data, name)
    return convert_text(extracted.text, {"name": name, "format": "pdf"}), extracted


def assert_same(expected: dict, data: bytes) -> pdf.Extracted:
    """The PDF converts to the document's values, or at worst to what its text rendering gives.

    The text converter has its own round-trip tests (tests/test_roundtrip.py); a value it misses in
    the tab-separated text too is not the PDF reader's fault, so it is not counted here.
    """
    converted, extracted = convert_pdf(data)
    text = render(expected, "tabs")
    problems = sorted(set(compare(expected, converted)) - set(compare(expected, convert(text.encode(), "x.txt"))))
    if problems:
        pytest.fail(f"{len(problems)} value(s) differ:\n  " + "\n  ".join(problems[:25])
                    + "\n--- extracted text ---\n" + extracted.text)
    return extracted


def assert_rows_as_text(expected: dict, extracted: pdf.Extracted) -> None:
    """Ruled tables come out exactly as the tab-separated rows of the text rendering."""
    rows = [line for line in render(expected, "tabs").split("\n") if "\t" in line]
    assert [line for line in extracted.text.split("\n") if "\t" in line] == rows


# --- round trips -------------------------------------------------------------------------------

@pytest.mark.parametrize("template", TEMPLATES)
@PDFS
@given(data=st.data())
def test_pdf_roundtrip(template: str, data: st.DataObject) -> None:
    """Random documents (blanks included) printed as ruled PDF tables come back cell for cell."""
    document = data.draw(documents(template, blanks=True), label="document")
    variant = data.draw(VARIANTS, label="variant")
    note(f"variant {variant}")
    assert_rows_as_text(document, assert_same(document, render_pdf(document, **variant)))


@PDFS
@given(data=st.data())
def test_unruled_table(data: st.DataObject) -> None:
    """A table drawn without rulings is read from its lines, cells cut at the wide gaps."""
    document = data.draw(documents(data.draw(st.sampled_from(TEMPLATES)), blanks=False), label="document")
    assert_same(document, render_pdf(document, ruled={"applications", "disputes"}))


def _golden_document(seed: Path) -> tuple[dict, dict]:
    """The document a seed's golden file describes, with the seed's own prose for each section."""
    golden = json.loads((DATA / "golden" / f"{seed.stem}.json").read_text(encoding="utf-8"))

    def plain(node: object) -> object:
        if isinstance(node, dict):
            return plain(node["ambiguous"][0]) if set(node) == {"ambiguous"} else {k: plain(v) for k, v in node.items()}
        return node

    document = plain({key: golden[key] for key in ("template", "meta", "proactive", "applications", "disputes")})
    lines = seed.read_text(encoding="utf-8").split("\n")
    converted = pdf_free_convert(seed)
    sections = []
    for section in golden["sections"]:
        found = next(s for s in converted["sections"] if s["number"] == section["number"])
        body = [line.strip().strip("*#").strip() for line in lines[found["line"]:found["end_line"]]]
        # prose only: tables print short cells or tab/pipe rows; sections 二–四 keep their long lines
        prose = [line for line in body if line and "\t" not in line and not line.startswith("|")
                 and (section["number"] not in (2, 3, 4) or len(line) >= 30)]
        sections.append({**section, **({"text": "\n".join(prose)} if prose else {})})
    document["sections"] = sections
    return document, golden


def pdf_free_convert(seed: Path) -> dict:
    return convert(seed.read_bytes(), seed.name)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem[:3])
def test_seed_pdf_matches_golden(seed: Path) -> None:
    """Each seed, printed as a PDF from its golden values and its own prose, converts to its golden file."""
    document, golden = _golden_document(seed)
    converted, extracted = convert_pdf(render_pdf(document, repeat_header=True), seed.stem + ".pdf")
    checked, wrong = compare_golden(golden, converted)
    assert not wrong, f"{len(wrong)}/{checked} differ:\n" + "\n".join(wrong) + "\n---\n" + extracted.text


# --- layout: page breaks, headers and footers, provenance ----------------------------------------

def test_table_over_page_break_is_joined() -> None:
    """A table split by a page break, its header repeated, is one table without the repeat."""
    document = make_report(3, 1).document
    data = render_pdf(document, repeat_header=True, break_in="applications", footer="of")
    extracted = assert_same(document, data)
    lines = extracted.text.split("\n")
    assert sum("申请人情况" in line for line in lines) == 1
    rows = [number for number, line in enumerate(lines, 1) if line.count("\t") == 9]  # the 10-column table
    pages = {extracted.locations[(row, 1)]["page"] for row in rows if (row, 1) in extracted.locations}
    assert len(pages) == 2 and rows == list(range(rows[0], rows[-1] + 1))  # two pages, one run of rows


@pytest.mark.parametrize("key", ["proactive", "applications"])
def test_row_broken_across_pages_is_joined(key: str) -> None:
    """A row Word broke across the page (half its label above, the rest below) is one row again."""
    document = make_report(3, 3).document
    extracted = assert_same(document, render_pdf(document, break_in=key, cut_row=True))
    assert_rows_as_text(document, extracted)


def test_running_headers_and_footers_are_dropped() -> None:
    """Page numbers (第 N 页, - N -, 第N页 共M页) and a header on every page leave no line."""
    document = make_report(3, 2).document
    for footer, gone in (("page", "第 2 页"), ("dash", "- 2 -"), ("of", "第2页 共")):
        text = pdf.extract(render_pdf(document, footer=footer), "r.pdf").text
        assert gone not in text and "政务公开\t" not in text and "政务公开" + "政府" not in text


def test_provenance_points_at_the_cell() -> None:
    """A value's location is its page and its table cell's box, rounded to 0.1 pt."""
    document = make_report(3, 4).document
    extracted = pdf.extract(render_pdf(document), "r.pdf")
    lines = extracted.text.split("\n")
    row = next(n for n, line in enumerate(lines, 1) if line.startswith("行政许可\t"))
    column = len(lines[row - 1].split("\t")[0]) + 2
    where = extracted.locations[(row, column)]
    x0, top, x1, bottom = where["bbox"]
    assert where["page"] >= 1 and 0 <= x0 < x1 <= 600 and 0 <= top < bottom <= 842
    assert all(round(value, 1) == value for value in where["bbox"])
    assert extracted.format == "pdf"
    heading = next(n for n, line in enumerate(lines, 1) if line.startswith("二、"))
    assert extracted.locations[(heading, 1)]["page"] >= 1  # text lines carry theirs too


def test_wide_gaps_cut_cells_and_narrow_ones_are_spaces() -> None:
    """Within a line: ≥ 1 em apart is a new cell, a few points a space, touching is one word."""
    def char(text: str, x0: float) -> dict:
        return {"text": text, "x0": x0, "x1": x0 + 10, "top": 100.0, "bottom": 110.0, "size": 10.0}

    row = [char("规", 0), char("章", 10), char("0", 40), char("自", 80), char("然", 93), char("1", 103)]
    assert [text for text, _ in split_cells(row)] == ["规章", "0", "自 然1"]


# --- refused, with one clear line --------------------------------------------------------------

def test_scanned_pdf_is_refused() -> None:
    with pytest.raises(InputError, match="scanned PDF without a text layer") as error:
        pdf.extract(image_pdf(2), "scan.pdf")
    assert str(error.value).startswith("scan.pdf: ") and "\n" not in str(error.value)


def test_blank_pdf_is_refused() -> None:
    with pytest.raises(InputError, match="no characters"):
        pdf.extract(_blank_pdf(), "blank.pdf")


def _blank_pdf() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.mark.parametrize("data", [b"%PDF-1.7\n" + bytes(range(256)) * 40, b"%PDF-1.4\n%%EOF\n",
                                  b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n"],
                         ids=["garbage", "empty", "no-pages"])
def test_malformed_pdf_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="PDF"):
        pdf.extract(data, "bad.pdf")


def test_truncated_pdf_gives_a_document_or_a_clear_error() -> None:
    data = render_pdf(make_report(3, 5).document)
    for cut in (len(data) // 3, len(data) // 2, len(data) - 200):
        try:
            pdf.extract(data[:cut], "cut.pdf")
        except InputError:
            pass


def test_encrypted_pdf() -> None:
    """A user password makes a clear error; an owner password only (no copying) is read."""
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen.canvas import Canvas

    def encrypted(user: str) -> bytes:
        out = io.BytesIO()
        canvas = Canvas(out, encrypt=StandardEncryption(user, "owner", canCopy=0))
        canvas.drawString(72, 700, "Annual report on government information disclosure 2020")
        canvas.save()
        return out.getvalue()

    with pytest.raises(InputError, match="encrypted PDF: it needs a password"):
        pdf.extract(encrypted("secret"), "locked.pdf")
    assert "Annual report" in pdf.extract(encrypted(""), "owner.pdf").text


def test_fonts_without_unicode_are_refused() -> None:
    """A subset font with no ToUnicode map gives (cid:N) garbage: refused, not converted."""
    font = (b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+SimSun /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+SimSun /DW 1000 /FontDescriptor 7 0 R"
            b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
            b"<< /Type /FontDescriptor /FontName /ABCDEF+SimSun /Flags 4 /FontBBox [0 -120 1000 880]"
            b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>")
    glyphs = b"".join(b"%04X" % n for n in range(1, 40))
    content = b"BT /F1 12 Tf 72 700 Td <" + glyphs + b"> Tj 0 -20 Td <" + glyphs + b"> Tj ET"
    data = _one_page(zlib.compress(content), b"<< /Font << /F1 5 0 R >> >>", font)
    with pytest.raises(InputError, match=r"fonts map no characters to Unicode"):
        pdf.extract(data, "cid.pdf")


def test_too_many_pages_refused_quickly() -> None:
    data = many_pages(600)
    start = time.perf_counter()
    with pytest.raises(InputError, match="600 pages"):
        pdf.extract(data, "book.pdf")
    assert time.perf_counter() - start < 2


def test_too_large_refused() -> None:
    with pytest.raises(InputError, match="too large"):
        pdf.extract(b"%PDF-1.4\n" + b" " * (pdf.MAX_BYTES + 1), "huge.pdf")


def test_time_budget() -> None:
    with pytest.raises(InputError, match="took over"):
        pdf.extract(render_pdf(make_report(3, 6).document), "slow.pdf", max_seconds=0)


def _one_page(content: bytes, resources: bytes = b"<< >>", extra: tuple[bytes, ...] = ()) -> bytes:
    """A minimal one-page PDF whose content stream is `content` (Flate-encoded)."""
    return _pages([content], resources, extra)


HELVETICA = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"


def _pages(contents: list[bytes], resources: bytes = b"<< >>", extra: tuple[bytes, ...] = ()) -> bytes:
    """A minimal PDF, a page per Flate-encoded content stream, sharing `resources`; `extra` objects
    are numbered from 5 on (objects 1–4: catalog, page tree, first page, first content)."""
    count = len(contents)
    numbers = [(3, 4)] + [(5 + len(extra) + 2 * i, 6 + len(extra) + 2 * i) for i in range(count - 1)]
    kids = b" ".join(b"%d 0 R" % page for page, _ in numbers)
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)}
    objects.update({5 + i: body for i, body in enumerate(extra)})
    for (page, stream), content in zip(numbers, contents):
        objects[page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources %s >>"
                         % (stream, resources))
        objects[stream] = (b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content
                           + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number in sorted(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_monstrous_page_is_left_out_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page with megabytes of drawing instructions is skipped (noted); the rest is read."""
    text = zlib.compress(b"BT /F1 12 Tf 72 700 Td (Annual report 2020) Tj ET")
    data = _pages([text, zlib.compress(b"q Q " * 600_000)], HELVETICA)
    extracted = pdf.extract(data, "two.pdf")
    assert "Annual report 2020" in extracted.text
    assert [note["code"] for note in extracted.notes] == ["pdf_pages_unread"] and "第2页" in extracted.notes[0]["message"]
    monkeypatch.setattr(pdf_limits, "MAX_PAGE_OBJECTS", 2_000)  # the real ceiling takes seconds to reach
    with pytest.raises(InputError, match="too complex to read: page 1 draws over 2000"):
        glyphs = b"".join(b"%d %d Td (x) Tj " % (i % 3, i % 2) for i in range(3_000))
        pdf.extract(_one_page(zlib.compress(b"BT /F1 6 Tf " + glyphs + b" ET"), HELVETICA), "dense.pdf")


def test_page_ruled_like_graph_paper_is_read_as_lines() -> None:
    """Thousands of ruling crossings would take the table finder minutes: the page is read as text."""
    rulings = b"".join(b"%.1f 50 m %.1f 800 l S " % (50 + i * 5, 50 + i * 5) for i in range(101))
    rulings += b"".join(b"50 %.1f m 550 %.1f l S " % (50 + i * 7.5, 50 + i * 7.5) for i in range(101))
    text = b"BT /F1 12 Tf 72 815 Td (Annual report 2020) Tj ET "
    extracted = pdf.extract(_one_page(zlib.compress(text + rulings), HELVETICA), "grid.pdf")
    assert "Annual report 2020" in extracted.text
    assert "ruling crossings" in extracted.notes[0]["message"] and "未按表格读取" in extracted.notes[0]["message"]


def test_time_budget_stops_a_stuck_parser() -> None:
    """Objects pdfminer's parser takes seconds over still end at the time budget."""
    depth = 300_000
    data = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /X " + b"[" * depth + b"]" * depth
            + b" >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF")
    start = time.perf_counter()
    with pytest.raises(InputError, match="took over 0.5 s"):
        pdf.extract(data, "deep.pdf", max_seconds=0.5)
    assert time.perf_counter() - start < 2.5


def test_compression_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream inflating past the ceiling stops with an error instead of filling memory."""
    monkeypatch.setattr(pdf_limits, "MAX_STREAM_BYTES", 4 * 2**20)
    bomb = zlib.compress(b"0 0 m " * (2 * 2**20))  # 12 MB of drawing operators
    with pytest.raises(InputError, match="inflates beyond 4 MB"):
        pdf.extract(_one_page(bomb), "bomb.pdf")


def test_damaged_stream_keeps_what_inflates() -> None:
    """A stream with a bad checksum gives its text, as pdfminer's own recovery intends."""
    content = b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET"
    packed = bytearray(zlib.compress(content))
    packed[-1] ^= 0xFF  # break the Adler-32 checksum
    assert pdf_limits.BoundedZlib.decompress(bytes(packed)) == content
    assert pdf_limits.BoundedZlib.decompress(b"not zlib at all") == b""
