"""Round trip: a random document rendered as a report and converted back gives the same document.

For each template × layout (tests/renderers.py), hypothesis draws a document (tests/strategies.py),
renders it as report text and converts it with engine.convert.pipeline.convert. Every table cell, the
template, meta.agency/year/published_on and the sections' numbers and titles must come back. The
documents with blank cells get their own test, so a problem with blanks does not hide the rest.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis.control import currently_in_test_context
from hypothesis import strategies as st

from renderers import BLANKLESS_LAYOUTS, LAYOUTS, compare, generate, lookup, put, render
from strategies import documents

from bench.corpus import new_document
from engine.convert.pipeline import convert
from engine.templates import SECTION_TITLES, TEMPLATES
from engine.templates import template as template_named

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")  # utf-16 writes a BOM
BLANK_LAYOUTS = tuple(layout for layout in LAYOUTS if layout not in BLANKLESS_LAYOUTS)
ROUNDTRIP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])



def assert_roundtrip(document: dict, layout: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    """Render, encode, convert; fail listing every value that did not come back."""
    text = render(document, layout)
    if currently_in_test_context():
        note(f"rendered report ({layout}):\n{text}")
    converted = convert(text.replace("\n", newline).encode(encoding), "x.txt")
    problems = compare(document, converted)
    if problems:
        notes = "\n".join(f"  note {n.get('code')}: {n.get('message')}" for n in converted.get("notes", []))
        pytest.fail(f"{len(problems)} value(s) differ ({layout}, {encoding}, {newline!r}):\n  "
                    + "\n  ".join(problems[:25]) + ("\n" + notes if notes else ""))


# --- the properties ----------------------------------------------------------------------------

@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("template", TEMPLATES)
@ROUNDTRIP
@given(data=st.data())
def test_roundtrip_filled(template: str, layout: str, data: st.DataObject) -> None:
    """Documents with every cell printed come back cell for cell in every layout."""
    assert_roundtrip(data.draw(documents(template, blanks=False), label="document"), layout)


@pytest.mark.parametrize("layout", BLANK_LAYOUTS)
@pytest.mark.parametrize("template", TEMPLATES)
@ROUNDTRIP
@given(data=st.data())
def test_roundtrip_blanks(template: str, layout: str, data: st.DataObject) -> None:
    """Blank cells come back as null and the printed cells around them keep their values."""
    assert_roundtrip(data.draw(documents(template, blanks=True), label="document"), layout)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("template", TEMPLATES)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_roundtrip_encodings(template: str, encoding: str, data: st.DataObject) -> None:
    """The same holds for files in UTF-8 (with or without BOM), GB18030 and UTF-16, LF or CRLF."""
    layout = data.draw(st.sampled_from(LAYOUTS), label="layout")
    newline = data.draw(st.sampled_from(("\n", "\r\n")), label="newline")
    # every cell printed: blank cells are test_roundtrip_blanks's concern, per layout
    document = data.draw(documents(template, blanks=False), label="document")
    assert_roundtrip(document, layout, encoding, newline)


# --- minimal examples the properties above found, kept as regressions ----------------------------

def _row(name: str) -> list[str]:
    return [f"/applications/{name}/{cell.key}" for cell in template_named("2019").applications.rows[0].cells]


def test_blank_total_beside_blank_row() -> None:
    """A blank 总计 beside tab padding, in a table with a wholly blank row: the header grid settles it."""
    document = _zeros("2019")
    for pointer in ["/applications/results/granted/total", *_row("carried_forward")]:
        put(document, pointer, None)
    assert_roundtrip(document, "tabs")


# --- the renderer itself (no converter needed) -------------------------------------------------

def _zeros(template: str) -> dict:
    document = new_document(template, "山东省商务厅", 2020, None, dict(SECTION_TITLES))
    for _, _, _, pointer in template_named(template).cells():
        put(document, pointer, 0)
    return document


def test_tabs_layout_prints_seed_like_rows() -> None:
    """The tabs layout prints the rows the way seeds 000/001/004 do."""
    document = _zeros("2019")
    put(document, "/proactive/licensing/change", 9)
    put(document, "/proactive/fees/change", -46)
    put(document, "/proactive/procurement/amount_wan_yuan", 3601.21885)
    put(document, "/applications/results/granted/total", None)
    lines = render(document, "tabs").split("\n")
    assert "行政许可\t0\t+9\t0" in lines
    assert "行政事业性收费\t0\t-46\t" in lines
    assert "政府集中采购\t0\t3601.21885万元\t" in lines
    assert "三、本年度办理结果\t（一）予以公开\t\t0\t0\t0\t0\t0\t0\t" in lines
    assert "\t（三）不予公开\t1.属于国家秘密" + "\t0" * 7 in lines
    assert "\t".join(["0"] * 15) in lines


def test_blank_cells_per_layout() -> None:
    """A blank cell is an empty tab field, a lone TAB line, and refused in cell-lines."""
    document = _zeros("2021")
    put(document, "/proactive/rules/issued", None)
    assert "规章\t\t0\t0" in render(document, "tabs").split("\n")
    assert "\t规章\n\t\n\t0\n\t\u30000\n" in render(document, "tab-cells")  # 　0 as in seed 003
    with pytest.raises(ValueError):
        render(document, "cell-lines")


def test_fullwidth_and_spaced_layouts() -> None:
    """fullwidth prints no ASCII digit; spaced spaces out short labels and splits amounts."""
    document = _zeros("2019")
    put(document, "/proactive/procurement/amount_wan_yuan", 197.5)
    full = render(document, "fullwidth")
    assert not any(ch.isascii() and ch.isdigit() for ch in full)
    assert "\u3000１９７．５万元" in full
    spaced = render(document, "spaced")
    assert "自 然 人" in spaced and "(三) 不 予 公 开" in spaced and "197. 5 万元" in spaced


def test_compare_reports_every_kind_of_difference() -> None:
    """compare() is the oracle of every test here, so check it misses nothing."""
    document = _zeros("2019")
    put(document, "/proactive/procurement/amount_wan_yuan", 197.5)
    assert compare(document, copy.deepcopy(document)) == []
    changes = {"/proactive/rules/made": None, "/applications/results/denied/state_secret/total": 1,
               "/disputes/review/total": 0.0, "/proactive/fees/change": True,
               "/proactive/procurement/amount_wan_yuan": 197.50001, "/meta/published_on": "2021-01-20",
               "/meta/agency": "山东省", "/template": "2021"}
    for pointer, value in changes.items():
        changed = copy.deepcopy(document)
        put(changed, pointer, value)
        assert compare(document, changed), pointer
    changed = copy.deepcopy(document)
    changed["sections"][4]["title"] = "下一步工作打算"
    assert compare(document, changed)
    del changed["applications"]["carried_forward"]
    assert any("carried_forward" in problem for problem in compare(document, changed))


def test_corpus_is_deterministic_and_sized() -> None:
    """The benchmark corpus depends only on the seed, and its reports are about 10–12 KB."""
    first, again = generate(12, seed=5), generate(12, seed=5)
    assert [r.text for r in first] == [r.text for r in again]
    assert generate(3, seed=5)[2].text == first[2].text  # report i does not depend on n
    assert {r.layout for r in generate(40, seed=1)} == set(LAYOUTS)
    sizes = [len(r.text.encode()) for r in first]
    assert all(9_000 <= size <= 13_500 for size in sizes), sizes
    for report in first:  # what the corpus prints is what its document says
        assert lookup(report.document, "/meta/agency") in report.text
