"""Converting a report into the JSON document of docs/document-model.md."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from engine.convert import gazetteer, meta, reading, segment, tables
from engine.errors import InputError
from engine.convert.formats import Extracted
from engine.convert.formats.detect import check_size, check_text, detect
from engine.inputs import read_input
from engine.convert.sections import find_sections
from engine.document import MODEL
from engine.templates import APPLICATIONS_COMMON, DISPUTES, SECTION_TITLES, TEMPLATE_2019, TEMPLATE_2021

_TABLE_NAMES = {"proactive": "主动公开情况表（第二部分）", "applications": "依申请公开情况表（第三部分）",
                "disputes": "行政复议、行政诉讼情况表（第四部分）"}
_SECTION_OF = {"proactive": 2, "applications": 3, "disputes": 4}
# Lines that open a table when its section heading is missing (a truncated or oddly headed report).
_ANCHORS = {
    "proactive": re.compile(r"第二十条第"),
    # …or, for a fragment (the tail of table 三 on a page of its own), its first numbered row label.
    "applications": re.compile(
        r"勾稽关系|申请人情况|本年新收|^[\s|#*]*(?:[（(][一二三四五六七][)）]\s*(?:予以公开|部分公开|不予公开|无法提供|不予处理"
        r"|其他处理|总计)|[1-8]\s*[.、．]\s*(?:属于国家秘密|其他法律|危及|保护第三方|属于三类|属于四类|属于行政执法|属于行政查询"
        r"|本机关不掌握|没有现成|补正后|信访举报|重复申请|要求提供公开|无正当理由|要求行政机关确认|申请人无正当理由|申请人逾期)"
        r"|四\s*[、.]\s*结转下年度)"),
    "disputes": re.compile(r"行政复议.*行政诉讼|^\s*行政复议\s*$"),
}


def convert_file(path: str | Path) -> dict:
    """Read and convert the report at `path`; InputError names the file when it cannot be."""
    path = Path(path)
    return convert(read_input(path), str(path))


def convert(data: bytes, name: str) -> dict:
    """Convert a report's bytes (text, HTML, DOCX or PDF, told by content) into its document."""
    kind = detect(data, name)
    check_size(kind, len(data), name)
    if kind != "text":
        extracted = _extract(kind, data, name)
        check_text(kind, extracted.text, name)
        return _convert_extracted(extracted, data, name)
    decoded = reading.decode(data, name)
    source = {"name": Path(name).name, "format": "text", "sha256": hashlib.sha256(data).hexdigest()}
    document = convert_text(decoded.text, source)
    document["notes"][:0] = reading.damage_notes(decoded)
    if decoded.encoding not in ("utf-8", "utf-8-sig"):
        document["notes"].insert(0, {"code": "encoding", "message": f"文件按{decoded.encoding}编码读取",
                                     "pointer": None, "line": None})
    if not _looks_like_report(document):
        raise InputError("not a 政府信息公开工作年度报告: no report title, sections or tables found", name)
    return document


def _extract(kind: str, data: bytes, name: str) -> Extracted:
    """Run the format's extractor (imported only when a file of that format comes)."""
    if kind == "html":
        from engine.convert.formats import html as reader
    elif kind == "docx":
        from engine.convert.formats import docx as reader
    else:
        from engine.convert.formats import pdf as reader
    return reader.extract(data, name)


def _convert_extracted(extracted: Extracted, data: bytes, name: str) -> dict:
    """Convert an extracted file's text; provenance gains each value's location in the file."""
    source = {"name": Path(name).name, "format": extracted.format, "sha256": hashlib.sha256(data).hexdigest()}
    document = convert_text(extracted.text, source)
    document["notes"][:0] = extracted.notes
    if extracted.locations:
        starts: dict[int, list[int]] = {}
        for line, column in extracted.locations:
            starts.setdefault(line, []).append(column)
        for entry in document["provenance"].values():
            # A value's column may fall inside its cell (after a sign or a space): take the cell
            # starting at or before it on the same line.
            columns = [column for column in starts.get(entry["line"], ()) if column <= entry["column"]]
            if columns:
                entry["source"] = extracted.locations[(entry["line"], max(columns))]
    if not _looks_like_report(document):
        raise InputError("not a 政府信息公开工作年度报告: no report title, sections or tables found", name)
    return document


def convert_text(text: str, source: dict) -> dict:
    """Convert a report's decoded text; `source` is the document's meta.source."""
    segmented = segment.resegment(text.split("\n"))
    lines = segmented.lines
    # A line where bytes were undecodable (U+FFFD, from any format) may have lost a digit or a cell
    # separator with them: no table value is read from it.
    notes = tables.Notes(damaged=_damaged(segmented) if reading.REPLACEMENT in text else {})
    sections = find_sections(lines)
    first_section = sections[0]["line"] if sections else 0
    title, title_line = meta.find_title(lines, first_section)
    regions = _regions(lines, sections)

    table_lines = [line for key in ("proactive", "applications") if key in regions
                   for line in lines[regions[key][0] - 1:regions[key][1]]]
    template, problem = tables.decide_template(table_lines, (TEMPLATE_2019, TEMPLATE_2021))
    if problem:
        notes.add("template_mixed" if template else "template_undecided", problem)
    document_tables = {"proactive": None, "applications": None}
    if template is not None:
        for key in ("proactive", "applications"):
            document_tables[key] = _table(getattr(template, key), key, lines, regions, notes, segmented)
    elif "applications" in regions:
        document_tables["applications"] = _common_rows(lines, regions, notes, segmented)
    document_tables["disputes"] = _table(DISPUTES, "disputes", lines, regions, notes, segmented)

    agency = meta.agency_from_title(title) if title else None
    if title is None:
        notes.add("title_not_found", "未找到报告标题（含“政府信息公开工作年度报告”的行）")
    elif agency is None:
        notes.add("agency_not_found", "标题中没有发布机关名称", "/meta/agency", segmented.original_line(title_line))
    region, region_note = gazetteer.locate(agency)
    if region_note:
        notes.add("region_uncertain", region_note, "/meta/region")
    year = meta.year_from(title, lines)
    if year is None:
        notes.add("year_not_found", "标题和正文中都没有报告年度", "/meta/year")
    published, published_line, date_problem = meta.published_on(lines)
    if published and reading.REPLACEMENT in lines[published_line - 1]:
        published, date_problem = None, f"第{segmented.original_line(published_line)}行的日期所在行有无法解码的字节，不读取"
    if date_problem:
        notes.add("date_unreadable", date_problem, "/meta/published_on", segmented.original_line(published_line))
    elif published:
        notes.provenance["/meta/published_on"] = {"line": segmented.original_line(published_line), "column": 1,
                                                  "raw": lines[published_line - 1].strip()}
    for number, expected in SECTION_TITLES.items():
        if not any(section["number"] == number for section in sections):
            notes.add("section_not_found", f"未找到第{'一二三四五六'[number - 1]}部分“{expected}”")

    return {
        "model": MODEL,
        "template": template.name if template else None,
        "meta": {
            "title": title,
            "agency": agency,
            "year": year,
            "published_on": published,
            "region": region,
            "source": source,
        },
        "sections": _original_lines(sections, segmented),
        **document_tables,
        "notes": notes.notes,
        "provenance": notes.provenance,
        "text": text,
    }


def _regions(lines: Sequence[str], sections: list[dict]) -> dict[str, tuple[int, int]]:
    """Return each table's (first, last) line: its section's body, or from its anchor line."""
    headings = sorted(section["line"] for section in sections)
    by_number = {section["number"]: section for section in sections}
    starts: dict[str, int] = {}
    after = 0
    for key, number in _SECTION_OF.items():
        section = by_number.get(number)
        if section is not None:
            starts[key] = section["line"] + 1
        else:
            for index in range(after, len(lines)):
                if _ANCHORS[key].search(lines[index]):
                    starts[key] = index + 1
                    break
        if key in starts:
            after = starts[key]
    regions = {}
    for key, start in starts.items():
        stops = [line for line in headings if line >= start]
        stops += [other for other in starts.values() if other > start]
        end = min(stops) - 1 if stops else len(lines)
        regions[key] = (start, max(end, start))
    return regions


def _damaged(segmented: segment.Segmented) -> dict[int, tuple[tuple[int, int], ...]]:
    """Where the text has U+FFFD: each such line in the original text, with the columns of the cut
    parts of it (a long line cut into rows) that hold one; a line not cut is damaged throughout."""
    spans: dict[int, list[tuple[int, int]]] = {}
    lines = segmented.lines
    for index, line in enumerate(lines):
        if reading.REPLACEMENT not in line:
            continue
        original, start = segmented.origin(index + 1)
        following = segmented.origin(index + 2) if index + 1 < len(lines) else None
        end = following[1] - 1 if following is not None and following[0] == original else sys.maxsize
        spans.setdefault(original, []).append((start, end))
    return {line: tuple(parts) for line, parts in spans.items()}


def _original_lines(sections: list[dict], segmented: segment.Segmented) -> list[dict]:
    """Sections with their lines in the original text (the cut lines are only the converter's)."""
    if not segmented.changed:
        return sections
    return [{**section, "line": segmented.original_line(section["line"]),
             "end_line": segmented.original_line(section["end_line"])} for section in sections]


def _table(table, key: str, lines: Sequence[str], regions: dict, notes: tables.Notes,
           segmented: segment.Segmented) -> dict:
    if key in regions:
        first, last = regions[key]
        before = len(notes.notes)
        origin = None
        if segmented.changed:
            def origin(cell):
                line, column = segmented.origin(cell.line, cell.column)
                return cell._replace(line=line, column=column)
        read = tables.read_table(table, lines[first - 1:last], first, notes, origin)
        added = notes.notes[before:]
        if not (len(added) == len(table.rows) and all(note["code"] == "row_not_found" for note in added)):
            return read
        del notes.notes[before:]  # no row at all: the table is missing, not its rows one by one
    notes.add("table_not_found", f"未找到{_TABLE_NAMES[key]}", f"/{key}")
    return tables.empty_table(table)


def _common_rows(lines: Sequence[str], regions: dict, notes: tables.Notes, segmented: segment.Segmented):
    """Table 三's rows both templates print alike, when no template could be decided; None if none is printed."""
    before = len(notes.notes)
    read = _table(APPLICATIONS_COMMON, "applications", lines, regions, notes, segmented)
    if any(note["code"] == "table_not_found" for note in notes.notes[before:]):
        del notes.notes[before:]
        return None
    notes.add("rows_common_only", "未能判断模板版本，第三部分表格只读取两版模板相同的行（（六）其他处理除外）",
              "/applications")
    return read


def _looks_like_report(document: dict) -> bool:
    if document["sections"] or document["meta"]["title"]:
        return True
    return any(pointer.startswith(("/proactive", "/applications", "/disputes")) for pointer in document["provenance"])
