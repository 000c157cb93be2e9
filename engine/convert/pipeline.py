"""Converting a report into the JSON document of docs/document-model.md."""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from engine.convert import meta, obsolete, reading, script, segment, tables
from engine.errors import InputError
from engine.convert.formats import Extracted
from engine.convert.formats.detect import check_size, check_text, detect
from engine.inputs import read_input
from engine.convert.sections import find_sections
from engine.document import MODEL
from engine.templates import APPLICATIONS_COMMON, DISPUTES, NUMERALS, SECTION_TITLES, TEMPLATE_2019, TEMPLATE_2021

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
    simplified = script.shadow(text)
    if simplified is not None:  # traditional script: read the simplified shadow, point back at the original
        document = convert_text(simplified, source)
        script.restore(document, text, simplified)
        return document
    segmented = segment.resegment(text.split("\n"))
    lines = segmented.lines
    # A line where bytes were undecodable (U+FFFD, from any format) may have lost a digit or a cell
    # separator with them: no table value is read from it.
    notes = tables.Notes(damaged=_damaged(segmented) if reading.REPLACEMENT in text else {})
    sections = find_sections(lines)
    first_section = sections[0]["line"] if sections else 0
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

    found = meta.read(lines, first_section, notes, segmented.original_line)
    sections = _original_lines(sections, segmented)
    for section in sections:
        if "printed" in section:
            notes.add("section_renumbered", f"第{section['line']}行的标题“{section['heading']}”是模板的第"
                      f"{'一二三四五六'[section['number'] - 1]}部分，但编号印为“{NUMERALS[section['printed'] - 1]}”",
                      None, section["line"])
    for number, expected in SECTION_TITLES.items():
        if not any(section["number"] == number for section in sections):
            notes.add("section_not_found", f"未找到第{'一二三四五六'[number - 1]}部分“{expected}”")

    document = {
        "model": MODEL,
        "template": template.name if template else None,
        "meta": {**found, "source": source},
        "sections": sections,
        **document_tables,
        "notes": notes.notes,
        "provenance": notes.provenance,
        "text": text,
    }
    if obsolete.is_obsolete(lines):
        _as_obsolete(document)
    return document


# The notes a current report gets for tables and sections it lacks; an old-format report lacks them all.
_CURRENT_FORMAT_NOTES = {"template_undecided", "table_not_found", "table_empty", "row_not_found",
                         "cells_unreadable", "cell_unreadable", "cells_count_mismatch", "cells_ambiguous",
                         "values_unlabelled", "label_differs", "section_not_found", "unit_converted",
                         "rows_common_only", "row_label_inferred", "block_other_template"}


def _as_obsolete(document: dict) -> None:
    """A pre-2019 report: no value put into the current template's tables, one note saying why."""
    document["template"] = None
    document["proactive"] = document["applications"] = None
    document["disputes"] = tables.empty_table(DISPUTES)
    document["notes"] = [note for note in document["notes"] if note["code"] not in _CURRENT_FORMAT_NOTES]
    document["notes"].append({"code": "template_obsolete", "message": obsolete.NOTE, "pointer": None, "line": None})
    document["provenance"] = {pointer: entry for pointer, entry in document["provenance"].items()
                              if not pointer.startswith(("/proactive", "/applications", "/disputes"))}


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
    _starts_by_content(lines, starts, headings)
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


# Words only a table prints (its row and column titles): where the table is, whatever the headings say.
_TABLE_WORDS = {
    "proactive": re.compile(r"第二十条第"),
    "applications": re.compile(r"本年新收"),
    "disputes": re.compile(r"结果维持|尚未审结|未经复议直接起诉|复议后起诉"),
}


def _starts_by_content(lines: Sequence[str], starts: dict[str, int], headings: list[int]) -> None:
    """Move a table's start to where its own words are printed when its section's body lacks them.

    A report may head a narrative part with a template title and print the tables elsewhere (an
    appendix, or parts numbered from 一 again): a table is found by its content, not its heading.
    """
    following = sorted(starts.values())
    for key, start in list(starts.items()):
        later = [line for line in following + headings if line > start]
        stop = min(later) - 1 if later else len(lines)
        if any(_TABLE_WORDS[key].search(line) for line in lines[start - 1:stop]):
            continue
        found = next((index for index, line in enumerate(lines) if _TABLE_WORDS[key].search(line)), None)
        if found is None:
            continue
        # Take the header lines just above the words too (行政复议 / 行政诉讼 over 结果维持 …).
        first = found
        while first > 0 and found - first < 3 and lines[first - 1].strip() and \
                _ANCHORS[key].search(lines[first - 1]):
            first -= 1
        starts[key] = first + 1


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
    if document["sections"] or document["meta"]["title"] or document["template"] is not None:
        return True
    if any(note["code"] == "template_obsolete" for note in document["notes"]):
        return True
    return any(pointer.startswith(("/proactive", "/applications", "/disputes")) for pointer in document["provenance"])
