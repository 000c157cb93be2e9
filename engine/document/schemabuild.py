"""Generate the document JSON Schema from engine/templates.py (`python -m engine.document.schemabuild`).

The committed files in schemas/ are this module's output; tests/test_schema.py checks they match,
so a change to the templates or to this generator must be followed by re-running it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from engine import templates as T
from engine.document import MODEL

Schema = dict[str, Any]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DOCUMENT_ID = "urn:nianbao:schema:document:" + MODEL
DOCUMENT_FILE = "document.schema.json"
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"

TEMPLATE_BASIS = {
    "2019": "国办公开办函〔2019〕60号 (2019 and 2020 reports)",
    "2021": "国办公开办函〔2021〕30号 (2021 reports on)",
}

# The JSON types of each cell kind; the wording of the descriptions is user-facing documentation.
CELL_KINDS: dict[str, Schema] = {
    "count": {
        "title": "数量",
        "description": "A count as printed: an integer >= 0, or null when the cell is blank or unreadable.",
        "type": ["integer", "null"],
        "minimum": 0,
    },
    "signed": {
        "title": "本年增/减",
        "description": "A change as printed (本年增/减): an integer, possibly negative, or null when blank.",
        "type": ["integer", "null"],
    },
    "amount": {
        "title": "金额（万元）",
        "description": "An amount in 万元 as printed: a number >= 0, or null when blank or unreadable.",
        "type": ["number", "null"],
        "minimum": 0,
    },
}

# Row shapes shared by many rows get one named definition; the rest are written inline.
SHARED_ROWS: dict[tuple[T.Cell, ...], tuple[str, str, str]] = {
    T.APPLICANTS: ("applicant_row", "申请人类别",
                   "One row of table 三: the six applicant columns and their 总计."),
    T.OUTCOMES: ("outcome_row", "复议诉讼结果",
                 "One row of table 四: outcomes of 行政复议 or 行政诉讼 and their 总计."),
}


def ref(name: str, **siblings: Any) -> Schema:
    """A reference to a $defs entry, with keywords (title, description) that apply at the use site."""
    return {"$ref": f"#/$defs/{name}", **siblings}


def strict_object(properties: dict[str, Schema], **keywords: Any) -> Schema:
    """A closed object: every listed key required, no other key allowed."""
    return {**keywords, "type": "object", "additionalProperties": False,
            "required": list(properties), "properties": properties}


def nullable(schema_type: str, **keywords: Any) -> Schema:
    """A value of `schema_type` or null."""
    return {**keywords, "type": [schema_type, "null"]}


def section_heading(table: T.Table) -> str:
    """The table's title as its section prints it, with the numeral (二、主动公开政府信息情况)."""
    number = next(n for n, title in T.SECTION_TITLES.items() if title == table.title)
    return f"{T.NUMERALS[number - 1]}、{table.title}"


def row_title(row: T.Row) -> str:
    """The row's label with its printed numbering (（一）予以公开, 1.属于国家秘密), shortened where long."""
    return row.enum + (row.title or row.label)


def cells_schema(cells: tuple[T.Cell, ...], **keywords: Any) -> Schema:
    """A row object: one property per cell, titled with the column's printed title."""
    return strict_object({cell.key: ref(cell.kind, title=cell.title) for cell in cells}, **keywords)


def row_schema(row: T.Row) -> Schema:
    """A row's property schema: a reference to a shared row shape, or the cells written inline."""
    keywords: Schema = {"title": row_title(row)}
    if row.title and row.title != row.label:
        keywords["description"] = f"Printed as: {row.enum}{row.label}"
    if row.cells in SHARED_ROWS:
        return ref(SHARED_ROWS[row.cells][0], **keywords)
    return cells_schema(row.cells, **keywords)


def table_schema(table: T.Table, description: str) -> Schema:
    """A table as nested closed objects: groups become objects, rows become row objects."""
    root: Schema = strict_object({}, title=section_heading(table), description=description)
    for item in table.items:
        parent = root
        for key in item.path[:-1]:
            parent = parent["properties"][key]
        if isinstance(item, T.Group):
            child = strict_object({}, title=item.enum + item.label)
        else:
            child = row_schema(item)
        parent["properties"][item.path[-1]] = child
        parent["required"].append(item.path[-1])
    return root


def template_defs() -> Schema:
    """$defs for the template tables: proactive_2019, applications_2019, …, disputes."""
    defs: Schema = {}
    for name in T.TEMPLATES:
        tpl = T.template(name)
        basis = TEMPLATE_BASIS[name]
        defs[f"proactive_{name}"] = table_schema(
            tpl.proactive, f"Section 二's table (主动公开), {name} template, {basis}.")
        defs[f"applications_{name}"] = table_schema(
            tpl.applications, f"Section 三's table (依申请公开), {name} template, {basis}.")
    defs["applications_common"] = table_schema(
        T.APPLICATIONS_COMMON, "Section 三's rows both templates print alike (all but （六）), read when the "
                               "template could not be decided (a fragment).")
    disputes = {T.template(name).disputes for name in T.TEMPLATES}
    assert len(disputes) == 1, "both templates print the same table 四"
    defs["disputes"] = table_schema(disputes.pop(), "Section 四's table; the same in both templates.")
    return defs


def meta_defs() -> Schema:
    """$defs for meta, sections, notes and provenance."""
    pointer = {"pattern": "^(/([^~]|~[01])*)?$"}
    # Lengths pin the whole string, so patterns need no `$` (Python's `$` also matches before a
    # trailing newline, Rust's does not, and both validators must agree).
    date = {"format": "date", "minLength": 10, "maxLength": 10,
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"}
    return {
        "json_pointer": {"type": "string", **pointer, "title": "JSON Pointer",
                         "description": "An RFC 6901 JSON Pointer into this document."},
        "meta": strict_object({
            "title": nullable("string", title="标题",
                              description="The report's own title line(s), whitespace collapsed."),
            "agency": nullable("string", title="发布机关", description="The issuing body."),
            "year": nullable("integer", title="报告年度", description="The year reported on."),
            "published_on": nullable("string", **date, title="发布日期",
                                     description="YYYY-MM-DD, or null when the source shows no date."),
            "region": ref("region", title="行政区划"),
            "source": ref("source", title="来源"),
        }, title="基本信息", description="What the report is and where it came from."),
        "region": strict_object({
            "province": nullable("string", title="省级"),
            "prefecture": nullable("string", title="地市级"),
            "county": nullable("string", title="县级"),
        }, title="行政区划", description="Region names derived from the agency name, null where unknown."),
        "source": strict_object({
            "name": {"type": "string", "title": "文件名"},
            "format": {"enum": ["text", "html", "docx", "pdf"], "title": "文件格式"},
            "sha256": {"type": "string", "title": "SHA-256", "minLength": 64, "maxLength": 64,
                       "pattern": "^[0-9a-f]{64}", "description": "SHA-256 of the input bytes, lowercase hex."},
        }, title="来源", description="The input file."),
        "section": _section(),
        "note": strict_object({
            "code": {"type": "string", "title": "代码"},
            "message": {"type": "string", "title": "说明"},
            "pointer": nullable("string", **pointer, title="位置",
                                description="JSON Pointer of the value concerned, or null."),
            "line": nullable("integer", minimum=1, title="行号"),
        }, title="转换说明", description="Something the converter noticed."),
        "provenance_entry": provenance_entry(),
        "source_location": source_location(),
    }


def _section() -> Schema:
    """A section as found; `printed` only when its numeral differs from the section it is by title."""
    section = strict_object({
        "number": {"type": "integer", "minimum": 1, "maximum": 6, "title": "序号",
                   "description": "1–6: the template section, by its title (else by the numeral 一…六)."},
        "heading": {"type": "string", "title": "标题行", "description": "The heading line as printed."},
        "title": {"type": "string", "title": "标题", "description": "The title without its numeral."},
        "canonical": {"type": "boolean", "title": "是否为模板标题",
                      "description": "True when the title equals the template's title."},
        "line": {"type": "integer", "minimum": 1, "title": "起始行"},
        "end_line": {"type": "integer", "minimum": 1, "title": "结束行"},
    }, title="章节", description="A top-level section 一…六 as found.")
    section["properties"]["printed"] = {
        "type": "integer", "minimum": 1, "maximum": 10, "title": "印出的序号",
        "description": "The numeral printed, when it differs from `number`: a report that numbers its parts its "
                       "own way (一、主动公开政府信息情况 after its own 一、总体情况) is read by its titles."}
    return section


def provenance_entry() -> Schema:
    """Where a value stood in `text`, and (for HTML, DOCX and PDF) in the original file."""
    entry = strict_object({
        "line": {"type": "integer", "minimum": 1, "title": "行号"},
        "column": {"type": "integer", "minimum": 1, "title": "列号"},
        "raw": {"type": "string", "title": "原文", "description": "The text the value was read from."},
    }, title="出处", description="Where a value stood in `text` (1-based).")
    entry["properties"]["inferred_by"] = {
        "enum": ["row_total", "table_identity"], "title": "拆分依据",
        "description": "Present when the value's digits were fused and only a sum chose the split: the row's "
                       "own 总计 (row_total) or table 三's identities (table_identity). The rule checking that "
                       "sum does not take the value as evidence."}
    entry["properties"]["source"] = ref(
        "source_location", description="Where the value's cell or line is in the original file; "
                                       "absent for text files and where unknown.")
    return entry


def source_location() -> Schema:
    """A place in an HTML, DOCX or PDF file: one of three shapes, open to further keys."""
    count = {"type": "integer", "minimum": 0}
    return {
        "title": "原文件中的位置",
        "description": "HTML: {html_line, path}; DOCX: {paragraph} or {table, row, cell}; PDF: {page, bbox}.",
        "type": "object",
        "properties": {
            "html_line": {"type": "integer", "minimum": 1, "title": "网页源代码行号",
                          "description": "Line of the element's start tag in the page source (1-based)."},
            "path": {"type": "string", "title": "网页元素路径",
                     "description": "A table cell as table[k]/tr[r]/td[c] (k-th table of the page, r-th row, "
                                    "c-th cell of the row, all 1-based); other elements as an XPath."},
            "paragraph": {**count, "title": "段落序号",
                          "description": "Index of the paragraph in the document body (0-based)."},
            "table": {**count, "title": "表格序号", "description": "Index of the table in the document (0-based)."},
            "row": {**count, "title": "行序号", "description": "Index of the row in its table (0-based)."},
            "cell": {**count, "title": "单元格序号",
                     "description": "Grid column of the cell in its row (0-based; merged cells count their span)."},
            "page": {"type": "integer", "minimum": 1, "title": "页码"},
            "bbox": {"type": "array", "title": "区域", "items": {"type": "number"}, "minItems": 4, "maxItems": 4,
                     "description": "[x0, top, x1, bottom] in PDF points from the page's top left."},
        },
        "anyOf": [{"required": ["html_line", "path"]}, {"required": ["paragraph"]},
                  {"required": ["table", "row", "cell"]}, {"required": ["page"]}],
    }


def dispatch(name: str | None) -> Schema:
    """The if/then that ties proactive and applications to the template the document names."""
    if name is None:
        then = {"proactive": {"type": "null"},
                "applications": {"anyOf": [{"type": "null"}, ref("applications_common")]}}
    else:
        then = {"proactive": ref(f"proactive_{name}"), "applications": ref(f"applications_{name}")}
    return {"if": {"required": ["template"], "properties": {"template": {"const": name}}},
            "then": {"properties": then}}


def document_schema() -> Schema:
    """The full document schema (draft 2020-12)."""
    first = T.template(T.TEMPLATES[0])  # both templates title their tables alike
    properties: Schema = {
        "model": {"const": MODEL, "title": "文档模型", "description": "This contract and its version."},
        "template": {"enum": [*T.TEMPLATES, None], "title": "模板版本",
                     "description": "The national template the tables follow; null when neither fits."},
        "meta": ref("meta", title="基本信息"),
        "sections": {"type": "array", "items": ref("section"), "title": "章节",
                     "description": "The report's top-level sections 一…六 as found, in document order."},
        # Typed only by the template dispatch below, so a wrong value is reported once, not twice.
        "proactive": {"title": section_heading(first.proactive),
                      "description": "Section 二's table as `template` prescribes; null when it is null."},
        "applications": {"title": section_heading(first.applications),
                         "description": "Section 三's table as `template` prescribes; null when it is null."},
        "disputes": ref("disputes", title=section_heading(first.disputes)),
        "notes": {"type": "array", "items": ref("note"), "title": "转换说明",
                  "description": "What the converter noticed."},
        "provenance": {"type": "object", "title": "出处",
                       "description": "JSON Pointer of an extracted value → where it stood in `text`.",
                       "propertyNames": ref("json_pointer"),
                       "additionalProperties": ref("provenance_entry")},
        "text": {"type": "string", "title": "报告全文",
                 "description": "The report's decoded text, line endings normalised to \\n."},
    }
    schema = strict_object(
        properties, title="政府信息公开工作年度报告",
        description=f"One government-information-disclosure annual report as data (model {MODEL}).")
    return {
        "$schema": DRAFT,
        "$id": DOCUMENT_ID,
        **schema,
        "allOf": [dispatch(name) for name in (*T.TEMPLATES, None)],
        "$defs": {
            **CELL_KINDS,
            **{name: cells_schema(shape, title=title, description=description)
               for shape, (name, title, description) in SHARED_ROWS.items()},
            **template_defs(),
            **meta_defs(),
        },
    }


# Keywords in the order a reader wants them; keys of `properties` and `$defs` keep printed order.
KEYWORD_ORDER = (
    "$schema", "$id", "$ref", "title", "description", "type", "const", "enum", "format",
    "minimum", "maximum", "minLength", "maxLength", "pattern", "additionalProperties",
    "required", "properties", "propertyNames", "items", "if", "then", "allOf", "anyOf", "$defs",
)
SCHEMA_MAPS = ("properties", "$defs")
SUBSCHEMAS = ("additionalProperties", "propertyNames", "items", "if", "then")


def tidy(schema: Schema) -> Schema:
    """The same schema with every object's keywords in KEYWORD_ORDER, recursively."""
    rank = {key: i for i, key in enumerate(KEYWORD_ORDER)}
    out: Schema = {}
    for key in sorted(schema, key=lambda k: (rank.get(k, len(rank)), k)):
        value = schema[key]
        if key in SCHEMA_MAPS:
            value = {name: tidy(sub) for name, sub in value.items()}
        elif key in SUBSCHEMAS and isinstance(value, dict):
            value = tidy(value)
        elif key in ("allOf", "anyOf"):
            value = [tidy(sub) for sub in value]
        out[key] = value
    return out


def render(schema: Schema) -> str:
    """The schema as committed: stable key order, UTF-8 text, two-space indent, final newline."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def outputs() -> dict[str, str]:
    """File name → file text for every generated schema."""
    return {DOCUMENT_FILE: render(tidy(document_schema()))}


def write(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write the generated schemas into `directory`; files already up to date are left untouched."""
    written = []
    for name, text in outputs().items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """Write the schemas (into the directory given as the only argument, default schemas/)."""
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else SCHEMA_DIR
    for path in write(directory):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
