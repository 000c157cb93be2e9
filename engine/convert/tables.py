"""Reading the three tables: align printed rows with the template's rows, then read their cells."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.convert import layout
from engine.convert.cells import BLANK, TEXT, Cell, read_value, split_fused
from engine.convert.grid import GRID_LAYOUTS, ColumnGrid
from engine.convert.labels import LabelIndex, label_index, split_label
from engine.templates import DISPUTES, Row, Table, Template

_LONGEST_LABEL = 90  # the longest template label, numbered and spaced out, is shorter
_LABEL_START = re.compile(r"(?<=\s)\S|[(（]|(?<![\d.])\d+[.、．]")
_FUSED = re.compile(r"^(?P<label>.*?[^\d\s.,+-])\s*(?P<digits>\d{2,})$")


@dataclass
class Notes:
    """What the converter noticed, and where each value came from."""

    notes: list[dict] = field(default_factory=list)
    provenance: dict[str, dict] = field(default_factory=dict)
    damaged: frozenset[int] = frozenset()  # lines with undecodable bytes: no value is read from them

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


def read_table(table: Table, lines: Sequence[str], first_line: int, notes: Notes) -> dict:
    """Read a template table from its region of the text into a document object."""
    result = empty_table(table)
    shape, printed = layout.rows(lines, first_line)
    if table is DISPUTES:
        _read_disputes(printed, result, notes)
        return result
    index = label_index(table)
    found: dict[int, tuple[Cell, list[Cell], list[Cell] | None]] = {}
    grid = ColumnGrid(table) if shape in GRID_LAYOUTS else None
    position = 0
    waiting: tuple[int, Cell] | None = None  # a row whose label line printed no values
    pending: Cell | None = None  # the last label that matched nothing
    for printed_row in printed:
        if grid is not None:
            grid.observe(printed_row)
        matched: tuple[int, Cell] | None = None
        values: list[Cell] = []
        by_grid: list[Cell] | None = None
        for place, cell in enumerate(printed_row):
            if cell.kind != TEXT or len(cell.raw) > _LONGEST_LABEL:
                continue  # values, and prose: no label is that long
            match = index.match(cell.text, position)
            if match is None and pending is not None:
                # A label broken over two lines, both parts needed to recognise it.
                match = index.match(pending.text + cell.text, position)
            if match is None or not isinstance(match.item, Row):
                # Group and row labels printed in one cell (三、本年度办理结果 （一）予以公开).
                match = _tail_match(index, cell.text, position) or match
            fused = None
            if match is None:
                match, fused = _fused(index, cell, position)
            if match is None:
                continue
            position = match.index + 1
            if isinstance(match.item, Row):
                matched = (match.index, cell)
                values = fused if fused is not None else _cells_after(printed_row, place)
                by_grid = grid.place(match.item, printed_row, place) if grid and fused is None else None
                if not match.exact:
                    notes.add("label_differs",
                              f"第{cell.line}行的行名“{cell.text}”与模板“{match.item.label}”不完全一致，按该行读取",
                              f"/{table.key}{match.item.pointer}", cell.line)
        labels = [cell for cell in printed_row if cell.kind == TEXT]
        if matched is not None:
            found[matched[0]] = (matched[1], values, by_grid)
            waiting = matched if not values else None
            pending = None
        elif waiting is not None and any(cell.kind != BLANK for cell in printed_row) and \
                all(cell.kind != TEXT or not _has_digit(cell) for cell in printed_row):
            # The values of a row printed on the line after its label (or after the label's tail).
            found[waiting[0]] = (waiting[1], _cells_after(printed_row, -1), None)
            waiting = pending = None
        elif labels:
            pending = labels[-1]
    if grid is not None and any(entry[2] is not None for entry in found.values()) and \
            not _grid_agrees(table, found):
        found = {key: (label, cells, None) for key, (label, cells, _) in found.items()}
    for item_index, item in enumerate(table.items):
        if not isinstance(item, Row):
            continue
        pointer = f"/{table.key}{item.pointer}"
        if item_index not in found:
            notes.add("row_not_found", f"未找到“{item.label}”行", pointer)
            continue
        label, cells, by_grid = found[item_index]
        notes.provenance[pointer] = _where(label)  # a row's own line, even when every cell is blank
        _read_row(item, pointer, label, cells, result, notes, by_grid)
    return result


def _grid_agrees(table: Table, found: dict) -> bool:
    """Trust the header's positions only if every row the count settles stands where they say."""
    for item_index, (_label, cells, by_grid) in found.items():
        chosen, _ = layout.fit(cells, len(table.items[item_index].cells))
        if chosen is not None and (by_grid is None or _printed(chosen) != _printed(by_grid)):
            return False
    return True


def _printed(cells: Sequence[Cell]) -> tuple[str, ...]:
    """What a row's cells print, blanks as "": a wholly blank row fits any blank window alike."""
    return tuple("" if cell.kind == BLANK else cell.raw.strip() for cell in cells)


def _where(label: Cell) -> dict:
    """The provenance of a row: where its printed label stands."""
    return {"line": label.line, "column": label.column, "raw": label.raw}


def _has_digit(cell: Cell) -> bool:
    return any(ch.isdigit() for ch in cell.text)


def _cells_after(row: list[Cell], place: int) -> list[Cell]:
    """The cells after a row's label: label continuations (text without digits) skipped."""
    rest = row[place + 1:]
    while rest and rest[0].kind == TEXT and not _has_digit(rest[0]):
        rest = rest[1:]
    return rest


def _tail_match(index: LabelIndex, text: str, position: int):
    """Match the row label at the end of a cell that also holds its group labels."""
    return index.remember(("tail", text, position), lambda: _find_tail(index, text, position))


def _find_tail(index: LabelIndex, text: str, position: int):
    for split in _LABEL_START.finditer(text):
        if split.start() == 0:
            continue
        match = index.match(text[split.start():], position)
        if match is not None and isinstance(match.item, Row):
            return match
    return None


def _fused(index: LabelIndex, cell: Cell, position: int):
    """A label with its digits glued on (规章000): match the label, split the digits if only one way."""
    match = _FUSED.match(cell.text)
    if not match:
        return None, []
    found = index.match(match["label"], position)
    if found is None or not isinstance(found.item, Row):
        return None, []
    parts = split_fused(match["digits"], len(found.item.cells))
    if parts is None:
        return found, [Cell(match["digits"], "fused", cell.line, cell.column)]
    column = cell.column + len(cell.raw) - len(match["digits"])
    return found, [Cell(part, "value", cell.line, column) for part in parts]


def _read_row(row: Row, pointer: str, label: Cell, cells: list[Cell], result: dict, notes: Notes,
              by_grid: list[Cell] | None = None) -> None:
    node = result
    for key in row.path:
        node = node[key]
    hurt = sorted({label.line, *(cell.line for cell in cells)} & notes.damaged)
    if hurt:
        notes.add("cells_unreadable", f"第{hurt[0]}行有无法解码的字节，“{label.text}”一行不读取", pointer, hurt[0])
        return
    if any(cell.kind == "fused" for cell in cells):
        notes.add("cells_unreadable",
                  f"第{label.line}行“{label.text}”的数字连在一起（{cells[0].raw}），无法唯一拆分为{len(row.cells)}个单元格",
                  pointer, label.line)
        return
    stray = next((cell for cell in cells if cell.kind == TEXT), None)
    if stray is not None:
        notes.add("cell_unreadable", f"第{stray.line}行“{label.text}”的单元格“{stray.text}”不是数字，本行不读取",
                  pointer, stray.line)
        return
    chosen, problem = layout.fit(cells, len(row.cells))
    if chosen is None and by_grid is not None:
        chosen = by_grid  # the header's column positions settle what the count could not
    if chosen is None:
        notes.add("cells_count_mismatch", f"第{label.line}行“{label.text}”{problem}，本行不读取", pointer, label.line)
        return
    for spec, cell in zip(row.cells, chosen):
        cell_pointer = f"{pointer}/{spec.key}"
        if cell.kind == BLANK:
            continue
        reading = read_value(cell.raw, spec.kind)
        notes.provenance[cell_pointer] = {"line": cell.line, "column": cell.column, "raw": cell.raw}
        if reading.problem:
            notes.add("cell_unreadable", f"第{cell.line}行“{label.text}”的“{spec.title}”：{reading.problem}",
                      cell_pointer, cell.line)
            continue
        if reading.converted:
            notes.add("unit_converted", reading.converted, cell_pointer, cell.line)
        node[spec.key] = reading.value


def _read_disputes(printed: list[list[Cell]], result: dict, notes: Notes) -> None:
    """Table 四 prints one row of 15 cells under a two-level header; some reports print 3 rows of 5."""
    value_rows = [(labels, values) for labels, values in map(layout.values_after_label, printed)
                  if any(cell.kind != BLANK for cell in values)]
    rows = DISPUTES.rows
    if len(value_rows) == 1:
        labels, values = value_rows[0]
        chosen, problem = layout.fit(values, 15)
        if chosen is None:
            line = values[0].line if values else None
            notes.add("cells_count_mismatch", f"行政复议、行政诉讼表的数据行{problem}，本表不读取", "/disputes", line)
            return
        for number, row in enumerate(rows):
            label = Cell(row.label, TEXT, chosen[0].line, 1)
            _read_row(row, f"/disputes{row.pointer}", label, chosen[5 * number:5 * number + 5], result, notes)
        return
    by_label = {}
    for labels, values in value_rows:
        for row in rows:
            if labels and split_label(labels[-1].text)[1] == split_label(row.label)[1]:
                by_label[row] = (labels[-1], values)
    if len(by_label) == 3:
        for row, (label, values) in by_label.items():
            notes.provenance[f"/disputes{row.pointer}"] = _where(label)
            _read_row(row, f"/disputes{row.pointer}", label, values, result, notes)
        return
    if not value_rows:
        notes.add("table_empty", "行政复议、行政诉讼表没有数据行", "/disputes")
    else:
        notes.add("cells_count_mismatch", "行政复议、行政诉讼表的数据分散在多行，无法确定对应关系，本表不读取",
                  "/disputes", value_rows[0][1][0].line)


def decide_template(lines: Sequence[str], templates: Sequence[Template]) -> tuple[Template | None, str | None]:
    """Decide the template from the header words only one template prints; None with a reason if unsure."""
    text = "".join(lines)
    if "\u3000" in text or "／" in text or " " in text:  # spaced-out or full-width headers
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    scores = {t.name: sum(1 for word in t.proactive.headers + t.applications.headers if word in text)
              for t in templates}
    best = max(scores.values())
    if best == 0:
        return None, "表格中没有只属于某一版模板的表头或行名，无法判断模板版本"
    winners = [t for t in templates if scores[t.name] == best]
    if len(winners) > 1:
        return None, "表格同时具有2019版和2021版模板的表头，无法判断模板版本"
    return winners[0], None
