"""Re-segmenting long lines before template anchors, so a report saved on one line reads like any other.

Crawlers save a whole report body on one physical line: headings, prose and every table row run
together (`…一、总体情况2019年，我局…`, `规章000规范性文件222第二十条第（五）项…`,
`1.属于国家秘密00000002.其他法律…`). Before sections and tables are looked for, such a line is cut
before each template anchor — a section heading with its template title (and after that title), a
第二十条 clause header, a table row label with its numbering — so that every later stage sees one
heading or one table row per line. Row labels are anchors only inside their own table's stretch of
text: 规章 or 1.属于国家秘密 in the narrative are words, not rows.

The original lines stay the document's `text`; `Segmented.origin` maps a position in a cut line back
to its line and column in the original, so provenance always points at the printed characters.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.templates import (APPLICATIONS_2019, APPLICATIONS_2021, PROACTIVE_2019, PROACTIVE_2021,
                              SECTION_TITLES, Row)

_NUMERALS = "一二三四五六"
_SEP = r"\s*[、.．，,]\s*"

_SECTION = re.compile("|".join(
    rf"(?P<s{number}>{_NUMERALS[number - 1]}{_SEP}{re.escape(title)})"
    for number, title in SECTION_TITLES.items()))
_CLAUSE = re.compile(r"第二十条\s*第\s*[（(][一二三四五六七八九十]+[)）]\s*项")
# Where the text of table 三 begins and where table 四 begins, when no heading says so.
_APPLICATIONS_START = re.compile(r"申请人情况|勾稽关系")
_DISPUTES_START = re.compile(r"行政复议\s*行政诉讼")
# Column titles and other short words that are row labels only when they carry their numbering.
_NEEDS_ENUM = frozenset({"其他", "总计", "其他处理", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理",
                         "重复申请"})


def _enum_pattern(enum: str) -> str:
    """A regex for a template numbering (一、 （一） 1.) in the forms reports print it."""
    if not enum:
        return ""
    core = enum.strip("、.（）()")
    if enum.startswith("（"):
        return rf"[（(]\s*{core}\s*[)）]\s*"
    if core.isdigit():
        return rf"{core}\s*[.、．]\s*"
    return rf"{core}\s*[、.．，,]\s*"


def _label_pattern(label: str) -> str:
    """The label with optional spaces between its characters (规 范 性 文 件)."""
    return r"\s*".join(re.escape(ch) for ch in label)


def _row_anchors(tables) -> re.Pattern:
    """One regex for every numbered row or group label of `tables`, longest labels first."""
    alternatives: set[str] = set()
    for table in tables:
        for item in table.items:
            labels = (item.label, *item.aliases)
            enum = _enum_pattern(item.enum)
            for label in labels:
                core = re.sub(r"（[^（）]*）$", "", label)
                for text in {label, core}:
                    body = _label_pattern(text)
                    alternatives.add(enum + body)
                    if (not enum or len(core) >= 4) and core not in _NEEDS_ENUM:
                        alternatives.add(body)
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile("|".join(f"(?:{alt})" for alt in ordered))


_PROACTIVE_ROWS = _row_anchors((PROACTIVE_2019, PROACTIVE_2021))
_APPLICATION_ROWS = _row_anchors((APPLICATIONS_2019, APPLICATIONS_2021))
_ZONE_ROWS = {"proactive": _PROACTIVE_ROWS, "applications": _APPLICATION_ROWS}
# Shorter lines are one heading or one table row (a group label with its row on one line is read by
# the table reader); a crawler's one-line body runs to thousands of characters.
_LONG = 160


@dataclass
class Segmented:
    """The lines after re-segmentation, and where each came from in the original text."""

    lines: list[str]
    origins: list[tuple[int, int]] = field(default_factory=list)  # (original line, column offset)

    @property
    def changed(self) -> bool:
        return bool(self.origins)

    def origin(self, line: int, column: int = 1) -> tuple[int, int]:
        """The original (line, column) of a 1-based position in the cut lines."""
        if not self.origins:
            return line, column
        original, offset = self.origins[line - 1]
        return original, column + offset

    def original_line(self, line: int | None) -> int | None:
        return None if line is None else self.origin(line)[0]


def resegment(lines: Sequence[str]) -> Segmented:
    """Cut every long line that holds several template anchors before each of them."""
    long = [number for number, line in enumerate(lines) if len(line) >= _LONG]
    if not long:
        return Segmented(list(lines))
    out: list[str] = list(lines[:long[0]])
    origins: list[tuple[int, int]] = [(number, 0) for number in range(1, long[0] + 1)]
    zone: str | None = None
    after = 0  # the first line whose zone marks are not yet counted
    for index, number in enumerate(long):
        zone = _zone_in("\n".join(lines[after:number]), zone)
        after = number + 1
        line = lines[number]
        cuts: list[int] = []
        if "\t" not in line and "|" not in line:
            cuts, zone = _cuts(line, zone)
        else:
            zone = _zone_in(line, zone)
        bounds = [0, *cuts, len(line)]
        for start, end in zip(bounds, bounds[1:]):
            piece = line[start:end]
            if piece.strip() or not cuts:
                out.append(piece)
                origins.append((number + 1, start))
        stop = long[index + 1] if index + 1 < len(long) else len(lines)
        out.extend(lines[number + 1:stop])
        origins.extend((line_number, 0) for line_number in range(number + 2, stop + 1))
    if len(out) == len(lines):
        return Segmented(list(lines))
    return Segmented(out, origins)


_SECTION_LINE = re.compile(r"^[ \t#*\u3000]*(?:" + _SECTION.pattern + ")", re.MULTILINE)


def _zone_in(text: str, zone: str | None) -> str | None:
    """The table whose text continues after `text` (uncut lines): its last clause, header or heading."""
    if not text:
        return zone
    marks = [(text.rfind("第二十条"), "proactive"),
             (max(text.rfind("申请人情况"), text.rfind("勾稽关系")), "applications")]
    last = None
    for last in _SECTION_LINE.finditer(text):
        pass
    if last is not None:
        marks.append((last.start(), _ZONE_OF_SECTION[last.lastgroup]))
    position, opened = max(marks, key=lambda mark: mark[0])
    return opened if position >= 0 else zone


_ZONE_OF_SECTION = {"s1": None, "s2": "proactive", "s3": "applications", "s4": "disputes", "s5": None, "s6": None}


def _cuts(line: str, zone: str | None) -> tuple[list[int], str | None]:
    """Offsets to cut `line` at, and the zone at its end; no cuts when the line holds one anchor."""
    marks: list[tuple[int, int, str | None]] = []  # (start, end or -1, zone it opens)
    for match in _SECTION.finditer(line):
        marks.append((match.start(), match.end(), _ZONE_OF_SECTION[match.lastgroup]))
    for match in _CLAUSE.finditer(line):
        marks.append((match.start(), -1, "proactive"))
    for match in _APPLICATIONS_START.finditer(line):
        marks.append((match.start(), -1, "applications"))
    for match in _DISPUTES_START.finditer(line):
        marks.append((match.start(), -1, "disputes"))
    marks.sort()
    cuts: set[int] = set()
    position = 0
    for index, (start, end, opens) in enumerate(marks + [(len(line), -1, zone)]):
        if zone in _ZONE_ROWS and start > position:
            cuts.update(_row_cuts(line, _ZONE_ROWS[zone], position, start))
        if start == len(line):
            break
        is_section = end != -1
        if opens == "disputes" and not is_section:
            header_end = _DISPUTES_DIGITS.search(line, start, start + 200)
            if header_end is not None:
                cuts.update(_row_end(line, header_end.start("run")))
        if is_section or _CLAUSE.match(line, start) or opens == "disputes":
            cuts.add(start)
        if is_section:
            cuts.add(end)  # the heading's own line ends with its title
        zone = opens
        position = end if end != -1 else start + 1
    real = sorted(cut for cut in cuts if line[:cut].strip() and line[cut:].strip())
    return real, zone


_AFTER_LABEL = re.compile(r"\s*(?:[+\-]?\d|$)")


def _row_cuts(line: str, anchors: re.Pattern, start: int, end: int) -> list[int]:
    """Row labels in line[start:end] that are table rows: followed by their values or another label.

    Prose names rows too (对规章、规范性文件…, 行政处罚类103条): a label counts only when digits, the
    end of the stretch, or the next label follow it.
    """
    matches = list(anchors.finditer(line, start, end))
    cuts = []
    for number, match in enumerate(matches):
        after = match.end()
        following = matches[number + 1].start() if number + 1 < len(matches) else None
        if _AFTER_LABEL.match(line, after, end):
            cuts.append(match.start())
            if following is None:
                cuts.extend(_row_end(line, after, end))
        elif following is not None and not line[after:following].strip():
            cuts.append(match.start())
    return cuts


_RUN = re.compile(r"\s*[+\-]?\d[\d\s+\-.,]*(?:万元|元|万)?")
_DISPUTES_DIGITS = re.compile(r"(?:总计|审结)(?P<run>\s*\d)")


def _row_end(line: str, start: int, end: int | None = None) -> list[int]:
    """Where the values after the last row label end, when text other than a numbering follows them."""
    run = _RUN.match(line, start, len(line) if end is None else end)
    if run is None or run.end() >= len(line):
        return []
    stop = run.end()
    while stop > start and line[stop - 1] in " .,+-":
        stop -= 1
    # 00000001.配备的人员… : the 1 may be the prose's own numbering; leave such a row unread.
    if line[stop:run.end()].strip() or line[run.end()] in "、.．":
        return []
    return [stop]
