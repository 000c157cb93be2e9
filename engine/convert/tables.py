"""Reading the three tables: align printed rows with the template's rows, then read their cells."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from engine.convert import layout
from engine.convert.align import Aligner, Found, place_orphans
from engine.convert.cells import BLANK, Cell
from engine.convert.disputes import read_disputes
from engine.convert.grid import GRID_LAYOUTS, ColumnGrid
from engine.convert.identities import settle
from engine.convert.rowread import RowReading, read_row
from engine.templates import DISPUTES, Row, Table, Template


@dataclass
class Notes:
    """What the converter noticed, and where each value came from."""

    notes: list[dict] = field(default_factory=list)
    provenance: dict[str, dict] = field(default_factory=dict)

    def add(self, code: str, message: str, pointer: str | None = None, line: int | None = None) -> None:
        self.notes.append({"code": code, "message": message, "pointer": pointer, "line": line})


def empty_table(table: Table) -> dict:
    """Return the table's document object with every cell null."""
    result: dict = {}
    for row in table.rows:
        node = result
        for key in row.path:
            node = node.setdefault(key, {})
        for cell in row.cells:
            node[cell.key] = None
    return result


def read_table(table: Table, lines: Sequence[str], first_line: int, notes: Notes,
               origin: Callable[[Cell], Cell] | None = None) -> dict:
    """Read a template table from its region of the text into a document object."""
    result = empty_table(table)
    shape, printed = _printed_rows(lines, first_line, origin)
    if table is DISPUTES:
        read_disputes(printed, result, notes)
        return result
    grid = ColumnGrid(table) if shape in GRID_LAYOUTS else None
    alignment = Aligner(table, grid, notes).run(printed)
    place_orphans(table, alignment, notes)
    found = alignment.found
    if grid is not None and not _grid_agrees(table, found):
        found = {key: Found(entry.label, entry.values) for key, entry in found.items()}
    readings = _read_rows(table, found, result, notes)
    if table.key == "applications":
        settle(table, readings, result, notes)
    return result


def _printed_rows(lines: Sequence[str], first_line: int, origin) -> tuple[str, list[list[Cell]]]:
    """The region cut into rows of cells, each cell where it stands in the original text."""
    shape, printed = layout.rows(lines, first_line)
    if origin is not None:
        printed = [[origin(cell) for cell in row] for row in printed]
    return shape, printed


def _read_rows(table: Table, found: dict[int, Found], result: dict, notes: Notes) -> list[RowReading]:
    """Read every template row that was found; note those that were not."""
    readings = []
    for item_index, item in enumerate(table.items):
        if not isinstance(item, Row):
            continue
        pointer = f"/{table.key}{item.pointer}"
        entry = found.get(item_index)
        if entry is None:
            notes.add("row_not_found", f"未找到“{item.label}”行", pointer)
            continue
        reading = read_row(item, pointer, entry.label, entry.values, result, notes, entry.by_grid)
        if reading is not None:
            readings.append(reading)
    return readings


def _grid_agrees(table: Table, found: dict[int, Found]) -> bool:
    """Trust the header's positions only if every row the count settles stands where they say."""
    if not any(entry.by_grid is not None for entry in found.values()):
        return True
    for item_index, entry in found.items():
        chosen, _ = layout.fit(entry.values, len(table.items[item_index].cells))
        if chosen is not None and (entry.by_grid is None or _printed(chosen) != _printed(entry.by_grid)):
            return False
    return True


def _printed(cells: Sequence[Cell]) -> tuple[str, ...]:
    """What a row's cells print, blanks as "": a wholly blank row fits any blank window alike."""
    return tuple("" if cell.kind == BLANK else cell.raw.strip() for cell in cells)


_OTHER_ROW_2019 = re.compile(r"其他处理[\s|]*\d+(?![\d.、．])")


def decide_template(lines: Sequence[str], templates: Sequence[Template]) -> tuple[Template | None, str | None]:
    """Decide the template from the header words only one template prints; None with a reason if unsure.

    A table 二 printing both templates' headers (2019 columns for 规章/规范性文件, 2021 single-column
    blocks for the rest) is decided by table 三, whose 2021 rows (逾期不补正…) say which it is; the
    template comes back with a message saying the headers were mixed.
    """
    text = "".join(lines)
    if "\u3000" in text or "／" in text or " " in text:  # spaced-out or full-width headers
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    proactive = {t.name: sum(1 for word in t.proactive.headers if word in text) for t in templates}
    applications = {t.name: sum(1 for word in t.applications.headers if word in text) for t in templates}
    scores = {name: proactive[name] + applications[name] for name in proactive}
    if sum(1 for score in proactive.values() if score) > 1:
        deciding = [t for t in templates if applications[t.name]]
        if len(deciding) == 1:
            return deciding[0], (f"第二部分的表格同时印有2019版和2021版模板的表头，按第三部分的表格定为{deciding[0].name}版，"
                                 "第二部分逐块按各自表头读取")
    best = max(scores.values())
    if best == 0 and _OTHER_ROW_2019.search(text):
        # No header words (a fragment, a page of table 三): （六）其他处理 printed with its own values is
        # a 2019 row; in 2021 it is a group heading over rows 1–3.
        named = {t.name: t for t in templates}
        if "2019" in named:
            return named["2019"], None
    if best == 0:
        return None, "表格中没有只属于某一版模板的表头或行名，无法判断模板版本"
    winners = [t for t in templates if scores[t.name] == best]
    if len(winners) > 1:
        return None, "表格同时具有2019版和2021版模板的表头，无法判断模板版本"
    return winners[0], None
