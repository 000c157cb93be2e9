"""Matching printed row labels against a template's labels, tolerant of the ways reports print them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from engine.convert.memo import short_string_cache

from engine.templates import Group, Row, Table

_NUMERAL = "一二三四五六七八九十"
# The numbering in front of a label: 一、 (一) 1. 1、 — and 三 glued to its text when a report spaced
# the label out (三 本 年 度 办 理 结 果).
_ENUM = re.compile(
    rf"^(?:\((?P<paren>[{_NUMERAL}]+|\d+)\)|(?P<cn>[{_NUMERAL}]+)[、.,]|(?P<arabic>\d+)[.、,)]|(?P<bare>[{_NUMERAL}])(?=[^{_NUMERAL}]))"
)
_SENTENCE = ("。", "；", "，", ";")
_REMARK = re.compile(r"\([^()]*\)")
_DROP = re.compile(r"[\s*#“”\"'‘’「」『』《》:;,.。;、·]+")


@short_string_cache(8192)
def split_label(text: str) -> tuple[str, str]:
    """Return (numbering, core) of a printed label: "(三) 不 予 公 开" → ("(三)", "不予公开")."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text).strip("*#")
    enum = ""
    match = _ENUM.match(text)
    if match:
        if match["paren"]:
            paren = match["paren"]
            enum = paren if paren.isdigit() else f"({paren})"  # (1) and 1. are the same numbering
        elif match["cn"]:
            enum = match["cn"]
        elif match["arabic"]:
            enum = match["arabic"]
        else:
            enum = match["bare"]
        text = text[match.end():]
    core = _DROP.sub("", _REMARK.sub("", text))
    return enum, core or _DROP.sub("", text)


def _template_enum(enum: str) -> str:
    return split_label(enum + "x")[0] if enum else ""


@dataclass(frozen=True, slots=True)
class Match:
    """A printed label matched to a template item, and how sure the match is."""

    index: int
    item: Row | Group
    exact: bool


_INDEXES: dict[int, LabelIndex] = {}


def label_index(table: Table) -> LabelIndex:
    """The LabelIndex of a template table, built once (tables are module constants)."""
    index = _INDEXES.get(id(table))
    if index is None or index.table is not table:
        index = _INDEXES[id(table)] = LabelIndex(table)
    return index


class LabelIndex:
    """The labels of one template table, ready to match printed labels in order."""

    WINDOW = 4  # how far ahead a loose match may look: further rows need their exact label

    def __init__(self, table: Table):
        self.table = table
        self.items = table.items
        # Reports print the same labels again and again: remember each answer.
        self._memo: dict[tuple, object] = {}
        self.cores: list[set[str]] = []
        self.enums: list[str] = []
        self.exact: dict[str, list[int]] = {}
        # Column titles (总计, 其他) name a row only with the row's numbering: （七）总计, 3.其他.
        self.titles = frozenset(split_label(cell.title)[1] for row in table.rows for cell in row.cells)
        for index, item in enumerate(self.items):
            cores = {split_label(label)[1] for label in (item.label, *item.aliases)}
            self.cores.append(cores)
            self.enums.append(_template_enum(item.enum))
            for core in cores:
                self.exact.setdefault(core, []).append(index)

    def match(self, text: str, start: int) -> Match | None:
        """Match a printed label to the first fitting item at or after `start`, or None."""
        return self.remember((text, start), lambda: self._match(text, start))

    def claim(self, text: str, found) -> Match | None:
        """A numbered label printed out of order: the one row, not yet found, with that numbering and label."""
        return self.remember(("claim", text), lambda: self._claim(text)) if text else None

    def _claim(self, text: str) -> Match | None:
        enum, core = split_label(text)
        if not enum:
            return None
        fits = [i for i in self.exact.get(core, ()) if self.enums[i] == enum]
        if len(fits) != 1 or self.enums.count(enum) == 0:
            return None
        return Match(fits[0], self.items[fits[0]], True)

    def remember(self, key: tuple, compute):
        """Return the remembered answer for `key`, computing it once (reports repeat their labels)."""
        try:
            return self._memo[key]
        except KeyError:
            if len(self._memo) > 20_000:
                self._memo.clear()
            found = self._memo[key] = compute()
            return found

    def _match(self, text: str, start: int) -> Match | None:
        enum, core = split_label(text)
        if not core or not enum and core in self.titles:
            return None
        for index in self.exact.get(core, ()):
            if index < start or enum and self.enums[index] and enum != self.enums[index]:
                continue  # behind the cursor, or numbered as another row (三、 is not 四、)
            numbered = bool(enum) and enum == self.enums[index]
            # An unnumbered exact label far ahead is more likely a column header (总计, 其他) than a
            # row whose neighbours all went missing.
            if numbered or index < start + self.WINDOW or not self.enums[index]:
                return Match(index, self.items[index], True)
        if len(core) < 2 or any(mark in text for mark in _SENTENCE) or core[-1].isdigit():
            return None  # prose is never a loosely printed label, nor a label with its digits glued on
        for index in range(start, min(start + self.WINDOW, len(self.items))):
            if enum and self.enums[index] and enum != self.enums[index]:
                continue
            if any(_near(core, candidate) for candidate in self.cores[index]):
                return Match(index, self.items[index], False)
        return None


@lru_cache(maxsize=8192)
def _near(printed: str, label: str) -> bool:
    """A near-miss label: a typo (危机 for 危及), or a label cut by a line break (没有现成…)."""
    if label.startswith(printed) and (len(printed) >= 4 or 2 * len(printed) >= len(label)):
        return True
    if printed.startswith(label) and len(label) >= 2:
        # A word or two more (行政许可事项) is the same row; a sentence that starts with the label is
        # prose, and 规章000 is a label with its values glued on, read as such elsewhere.
        rest = printed[len(label):]
        return len(rest) <= 3 and not any(ch.isdigit() for ch in rest)
    # ratio() is at most 2·min/(sum of lengths): most prose and headers fail that bound for free.
    if 2 * min(len(printed), len(label)) < 0.8 * (len(printed) + len(label)):
        return False
    return SequenceMatcher(None, printed, label).ratio() >= 0.8
