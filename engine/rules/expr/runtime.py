"""What compiled rules use while they run: rows, text matches, the per-document context, numbers.

Numbers: integers stay Python ints (exact, and fast); only non-integers are Decimals (amounts in
万元, decimal literals, `/`), computed in Python's default decimal context: exact up to 28
significant digits, which report figures never approach, and `/` rounded to 28 digits. A JSON
float is turned into the Decimal of its shortest repr, so 3601.21885 stays 3601.21885. Floats never
reach rule arithmetic.
"""

from __future__ import annotations

import bisect
import decimal
import json
import re
from decimal import Decimal
from typing import Any

from engine.normalization import nfkc, piece_nfkc, pieces


_MAX_DIGITS = 28  # the default decimal context's precision
_PRINTED = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# How the converter may choose a value by a sum (provenance `inferred_by`), as messages name it.
_INFERRED = {"row_total": "本行总计", "table_identity": "表三勾稽关系"}


class RuleRuntimeError(Exception):
    """A rule that broke while running (division by zero, a bad date…): becomes outcome "error"."""


class Blank(Exception):
    """Raised by compiled code where a rule reads a blank (null) value; the slow path names it."""


class Unread(Blank):
    """Raised where a rule needs values the converter could not read, or chose by the very sum checked."""

    def __init__(self, pointers: list[str]):
        super().__init__(pointers)
        self.pointers = pointers


class TableRow:
    """One row of a table, as `rows(table)` yields it: the row's cells, its pointer and label."""

    __slots__ = ("d", "pointer", "label", "ref")

    def __init__(self, d: dict[str, Any], pointer: str, label: str, ref: dict[str, Any]):
        self.d, self.pointer, self.label, self.ref = d, pointer, label, ref

    def __repr__(self) -> str:
        return f"TableRow({self.pointer!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TableRow) and other.pointer == self.pointer and other.d == self.d

    __hash__ = None  # type: ignore[assignment]  # rows are compared by value, never hashed


class TextMatch(dict):
    """One occurrence found in the report text: {text, line, column, pattern}; shows as 词（第N行）."""

    def __str__(self) -> str:
        return f"{self['text']}（第{self['line']}行）"


def nfkc_pattern(pattern: str) -> str:
    """A regex that matches in NFKC text what it was written to match: each character that NFKC changes
    becomes its normalised form, escaped (so "（一）" stays literal text, "[０-９]" reads "[0-9]")."""
    out, index = [], 0
    while index < len(pattern):
        ch = pattern[index]
        if ch == "\\" and index + 1 < len(pattern):
            nxt = pattern[index + 1]
            out.append(re.escape(nfkc(nxt)) if nfkc(nxt) != nxt else ch + nxt)
            index += 2
            continue
        out.append(re.escape(nfkc(ch)) if nfkc(ch) != ch else ch)
        index += 1
    return "".join(out)


def _column_map(line: str) -> list[int]:
    """For each character of nfkc(line), the 0-based column of the printed character it came from."""
    columns: list[int] = []
    at = 0
    for piece in pieces(line).finditer(line):
        columns += range(at, piece.start())
        columns += [piece.start()] * len(piece_nfkc(piece.group()))
        at = piece.end()
    columns += range(at, len(line))
    return columns


class EvalContext:
    """What the functions of one document share: the document, its lines and where they start.

    Text functions search `normal` (NFKC, line by line: NFKC never adds, removes or moves a line break),
    and `position` maps an offset of it back to the line and column of the text as printed."""

    __slots__ = ("document", "cache", "bound", "views", "_lines", "_starts", "_normal", "_normal_lines",
                 "_normal_starts", "_maps", "_unread", "_inferred")

    def __init__(self, document: dict[str, Any], bound: dict[str, Any] | None = None):
        self.document = document
        self.cache: dict[Any, Any] = {}  # results of document functions called with constant arguments
        # compare: name → the other report's document (None: none similar enough; compare.MISSING)
        self.bound: dict[str, Any] = bound if bound is not None else {}
        self.views: dict[str, Any] = {}  # derived forms of the text (textfacts.view), built once
        self._lines: list[str] | None = None
        self._starts: list[int] | None = None
        self._normal: str | None = None
        self._normal_lines: list[str] = []
        self._normal_starts: list[int] = []
        self._maps: dict[int, list[int]] = {}
        self._unread: list[tuple[str, dict[str, Any]]] | None = None
        self._inferred: dict[str, str] | None = None

    @property
    def unread(self) -> list[tuple[str, dict[str, Any]]]:
        """(pointer, note) of every conversion note saying a value there could not be read."""
        if self._unread is None:
            from engine.document import UNREAD_CODES

            notes = self.document.get("notes") if isinstance(self.document, dict) else None
            self._unread = [(n["pointer"], n) for n in notes or () if isinstance(n, dict)
                            and n.get("code") in UNREAD_CODES and isinstance(n.get("pointer"), str)]
        return self._unread

    @property
    def inferred(self) -> dict[str, str]:
        """Pointer → how the converter chose a value by a sum (provenance `inferred_by`), e.g. row_total."""
        if self._inferred is None:
            provenance = self.document.get("provenance") if isinstance(self.document, dict) else None
            self._inferred = {pointer: entry["inferred_by"] for pointer, entry in (provenance or {}).items()
                              if isinstance(entry, dict) and isinstance(entry.get("inferred_by"), str)}
        return self._inferred

    def unread_at(self, pointer: str) -> list[dict[str, Any]]:
        """The unread notes about `pointer`: on it, on an object holding it, or on something inside it."""
        return [note for at, note in self.unread
                if pointer == at or pointer.startswith(at + "/") or at.startswith(pointer + "/")]

    def why(self, pointers: list[str]) -> str | None:
        """Why these cells could not be used, from the conversion notes and provenance; None if just blank."""
        unread: list[str] = []
        inferred: list[str] = []
        for pointer in pointers:
            for note in self.unread_at(pointer) if self.unread else ():
                unread.append(str(note.get("message") or note.get("code")))
            how = self.inferred.get(pointer)
            if how is not None:
                inferred.append(f"{pointer} 是转换时按{_INFERRED.get(how, how)}拆分得出的，不能作为检验同一关系的证据")
        parts = []
        if unread:
            parts.append("所需数据未能从报告中读取：" + "；".join(dict.fromkeys(unread)))
        if inferred:
            parts.append("；".join(dict.fromkeys(inferred)))
        return "无法评估。" + "。".join(parts) if parts else None

    @property
    def text(self) -> str:
        text = self.document.get("text")
        return text if isinstance(text, str) else ""

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def starts(self) -> list[int]:
        """The offset in the text where each line starts (index 0 is line 1)."""
        if self._starts is None:
            self._starts = _starts_of(self.lines)
        return self._starts

    @property
    def normal(self) -> str:
        """The text NFKC-normalised: the same lines, each normalised (columns may differ)."""
        if self._normal is None:
            lines = nfkc(self.text).split("\n")
            if len(lines) != len(self.lines):  # cannot happen (NFKC keeps "\n"), but never misplace a line
                lines = [nfkc(line) for line in self.lines]
            self._normal_lines = lines
            self._normal = "\n".join(lines)
            self._normal_starts = _starts_of(lines)
        return self._normal

    def position(self, offset: int) -> tuple[int, int]:
        """The 1-based (line, column) in the printed text of an offset in the normalised text."""
        _ = self.normal  # computes the normalised lines and their starts
        index = bisect.bisect_right(self._normal_starts, offset) - 1
        column = offset - self._normal_starts[index]
        if self._normal_lines[index] != self.lines[index]:
            if index not in self._maps:
                self._maps[index] = _column_map(self.lines[index])
            columns = self._maps[index]
            column = columns[min(column, len(columns) - 1)] if columns else 0
        return index + 1, column + 1

    def section(self, number: Any) -> dict[str, Any] | None:
        """The first section numbered `number`, or None."""
        for item in self.document.get("sections") or ():
            if isinstance(item, dict) and item.get("number") == number:
                return item
        return None

    def span(self, number: Any | None) -> tuple[int, int]:
        """The offsets [start, end) in `normal` of section `number` (all when None; empty when absent)."""
        normal = self.normal
        if number is None:
            return 0, len(normal)
        item = self.section(number)
        if item is None or not isinstance(item.get("line"), int):
            return 0, 0
        first = max(item["line"], 1)
        last = item.get("end_line") if isinstance(item.get("end_line"), int) else len(self.lines)
        last = min(max(last, first), len(self.lines))
        if first > len(self.lines):
            return 0, 0
        return self._normal_starts[first - 1], self._normal_starts[last - 1] + len(self._normal_lines[last - 1])


def _starts_of(lines: list[str]) -> list[int]:
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    return starts


def memo(ctx: EvalContext, key: Any, fn: Any, *args: Any) -> Any:
    """fn(ctx, *args), computed once per context (text_find([...]) in a rule's when, assert and message)."""
    try:
        return ctx.cache[key]
    except KeyError:
        value = ctx.cache[key] = fn(ctx, *args)
        return value


def get_path(value: Any, keys: tuple[str, ...]) -> Any:
    """The value under `keys`, or None when anything on the way is missing or not an object."""
    for key in keys:
        if value.__class__ is not dict:
            return None
        value = value.get(key)
    return value


def to_decimal(value: Any) -> Any:
    """A JSON float as the Decimal it prints as; anything else unchanged."""
    return Decimal(repr(value)) if value.__class__ is float else value


def divide(a: Any, b: Any) -> Decimal:
    """a / b as a Decimal (to 28 significant digits, like every Decimal operation); b == 0 is a rule error."""
    if not b:
        raise RuleRuntimeError(f"division by zero ({show(a)} / {show(b)})")
    return Decimal(a) / Decimal(b)


def number(text: str) -> int | Decimal | None:
    """A number as printed in a report (commas and spaces ignored); None when it is not one."""
    cleaned = text.replace(",", "").replace("，", "").replace(" ", "").strip()
    # Beyond 28 significant digits rule arithmetic is no longer exact (and past 4,300 Python will not
    # print the number): such a run of digits is an identifier or damage, not a figure to compute with.
    if sum(ch.isdigit() for ch in cleaned.lstrip("0.")) > _MAX_DIGITS:
        return None
    if cleaned.isdecimal():
        return int(cleaned)
    if not _PRINTED.fullmatch(cleaned):  # no exponents, NaN or Infinity: a report prints none of them
        return None
    try:
        return Decimal(cleaned)
    except decimal.InvalidOperation:
        return None


def show(value: Any) -> str:
    """A value as messages and explanations print it."""
    if value is None:
        return "空"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, TableRow):
        return value.label
    if isinstance(value, TextMatch):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "、".join(show(item) for item in value) if value else "（无）"
    if isinstance(value, dict):
        if is_report(value):  # another report (compare): its title, never its whole document
            meta = value.get("meta") or {}
            return str(meta.get("title") or meta.get("agency") or (meta.get("source") or {}).get("name") or "报告")
        for key in ("heading", "message", "title"):
            if isinstance(value.get(key), str):
                return value[key]
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def is_report(value: Any) -> bool:
    """Whether a value is a whole report document (a compare name's value)."""
    return isinstance(value, dict) and "model" in value and "meta" in value


def is_blank(value: Any) -> bool:
    """Null, an empty or all-space string, an empty list, or an object whose cells are all blank."""
    if value is None:
        return True
    if isinstance(value, TableRow):
        value = value.d
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not value
    if isinstance(value, dict):
        return all(is_blank(item) for item in value.values())
    return False
