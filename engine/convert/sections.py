"""Finding the report's six sections by their headings, never by table rows that look alike."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from difflib import SequenceMatcher
from engine.convert.memo import short_string_cache

from engine.templates import SECTION_TITLES

_NUMERALS = "一二三四五六七八九十"
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
    5: ("存在的主要问题", "主要问题", "改进情况", "存在的不足"),
    6: ("其他需要报告", "其他事项"),
}
_SENTENCE_END = ("。", "；", ";")
_NEAR = 0.8  # how close to a template title a heading must be to count as it whatever its numeral


def squash(text: str) -> str:
    """Return text without spaces and punctuation, for comparing titles."""
    return _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text))


_TEMPLATE_FLAT = {number: squash(title) for number, title in SECTION_TITLES.items()}
# A template title at the start of a longer line, spaces and punctuation between its characters allowed.
_TITLE_LEAD = re.compile("|".join(
    "(?:" + r"[\s、,，]*".join(map(re.escape, flat)) + ")"
    for flat in sorted(_TEMPLATE_FLAT.values(), key=len, reverse=True)))


@short_string_cache(2048)
def _candidate(line: str) -> tuple[int, str, int, int] | None:
    """Return (printed number, title, number by content, strength) if the line reads as a heading.

    Strength 3: the title is a template title (or nearly: 主动公开政府信息的情况); 2: it has the
    section's key words and the numeral agrees; 1: it has one section's key words under another
    numeral; 0: a heading worded otherwise, taken only by its numeral where that fills a gap. The number by content is the template section the title names.
    """
    if "\t" in line.strip():
        return None
    text = _MARKUP.sub("", unicodedata.normalize("NFKC", line).strip()).strip().strip("*").strip()
    match = _HEADING.match(text)
    if not match:
        return None
    title = match["title"].strip().strip("*").strip()
    lead = _TITLE_LEAD.match(title)
    if lead and len(lead.group()) < len(title.rstrip("。")):
        title = lead.group()  # a heading with its section's text run on (一、总体情况2019年，我局…)
    flat = squash(title)
    if not flat or len(flat) > 40 or any(flat.startswith(word) for word in _TABLE_ROWS):
        return None
    printed = _NUMERALS.index(match["numeral"]) + 1
    ratios = {n: SequenceMatcher(None, flat, _TEMPLATE_FLAT[n]).ratio() for n in SECTION_TITLES}
    best = max(ratios, key=lambda n: (ratios[n], n == printed))
    if ratios[best] >= _NEAR:
        return printed, title, best, 3
    if printed <= 6 and (any(word in flat for word in _KEYWORDS[printed]) or ratios[printed] >= 0.6):
        return printed, title, printed, 2
    named = [n for n, words in _KEYWORDS.items() if any(word in flat for word in words)]
    if len(named) == 1 and len(flat) <= 20:
        return printed, title, named[0], 1  # 三、行政复议、行政诉讼情况 after the report's own 一、二
    if printed > 6 or title.endswith(_SENTENCE_END) or len(flat) > 20:
        return None
    return printed, title, printed, 0


def find_sections(lines: Sequence[str]) -> list[dict]:
    """Return the sections found in the text, in document order, each with its line range.

    A section is known by its title first: a template title (一、主动公开政府信息情况 printed in a
    report that numbers its table parts from 一 again) is that section whatever its numeral, and the
    item's `printed` says what was printed. Then headings whose numeral and key words agree; a heading
    worded differently (五、下一步工作打算) is taken only where its numeral fills a gap between the
    sections found.
    """
    candidates = []
    for number, line in enumerate(lines, 1):
        if line.lstrip(" \t#*\u3000\xa0")[:1] in _NUMERAL_CHARS:
            found = _candidate(line)
            if found:
                candidates.append((number, *found))
    chosen: dict[int, tuple] = {}
    # Template titles first (their own numeral before a renumbered one), then agreeing key words.
    ranked = sorted((c for c in candidates if c[4]), key=lambda c: (-c[4], c[1] != c[3], c[0]))
    for candidate in ranked:
        if candidate[3] not in chosen:
            chosen[candidate[3]] = candidate
    for candidate in candidates:
        line, _printed, _title, number, strength = candidate
        if strength or number in chosen:
            continue
        before = [c[0] for n, c in chosen.items() if n < number]
        after = [c[0] for n, c in chosen.items() if n > number]
        if (not before or max(before) < line) and (not after or min(after) > line):
            chosen[number] = candidate
    ordered = sorted(chosen.values())
    sections = []
    for position, (line, printed, title, number, _strength) in enumerate(ordered):
        end = ordered[position + 1][0] - 1 if position + 1 < len(ordered) else len(lines)
        heading = lines[line - 1].strip()
        cut = heading.find(title)
        if cut >= 0 and not heading[cut + len(title):].strip(" *#"):
            cut = -1
        section = {
            "number": number,
            # a heading with text run on after it: the heading is what stands up to the title's end
            "heading": heading[:cut + len(title)] if cut >= 0 else heading,
            "title": title,
            "canonical": squash(title) == _TEMPLATE_FLAT[number],
            "line": line,
            "end_line": max(end, line),
        }
        if printed != number:
            section["printed"] = printed
        sections.append(section)
    return sections
