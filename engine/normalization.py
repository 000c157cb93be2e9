"""NFKC normalisation of whole reports, fast: only the runs NFKC changes are normalised.

Text functions of rules (engine.rules.expr) and the similarity measure (engine.similarity) read a
report's text in NFKC, so that full-width digits, letters and punctuation are ASCII; a report is
normalised once per process, whoever asks first.
"""

from __future__ import annotations

import functools
import re
import unicodedata


@functools.lru_cache(maxsize=16)  # a report's text is searched by many rules: normalised once
def nfkc(text: str) -> str:
    """The text as text functions see it: NFKC, so full-width digits, letters and punctuation are ASCII.

    Normalised only in the runs NFKC changes (with a character's combining marks, if the text has any):
    unicodedata.normalize over a whole report is several times slower, since nearly every line holds
    a full-width comma."""
    parts = pieces(text).split(text)
    if len(parts) > 1:
        parts[1::2] = [piece_nfkc(part) for part in parts[1::2]]
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def piece_nfkc(text: str) -> str:
    """NFKC of one run that pieces() found (runs repeat: a full-width comma, a bracket)."""
    return unicodedata.normalize("NFKC", text)


def pieces(text: str) -> re.Pattern[str]:
    """The pattern of the runs to normalise in `text` (one group, never a line break)."""
    marks, changed, both = _classes()
    return both if marks.search(text) else changed


@functools.cache
def _classes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """What joins the character before it (combining marks, Hangul vowel and final jamo, and whatever
    NFKC turns into one, e.g. a half-width vowel); runs of characters NFKC maps to something else;
    either of these, a run taking the joiners after it. Built once per process (~15 ms)."""
    marks, changed = [], []
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        normal = unicodedata.normalize("NFKC", char) if not unicodedata.is_normalized("NFKC", char) else char
        if normal != char:
            changed.append(code)
        if normal and (unicodedata.combining(normal[0]) or 0x1160 <= ord(normal[0]) <= 0x11FF):
            marks.append(code)
    joiners = f"[{_ranges(marks)}]"
    changed_run = f"[{_ranges(changed)}\\U00010000-\\U0010FFFF]+"
    return (re.compile(joiners), re.compile(f"({changed_run})"),
            re.compile(f"([^\\n]{joiners}+|{changed_run}{joiners}*)"))


def _ranges(codes: list[int]) -> str:
    """A regex character class body for sorted code points."""
    spans: list[list[int]] = []
    for code in codes:
        if spans and spans[-1][1] == code - 1:
            spans[-1][1] = code
        else:
            spans.append([code, code])
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in spans)
