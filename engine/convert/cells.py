"""Reading one table cell: is it a label, a blank, or a value, and which number does it hold."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from engine.convert.memo import short_string_cache
from typing import NamedTuple

TEXT, BLANK, VALUE = "text", "blank", "value"

# A value cell: digits with optional sign, thousands separators, a decimal part (possibly with a stray
# space after the point, as in "3601. 21885 万元") and a unit. Anything with other letters is a label.
_VALUE = re.compile(
    r"^(?P<sign>[+-])?\s*(?P<number>\d[\d,]*(?:\.\s*\d+)?|\.\d+)\s*(?P<unit>万元|元|万|件|条|项|个|次|宗)?$"
)
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
# Cells that stand where a value should be but print no number: a dash or slash means "none" or "not
# applicable" in these tables, which is not the same as 0, so they read as blank with a note.
_PLACEHOLDERS = frozenset({"-", "--", "—", "——", "–", "/", "\\", "无", "空", "~", "－"})
_SPACES = re.compile(r"\s+")


class Cell(NamedTuple):
    """A cell as printed: its text, kind, and where it stands in the source (1-based)."""

    raw: str
    kind: str
    line: int
    column: int

    @property
    def text(self) -> str:
        return clean(self.raw)


@short_string_cache(8192)
def clean(raw: str) -> str:
    """Return the cell text NFKC-normalised (full-width digits, spaces) with outer space stripped."""
    return unicodedata.normalize("NFKC", raw).strip()


@short_string_cache(8192)
def kind_of(raw: str) -> str:
    """Classify a printed cell as TEXT, BLANK or VALUE."""
    text = clean(raw)
    if not text:
        return BLANK
    if text in _PLACEHOLDERS or _VALUE.match(text):
        return VALUE
    return TEXT


@dataclass(frozen=True, slots=True)
class Reading:
    """The number read from a value cell, or None with the reason it could not be read."""

    value: int | float | None
    problem: str | None = None
    converted: str | None = None  # set when a unit was converted (元 → 万元)


@short_string_cache(8192)
def read_value(raw: str, kind: str) -> Reading:
    """Read a printed cell as a cell of `kind` (count, signed, amount)."""
    text = clean(raw)
    if not text:
        return Reading(None)
    if text in _PLACEHOLDERS:
        return Reading(None, f"印作“{text}”，不是数字")
    match = _VALUE.match(text)
    if not match:
        return Reading(None, f"“{text}”不是数字")
    number, unit, sign = match["number"], match["unit"], match["sign"]
    number = _SPACES.sub("", number)
    if "," in number:
        if "." in number or not _THOUSANDS.match(number):
            return Reading(None, f"“{text}”中的逗号无法确定是千分位还是分隔符")
        number = number.replace(",", "")
    try:
        amount = Decimal(number)
    except InvalidOperation:
        return Reading(None, f"“{text}”不是数字")
    if sign == "-":
        amount = -amount
    if kind == "amount":
        converted = None
        if unit == "元":
            amount = amount / 10000
            converted = f"“{text}”以元计，已换算为{_plain(amount)}万元"
        elif unit not in (None, "万元", "万"):
            return Reading(None, f"金额“{text}”的单位“{unit}”不是万元")
        if amount < 0:
            return Reading(None, f"金额“{text}”为负数")
        return Reading(_plain(amount), None, converted)
    if unit in ("万", "万元", "元"):
        return Reading(None, f"数量“{text}”带有单位“{unit}”")
    if amount != amount.to_integral_value() or "." in number:
        return Reading(None, f"数量“{text}”不是整数")
    value = int(amount)
    if value < 0 and kind != "signed":
        return Reading(None, f"数量“{text}”为负数")
    return Reading(value)


def _plain(amount: Decimal) -> int | float:
    """Return an integral Decimal as int, any other as the float that prints the same digits."""
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount.normalize())
