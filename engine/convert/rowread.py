"""Reading one template row from the printed cells aligned with it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.convert import layout
from engine.convert.align import FUSED
from engine.convert.cells import BLANK, TEXT, VALUE, Cell, read_value
from engine.convert.fused import MAX_OPTIONS, Split, part_text, split_runs
from engine.templates import Row

_RUN = re.compile(r"^[+\-]?[\d.,]+(?:万元|元|万)?$")


@dataclass
class RowReading:
    """What a row's digits left open: the splits still possible (for the table identities)."""

    row: Row
    pointer: str
    label: Cell
    groups: list[Cell] = field(default_factory=list)
    split: Split | None = None


def totals_of(row: Row) -> tuple[tuple[int, tuple[int, ...]], ...]:
    """The row's own sums: a last cell keyed `total` is the sum of the cells before it."""
    keys = [cell.key for cell in row.cells]
    if keys and keys[-1] == "total":
        return ((len(keys) - 1, tuple(range(len(keys) - 1))),)
    return ()


def read_row(row: Row, pointer: str, label: Cell, cells: list[Cell], result: dict, notes,
             by_grid: list[Cell] | None = None, totals=None) -> RowReading | None:
    """Read a row's printed cells into the document; a RowReading when fused digits left choices."""
    node = result
    for key in row.path:
        node = node[key]
    if _fusable(cells, len(row.cells)):
        return _read_fused(row, pointer, label, cells, node, notes, totals_of(row) if totals is None else totals)
    stray = next((cell for cell in cells if cell.kind == TEXT), None)
    if stray is not None:
        notes.add("cell_unreadable", f"第{stray.line}行“{label.text}”的单元格“{stray.text}”不是数字，本行不读取",
                  pointer, stray.line)
        return None
    chosen, problem = layout.fit(cells, len(row.cells))
    if chosen is None and by_grid is not None:
        chosen = by_grid  # the header's column positions settle what the count could not
    if chosen is None:
        notes.add("cells_count_mismatch", f"第{label.line}行“{label.text}”{problem}，本行不读取", pointer, label.line)
        return None
    for spec, cell in zip(row.cells, chosen):
        if cell.kind != BLANK:
            store(node, spec, pointer, label, cell, notes)
    return None


def store(node: dict, spec, pointer: str, label: Cell, cell: Cell, notes, inferred: str | None = None) -> None:
    """Read one printed cell into its document key, with provenance (and what inferred it)."""
    cell_pointer = f"{pointer}/{spec.key}"
    reading = read_value(cell.raw, spec.kind)
    notes.provenance[cell_pointer] = {"line": cell.line, "column": cell.column, "raw": cell.raw}
    if inferred:
        notes.provenance[cell_pointer]["inferred_by"] = inferred
    if reading.problem:
        notes.add("cell_unreadable", f"第{cell.line}行“{label.text}”的“{spec.title}”：{reading.problem}",
                  cell_pointer, cell.line)
        return
    if reading.converted:
        notes.add("unit_converted", reading.converted, cell_pointer, cell.line)
    node[spec.key] = reading.value


def _fusable(cells: Sequence[Cell], count: int) -> bool:
    """Digit runs that hold more cells than they are printed as (separators lost)."""
    if any(cell.kind == FUSED for cell in cells):
        return True
    # Blank cells mean the separators were printed: such a row is not fused, only short.
    return 0 < len(cells) < count and all(cell.kind == VALUE and _RUN.match(cell.text) for cell in cells) \
        and any(len(cell.text.lstrip("+-")) > 1 for cell in cells)


def _read_fused(row: Row, pointer: str, label: Cell, cells: list[Cell], node: dict, notes,
                totals) -> RowReading | None:
    groups = [cell for cell in cells if cell.kind != BLANK]
    texts = [cell.text for cell in groups]
    printed = " ".join(texts)
    split = split_runs(texts, [spec.kind for spec in row.cells], totals)
    if split is None:
        notes.add("cells_unreadable",
                  f"第{label.line}行“{label.text}”的数字连在一起（{printed}），无法拆分为{len(row.cells)}个单元格",
                  pointer, label.line)
        return None
    place_split(row, pointer, label, groups, split, split.cells, split.inferred, node, notes)
    return RowReading(row, pointer, label, groups, split) if None in split.cells else None


def place_split(row: Row, pointer: str, label: Cell, groups: list[Cell], split: Split, parts, inferred,
                node: dict, notes, settled: frozenset[int] | set[int] = frozenset()) -> None:
    """Store the cells a split settles (but those `settled` before); note the ones it leaves open."""
    texts = [cell.text for cell in groups]
    for index, (spec, part) in enumerate(zip(row.cells, parts)):
        if part is None or index in settled:
            continue
        group = groups[part[0]]
        offset = len(group.raw) - len(group.raw.lstrip())
        cell = Cell(part_text(texts, part), VALUE, group.line, group.column + offset + part[1])
        store(node, spec, pointer, label, cell, notes, inferred.get(index))
    open_titles = [spec.title for index, (spec, part) in enumerate(zip(row.cells, parts))
                   if part is None and index not in settled]
    if open_titles:
        ways = f"多于{MAX_OPTIONS}" if split.ways > MAX_OPTIONS else str(split.ways)
        notes.add("cells_ambiguous",
                  f"第{label.line}行“{label.text}”的数字连在一起（{' '.join(texts)}），有{ways}种拆法，"
                  f"“{'”“'.join(open_titles)}”无法唯一确定，不读取",
                  pointer, label.line)
