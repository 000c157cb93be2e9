"""Reading table 四 (行政复议、行政诉讼): one row of 15 cells under a two-level header, or 3 rows of 5."""

from __future__ import annotations

from collections.abc import Sequence

from engine.convert import layout
from engine.convert.align import unglue
from engine.convert.cells import BLANK, TEXT, Cell
from engine.convert.fused import split_runs
from engine.convert.labels import split_label
from engine.convert.rowread import _fusable, place_split, read_row
from engine.templates import DISPUTES

_SUMS = tuple((5 * block + 4, tuple(range(5 * block, 5 * block + 4))) for block in range(3))


def read_disputes(printed: Sequence[list[Cell]], result: dict, notes) -> None:
    """Read table 四 from its printed rows into `result`."""
    value_rows = []
    heading = None  # a row name printed alone above its values (### 行政复议, then a one-row table)
    for labels, values in map(_label_and_values, printed):
        if any(cell.kind != BLANK for cell in values):
            if not labels and heading is not None:
                labels = [heading]
            value_rows.append((labels, values))
            heading = None
        elif len(labels) == 1 and _row_named(labels[0]) is not None:
            heading = labels[0]
    by_label = {}
    for labels, values in value_rows:
        row = _row_named(labels[-1]) if labels else None
        if row is not None:
            by_label[row] = (labels[-1], values)
    short = all(sum(cell.kind != BLANK for cell in values) <= 5 for _, values in value_rows)
    if by_label and len(by_label) == len(value_rows) and short:
        # Every value row names its row: read those, and say which rows were not printed.
        for row in DISPUTES.rows:
            pointer = f"/disputes{row.pointer}"
            if row in by_label:
                label, values = by_label[row]
                read_row(row, pointer, label, values, result, notes)
            else:
                notes.add("row_not_found", f"未找到“{row.label}”行", pointer)
        return
    if len(value_rows) == 1:
        _read_one_row(value_rows[0][1], result, notes)
        return
    if not value_rows:
        notes.add("table_empty", "行政复议、行政诉讼表没有数据行", "/disputes")
    else:
        notes.add("cells_count_mismatch", "行政复议、行政诉讼表的数据分散在多行，无法确定对应关系，本表不读取",
                  "/disputes", value_rows[0][1][0].line)


def _row_named(label: Cell):
    """The table-四 row a label names (行政复议, 未经复议直接起诉, 复议后起诉), or None."""
    core = split_label(label.text)[1]
    return next((row for row in DISPUTES.rows if split_label(row.label)[1] == core), None)


def _label_and_values(row: list[Cell]) -> tuple[list[Cell], list[Cell]]:
    """A row's labels and values; a header with the digits glued on (…尚未审结总计000000000000000) too."""
    labels, values = layout.values_after_label(row)
    glued = unglue(labels[-1]) if labels else None
    if glued is not None and all(cell.kind != TEXT for cell in values):
        label, groups = glued
        return labels[:-1] + [labels[-1]._replace(raw=label)], groups + [c for c in values if c.kind != BLANK]
    return labels, values


def _read_one_row(values: list[Cell], result: dict, notes) -> None:
    """The 15 cells of the one data row, split by constraints when their separators were lost."""
    rows = DISPUTES.rows
    if _fusable(values, 15):
        groups = [cell for cell in values if cell.kind != BLANK]
        split = split_runs([cell.text for cell in groups], ["count"] * 15, _SUMS)
        if split is None:
            notes.add("cells_unreadable", f"第{groups[0].line}行行政复议、行政诉讼表的数字连在一起，无法拆分为15个单元格",
                      "/disputes", groups[0].line)
            return
        for number, row in enumerate(rows):
            label = Cell(row.label, TEXT, groups[0].line, 1)
            span = slice(5 * number, 5 * number + 5)
            inferred = {i - 5 * number: how for i, how in split.inferred.items() if span.start <= i < span.stop}
            node = result[row.path[0]]
            place_split(row, f"/disputes{row.pointer}", label, groups, split, split.cells[span], inferred,
                        node, notes)
        return
    chosen, problem = layout.fit(values, 15)
    if chosen is None:
        line = values[0].line if values else None
        notes.add("cells_count_mismatch", f"行政复议、行政诉讼表的数据行{problem}，本表不读取", "/disputes", line)
        return
    for number, row in enumerate(rows):
        label = Cell(row.label, TEXT, chosen[0].line, 1)
        read_row(row, f"/disputes{row.pointer}", label, chosen[5 * number:5 * number + 5], result, notes)
