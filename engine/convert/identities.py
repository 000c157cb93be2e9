"""Settling fused table-三 rows jointly by the table's identities (勾稽关系), when only they decide.

A row whose digits split several ways may have only one split under which the table adds up:
(七)总计 = the sum of the result rows, and 一 + 二 = (七) + 四 in every column. A cell settled that
way is marked `inferred_by: table_identity`, so the rule that checks that identity does not count it
as evidence. If no combination adds up (the report may be wrong), nothing is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

from engine.convert.fused import part_text
from engine.convert.rowread import RowReading, place_split
from engine.templates import APPLICANTS, Row, Table

_MAX_COMBINATIONS = 20_000


def _get(result: dict, path: Sequence[str]):
    node = result
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def _identities(table: Table) -> list[tuple[tuple[str, ...], list[tuple[str, ...]], list[tuple[str, ...]]]]:
    """(column key, left paths, right paths): the sum of the left cells equals that of the right."""
    rows = table.rows
    results = [row.path for row in rows if row.path[0] == "results" and row.path != ("results", "total")]
    pairs = []
    for cell in APPLICANTS:
        key = cell.key
        pairs.append((key, [("new_received",), ("carried_over",)], [("results", "total"), ("carried_forward",)]))
        pairs.append((key, [("results", "total")], results))
    return pairs


def settle(table: Table, readings: Sequence[RowReading], result: dict, notes) -> None:
    """Choose, among the splits fused rows left open, the only ones under which table 三 adds up."""
    open_rows = [reading for reading in readings if reading.split is not None and len(reading.split.options) > 1]
    if not open_rows:
        return
    total = 1
    for reading in open_rows:
        total *= len(reading.split.options)
        if total > _MAX_COMBINATIONS:
            return
    identities = _identities(table)
    fitting = []
    for combination in product(*(reading.split.options for reading in open_rows)):
        values = {reading.row.path: _values(reading, option) for reading, option in zip(open_rows, combination)}
        if all(_holds(identity, values, result) for identity in identities):
            fitting.append(combination)
    if not fitting:
        return
    for position, reading in enumerate(open_rows):
        options = [combination[position] for combination in fitting]
        texts = [cell.text for cell in reading.groups]
        chosen = []
        for index, part in enumerate(options[0]):
            same = all(part_text(texts, option[index]) == part_text(texts, part) for option in options)
            chosen.append(part if same and reading.split.cells[index] is None else None)
        if not any(chosen):
            continue
        node = result
        for key in reading.row.path:
            node = node[key]
        inferred = {index: "table_identity" for index, part in enumerate(chosen) if part is not None}
        _drop_open_note(notes, reading.pointer)
        settled = {index for index, part in enumerate(reading.split.cells) if part is not None}
        place_split(reading.row, reading.pointer, reading.label, reading.groups, reading.split, chosen,
                    inferred, node, notes, settled)


def _values(reading: RowReading, option) -> dict[str, int]:
    texts = [cell.text for cell in reading.groups]
    return {spec.key: int(part_text(texts, part)) for spec, part in zip(reading.row.cells, option)}


def _holds(identity, values: dict, result: dict) -> bool:
    """Whether an identity holds; one with a cell nobody could read cannot say no."""
    key, left, right = identity
    sums = []
    for paths in (left, right):
        total = 0
        for path in paths:
            row = values.get(path)
            value = row[key] if row is not None else _get(result, path + (key,))
            if value is None:
                return True
            total += value
        sums.append(total)
    return sums[0] == sums[1]


def _drop_open_note(notes, pointer: str) -> None:
    notes.notes[:] = [note for note in notes.notes
                      if not (note["code"] == "cells_ambiguous" and note["pointer"] == pointer)]
