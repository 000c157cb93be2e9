"""Conversion is linear in the size of its input: counted work, never timed (issue 10, defect 6)."""

from __future__ import annotations

import re

from engine.convert import layout
from engine.convert.cells import BLANK, VALUE, Cell


class CountingRow(list):
    """A row of cells that counts how many cells are looked at."""

    looked = 0

    def __iter__(self):
        for cell in super().__iter__():
            CountingRow.looked += 1
            yield cell

    def __getitem__(self, index):
        item = super().__getitem__(index)
        CountingRow.looked += len(item) if isinstance(index, slice) else 1
        return item


def test_fit_looks_at_each_cell_a_bounded_number_of_times() -> None:
    blanks = 10_000
    row = CountingRow([Cell("", BLANK, 1, i) for i in range(blanks)] +
                      [Cell(str(i), VALUE, 1, blanks + i) for i in range(3)])
    CountingRow.looked = 0
    chosen, problem = layout.fit(row, 3)
    assert problem is None and [cell.raw for cell in chosen] == ["0", "1", "2"]
    assert CountingRow.looked <= 2 * len(row) + 10
    assert len(layout.window_starts(row, 3)) == 1  # one candidate window, not 10,001


def test_a_blank_row_padded_with_tabs_has_one_answer_in_one_pass() -> None:
    row = CountingRow([Cell("", BLANK, 1, i) for i in range(10_000)])
    CountingRow.looked = 0
    chosen, problem = layout.fit(row, 7)
    assert problem is None and len(chosen) == 7
    assert CountingRow.looked <= 2 * len(row) + 10


class CountingPattern:
    """Wraps a compiled regex and adds up how many characters its searches are given."""

    def __init__(self, pattern: re.Pattern):
        self.pattern, self.scanned, self.calls = pattern, 0, 0

    def search(self, string, pos=0, endpos=None):
        endpos = len(string) if endpos is None else endpos
        self.scanned += endpos - pos
        self.calls += 1
        return self.pattern.search(string, pos, endpos)


def test_a_long_line_of_spaced_numbers_is_read_in_one_pass(monkeypatch) -> None:
    line = "规章 " + " ".join(["12"] * 12_000)  # 35 KB
    counting = CountingPattern(layout._TAIL_VALUE)
    monkeypatch.setattr(layout, "_TAIL_VALUE", counting)
    tokens = layout._spaced_tokens(line)
    assert tokens[0][0] == "规章" and len(tokens) == 12_001
    assert counting.calls <= 12_002
    assert counting.scanned <= 6 * len(line)  # each value searched for among its last few words only


def test_values_spanning_words_are_still_one_value() -> None:
    tokens = layout._spaced_tokens("政府集中采购 21 3601. 21885 万元")
    assert [raw for raw, _, _ in tokens] == ["政府集中采购", "21", "3601. 21885 万元"]
    tokens = layout._spaced_tokens("  5 0 0")
    assert [(raw, column) for raw, _, column in tokens] == [("5", 3), ("0", 5), ("0", 7)]
