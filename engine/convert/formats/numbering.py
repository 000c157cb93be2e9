"""Word's automatic list numbers (一、 （一） 1.) that a DOCX stores as numbering, not as text.

Headings numbered by Word's list feature carry no "一、" in their text; the converter finds sections
by that numeral, so the label Word would show is rebuilt from word/numbering.xml: the paragraph's
numPr (or its style's, through basedOn), the level's start, format and lvlText ("%1、", "（%2）").
Counters are kept per abstract list, as Word continues a list across numIds that share one unless a
startOverride restarts it.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

_DIGITS = "〇一二三四五六七八九"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


class Level(NamedTuple):
    """One level of a list: where it starts, how its number is written, and the text around it."""

    start: int
    format: str
    text: str
    legal: bool
    suffix: str


def chinese(number: int, digits: str = _DIGITS, units: str = "十百千") -> str:
    """一 … 十, 十一, 二十一, 一百〇五 as Word's chineseCounting writes them (up to 9999)."""
    if not 0 <= number < 10000:
        return str(number)
    if number < 10:
        return digits[number]
    out, zero = "", False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = number // power % 10
        if digit:
            out += (digits[0] if zero else "") + digits[digit] + unit
            zero = False
        elif out:
            zero = True
    return out[1:] if number < 20 else out  # 十一, not 一十一


def format_number(number: int, fmt: str) -> str:
    """Write `number` in a w:numFmt; unknown formats fall back to decimal, as Word does."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "japaneseCounting"):
        return chinese(number)
    if fmt == "ideographDigital":
        return "".join(_DIGITS[int(d)] for d in str(number))
    if fmt == "chineseLegalSimplified":
        return chinese(number, _LEGAL, "拾佰仟")
    if fmt == "ideographTraditional" and 1 <= number <= len(_STEMS):
        return _STEMS[number - 1]
    if fmt == "ideographZodiac" and 1 <= number <= len(_BRANCHES):
        return _BRANCHES[number - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= number <= len(_CIRCLED):
        return _CIRCLED[number - 1]
    if fmt == "decimalFullWidth":
        return str(number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt in ("lowerLetter", "upperLetter") and number >= 1:
        letter = chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and 1 <= number < 4000:
        out, rest = "", number
        for value, letters in _ROMAN:
            while rest >= value:
                out, rest = out + letters, rest - value
        return out.upper() if fmt == "upperRoman" else out
    return str(number)


class Numbering:
    """The list definitions of a document and the running counters while it is read in order."""

    def __init__(self, numbering: etree._Element | None, styles: etree._Element | None, ns: str):
        self.w = w = f"{{{ns}}}" if ns else ""
        self.abstract: dict[str, dict[int, Level]] = {}
        self.level_styles: dict[str, dict[str, int]] = {}  # abstract id → {style id: level}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()
        for abstract in numbering.iterfind(f"{w}abstractNum") if numbering is not None else ():
            key = abstract.get(f"{w}abstractNumId", "")
            self.abstract[key] = {}
            self.level_styles[key] = {}
            for level in abstract.iterfind(f"{w}lvl"):
                index = self._int(level.get(f"{w}ilvl"), 0)
                self.abstract[key][index] = self._level(level)
                style = level.find(f"{w}pStyle")
                if style is not None:
                    self.level_styles[key][style.get(f"{w}val", "")] = index
        for num in numbering.iterfind(f"{w}num") if numbering is not None else ():
            abstract_id = num.find(f"{w}abstractNumId")
            starts = {}
            for override in num.iterfind(f"{w}lvlOverride"):
                start = override.find(f"{w}startOverride")
                if start is not None:
                    starts[self._int(override.get(f"{w}ilvl"), 0)] = self._int(start.get(f"{w}val"), 1)
            if abstract_id is not None:
                self.nums[num.get(f"{w}numId", "")] = (abstract_id.get(f"{w}val", ""), starts)
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id → (numId, ilvl, basedOn)
        self.default_style: str | None = None
        for style in styles.iterfind(f"{w}style") if styles is not None else ():
            if style.get(f"{w}type") != "paragraph":
                continue
            style_id = style.get(f"{w}styleId", "")
            if style.get(f"{w}default") in ("1", "true", "on"):
                self.default_style = style_id
            num_id = style.find(f"{w}pPr/{w}numPr/{w}numId")
            ilvl = style.find(f"{w}pPr/{w}numPr/{w}ilvl")
            based = style.find(f"{w}basedOn")
            self.styles[style_id] = (None if num_id is None else num_id.get(f"{w}val"),
                                     None if ilvl is None else ilvl.get(f"{w}val"),
                                     None if based is None else based.get(f"{w}val"))

    def _int(self, value: str | None, default: int) -> int:
        try:
            return int(value) if value is not None else default
        except ValueError:
            return default

    def _level(self, level: etree._Element) -> Level:
        w = self.w

        def value(tag: str, default: str) -> str:
            found = level.find(f"{w}{tag}")
            return default if found is None else found.get(f"{w}val", default)

        legal = level.find(f"{w}isLgl")
        return Level(self._int(value("start", "1"), 1), value("numFmt", "decimal"), value("lvlText", ""),
                     legal is not None and legal.get(f"{w}val", "1") not in ("0", "false", "off"),
                     value("suff", "tab"))

    def _from_style(self, style_id: str | None) -> tuple[str | None, str | None, str | None]:
        """(numId, ilvl, style) a paragraph style gives, following basedOn (at most 20 steps)."""
        for _ in range(20):
            if style_id is None or style_id not in self.styles:
                return None, None, None
            num_id, ilvl, based = self.styles[style_id]
            if num_id is not None:
                return num_id, ilvl, style_id
            style_id = based
        return None, None, None

    def label(self, paragraph: etree._Element, w: str) -> str:
        """The list number Word shows before this paragraph (advancing the counters), or ""."""
        if not self.nums:
            return ""
        props = paragraph.find(f"{w}pPr")
        num_pr = props.find(f"{w}numPr") if props is not None else None
        style = props.find(f"{w}pStyle") if props is not None else None
        style_id = style.get(f"{w}val") if style is not None else self.default_style
        num_id = ilvl = None
        if num_pr is not None:
            found_id, found_lvl = num_pr.find(f"{w}numId"), num_pr.find(f"{w}ilvl")
            num_id = found_id.get(f"{w}val") if found_id is not None else None
            ilvl = found_lvl.get(f"{w}val") if found_lvl is not None else None
        numbered_style = None
        if num_id is None:
            num_id, style_lvl, numbered_style = self._from_style(style_id)
            ilvl = ilvl if ilvl is not None else style_lvl
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, starts = self.nums[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl is None:
            ilvl = str(self.level_styles.get(abstract_id, {}).get(numbered_style or "", 0))
        index = self._int(ilvl, 0)
        level = levels.get(index)
        if level is None:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if num_id not in self.used:
            self.used.add(num_id)
            for at, start in starts.items():
                counters[at] = start - 1
        counters[index] = counters.get(index, level.start - 1) + 1
        for deeper in [at for at in counters if at > index]:
            del counters[deeper]
        if level.format == "bullet":
            return ""
        text = level.text
        for at in range(8, -1, -1):  # %10 does not exist; going down keeps %1 from eating %1x
            placeholder = f"%{at + 1}"
            if placeholder in text:
                shown = levels.get(at, level)
                number = counters.get(at, shown.start)
                fmt = "decimal" if level.legal and at < index else shown.format
                text = text.replace(placeholder, "" if fmt == "none" else format_number(number, fmt))
        if not text or level.suffix == "nothing" or text[-1] >= "\u2e80":
            return text
        return text + " "
