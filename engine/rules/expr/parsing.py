"""Parse rule expressions and messages; syntax errors point at the line and column in the YAML file."""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib.resources import files
from typing import TYPE_CHECKING

from engine.errors import InputError

if TYPE_CHECKING:  # lark is imported where a pack is compiled: loading packs from the cache never needs it
    from lark import Lark, Tree
    from lark.exceptions import UnexpectedInput

Locate = Callable[[str, int], tuple[int, int]]
_SYMBOLS = {"LPAR": "(", "RPAR": ")", "LSQB": "[", "RSQB": "]", "COMMA": ",", "DOT": ".", "COLON": ":",
            "STAR": "*", "PLUS": "+", "MINUS": "-", "SLASH": "/"}
_WORDS = {"COMP_OP": "a comparison", "NAME": "a name", "NUMBER": "a number", "STRING": "a string",
          "$END": "the end"}


class RuleCompileError(InputError):
    """A rule that cannot be compiled: what, in which part, and where in the YAML file."""

    def __init__(self, message: str, part: str, line: int, column: int):
        super().__init__(message, None, f"{line}:{column}")
        self.part, self.line, self.column = part, line, column


class RuleSyntaxError(RuleCompileError):
    """An expression that does not parse."""


class RuleTypeError(RuleCompileError):
    """An expression that parses but does not fit the document or the functions' signatures."""


@functools.cache
def parser() -> Lark:
    """The expression parser (LALR, built once)."""
    from lark import Lark

    grammar = files("engine.rules.expr").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=True, maybe_placeholders=False)


def default_locate(texts: dict[str, str]) -> Locate:
    def locate(part: str, offset: int) -> tuple[int, int]:
        before = texts.get(part, "")[:offset]
        return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1
    return locate


def parse(text: str, part: str, locate: Locate, base: int = 0) -> Tree:
    from lark.exceptions import UnexpectedInput

    try:
        return parser().parse(text)
    except UnexpectedInput as exc:
        offset = _offset(exc, text)
        line, column = locate(part, base + offset)
        raise RuleSyntaxError(f"{part}: {_describe(exc, text, offset)}", part, line, column) from None


def _offset(exc: UnexpectedInput, text: str) -> int:
    from lark.exceptions import UnexpectedEOF, UnexpectedToken

    if isinstance(exc, UnexpectedToken) and exc.token.type == "$END" or isinstance(exc, UnexpectedEOF):
        return len(text.rstrip())
    if isinstance(exc, UnexpectedToken):
        return exc.token.start_pos or 0
    return getattr(exc, "pos_in_stream", 0) or 0


def _describe(exc: UnexpectedInput, text: str, offset: int) -> str:
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    if isinstance(exc, UnexpectedCharacters):
        return f"unexpected character {text[offset]!r}"
    names = getattr(exc, "expected", ()) or ()
    expected = sorted(f"'{_SYMBOLS.get(n, n.lower())}'" for n in names if n not in _WORDS)
    expected += sorted(_WORDS[n] for n in names if n in _WORDS)
    hint = f"; expected {', '.join(expected[:16])}" if expected else ""
    if isinstance(exc, UnexpectedToken) and exc.token.type != "$END":
        token = exc.token
        kind = "keyword" if token.type not in _SYMBOLS and token.type not in _WORDS else "token"
        return f"unexpected {kind} {str(token)!r}{hint}"
    return f"unexpected end of expression{hint}"


def message_parts(message: str, locate: Locate) -> list[tuple[str, int] | str]:
    """Split a message into text and ({expr}, offset); {{ and }} stand for braces.

    A placeholder ends at the first } outside string literals, so regexes such as "[0-9]{1,3}"
    inside a placeholder's strings are fine.
    """
    parts: list[tuple[str, int] | str] = []
    text, i = "", 0
    while i < len(message):
        char = message[i]
        if message.startswith("{{", i) or message.startswith("}}", i):
            text, i = text + char, i + 2
        elif char == "{":
            end = _placeholder_end(message, i + 1)
            if end < 0:
                line, column = locate("message", i)
                raise RuleSyntaxError("message: { without a closing }", "message", line, column)
            if text:
                parts.append(text)
            parts.append((message[i + 1:end], i + 1))
            text, i = "", end + 1
        elif char == "}":
            line, column = locate("message", i)
            raise RuleSyntaxError("message: } without an opening { (write }} for a brace)", "message", line, column)
        else:
            text, i = text + char, i + 1
    if text:
        parts.append(text)
    return parts


def _placeholder_end(message: str, i: int) -> int:
    quote = None
    while i < len(message):
        char = message[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "}":
            return i
        i += 1
    return -1
