"""The document schema: generated from the templates, accepts the golden documents, reports every error."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.document import schemabuild, validation
from engine.document.schema import document_schema, inlined_document_schema, template_schema, title_of
from engine.templates import NUMERALS, SECTION_TITLES, TEMPLATES, template
from engine.document.validation import SchemaError, is_valid, to_path, to_pointer, validate

GOLDEN = sorted((Path(__file__).parent / "data" / "golden").glob("*.json"))
from engine.document import MODEL


# --- helpers -------------------------------------------------------------------------------------

def first_option(node: Any) -> Any:
    """The golden file with each {"ambiguous": [a, b]} leaf replaced by its first option."""
    if isinstance(node, dict):
        if set(node) == {"ambiguous"}:
            return node["ambiguous"][0]
        return {key: first_option(value) for key, value in node.items()}
    if isinstance(node, list):
        return [first_option(item) for item in node]
    return node


def complete(golden: dict) -> dict:
    """A hand-read golden document with the keys it leaves out filled in, so it is a whole document."""
    doc = first_option(copy.deepcopy(golden))
    doc.setdefault("model", MODEL)
    meta = doc["meta"]
    meta.setdefault("title", None)
    for key in ("province", "prefecture", "county"):
        meta.setdefault("region", {}).setdefault(key, None)
    meta.setdefault("source", {"name": "report.txt", "format": "text", "sha256": "0" * 64})
    for i, section in enumerate(doc["sections"]):
        section.setdefault("heading", f"{NUMERALS[section['number'] - 1]}、{section['title']}")
        section.setdefault("line", 2 * i + 1)
        section.setdefault("end_line", 2 * i + 2)
    doc.setdefault("notes", [])
    doc.setdefault("provenance", {})
    doc.setdefault("text", "")
    return doc


def skeleton(name: str | None, fill: Any = 0) -> dict:
    """A valid document of template `name` whose every cell holds `fill`."""
    doc: dict = {
        "model": MODEL,
        "template": name,
        "meta": {"title": "2021年政府信息公开工作年度报告", "agency": "某市商务局", "year": 2021,
                 "published_on": "2022-01-20",
                 "region": {"province": "某省", "prefecture": "某市", "county": None},
                 "source": {"name": "r.html", "format": "html", "sha256": "ab" * 32}},
        "sections": [{"number": n, "heading": f"{NUMERALS[n - 1]}、{title}", "title": title,
                      "canonical": True, "line": 2 * n, "end_line": 2 * n + 1}
                     for n, title in SECTION_TITLES.items()],
        "proactive": None,
        "applications": None,
        "disputes": {},
        "notes": [{"code": "row-missing", "message": "行未找到", "pointer": "/disputes/review", "line": 3},
                  {"code": "no-date", "message": "无日期", "pointer": None, "line": None}],
        "provenance": {"/disputes/review/total": {"line": 40, "column": 7, "raw": "0"}},
        "text": "一、总体情况\n",
    }
    tpl = template(name or "2019")
    for table, row, cell, pointer in tpl.cells():
        if name is None and table.key != "disputes":
            continue
        doc[table.key] = doc[table.key] or {}
        node = doc[table.key]
        for key in row.path:
            node = node.setdefault(key, {})
        node[cell.key] = fill
    return doc


def pointers(errors: list[SchemaError]) -> list[str]:
    return [error.pointer for error in errors]


@pytest.fixture
def golden_doc() -> dict:
    return complete(json.loads(GOLDEN[0].read_text(encoding="utf-8")))


# --- the generator and the committed files --------------------------------------------------------

def test_committed_schemas_equal_generator_output():
    for name, text in schemabuild.outputs().items():
        committed = (schemabuild.SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `python -m engine.document.schemabuild`"
    assert document_schema() == json.loads(schemabuild.outputs()[schemabuild.DOCUMENT_FILE])


def test_generator_is_deterministic_and_write_is_idempotent(tmp_path):
    assert schemabuild.outputs() == schemabuild.outputs()
    first = [path.read_bytes() for path in schemabuild.write(tmp_path)]
    assert [path.read_bytes() for path in schemabuild.write(tmp_path)] == first


def test_schema_is_a_valid_draft_2020_12_schema():
    schema = document_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema" and schema["$id"]
    jsonschema.Draft202012Validator.check_schema(schema)
    assert jsonschema_rs.meta.is_valid(schema)


def test_every_property_has_a_title():
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                assert sub.get("title"), f"{where}/{key} has no title"
            for value in node.values():
                walk(value, where)
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    for name in TEMPLATES:
        walk(template_schema(name), name)


# --- template schemas and titles ------------------------------------------------------------------

@pytest.mark.parametrize("name", TEMPLATES)
def test_template_schema_is_ref_free_and_has_every_cell(name):
    schema = template_schema(name)
    assert "$ref" not in json.dumps(schema) and "$defs" not in schema
    assert schema["properties"]["template"]["const"] == name
    jsonschema.Draft202012Validator.check_schema(schema)
    kinds = {"count": ["integer", "null"], "signed": ["integer", "null"], "amount": ["number", "null"]}
    for _, _, cell, pointer in template(name).cells():
        node = schema
        for token in pointer.split("/")[1:]:
            node = node["properties"][token]
        assert node["type"] == kinds[cell.kind] and node["title"] == cell.title
    assert jsonschema.Draft202012Validator(schema).is_valid(skeleton(name))
    assert not jsonschema.Draft202012Validator(schema).is_valid(skeleton(other(name)))


def other(name: str) -> str:
    return next(t for t in TEMPLATES if t != name)


def test_template_schema_rejects_unknown_names():
    with pytest.raises(ValueError):
        template_schema("2020")


def test_title_paths():
    assert (title_of("2019", "/applications/new_received/total")
            == "三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计")
    assert (title_of("2021", "/applications/results/denied/state_secret/natural_person")
            == "三、收到和处理政府信息公开申请情况 · 三、本年度办理结果 · （三）不予公开 · 1.属于国家秘密 · 自然人")
    assert title_of("2021", "/applications/results/other/unpaid_fee/total").endswith("2.逾期未缴费 · 总计")
    assert title_of("2019", "/proactive/licensing/change") == "二、主动公开政府信息情况 · 行政许可 · 本年增/减"
    assert title_of("2019", "/disputes/review/upheld") == "四、政府信息公开行政复议、行政诉讼情况 · 行政复议 · 结果维持"
    assert title_of("2021", "/meta/published_on") == "基本信息 · 发布日期"
    assert title_of("2021", "/sections/3/title") == "章节 · 标题"
    assert title_of("2021", "/provenance/~1disputes~1review~1total/line") == "出处 · 行号"
    assert title_of(None, "/proactive") == "二、主动公开政府信息情况"
    assert title_of("2019", "/proactive/other_services/change") is not None
    for missing in ("/proactive/other_services", "/nope", "", "/proactive/rules/made/x"):
        assert title_of("2021", missing) is None
    assert title_of(None, "/proactive/rules/made") is None


def test_pointer_and_path_forms():
    parts = ["provenance", "/a/b~c", "x"]
    assert to_pointer(parts) == "/provenance/~1a~1b~0c/x"
    assert to_path(parts) == "$.provenance['/a/b~c'].x"
    assert to_path(["sections", 2, "line"]) == "$.sections[2].line"
    assert to_path([]) == "$" and to_pointer([]) == ""


# --- valid documents ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", GOLDEN, ids=lambda path: path.stem)
def test_golden_documents_validate(path):
    doc = complete(json.loads(path.read_text(encoding="utf-8")))
    assert validate(doc) == []
    assert is_valid(doc)


@pytest.mark.parametrize("name", [*TEMPLATES, None])
def test_skeletons_validate(name):
    assert validate(skeleton(name)) == []
    assert validate(skeleton(name, fill=None)) == []


# --- invalid documents ----------------------------------------------------------------------------

def _set(path: str, value: Any):
    def mutate(doc: dict) -> None:
        *parents, last = path.split("/")[1:]
        node = doc
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node[key]
        node[last] = value
    return mutate


def _delete(path: str):
    def mutate(doc: dict) -> None:
        *parents, last = path.split("/")[1:]
        node = doc
        for key in parents:
            node = node[key]
        del node[last]
    return mutate


FAULTS = {
    "negative count": (_set("/applications/new_received/total", -1), ["/applications/new_received/total"]),
    "string in a count": (_set("/proactive/rules/made", "3"), ["/proactive/rules/made"]),
    "fraction in a count": (_set("/disputes/review/total", 1.5), ["/disputes/review/total"]),
    "string in signed": (_set("/proactive/licensing/change", "-1"), ["/proactive/licensing/change"]),
    "boolean in a count": (_set("/applications/carried_over/other", True), ["/applications/carried_over/other"]),
    "negative amount": (_set("/proactive/procurement/amount_wan_yuan", -0.5),
                        ["/proactive/procurement/amount_wan_yuan"]),
    "extra top-level key": (_set("/extra", 1), ["/extra"]),
    "extra cell": (_set("/applications/results/granted/foo", 0), ["/applications/results/granted/foo"]),
    "missing row": (_delete("/applications/results/denied/state_secret"),
                    ["/applications/results/denied/state_secret"]),
    "missing cell": (_delete("/disputes/litigation_direct/pending"), ["/disputes/litigation_direct/pending"]),
    "missing top-level key": (_delete("/text"), ["/text"]),
    "bad date": (_set("/meta/published_on", "2021-13-01"), ["/meta/published_on"]),
    "date with slashes": (_set("/meta/published_on", "2021/01/20"), ["/meta/published_on"]),
    "date with trailing newline": (_set("/meta/published_on", "2021-01-20\n"), ["/meta/published_on"]),
    "wrong template": (_set("/template", "2020"), ["/template"]),
    "wrong model": (_set("/model", "ogi-annual-report/2"), ["/model"]),
    "bad sha256": (_set("/meta/source/sha256", "0" * 63 + "G"), ["/meta/source/sha256"]),
    "bad format": (_set("/meta/source/format", "doc"), ["/meta/source/format"]),
    "section number 7": (_set("/sections/0/number", 7), ["/sections/0/number"]),
    "extra key in a section": (_set("/sections/1/text", "…"), ["/sections/1/text"]),
    "line 0 in a note": (_set("/notes", [{"code": "c", "message": "m", "pointer": None, "line": 0}]),
                         ["/notes/0/line"]),
    "note pointer not a pointer": (_set("/notes", [{"code": "c", "message": "m", "pointer": "a/b", "line": 1}]),
                                   ["/notes/0/pointer"]),
    "provenance key not a pointer": (_set("/provenance/abc", {"line": 1, "column": 1, "raw": "1"}),
                                     ["/provenance/abc"]),
    "provenance column 0": (lambda doc: doc["provenance"].update({"/x": {"line": 1, "column": 0, "raw": "1"}}),
                            ["/provenance/~1x/column"]),
    "tables present without a template": (_set("/template", None), ["/applications", "/proactive"]),
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_each_fault_is_reported_at_its_pointer(golden_doc, fault):
    mutate, expected = FAULTS[fault]
    mutate(golden_doc)
    errors = validate(golden_doc)
    assert pointers(errors) == expected, errors
    assert not is_valid(golden_doc)
    assert jsonschema.Draft202012Validator(document_schema()).is_valid(golden_doc) is False


def test_all_errors_are_reported_sorted_with_paths_and_titles(golden_doc):
    golden_doc["applications"]["new_received"]["total"] = -1
    golden_doc["proactive"]["rules"]["made"] = "x"
    del golden_doc["disputes"]["review"]
    errors = validate(golden_doc)
    assert pointers(errors) == ["/applications/new_received/total", "/disputes/review", "/proactive/rules/made"]
    first = errors[0]
    assert first.path == "$.applications.new_received.total"
    assert first.title == "三、收到和处理政府信息公开申请情况 · 一、本年新收政府信息公开申请数量 · 总计"
    assert "minimum" in first.message
    assert errors[1].title == "四、政府信息公开行政复议、行政诉讼情况 · 行政复议"
    assert str(errors[1]).startswith("$.disputes.review (四、")


def test_wrong_template_tables_are_reported(golden_doc):
    golden_doc["template"] = "2021"
    found = set(pointers(validate(golden_doc)))
    assert {"/proactive/other_services", "/proactive/rules/made", "/proactive/rules/issued",
            "/applications/results/other/overdue_correction"} <= found


def test_non_object_documents():
    assert pointers(validate([])) == [""]
    assert validate("x")[0].path == "$"


def test_long_values_are_cut_short_in_messages(golden_doc):
    golden_doc["meta"] = ["x" * 10_000]
    (error,) = validate(golden_doc)
    assert error.pointer == "/meta" and len(error.message) <= validation.MAX_MESSAGE


def test_without_jsonschema_rs_the_answers_are_the_same(golden_doc, monkeypatch):
    golden_doc["applications"]["new_received"]["total"] = -1
    expected = validate(golden_doc)
    monkeypatch.setattr(validation, "_fast_validator", lambda: None)
    assert validate(golden_doc) == expected
    golden_doc["applications"]["new_received"]["total"] = 1
    assert validate(golden_doc) == [] and is_valid(golden_doc)


# --- jsonschema_rs and jsonschema agree -----------------------------------------------------------

def cell_value(rnd: random.Random, kind: str) -> Any:
    """A valid value of a cell kind; drawn from `rnd` because ~300 Hypothesis draws per document are slow."""
    if rnd.random() < 0.15:
        return None
    if kind == "signed":
        return rnd.choice([0, rnd.randint(-(10**9), 10**9)])
    if kind == "amount" and rnd.random() < 0.5:
        return rnd.choice([0.0, rnd.uniform(0, 1e9), round(rnd.uniform(0, 1e4), 5)])
    return rnd.choice([0, rnd.randint(0, 100), rnd.randint(0, 10**12)])


# Strategies are built once: constructing them per example costs more than the validation under test.
TEMPLATE_NAMES = st.sampled_from([*TEMPLATES, None])
SEEDS = st.integers(0, 2**32)
DATES = st.none() | st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
YEARS = st.none() | st.integers(1990, 2100)
NAMES = st.none() | st.text(max_size=5)
SECTION_PICKS = st.lists(st.integers(0, 5), max_size=7)
PROVENANCE = st.dictionaries(st.sampled_from(["/disputes/review/total", "/meta/year", "/a~1b"]),
                             st.integers(1, 10**6), max_size=3)
BAD_VALUES = [-1, "x", 1.5, None, -2.5, {}, []]
NEW_KEYS = ["x", "total", "/x", "~"]
FAULT_PLANS = st.lists(st.tuples(st.sampled_from(["set", "delete", "add"]), st.integers(0, 10**6),
                                 st.integers(0, 10**6)), min_size=1, max_size=3)


@st.composite
def documents(draw: st.DrawFn) -> dict:
    """A valid document: random cells, dates, region, sections and provenance."""
    name = draw(TEMPLATE_NAMES)
    rnd = random.Random(draw(SEEDS))
    doc = skeleton(name)
    for table, row, cell, pointer in template(name or "2019").cells():
        if name is None and table.key != "disputes":
            continue
        _set(pointer, cell_value(rnd, cell.kind))(doc)
    meta = doc["meta"]
    meta["published_on"] = draw(DATES)
    meta["year"] = draw(YEARS)
    meta["region"]["county"] = draw(NAMES)
    meta["source"]["sha256"] = f"{rnd.getrandbits(256):064x}"
    doc["sections"] = [dict(doc["sections"][i]) for i in draw(SECTION_PICKS)]
    doc["provenance"] = {pointer: {"line": line, "column": 1, "raw": str(line)}
                         for pointer, line in draw(PROVENANCE).items()}
    return doc


def locations(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path in the document (the root excluded), containers and leaves alike."""
    found = [path] if path else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += locations(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += locations(value, path + (i,))
    return found


def parent_of(doc: Any, path: tuple) -> Any:
    for key in path[:-1]:
        doc = doc[key]
    return doc


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict:
    """A valid document with one to three random faults: a bad leaf, a deleted key, an added key."""
    doc = draw(documents())
    for action, where_index, value_index in draw(FAULT_PLANS):
        places = locations(doc)
        if not places:
            break
        where = places[where_index % len(places)]
        parent = parent_of(doc, where)
        if action == "set":
            parent[where[-1]] = copy.deepcopy(BAD_VALUES[value_index % len(BAD_VALUES)])
        elif action == "delete" and isinstance(parent, dict):
            del parent[where[-1]]
        elif action == "add" and isinstance(parent[where[-1]], dict):
            parent[where[-1]][NEW_KEYS[value_index % len(NEW_KEYS)]] = BAD_VALUES[value_index % 3]
    return doc


RS = jsonschema_rs.Draft202012Validator(document_schema(), validate_formats=False)
REFERENCE = jsonschema.Draft202012Validator(inlined_document_schema())  # as engine.document.validation uses it


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_documents_are_valid(doc):
    assert RS.is_valid(doc)  # the reference validator's view is checked below, on these and mutants
    assert validate(doc) == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_jsonschema_rs_and_jsonschema_agree(doc):
    fast = RS.is_valid(doc)
    assert fast == REFERENCE.is_valid(doc)
    errors = validate(doc)
    assert (errors == []) == fast
    assert errors == sorted(errors, key=lambda error: (error.pointer, error.message))
