"""HTML pages and DOCX files: the same documents as text, their provenance, and hostile files.

Reports are rendered by bench/formats_render.py from bench.render's grids (so merged cells sit where
the text layouts put them) as portal pages (navigation, breadcrumb, tools, share, footer; colspan
and rowspan; UTF-8 or GBK) and as Word documents written by python-docx (gridSpan, vMerge, headings
numbered by Word's list numbering), then converted back value for value.
"""

from __future__ import annotations

import io
import json
import re
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from lxml import etree

import renderers  # noqa: F401  (puts the repository root on sys.path for `bench`)
from compare_golden import compare as compare_golden
from renderers import compare, make_report, render
from strategies import documents

from bench.formats_render import DOC_STYLES, GRIDS, STYLES, Block, DocStyle, document_blocks, docx_file, html_page
from engine.convert.pipeline import convert
from engine.errors import InputError
from engine.convert.formats import docx as docx_format
from engine.convert.formats import html as html_format
from engine.convert.formats.detect import detect
from engine.convert.formats.numbering import chinese
from engine.templates import TEMPLATES
from engine.templates import template as template_named
from engine.document.validation import validate

DATA = Path(__file__).parent / "data"
SEEDS = sorted((DATA / "seeds").glob("*.txt"))
PROPERTY = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same(document: dict, data: bytes, name: str) -> dict:
    """The file converts to the document exactly as its text (tabs layout) does, value for value.

    Text is the reference rather than the document itself: a tab row whose label is merged across
    padding columns and whose last cell is blank is ambiguous in text, and the converter then reads
    nothing of that row (a note says so); a page or a Word file must give the same, no better no worse.
    """
    converted = convert(data, name)
    problems = compare(document, converted)
    as_text = compare(document, convert(render(document, "tabs").encode(), "report.txt"))
    assert problems == as_text, f"{len(problems)} value(s) differ:\n  " + "\n  ".join(problems[:20])
    return converted


# --- round trips ---------------------------------------------------------------------------------

@pytest.mark.parametrize("template", TEMPLATES)
@PROPERTY
@given(data=st.data())
def test_html_pages_convert_back(template: str, data: st.DataObject) -> None:
    """Any document, as any portal writes it, converts back cell for cell."""
    document = data.draw(documents(template, blanks=True), label="document")
    style = data.draw(st.sampled_from(STYLES), label="style")
    page = html_page(document_blocks(document), style)
    note(page.decode("gb18030" if style.charset == "gbk" else "utf-8"))
    assert_same(document, page, "report.html")


@pytest.mark.parametrize("template", TEMPLATES)
@PROPERTY
@given(data=st.data())
def test_docx_files_convert_back(template: str, data: st.DataObject) -> None:
    """Any document, as a Word file (merged cells, numbered headings), converts back cell for cell."""
    document = data.draw(documents(template, blanks=True), label="document")
    style = data.draw(st.sampled_from(DOC_STYLES[:3]), label="style")  # [3] merges the slow way: fixed cases
    assert_same(document, docx_file(document_blocks(document), style), "report.docx")


@pytest.mark.parametrize("style", range(len(STYLES)))
def test_every_page_style(style: int) -> None:
    for index in (style, style + 7):  # corpus reports of both templates, with realistic prose
        report = make_report(0, index)
        converted = assert_same(report.document, html_page(document_blocks(report.document), STYLES[style]), "r.html")
        assert converted["meta"]["source"]["format"] == "html"
        assert not validate(converted)


@pytest.mark.parametrize("style", range(len(DOC_STYLES)))
def test_every_docx_style(style: int) -> None:
    report = make_report(0, 3 + style)
    converted = assert_same(report.document, docx_file(document_blocks(report.document), DOC_STYLES[style]), "r.docx")
    assert converted["meta"]["source"]["format"] == "docx"
    assert not validate(converted)


# --- the seeds, published as pages and Word files ---------------------------------------------

_TABLE_START = {"proactive": re.compile(r"第二十条第"), "applications": re.compile(r"勾稽关系|申请人情况"),
                "disputes": re.compile(r"^\s*行政复议")}
_MARKUP = re.compile(r"^#+\s*|\*\*")


def golden_tables(golden: dict, seed: str) -> dict:
    """The golden tables with each {"ambiguous": …} as printed: blank, but 002's fee row prints one 0."""
    def resolve(node):
        if isinstance(node, dict):
            return None if set(node) == {"ambiguous"} else {key: resolve(value) for key, value in node.items()}
        return node
    tables = {key: resolve(golden[key]) for key in GRIDS}
    if seed.startswith("002"):
        tables["proactive"]["fees"]["prior_items"] = 0  # the seed prints one value in a two-value row
    return tables


def seed_blocks(seed: Path) -> list[Block]:
    """The seed's own lines as paragraphs, its three tables rebuilt from the golden values."""
    golden = json.loads((DATA / "golden" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    spec, tables = template_named(golden["template"]), golden_tables(golden, seed.name)
    lines = seed.read_text(encoding="utf-8").split("\n")
    read = convert(seed.read_bytes(), seed.name)
    heading_lines = {section["line"] for section in read["sections"]}
    regions = {}
    for key, number in (("proactive", 2), ("applications", 3), ("disputes", 4)):
        first = next(s["line"] for s in read["sections"] if s["number"] == number) + 1
        last = max(v["line"] for p, v in read["provenance"].items() if p.startswith(f"/{key}/"))
        start = next(i for i in range(first, last + 1) if _TABLE_START[key].search(lines[i - 1]))
        while last < len(lines) and last + 1 not in heading_lines and \
                (not lines[last].strip() or "\t" in lines[last]):  # blank rows left after the last value
            last += 1
        regions[start] = (key, last)
    blocks: list[Block] = []
    number = 1
    while number <= len(lines):
        if number in regions:
            key, last = regions[number]
            blocks.append(("table", (key, GRIDS[key](getattr(spec, key), tables[key]))))
            number = last + 1
            continue
        text = _MARKUP.sub("", lines[number - 1]).replace("**", "").strip()
        if text:
            blocks.append(("p", text))
        number += 1
    return blocks


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem[:3])
def test_seeds_as_html_and_docx_match_golden(seed: Path) -> None:
    golden = json.loads((DATA / "golden" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    blocks = seed_blocks(seed)
    files = {"html": html_page(blocks, STYLES[1]), "docx": docx_file(blocks, DocStyle(library_merge=True))}
    for kind, data in files.items():
        document = convert(data, f"{seed.stem}.{kind}")
        checked, wrong = compare_golden(golden, document)
        assert wrong == [], f"{kind}: matched {checked - len(wrong)}/{checked}: {wrong[:10]}"


# --- provenance --------------------------------------------------------------------------------

def test_html_provenance_names_the_cell() -> None:
    report = next(make_report(0, i) for i in range(1, 40) if make_report(0, i).document["meta"]["published_on"])
    page = html_page(document_blocks(report.document), STYLES[0])
    converted = convert(page, "r.html")
    tree = etree.fromstring(page, etree.HTMLParser())
    pointer = "/applications/new_received/total"
    where = converted["provenance"][pointer]["source"]
    table, row, cell = map(int, re.fullmatch(r"table\[(\d+)\]/tr\[(\d+)\]/td\[(\d+)\]", where["path"]).groups())
    element = tree.xpath(f"(//table)[{table}]//tr[{row}]/td[{cell}]")[0]
    assert "".join(element.itertext()).strip() == str(converted["applications"]["new_received"]["total"])
    assert element.sourceline == where["html_line"]
    assert converted["provenance"]["/meta/published_on"]["source"]["path"].startswith("/html/body/")


def test_docx_provenance_names_the_cell() -> None:
    import docx

    report = next(make_report(0, i) for i in range(2, 40) if make_report(0, i).document["meta"]["published_on"])
    data = docx_file(document_blocks(report.document), DOC_STYLES[0])
    converted = convert(data, "r.docx")
    word = docx.Document(io.BytesIO(data))
    for pointer in ("/applications/new_received/total", "/disputes/review/total"):
        where = converted["provenance"][pointer]["source"]
        value = report.document[pointer.split("/")[1]][pointer.split("/")[2]][pointer.split("/")[3]]
        assert word.tables[where["table"]].rows[where["row"]].cells[where["cell"]].text == str(value)
    line = converted["provenance"]["/meta/published_on"]
    assert word.paragraphs[line["source"]["paragraph"]].text.startswith("发布时间")


# --- what pages do: charsets, merges, nesting, hidden text ---------------------------------------

def _page(body: str, head: str = '<meta charset="utf-8">') -> bytes:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode()


def test_grid_expands_rowspan_and_colspan_and_keeps_blank_cells() -> None:
    page = _page('<table><tr><td rowspan="2">甲</td><td colspan="2">乙</td><td rowspan="0">丙</td></tr>'
                 '<tr><td>&nbsp;</td><td>1</td></tr><tr><td>丁</td><td></td><td>2</td></tr></table>')
    assert html_format.extract(page, "t.html").text.split("\n")[:3] == ["甲\t乙\t\t丙", "\t\t1\t", "丁\t\t2\t"]


def test_layout_tables_are_read_as_blocks_and_hidden_text_is_not() -> None:
    page = _page('<table><tr><td><ul class="leftmenu"><li>机构职能</li></ul></td><td><p>一、总体情况</p>'
                 '<p style="display:none">体球网</p><table><tr><td>规章</td><td>1</td></tr></table></td></tr></table>')
    text = html_format.extract(page, "t.html").text
    assert "一、总体情况\n\n规章\t1\n" in text and "体球网" not in text and "机构职能" not in text


@pytest.mark.parametrize("head", ['<meta charset="gbk">', '<meta http-equiv="Content-Type" content="text/html; '
                                  'charset=gb2312">', '<?xml version="1.0" encoding="GBK"?>', ""])
def test_charset_from_the_page(head: str) -> None:
    page = f"<html><head>{head}</head><body><p>一、总体情况　镕</p></body></html>".encode("gb18030")
    assert "一、总体情况　镕" in html_format.extract(page, "t.html").text


def test_word_numbering_formats() -> None:
    assert [chinese(n) for n in (1, 10, 11, 20, 21, 105, 110)] == ["一", "十", "十一", "二十", "二十一", "一百〇五",
                                                                   "一百一十"]


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_xml(body: str, numbering: str = "") -> bytes:
    members = {"word/document.xml": f"<w:document {_W}><w:body>{body}</w:body></w:document>".encode()}
    if numbering:
        members["word/numbering.xml"] = f"<w:numbering {_W}>{numbering}</w:numbering>".encode()
    return _zip(members)


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_docx_merges_runs_and_numbering_from_the_xml() -> None:
    numbering = ('<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                 '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="5"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0">'
                 '<w:startOverride w:val="2"/></w:lvlOverride></w:num>')
    body = ('<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr></w:pPr>'
            '<w:r><w:t>主动公开</w:t></w:r><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>'
            '<w:del><w:r><w:delText>删除</w:delText></w:r></w:del></w:p>'
            '<w:p><w:r><w:t>甲</w:t><w:tab/><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r></w:p>'
            '<w:tbl><w:tr>' + _tc("信息内容", '<w:vMerge w:val="restart"/>') + _tc("数量", '<w:gridSpan w:val="2"/>')
            + '</w:tr><w:tr>' + _tc("", "<w:vMerge/>") + _tc("本年") + _tc("上年") + '</w:tr>'
            '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + _tc("1") + _tc("2", '<w:hMerge w:val="restart"/>')
            + '</w:tr></w:tbl>')
    extracted = docx_format.extract(_docx_xml(body, numbering), "x.docx")
    assert extracted.text == "二、主动公开\n甲\t乙\n丙\n\n信息内容\t数量\t\n\t本年\t上年\n\t1\t2\n\n"
    assert extracted.locations[(7, 2)] == {"table": 0, "row": 2, "cell": 1}


def test_docx_table_of_tables_is_read_as_blocks() -> None:
    import docx

    word = docx.Document()
    outer = word.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "一、总体情况"
    inner = outer.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "规章", "3"
    out = io.BytesIO()
    word.save(out)
    text = docx_format.extract(out.getvalue(), "x.docx").text
    assert "一、总体情况\n" in text and "规章\t3\n" in text


# --- detection and unsupported formats ---------------------------------------------------------

def _docx_bytes() -> bytes:
    return docx_file(document_blocks(make_report(0, 4).document), DOC_STYLES[0])


def test_format_is_told_by_content_not_name() -> None:
    report = make_report(0, 5)
    assert convert(_docx_bytes(), "report.txt")["meta"]["source"]["format"] == "docx"
    page = html_page(document_blocks(report.document), STYLES[3])
    assert convert(page, "report.txt")["meta"]["source"]["format"] == "html"
    assert convert(report.text.encode(), "report.html")["meta"]["source"]["format"] == "text"
    assert detect(b"%PDF-1.7\n", "a.txt") == "pdf"
    assert detect("\ufeff  <!-- saved from url=(0014)about:internet -->\n<html>".encode(), "a.txt") == "html"


def _ole2(stream: str) -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + stream.encode("utf-16-le") + b"\x00" * 100


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("data, name, message", [
    (_ole2("WordDocument"), "report.doc", "unsupported format: Word 97-2003 document (.doc); save it as .docx"),
    (_ole2("WordDocument"), "report.wps", "Word 97-2003 document (.wps)"),
    (_ole2("Workbook"), "report.xls", "Excel 97-2003 workbook (.xls)"),
    (_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), "report.xlsx", "Excel workbook (.xlsx)"),
    (_zip({"OFD.xml": b"<x/>"}), "report.ofd", "OFD document"),
    (_zip({"notes.txt": b"hello"}), "report.zip", "unsupported format: ZIP archive"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "scan.png", "PNG image (a scanned report needs OCR first)"),
    (b"{\\rtf1\\ansi hello}", "report.rtf", "unsupported format: RTF"),
    (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n", "report.doc", "MHTML web archive"),
    (_ole2("EncryptedPackage"), "report.docx", "password-protected Office file"),
])
def test_unsupported_formats_get_one_clear_line(data: bytes, name: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        convert(data, name)
    assert message in str(caught.value) and str(caught.value).startswith(name) and "\n" not in str(caught.value)


# --- hostile files -----------------------------------------------------------------------------

def _bomb(size: int, member: str = "word/document.xml") -> bytes:
    document = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/>'
    return _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": document + b"</w:document>",
                 member: b" " * size} if member != "word/document.xml" else
                {"[Content_Types].xml": b"<Types/>", member: document + b" " * size + b"</w:document>"})


def _forged_sizes() -> bytes:
    """A DOCX whose directory says document.xml unpacks to 100 bytes; it unpacks to 2 MB."""
    data = bytearray(_bomb(2 * 2**20))
    at = data.rfind(b"PK\x01\x02")
    while at >= 0:
        name_length = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + name_length] == b"word/document.xml":
            data[at + 24:at + 28] = (100).to_bytes(4, "little")
        at = data.rfind(b"PK\x01\x02", 0, at)
    return bytes(data)


def _deep_page() -> bytes:
    return _page("<div>" * 5000 + "一、总体情况" + "</div>" * 5000)


HOSTILE = {
    "zip bomb (one huge part)": (lambda: _bomb(60 * 2**20), "x.docx", "refused as a possible zip bomb"),
    "zip bomb (compression ratio)": (lambda: _bomb(8 * 2**20, "word/media/image1.png"), "x.docx", "-fold"),
    "forged sizes": (_forged_sizes, "x.docx", "damaged DOCX"),
    "truncated docx": (lambda: _docx_bytes()[:6000], "x.docx", "damaged or truncated DOCX"),
    "25 MB page": (lambda: _page("<p>一、总体情况</p>" * (25 * 2**20 // 30)), "x.html", "HTML page too large"),
    "100k-cell table": (lambda: _page("<table>" + ("<tr>" + "<td>0</td>" * 100 + "</tr>") * 1000 + "</table>"),
                        "x.html", "over 5,000 cells"),
    "huge spans": (lambda: _page('<table><tr>' + '<td colspan="100000" rowspan="9">0</td>' * 9 + '</tr>'
                                 + "<tr><td>1</td></tr>" * 9 + "</table>"), "x.html", "spans over 5,000 cells"),
    "5000 nested divs": (_deep_page, "x.html", "beyond the parser's limits"),
    "binary named .html": (lambda: bytes(range(256)) * 64, "x.html", "binary"),
    "binary after <html>": (lambda: b"<html><body>" + bytes(range(1, 256)) * 64, "x.html", "binary"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_files_fail_fast_with_one_line(case: str) -> None:
    make, name, message = HOSTILE[case]
    data = make()
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        convert(data, name)
    assert time.perf_counter() - started < 10  # bounded: refused before any real work
    assert message in str(caught.value), str(caught.value)
    assert str(caught.value).startswith(name + ":") and "\n" not in str(caught.value)


def test_docx_entities_are_never_resolved() -> None:
    document = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
                b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                b'<w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    text = docx_format.extract(_zip({"word/document.xml": document}), "x.docx").text
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else "\0"
    assert hostname not in text


def test_a_bad_file_does_not_stop_the_batch(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli import app

    bomb, good = tmp_path / "bomb.docx", tmp_path / "good.html"
    bomb.write_bytes(_bomb(60 * 2**20))
    good.write_bytes(html_page(document_blocks(make_report(0, 6).document), STYLES[0]))
    result = CliRunner().invoke(app, ["convert", str(bomb), str(good), "-o", str(tmp_path / "out")])
    assert result.exit_code != 0 and "zip bomb" in result.output
    assert json.loads((tmp_path / "out" / "good.json").read_text(encoding="utf-8"))["meta"]["source"]["format"] == "html"
