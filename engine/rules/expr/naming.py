"""Functions that name things the way a report does: Chinese numerals, section titles, pack lookup tables.

They spare rule authors the `{"一" if n == 1 else "二" if n == 2 else …}` chains a message would
otherwise need: `第{numeral(n)}部分“{section_title(n)}”`. A pack's `lookups:` become functions of
one argument (`applicant(c)`), made here by `lookup_function`; a key known at load (a literal, or a
name bound to a literal list) is checked at load, so a misspelt key is a pack error, not a blank.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine import templates as TPL
from engine.rules.expr.functions import Arg, ArgError, FunctionSpec, LoadEnv, NOT_CONSTANT
from engine.rules.expr.runtime import RuleRuntimeError
from engine.rules.expr.types import INT, STR, T, nullable

DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """n (0–9999) written as a report writes it: 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五."""
    if not isinstance(n, int) or isinstance(n, bool) or not 0 <= n <= 9999:
        raise RuleRuntimeError(f"numeral() writes integers from 0 to 9999, not {n!r}")
    if n < 10:
        return DIGITS[n]
    if n < 20:  # 十, 十二: a leading 一 is not written before 十
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("零" if zero and out else "") + DIGITS[digit] + unit
            zero = False
        else:
            zero = bool(out)
    return out


def _constant_ints(arg: Arg) -> list[Any]:
    return [arg.constant] if arg.constant is not NOT_CONSTANT else []


def _check_numeral(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
    for value in _constant_ints(args[0]):
        try:
            chinese_numeral(value)
        except RuleRuntimeError as exc:
            raise ArgError(str(exc), 0) from None
    return ()


def section_title(n: int) -> str:
    """The template's title of section n (1–6): 3 → 收到和处理政府信息公开申请情况."""
    title = TPL.SECTION_TITLES.get(n) if isinstance(n, int) and not isinstance(n, bool) else None
    if title is None:
        raise RuleRuntimeError(f"section_title(): the template has sections 1 to {len(TPL.SECTION_TITLES)}, not {n!r}")
    return title


def _check_section(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
    for value in _constant_ints(args[0]):
        if value not in TPL.SECTION_TITLES:
            raise ArgError(f"the template has sections 1 to {len(TPL.SECTION_TITLES)}, not {value!r}", 0)
    return ()


def lookup_function(name: str, table: Mapping[str, Any], pack: str = "") -> FunctionSpec:
    """A pack's lookup table as a function of one key: `name(key)` is the table's value for key."""
    entries = dict(table)
    kinds = {type(v) for v in entries.values()}
    if not entries or len(kinds) != 1 or not kinds <= {str, int}:
        raise ValueError(f"lookup {name}: the values must be all strings or all integers")
    value_type = STR if kinds == {str} else INT
    where = f" of pack {pack}" if pack else ""

    def _check(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
        arg = args[0]
        known = [arg.constant] if arg.constant is not NOT_CONSTANT else list(arg.type.values or ())
        for key in known:
            if key not in entries:
                keys = "、".join(map(str, entries))
                raise ArgError(f"lookup {name}{where} has no key {key!r} (its keys: {keys})", 0)
        return (bool(known),)

    def _result(args: list[Arg], env: LoadEnv) -> T:
        # a key checked at load always finds its value; any other key may miss (null)
        known = args and (args[0].constant is not NOT_CONSTANT or args[0].type.values)
        return value_type if known else nullable(value_type)

    def _impl(checked: bool, key: Any) -> Any:
        return entries.get(key)

    return FunctionSpec(name, ["key: string | int"], _result, _impl,
                        f"The lookup table {name}{where}: its value for key.", prepare=_check)


FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("numeral", ["n: int"], STR, chinese_numeral,
                 "n as a Chinese numeral: 1 → 一, 12 → 十二, 20 → 二十 (0–9999).", prepare=_check_numeral),
    FunctionSpec("section_title", ["n: int"], STR, section_title,
                 "The template's title of section n: 5 → 存在的主要问题及改进情况.", prepare=_check_section),
)
