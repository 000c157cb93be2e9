"""Finding a regex in a report's text fast: jump to the characters a match can start with.

Python's `re` tries every alternative at every position of the text; a pattern of sixty brand names
(rule I01) then costs ~260 µs per report. `Scanner.finditer` first looks for a character some
match can begin with (one character class, scanned in C), then tries the pattern there only. It
yields exactly the non-empty matches `regex.finditer` yields: a position whose character cannot
begin a match can begin only an empty one, and both resume after each match. When the first
characters cannot be known (a class like `\\d` or `.`, an anchor, a look-around, IGNORECASE, or a
pattern that may match empty), it scans as `re` does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

try:  # Python ≥ 3.11 names the regex parser re._parser; earlier ones sre_parse
    from re import _constants as C, _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]


class _Unknown(Exception):
    """The first characters cannot be told from the pattern."""


def first_chars(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Every character a non-empty match of `pattern` can start with, or None when unknown."""
    if flags & (re.IGNORECASE | re.VERBOSE):
        return None
    try:
        parsed = P.parse(pattern, flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        found, may_be_empty = _first(list(parsed))
    except (_Unknown, re.error, RecursionError):
        return None
    return None if may_be_empty or not found else frozenset(found)


def _first(items: list[tuple[object, object]]) -> tuple[set[str], bool]:
    """(first characters, whether the sequence can match empty) of a parsed sequence."""
    found: set[str] = set()
    for op, value in items:
        chars, empty = _item(op, value)
        found |= chars
        if not empty:
            return found, False
    return found, True


def _item(op: object, value: object) -> tuple[set[str], bool]:
    if op is C.LITERAL:
        return {chr(value)}, False  # type: ignore[arg-type]
    if op is C.IN:
        chars: set[str] = set()
        for kind, arg in value:  # type: ignore[attr-defined]
            if kind is C.LITERAL:
                chars.add(chr(arg))
            elif kind is C.RANGE and arg[1] - arg[0] < 256:
                chars.update(chr(code) for code in range(arg[0], arg[1] + 1))
            else:  # NEGATE, a category (\d, \w), a wide range
                raise _Unknown
        return chars, False
    if op is C.SUBPATTERN:
        return _first(list(value[-1]))  # type: ignore[index]
    if op is C.BRANCH:
        found: set[str] = set()
        empty = False
        for branch in value[1]:  # type: ignore[index]
            chars, may = _first(list(branch))
            found |= chars
            empty = empty or may
        return found, empty
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, _high, body = value  # type: ignore[misc]
        chars, empty = _first(list(body))
        return chars, empty or low == 0
    raise _Unknown  # ANY, AT (anchors), ASSERT (look-around), GROUPREF, …


class Scanner:
    """A compiled regex with a first-character lookahead (see the module docstring)."""

    def __init__(self, regex: re.Pattern[str]):
        self.regex = regex
        self.pattern = regex.pattern
        chars = first_chars(regex.pattern, regex.flags & ~re.UNICODE)
        self.lead = re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]") if chars else None

    def finditer(self, text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match[str]]:
        """The non-empty matches of the regex in text[start:end], leftmost first, never overlapping."""
        end = len(text) if end is None else end
        if self.lead is None:
            yield from (m for m in self.regex.finditer(text, start, end) if m.end() > m.start())
            return
        search, match = self.lead.search, self.regex.match
        at = start
        while True:
            candidate = search(text, at, end)
            if candidate is None:
                return
            at = candidate.start()
            found = match(text, at, end)
            if found is not None and found.end() > at:
                yield found
                at = found.end()
            else:
                at += 1
