"""Aligning printed rows with a template table's rows: which printed cells are whose values.

Values attach only to their own label: the label in the same printed row, a label printed on the
line before its values, or — for a row of values printed with no label at all — the one template row
still open between the rows printed around it. A header row (column titles) is never a data row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.convert.cells import BLANK, TEXT, Cell
from engine.convert.grid import ColumnGrid, column_titles
from engine.convert.labels import LabelIndex, Match, label_index, split_label
from engine.templates import BY_NAME, Row, Table

_LONGEST_LABEL = 90  # the longest template label, numbered and spaced out, is shorter
_LABEL_START = re.compile(r"(?<=\s)\S|[(（]|(?<![\d.])\d+[.、．]")
# A label with its digits glued on (规章000, 行政许可20+1737, 政府集中采购156805947.43元, 一、… 00 00000).
_FUSED = re.compile(r"^(?P<label>.*?[^\d\s.,+\-])(?P<tail>\s*[+\-]?\d[\d\s.,+\-]*(?:万元|元|万)?)$")
FUSED = "fused"
# Generic column headers some reports print instead of the template's titles.
_PLACEHOLDER = re.compile(r"^(?:类别|项目|数据\d*|信息内容|申请人情况|内容|栏目|列\d+)$")


@dataclass
class Found:
    """A template row's printed label and the printed cells that are its values."""

    label: Cell
    values: list[Cell]
    by_grid: list[Cell] | None = None
    inferred_label: bool = False  # values printed with no label, placed between their neighbours


@dataclass
class Alignment:
    """The rows found (template item index → Found) and label notes to add."""

    found: dict[int, Found] = field(default_factory=dict)
    orphans: list[tuple[int, list[Cell]]] = field(default_factory=list)  # (printed index, values)
    order: dict[int, int] = field(default_factory=dict)  # template index → printed index


def has_digit(cell: Cell) -> bool:
    return any(ch.isdigit() for ch in cell.text)


def cells_after(row: Sequence[Cell], place: int) -> list[Cell]:
    """The cells after a row's label: label continuations (text without digits) skipped."""
    rest = list(row[place + 1:])
    while rest and rest[0].kind == TEXT and not has_digit(rest[0]):
        rest = rest[1:]
    return rest


class Aligner:
    """Walks the printed rows once, claiming template rows for the labels it recognises."""

    def __init__(self, table: Table, grid: ColumnGrid | None, notes):
        self.table = table
        self.index: LabelIndex = label_index(table)
        self.titles = column_titles(table)
        # Column titles only the other template prints (本年新制作数量 in a 2021 report): a block
        # headed by them holds cells this template has no keys for.
        self.foreign = frozenset().union(*(column_titles(getattr(other, table.key)) for other in BY_NAME.values()
                                           if getattr(other, table.key) is not table)) - self.titles
        self.block_foreign: Cell | None = None  # the header of the current block, when foreign
        self.grid = grid
        self.notes = notes
        self.position = 0  # the template item after the last one claimed in order
        self.waiting: tuple[int, Cell] | None = None  # a row whose label line printed no values
        self.pending: Cell | None = None  # the last label that matched nothing
        self.result = Alignment()

    def run(self, printed: Sequence[list[Cell]]) -> Alignment:
        for number, row in enumerate(printed):
            if self.grid is not None:
                self.grid.observe(row)
            if self._is_header(row):
                self.waiting = None
                continue
            if any("第二十条" in cell.raw for cell in row if cell.kind == TEXT):
                self.block_foreign = None  # a new 第二十条 block: its own header decides
            claimed = self._claim_row(row)
            if claimed is not None and self.block_foreign is not None:
                item, label = claimed[0], claimed[1]
                header = self.block_foreign
                self.notes.add("block_other_template",
                               f"第{label.line}行“{label.text}”所在的表格块（第{header.line}行表头）使用另一版模板的列，"
                               f"与本报告模板的单元格不对应，不读取", f"/{self.table.key}{self.table.items[item].pointer}",
                               label.line)
                self.waiting = self.pending = None
                continue
            if claimed is not None:
                item, label, values, by_grid = claimed
                self._record(item, Found(label, values, by_grid), number)
                self.waiting = (item, label) if not values else None
                self.pending = None
            elif self._values_only(row):
                values = cells_after(row, -1)
                if self.waiting is not None:
                    # The values of a row printed on the line after its label (or its label's tail).
                    self._record(self.waiting[0], Found(self.waiting[1], values), number)
                else:
                    self.result.orphans.append((number, values))
                self.waiting = self.pending = None
            else:
                labels = [cell for cell in row if cell.kind == TEXT]
                if labels:
                    self.pending = labels[-1]
        return self.result

    def _record(self, item: int, found: Found, number: int) -> None:
        self.result.found[item] = found
        self.result.order[item] = number

    def _is_header(self, row: Sequence[Cell]) -> bool:
        """A row of column titles or placeholders (two or more, unnumbered, no value) is a header; it also
        notes whether the block it heads prints the other template's columns."""
        texts = [cell for cell in row if cell.kind == TEXT]
        if len(texts) < 2 or any(cell.kind not in (TEXT, BLANK) for cell in row):
            return False
        titled = foreign = own = 0
        for cell in texts:
            enum, core = split_label(cell.text)
            if enum:
                return False
            own += core in self.titles
            foreign += core in self.foreign
            titled += core in self.titles or core in self.foreign or _PLACEHOLDER.match(core) is not None
        if titled < 2:
            return False
        self.block_foreign = texts[0] if foreign and not own else None
        return True

    @staticmethod
    def _values_only(row: Sequence[Cell]) -> bool:
        return any(cell.kind != TEXT and cell.kind != BLANK for cell in row) and \
            all(cell.kind != TEXT or not has_digit(cell) for cell in row)

    def _claim_row(self, row: Sequence[Cell]):
        """(template index, label cell, value cells, cells placed by the header grid) or None."""
        claimed = None
        for place, cell in enumerate(row):
            if cell.kind != TEXT or len(cell.raw) > _LONGEST_LABEL:
                continue  # values, and prose: no label is that long
            match, fused = self._match(cell)
            if match is None:
                continue
            if match.index >= self.position:
                self.position = match.index + 1
            if not isinstance(match.item, Row):
                continue
            if fused is not None:
                # The digits glued to the label, and any printed after a space (…制作005 0027).
                (label, values), by_grid = fused, None
                values = values + cells_after(row, place)
                cell = cell._replace(raw=label)
            else:
                values = cells_after(row, place)
                by_grid = self.grid.place(match.item, row, place) if self.grid else None
            if not match.exact:
                self.notes.add("label_differs",
                               f"第{cell.line}行的行名“{cell.text}”与模板“{match.item.label}”不完全一致，按该行读取",
                               f"/{self.table.key}{match.item.pointer}", cell.line)
            claimed = (match.index, cell, values, by_grid)
        return claimed

    def _match(self, cell: Cell) -> tuple[Match | None, tuple[str, list[Cell]] | None]:
        index, position = self.index, self.position
        match = index.match(cell.text, position)
        if match is None and self.pending is not None:
            # A label broken over two lines, both parts needed to recognise it.
            match = index.match(self.pending.text + cell.text, position)
        if match is None or not isinstance(match.item, Row):
            # Group and row labels printed in one cell (三、本年度办理结果 （一）予以公开).
            match = _tail_match(index, cell.text, position) or match
        if match is None:
            match = _unclaimed(index.claim(cell.text, self.result.found), self.result.found)
        if match is None:
            return _fused(index, cell, position, self.result.found)
        return match, None


def _unclaimed(match: Match | None, found) -> Match | None:
    """The match, unless its row was read already (a heading naming it with no values does not count)."""
    if match is None or match.index in found and found[match.index].values:
        return None
    return match


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


def unglue(cell: Cell) -> tuple[str, list[Cell]] | None:
    """A text cell ending in digits (规章000, 行政许可20+1737): its label and its digit groups."""
    fused = _FUSED.match(cell.raw.rstrip())
    if not fused:
        return None
    column = cell.column + fused.start("tail")
    groups = [Cell(part.group(), FUSED, cell.line, column + part.start())
              for part in re.finditer(r"\S+", fused["tail"])]
    return fused["label"], groups


def _fused(index: LabelIndex, cell: Cell, position: int, found) -> tuple[Match | None, tuple[str, list[Cell]] | None]:
    """A label with its digits glued on: match the label; its digit groups are split later."""
    glued = unglue(cell)
    if glued is None:
        return None, None
    label, groups = glued
    match = index.match(label, position) or _unclaimed(index.claim(label, found), found)
    if match is None or not isinstance(match.item, Row):
        return None, None
    return match, (label, groups)


def place_orphans(table: Table, alignment: Alignment, notes) -> None:
    """Give a row of values printed without a label the one template row open around it, if only one."""
    if not alignment.orphans:
        return
    rows = [i for i, item in enumerate(table.items) if isinstance(item, Row)]
    for number, values in alignment.orphans:
        before = [i for i, at in alignment.order.items() if at < number]
        after = [i for i, at in alignment.order.items() if at > number]
        low = max(before, default=-1)
        high = min(after, default=len(table.items))
        open_rows = [i for i in rows if low < i < high and i not in alignment.found]
        line = values[0].line if values else None
        if len(open_rows) == 1:
            item = table.items[open_rows[0]]
            label = Cell(item.label, TEXT, line, values[0].column if values else 1)
            alignment.found[open_rows[0]] = Found(label, values, None, inferred_label=True)
            alignment.order[open_rows[0]] = number
            notes.add("row_label_inferred",
                      f"第{line}行的数值没有行名，是“{item.label}”前后两行之间唯一未读出的行，按该行读取",
                      f"/{table.key}{item.pointer}", line)
        else:
            notes.add("values_unlabelled",
                      f"第{line}行的数值没有行名，前后两行之间有{len(open_rows)}个未读出的行，无法确定属于哪一行，不读取",
                      f"/{table.key}", line)
