"""Cutting the lines of a table region into rows of cells, whatever layout the text was saved in.

Real reports saved as text come in a few layouts (see the seeds):
- tab rows: one table row per line, cells separated by tabs (Word "save as text");
- tab cells: one cell per line, each starting with a tab, a cell's continuation lines without one,
  rows separated by blank lines, a blank cell a lone tab;
- lines: one cell per line, cells separated by blank lines (a web page copied out);
- pipes: markdown tables `| a | b |`;
- spaced: a row per line with cells separated by spaces (text pulled out of a PDF).
Each layout gives rows as lists of cells with their line and column, so the table reader never needs
to know which layout it was.
"""

from __future__ import annotations

import re
from engine.convert.memo import short_string_cache
from collections.abc import Sequence

from engine.convert.cells import BLANK, TEXT, VALUE, Cell, kind_of

_PIPE_RULE = re.compile(r"^\|?\s*:?-{2,}")
_RULE = re.compile(r"^[\s\-=_—|+:]*$")  # ----- rules and table borders left by converters
_ARTIFACT = re.compile(r"\[bookmark:[^\]]*\]")
# A value at the end of a spaced row: a number with its unit, or a dash.
_TAIL_VALUE = re.compile(
    r"(?:(?<=\s)|^)(?:[+-]?\d[\d,]*(?:\.\s?\d+)?\s*(?:万元|元|万|件|条|项|个)?|[-—/])\s*$"
)

# Page furniture a PDF leaves between table rows: — 3 —, - 8 -, 第 2 页 共 5 页, 共5页 第2页.
_FURNITURE = re.compile(
    r"^\s*(?:[-—–－]+\s*\d{1,4}\s*[-—–－]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页)\s*$")

_TAIL_CHARS = frozenset("0123456789０１２３４５６７８９元万件条项个-—/")

Row = list[Cell]


def scrub(line: str) -> str:
    """Remove converter artifacts from a line, keeping every other character's column."""
    if "[" in line:
        line = _ARTIFACT.sub(lambda m: " " * len(m.group()), line)
    return line


def unpipe(line: str) -> str:
    """A line with its trailing pipes and pipe-only padding cut (`规章 | 0 |` keeps its inner pipes).

    One cell per line ending in ` |` becomes that cell; a line of pipes alone becomes blank.
    """
    if "|" not in line:
        return line
    body = line.rstrip(" \t|\u3000")
    if "|" in body or line.lstrip().startswith("|") and body.strip():
        return line  # a row with inner pipes: its blank trailing cells are the reader's business
    return body


def detect(lines: Sequence[str]) -> str:
    """Name the layout of a table region's lines: tabs, tabcells, pipes, lines or spaced."""
    content = [line for line in lines if line.strip()]
    if not content:
        return "lines"
    pipes = sum(1 for line in content if "|" in line.strip().strip("|"))
    if pipes * 2 >= len(content):
        return "pipes"
    inner_tabs = sum(1 for line in content if "\t" in line.strip("\t") or line.count("\t") >= 2)
    leading = sum(1 for line in content if line.startswith("\t") and line.count("\t") == 1)
    if leading * 2 >= len(content) and leading > inner_tabs:
        return "tabcells"
    if inner_tabs * 4 >= len(content):
        return "tabs"
    return "lines"


def rows(lines: Sequence[str], first_line: int) -> tuple[str, list[Row]]:
    """Cut region lines (the first being line `first_line` of the text) into (layout, rows of cells)."""
    lines = ["" if _FURNITURE.match(line) else unpipe(line) for line in lines]
    layout = detect(lines)
    if layout == "tabcells":
        return layout, _tab_cells(lines, first_line)
    if layout == "lines":
        return layout, _lines(lines, first_line)
    result: list[Row] = []
    leading = _leading_pipes(lines)
    for offset, line in enumerate(lines):
        line = scrub(line)
        if not line.strip() or _RULE.match(line):
            continue
        number = first_line + offset
        if layout == "pipes" and "|" in line:
            cells = _pipe_row(line, number, leading)
            if cells is None:
                continue
        elif "\t" in line:
            cells = _split(line, "\t", number)
        else:
            cells = _spaced(line, number)
        result.append(cells)
    return layout, result


def _leading_pipes(lines: Sequence[str]) -> bool:
    """Whether the region's pipe rows open with a pipe (markdown), or only end with one.

    In pipe-terminated rows (`规章 | 0 | 0 | 0 |`) a line ` | 0 |` starts with a blank cell; in
    markdown the text before the first pipe is nothing.
    """
    piped = [line for line in lines if "|" in line]
    return sum(1 for line in piped if line.lstrip().startswith("|")) * 2 > len(piped)


def _pipe_row(line: str, number: int, leading: bool = True) -> Row | None:
    """The cells of a pipe row, without its outer pipes; None for a markdown rule line."""
    if _PIPE_RULE.match(line.strip()):
        return None
    cells = _split(line, "|", number)
    if cells and (not cells[0].raw if not leading else not cells[0].raw.strip()):
        cells = cells[1:]
    if cells and not cells[-1].raw.strip():
        cells = cells[:-1]
    return cells


def _split(line: str, separator: str, number: int) -> Row:
    return [Cell(raw, kind, number, column) for raw, kind, column in _split_tokens(line, separator)]


@short_string_cache(4096)
def _split_tokens(line: str, separator: str) -> tuple[tuple[str, str, int], ...]:
    """(raw, kind, column) of each cell of a line; reports repeat most table lines word for word."""
    tokens, column = [], 1
    for part in line.split(separator):
        tokens.append((part, kind_of(part) if part else BLANK, column))
        column += len(part) + 1
    return tuple(tokens)


def _spaced(line: str, number: int) -> Row:
    return [Cell(raw, kind, number, column) for raw, kind, column in _spaced_tokens(line)]


@short_string_cache(4096)
def _spaced_tokens(line: str) -> tuple[tuple[str, str, int], ...]:
    """Split a line with no tabs into a label and the values printed after it, right to left.

    Each value is looked for only among the last few words before the previous one (a value is at
    most three words: 3601. 21885 万元), so a long row of numbers is read in one pass.
    """
    values: list[tuple[str, str, int]] = []
    end = len(line.rstrip())
    head = line[:end]
    if not head or head[-1] not in _TAIL_CHARS:
        label = head.strip()
        return ((label, TEXT, len(head) - len(head.lstrip()) + 1),) if label else ()
    first = len(line) - len(line.lstrip())  # the head is blank once `end` reaches this
    while True:
        window = _window_start(line, end)
        match = _TAIL_VALUE.search(line, window, end)
        if not match or match.start() == 0 and not values and kind_of(line[:end]) != VALUE:
            break
        raw = match.group().strip()
        start = match.start() + (len(match.group()) - len(match.group().lstrip()))
        values.append((raw, VALUE, start + 1))
        end = match.start()
        if end <= first:
            break
    values.reverse()
    head = line[:end]
    label = head.strip()
    if not label:
        return tuple(values)
    column = len(head) - len(head.lstrip()) + 1
    return ((label, TEXT, column), *values)


_WORDS_PER_VALUE = 4


def _window_start(line: str, end: int) -> int:
    """The start of the last few words before `end`, at the space before them (or 0)."""
    position = end
    for _ in range(_WORDS_PER_VALUE):
        while position > 0 and line[position - 1].isspace():
            position -= 1
        while position > 0 and not line[position - 1].isspace():
            position -= 1
        if position == 0:
            return 0
    return position - 1


def _tab_cells(lines: Sequence[str], first_line: int) -> list[Row]:
    result: list[Row] = []
    row: Row = []
    pending: list[str] | None = None
    start = (0, 0)

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            raw = "".join(pending)
            row.append(Cell(raw, kind_of(raw), *start))
            pending = None

    for offset, line in enumerate(lines):
        number = first_line + offset
        line = scrub(line)
        if not line.strip() and not line.startswith("\t"):
            flush()
            if row:
                result.append(row)
                row = []
            continue
        if line.startswith("\t"):
            flush()
            pending, start = [line[1:]], (number, 2)
        elif pending is not None:
            pending.append(line.strip())
        else:
            pending, start = [line], (number, 1)
    flush()
    if row:
        result.append(row)
    return result


def _lines(lines: Sequence[str], first_line: int) -> list[Row]:
    """One cell per line: every label starts a row, the values after it belong to it."""
    result: list[Row] = []
    for offset, line in enumerate(lines):
        line = scrub(line)
        if not line.strip() or _RULE.match(line):
            continue
        if "|" in line:  # a pipe row among plain lines (PDF text with a few table rows kept)
            cells = _pipe_row(line, first_line + offset)
            if cells:
                result.append(cells)
            continue
        cells = _spaced(line, first_line + offset)
        if cells and cells[0].kind == TEXT or not result:
            result.append(cells)
        else:
            result[-1].extend(cells)
    return result


def values_after_label(row: Row) -> tuple[list[Cell], list[Cell]]:
    """Split a row into its label cells and the value cells after the last label."""
    last = -1
    for index, cell in enumerate(row):
        if cell.kind == TEXT:
            last = index
    labels = [cell for cell in row[: last + 1] if cell.kind == TEXT]
    return labels, row[last + 1:]


def fit(cells: Sequence[Cell], count: int) -> tuple[list[Cell] | None, str | None]:
    """Choose the `count` cells of a row among those printed, or None with the reason.

    Extra cells are accepted only when they are blank and every way of dropping them gives the same
    values (tab padding from merged label cells); otherwise the row is ambiguous and nothing is read.
    """
    if len(cells) == count:
        return list(cells), None
    if len(cells) < count:
        return None, f"印有{len(cells)}个单元格，应有{count}个"
    starts = window_starts(cells, count)
    if not starts:
        return None, f"印有{len(cells)}个单元格，多于应有的{count}个"
    if len(starts) == 1 or _all_blank(cells):
        return list(cells[starts[0]:starts[0] + count]), None
    return None, f"印有{len(cells)}个单元格（含空白），无法确定哪{count}个是本行的数据"


def window_starts(cells: Sequence[Cell], count: int) -> range:
    """Where a window of `count` cells may start so that every cell outside it is blank.

    One pass over the row: the window must cover the first and the last printed cell. Two such
    windows never print the same values unless the row is all blank (the printed span shifts).
    """
    first = last = None
    for index, cell in enumerate(cells):
        if cell.kind != BLANK:
            if first is None:
                first = index
            last = index
    if first is None:
        return range(0, len(cells) - count + 1)
    return range(max(0, last - count + 1), min(first, len(cells) - count) + 1)


def _all_blank(cells: Sequence[Cell]) -> bool:
    return all(cell.kind == BLANK for cell in cells)
