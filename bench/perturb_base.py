"""What the perturbed layouts share: the Rendering they return, the tables as rows, the prose.

The table walk is bench/render.py's: its grid builders lay each table out, and `table_lines` only
attaches to every value cell its JSON Pointer (the grids print the cells in template order), so a
layout writes rows without walking the template again.
"""

from __future__ import annotations

import copy
import random
from typing import Any, NamedTuple

from bench.corpus import _sentences, random_document
from bench.render import (HEAD, LABEL, VALUE, Document, GridCell, _intro, _paragraphs,
                          applications_grid, disputes_grid, format_amount, format_value, lookup,
                          proactive_grid, put)
from engine.templates import NUMERALS, SECTION_TITLES, Table
from engine.templates import template as template_named

GRIDS = {"proactive": proactive_grid, "applications": applications_grid, "disputes": disputes_grid}
SECTION_OF = {"proactive": 2, "applications": 3, "disputes": 4}


class Rendering(str):
    """A perturbed report's text, with what a perfect reader would get back from it.

    `expected` is the document the text prints (cells it does not print are null), `printed` the
    pointers of the non-null cells a reader should find, and `runs` the fused digit runs (layout 1)
    for the oracle: (pointers, kinds, run text, identity) per printed row.
    """

    expected: Document
    printed: tuple[str, ...]
    runs: tuple[tuple[tuple[str, ...], tuple[str, ...], str, str | None], ...]

    def __new__(cls, text: str, expected: Document, printed=None, runs=()) -> "Rendering":
        self = super().__new__(cls, text)
        self.expected = expected
        self.printed = tuple(printed if printed is not None else printed_pointers(expected))
        self.runs = tuple(runs)
        return self


class Value(NamedTuple):
    """One value cell: where it lives in the document, its value and kind."""

    pointer: str
    value: Any
    vkind: str

    @property
    def text(self) -> str:
        """The value printed the plain way (+N, 3601.5), without the 万元 unit."""
        if self.vkind == "amount" and self.value is not None:
            return format_amount(self.value)
        return format_value(self.value, self.vkind)


class Line(NamedTuple):
    """One grid row: `kind` is clause (第二十条…), head (column titles) or row (a template row)."""

    kind: str
    cells: tuple[GridCell, ...]  # the grid cells as laid out, labels and pads included
    values: tuple[Value, ...]

    @property
    def labels(self) -> list[str]:
        """The printed label and header texts (enumeration included), pads left out."""
        return [cell.enum + cell.text for cell in self.cells if cell.kind in (LABEL, HEAD)]

    @property
    def row_label(self) -> str:
        """The row's own label: the last label cell (group labels stand before it)."""
        return self.labels[-1] if self.labels else ""


def spec_table(document: Document, key: str) -> Table:
    """The template table `key` of the document's template."""
    return getattr(template_named(document["template"]), key)


def table_lines(document: Document, key: str, spec: Table | None = None) -> list[Line]:
    """The table `key` as bench.render lays it out, each value cell with its pointer."""
    spec = spec or spec_table(document, key)
    grid = GRIDS[key](spec, document.get(key) or {})
    pointers = iter(f"/{key}{row.pointer}/{cell.key}" for row in spec.rows for cell in row.cells)
    lines = []
    for row in grid:
        values = tuple(Value(next(pointers), cell.value, cell.vkind) for cell in row if cell.kind == VALUE)
        kind = "row" if values else ("clause" if any(c.role == "fixed" for c in row) else "head")
        if key == "applications" and kind == "clause":
            kind = "head"  # the 勾稽 note stands in the first header line
        lines.append(Line(kind, tuple(row), values))
    return lines


def split_disputes(line: Line) -> list[Line]:
    """Table 四's one value line as its three rows (行政复议, 未经复议直接起诉, 复议后起诉)."""
    titles = ("行政复议", "未经复议直接起诉", "复议后起诉")
    return [Line("row", (GridCell(LABEL, title, role="row"),), line.values[5 * i:5 * i + 5])
            for i, title in enumerate(titles)]


def printed_pointers(document: Document) -> list[str]:
    """The pointers of every non-null cell of the document's template."""
    return [pointer for *_, pointer in template_named(document["template"]).cells()
            if lookup(document, pointer) is not None]


def blank_out(document: Document, pointers) -> Document:
    """A copy of the document with the cells at `pointers` null (the text does not print them)."""
    copied = copy.deepcopy(document)
    for pointer in pointers:
        put(copied, pointer, None)
    return copied


# --- documents ----------------------------------------------------------------------------------

def make_document(rnd: random.Random, template: str, blanks: bool = True, consistent: bool = False) -> Document:
    """A corpus-like document (bench.corpus) with a few sentences of prose per section.

    `consistent` redraws until every 勾稽 identity holds: a fused run whose numbers break them can
    split in a way that satisfies them, and no reader could tell (layout 1 uses it).
    """
    from bench.fusedoracle import identities_hold
    while True:
        document = random_document(rnd, template, blanks=blanks)
        if not consistent or identities_hold(document):
            break
    for section in document["sections"]:
        section["text"] = "".join(_sentences(rnd, section["number"], document["meta"]))
    return document


def heading(number: int, document: Document) -> str:
    """A section heading as the document titles it: 二、主动公开政府信息情况."""
    for section in document["sections"]:
        if section["number"] == number:
            return f"{NUMERALS[number - 1]}、{section.get('title') or SECTION_TITLES[number]}"
    return f"{NUMERALS[number - 1]}、{SECTION_TITLES[number]}"


def prose(document: Document, number: int) -> list[str]:
    """The paragraphs of section `number` (bench.render's defaults where it has no text)."""
    for section in document["sections"]:
        if section["number"] == number:
            return _paragraphs(section, document["meta"])
    return []


def title(document: Document) -> str:
    """The report title as reports print it."""
    meta = document["meta"]
    return f"{meta['agency']}{meta['year']}年政府信息公开工作年度报告"


def intro(document: Document) -> str:
    """The paragraph before section 一 (statistics period, where to find the report)."""
    return _intro(document["meta"])

