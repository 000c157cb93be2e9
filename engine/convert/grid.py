"""Column positions read from a table's header rows, for data rows whose padding leaves doubt.

In a table saved as tab-separated rows with its grid intact, a data row's cells stand under the
header cells that name them. When a row's count of cells alone cannot say which cells are its values
(blank cells next to tab padding), the header's positions can — provided the row's label stands left
of every named column and every other cell after the label is blank.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.convert.cells import BLANK, TEXT, VALUE, Cell
from engine.convert.labels import split_label
from engine.templates import APPLICANT_ALIASES, Row, Table

GRID_LAYOUTS = ("tabs", "pipes")


_KEYS: dict[int, tuple[Table, dict[str, str]]] = {}


def _column_keys(table: Table) -> dict[str, str]:
    """Column title (as split_label reads it) → cell key, for every column the table prints."""
    known = _KEYS.get(id(table))  # templates are module constants; hashing one walks every row
    if known is not None and known[0] is table:
        return known[1]
    keys: dict[str, str] = {}
    for row in table.rows:
        for cell in row.cells:
            keys.setdefault(split_label(cell.title)[1], cell.key)
            for alias in APPLICANT_ALIASES.get(cell.key, ()):
                keys.setdefault(split_label(alias)[1], cell.key)
    _KEYS[id(table)] = (table, keys)
    return keys


def column_titles(table: Table) -> frozenset[str]:
    """The cores of every column title the table prints (自然人 … 总计), for telling header rows."""
    return frozenset(_column_keys(table))


class ColumnGrid:
    """The column index of each cell key, as the latest header rows print them."""

    def __init__(self, table: Table):
        self.keys = _column_keys(table)
        self.columns: dict[str, int] = {}
        self._in_header = False

    def observe(self, printed: Sequence[Cell]) -> None:
        """Learn column positions from a header row; a data row ends the current header."""
        named = {}
        for place, cell in enumerate(printed):
            if cell.kind == VALUE:
                self._in_header = False
                return
            if cell.kind == TEXT:
                enum, core = split_label(cell.text)
                if enum:
                    return  # a numbered row label (（七）总计, 3.其他), not a column header
                key = self.keys.get(core)
                if key is not None:
                    named[key] = place
        if not named:
            return
        if not self._in_header:
            self.columns = {}
            self._in_header = True
        self.columns.update(named)

    def place(self, row: Row, printed: Sequence[Cell], label_place: int) -> list[Cell] | None:
        """The row's cells at the header's positions, or None when the header does not settle it."""
        positions = [self.columns.get(cell.key) for cell in row.cells]
        if None in positions or positions != sorted(set(positions)):
            return None
        if positions[0] <= label_place or positions[-1] >= len(printed):
            return None
        chosen = set(positions)
        if any(printed[i].kind != BLANK for i in range(label_place + 1, len(printed)) if i not in chosen):
            return None
        if any(printed[i].kind == TEXT for i in positions):
            return None
        return [printed[i] for i in positions]
