"""Finding the report's six sections by their headings, never by table rows that look alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from engine.convert.memo import short_string_cache

from engine.templates import SECTION_TITLES

_NUMERALS = "一二三四五六"
_NUMERAL_CHARS = frozenset(_NUMERALS)
_HEADING = re.compile(rf"^(?P<numeral>[{_NUMERALS}])\s*[、.,]\s*(?P<title>\S.*)$")
_MARKUP = re.compile(r"\*\*|__|^#+\s*")
_PUNCTUATION = re.compile(r"[\s、,，。.:：;；“”\"'()（）]+")
# Rows of table 三 are numbered 一…四 too; their titles are never section titles.
_TABLE_ROWS = ("本年新收", "上年结转", "本年度办理结果", "办理结果", "结转下年度", "继续办理")
# Words that mark a heading as the template's section even when worded differently.
_KEYWORDS = {
    1: ("总体情况",),
    2: ("主动公开",),
    3: ("收到和处理", "依申请公开", "申请情况"),
    4: ("行政复议", "行政诉讼"),
    5: ("存在的主要问题", "主要问题", "改进情况"),
    6: ("其他需要报告", "其他事项"),
}
_SENTENCE_END = ("。", "；", ";")


def squash(text: str) -> str:
    """Return text without spaces and punctuation, for comparing titles."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text))


@short_string_cache(2048)
def _candidate(line: str) -> tuple[int, str, bool] | None:
    """Return (number, title, strong) if the line reads as a section heading."""
    if "\t" in line.strip():
        return None
    text = _MARKUP.sub("", unicodedata.normalize("NFKC", line).strip()).strip().strip("*").strip()
    match = _HEADING.match(text)
    if not match:
        return None
    title = match["title"].strip().strip("*").strip()
    flat = squash(title)
    if not flat or len(flat) > 40 or any(flat.startswith(word) for word in _TABLE_ROWS):
        return None
    number = _NUMERALS.index(match["numeral"]) + 1
    template = squash(SECTION_TITLES[number])
    strong = any(word in flat for word in _KEYWORDS[number]) or \
        SequenceMatcher(None, flat, template).ratio() >= 0.6
    if not strong and (title.endswith(_SENTENCE_END) or len(flat) > 20):
        return None
    return number, title, strong


def find_sections(lines: Sequence[str]) -> list[dict]:
    """Return the sections found in the text, in document order, each with its line range.

    Headings whose title matches the template are taken first; a heading worded differently
    (五、下一步工作打算) is taken only where its number fills a gap between the sections found.
    """
    candidates = []
    for number, line in enumerate(lines, 1):
        if line.lstrip(" \t#*\u3000\xa0")[:1] in _NUMERAL_CHARS:
            found = _candidate(line)
            if found:
                candidates.append((number, *found))
    chosen: dict[int, tuple] = {}
    for candidate in candidates:
        if candidate[3] and candidate[1] not in chosen:
            chosen[candidate[1]] = candidate
    for candidate in candidates:
        line, number, _title, strong = candidate
        if strong or number in chosen:
            continue
        before = [c[0] for n, c in chosen.items() if n < number]
        after = [c[0] for n, c in chosen.items() if n > number]
        if (not before or max(before) < line) and (not after or min(after) > line):
            chosen[number] = candidate
    ordered = sorted(chosen.values())
    sections = []
    for position, (line, number, title, _strong) in enumerate(ordered):
        end = ordered[position + 1][0] - 1 if position + 1 < len(ordered) else len(lines)
        sections.append({
            "number": number,
            "heading": lines[line - 1].strip(),
            "title": title,
            "canonical": squash(title) == squash(SECTION_TITLES[number]),
            "line": line,
            "end_line": max(end, line),
        })
    return sections
