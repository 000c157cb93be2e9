"""Splitting digit runs whose cell separators were lost, by constraints and never by guess.

A row printed `20+1737` or `00 00000` holds several cells with some or all boundaries lost. The
printed characters allow a set of splits; a cell is read only when every split that survives the
constraints gives it the same value. The constraints, in order:
1. form: spaces are hard boundaries, a sign starts a number (and only a signed column takes one), a
   decimal stays whole (only an amount takes one, with its unit), no number has a leading zero;
2. the row's own totals (applicant 总计 = the six columns; table 四 总计 = its four): used only to
   choose among several splits, never to reject the only one (the report may really be wrong);
3. the table-三 identities, solved jointly across rows by the table reader (see tables.py).
A value settled only by a sum says so (`inferred_by`), so the rule checking that sum does not take
it as evidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

MAX_OPTIONS = 20_000  # more splits than this and no constraint is worth solving: nothing is read
_LONGEST = 120  # a run longer than this is not a row of table cells
_UNIT = re.compile(r"(万元|元|万)$")
_COUNT = re.compile(r"^(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)$")
_AMOUNT = re.compile(r"^(?:0|[1-9]\d*)(?:\.\d+)?$")
_GROUP = re.compile(r"^[\d+\-.,]+$")

Part = tuple[int, int, int]  # (group, start, end) of a cell's characters


@dataclass(frozen=True)
class Split:
    """What the digits settle: each cell's (group, start, end) or None, and what decided it."""

    cells: tuple[Part | None, ...]
    ways: int  # splits the form allows (MAX_OPTIONS + 1 when too many to count further)
    options: tuple[tuple[Part, ...], ...] = ()  # the splits still possible after the row's totals
    inferred: dict[int, str] = field(default_factory=dict)  # cell index → "row_total"


def _cut_allowed(text: str) -> tuple[bool, ...]:
    """Whether a cell boundary may fall before each character of a group (index 0 always may)."""
    allowed = [True] * (len(text) + 1)
    for index, ch in enumerate(text):
        if ch == ".":
            allowed[index] = False  # never between a number and its decimal point
            end = index + 1
            while end < len(text) and text[end].isdigit():
                allowed[end] = False  # nor inside its fraction
                end += 1
            if end == index + 1:
                allowed[end] = False
        elif ch == ",":
            allowed[index] = allowed[index + 1] = False
        elif ch in "+-":
            allowed[index + 1] = False  # a sign is followed by its number
    return tuple(allowed)


def _valid(part: str, kind: str, unit: str) -> bool:
    sign = part[:1] in ("+", "-")
    if sign and kind != "signed":
        return False
    body = part[1:] if sign else part
    if kind == "amount":
        return _AMOUNT.match(body) is not None
    return not unit and _COUNT.match(body) is not None


def split_runs(groups: Sequence[str], kinds: Sequence[str],
               totals: Sequence[tuple[int, Sequence[int]]] = ()) -> Split | None:
    """Split the printed groups (space-separated runs) into len(kinds) cells; None if they cannot be."""
    return _split(tuple(groups), tuple(kinds), tuple((total, tuple(parts)) for total, parts in totals))


@lru_cache(maxsize=4096)
def _split(groups: tuple[str, ...], kinds: tuple[str, ...],
           totals: tuple[tuple[int, tuple[int, ...]], ...]) -> Split | None:
    if not groups or sum(map(len, groups)) > _LONGEST:
        return None
    bodies, units = [], []
    for group in groups:
        unit = _UNIT.search(group)
        body = group[:unit.start()] if unit else group
        if not body or not _GROUP.match(body):
            return None
        bodies.append(body)
        units.append(unit.group() if unit else "")
    allowed = [_cut_allowed(body) for body in bodies]
    for body, cuts in zip(bodies, allowed):
        for index, ch in enumerate(body):
            if ch in "+-" and index and not cuts[index]:
                return None  # a sign glued after a decimal: no split can read it
    cells = len(kinds)

    @lru_cache(maxsize=None)
    def ways(cell: int, group: int, start: int) -> int:
        if cell == cells:
            return 1 if group == len(bodies) else 0
        if group == len(bodies):
            return 0
        body, total = bodies[group], 0
        for end in range(start + 1, len(body) + 1):
            if body[end - 1] in "+-" and end - 1 > start:
                break  # a sign inside the part: it starts the next number instead
            if end < len(body) and not allowed[group][end]:
                continue
            if not _valid(body[start:end], kinds[cell], units[group] if end == len(body) else ""):
                continue
            nxt = (cell + 1, group + 1, 0) if end == len(body) else (cell + 1, group, end)
            total += ways(*nxt)
            if total > MAX_OPTIONS:
                return MAX_OPTIONS + 1
        return total

    count = ways(0, 0, 0)
    if count == 0:
        return None
    if count > MAX_OPTIONS:
        return Split((None,) * cells, count)
    options: list[tuple[Part, ...]] = []

    def walk(cell: int, group: int, start: int, parts: tuple[Part, ...]) -> None:
        if cell == cells:
            options.append(parts)
            return
        body = bodies[group]
        for end in range(start + 1, len(body) + 1):
            if body[end - 1] in "+-" and end - 1 > start:
                break
            if end < len(body) and not allowed[group][end]:
                continue
            if not _valid(body[start:end], kinds[cell], units[group] if end == len(body) else ""):
                continue
            nxt = (cell + 1, group + 1, 0) if end == len(body) else (cell + 1, group, end)
            if ways(*nxt):
                walk(*nxt, parts + ((group, start, end),))

    walk(0, 0, 0, ())
    settled = _agreed(options, groups)
    if len(options) > 1 and totals:
        fitting = [option for option in options if _adds_up(option, groups, totals)]
        if fitting and len(fitting) < len(options):
            chosen = _agreed(fitting, groups)
            inferred = {index: "row_total" for index, (before, after) in enumerate(zip(settled, chosen))
                        if before is None and after is not None}
            return Split(chosen, count, tuple(fitting), inferred)
    return Split(settled, count, tuple(options))


def part_text(groups: Sequence[str], part: Part) -> str:
    """The printed characters of one cell, its group's unit attached to the group's last cell."""
    group, start, end = part
    text = groups[group]
    unit = _UNIT.search(text)
    body_end = unit.start() if unit else len(text)
    return text[start:end] + (text[body_end:] if end == body_end else "")


def part_value(groups: Sequence[str], part: Part) -> int:
    """The integer a count or signed cell holds (amounts never enter a sum)."""
    return int(part_text(groups, part).replace(",", ""))


def _agreed(options: Sequence[tuple[Part, ...]], groups: Sequence[str]) -> tuple[Part | None, ...]:
    """Each cell's part when every option prints the same number there, else None."""
    first = options[0]
    agreed = []
    for index, part in enumerate(first):
        text = part_text(groups, part)
        agreed.append(part if all(part_text(groups, option[index]) == text for option in options) else None)
    return tuple(agreed)


def _adds_up(option: tuple[Part, ...], groups: Sequence[str],
             totals: Sequence[tuple[int, Sequence[int]]]) -> bool:
    try:
        return all(part_value(groups, option[total]) == sum(part_value(groups, option[i]) for i in parts)
                   for total, parts in totals)
    except ValueError:
        return False
