"""Static types of the expression language and their resolution against a template's JSON Schema.

A type says what a value is (integer, decimal, string, date, boolean, null, object with known keys,
row, list), whether it may be null, and, for strings, which values it can take when that is known
at load time (a literal, or a name bound to a literal list): that is what lets `x[k]` be checked
for every k. Only the JSON-Schema shape is read (properties, type, items, title, enum, const,
anyOf/oneOf with null, format: date), never a particular schema file.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

SCALARS = ("int", "dec", "str", "date", "bool", "null")
NUMBERS = ("int", "dec")
TEXTS = ("str", "date")
TITLE_SEPARATOR = " · "  # as engine.document.schema.title_of joins a pointer's titles


class TypeProblem(Exception):
    """A type error found while resolving a path or checking an operation (no position yet)."""


@dataclass(frozen=True, eq=False)
class T:
    """A static type; `fields` for objects and rows, `item` for lists, `values` for known strings."""

    kind: str  # int dec str date bool null any obj row list
    nullable: bool = False
    fields: dict[str, T] | None = None
    item: T | None = None
    values: tuple[Any, ...] | None = None
    pointer: str | None = None  # where an object stands in every document of the template
    title: str | None = None
    extra: T | None = None  # the value type of an open map (additionalProperties)
    partial: dict[str, tuple[str, ...]] | None = None  # keys only some joined members have: key → members

    def but(self, **changes: Any) -> T:
        """This type with some attributes changed."""
        return replace(self, **changes)

    @property
    def numeric(self) -> bool:
        return self.kind in NUMBERS

    @property
    def textual(self) -> bool:
        return self.kind in TEXTS

    @property
    def objectlike(self) -> bool:
        return self.kind in ("obj", "row")


INT, DEC, STR, DATE, BOOL = T("int"), T("dec"), T("str"), T("date"), T("bool")
NULL, ANY = T("null", nullable=True), T("any", nullable=True)


def list_of(item: T, values: tuple[Any, ...] | None = None) -> T:
    """The type of a list of `item`s."""
    return T("list", item=item.but(values=values) if values is not None else item)


def nullable(t: T, flag: bool = True) -> T:
    """`t`, or null when `flag`."""
    return t if t.nullable == flag or t.kind in ("null", "any") else t.but(nullable=flag)


def describe(t: T) -> str:
    """The type in words, for error messages: "an integer or null", "a list of numbers"."""
    names = {"int": "an integer", "dec": "a number", "str": "a string", "date": "a date",
             "bool": "a boolean", "null": "null", "any": "a value", "obj": "an object", "row": "a row"}
    plurals = {"int": "integers", "dec": "numbers", "str": "strings", "date": "dates", "bool": "booleans",
               "null": "nulls", "any": "values", "obj": "objects", "row": "rows", "list": "lists"}
    if t.kind == "list":
        item = t.item or ANY
        text = f"a list of {plurals[item.kind]}" + (" (or null)" if item.nullable and item.kind != "any" else "")
    else:
        text = names[t.kind]
    return text + (" or null" if t.nullable and t.kind not in ("null", "any") else "")


def kinds_match(a: T, b: T) -> bool:
    """Whether values of `a` and `b` can be compared with == (same family of values)."""
    if "any" in (a.kind, b.kind) or "null" in (a.kind, b.kind):
        return True
    family = {"int": "n", "dec": "n", "str": "s", "date": "s", "row": "o", "obj": "o"}
    return family.get(a.kind, a.kind) == family.get(b.kind, b.kind)


def join(types: Sequence[T], names: Sequence[str] | None = None) -> T | None:
    """The least type holding every one of `types`; None when they do not fit together.

    Objects join to the keys they all have; `partial` remembers which members (by `names`) lack the
    others, so that `x[k].made` can say which k it fails for.
    """
    types = list(types)
    if not types:
        return ANY
    if len(types) == 1:
        return types[0]
    if any(t.kind == "any" for t in types):
        return ANY
    maybe_null = any(t.nullable for t in types)
    real = [t for t in types if t.kind != "null"]
    if not real:
        return NULL
    kinds = {t.kind for t in real}
    if kinds <= set(NUMBERS):
        kind = "dec" if "dec" in kinds else "int"
        return T(kind, nullable=maybe_null)
    if kinds <= set(TEXTS):
        values = _joined_values(real)
        return T("date" if kinds == {"date"} else "str", nullable=maybe_null, values=values)
    if kinds == {"bool"}:
        return T("bool", nullable=maybe_null)
    if kinds == {"list"}:
        item = join([t.item or ANY for t in real])
        return None if item is None else T("list", nullable=maybe_null, item=item)
    if kinds <= {"obj", "row"}:
        return _join_objects(real, names, maybe_null, "row" if kinds == {"row"} else "obj")
    return None


def _joined_values(types: list[T]) -> tuple[Any, ...] | None:
    if any(t.values is None for t in types):
        return None
    out: list[Any] = []
    for t in types:
        out.extend(v for v in t.values or () if v not in out)
    return tuple(out)


def _join_objects(types: list[T], names: Sequence[str] | None, maybe_null: bool, kind: str) -> T | None:
    if any(t.fields is None for t in types):
        return T(kind, nullable=maybe_null, extra=ANY)
    labels = list(names) if names is not None else [t.title or str(i) for i, t in enumerate(types)]
    common = [key for key in types[0].fields or {} if all(key in (t.fields or {}) for t in types)]
    fields: dict[str, T] = {}
    for key in common:
        joined = join([(t.fields or {})[key] for t in types])
        if joined is None:
            return None
        fields[key] = joined
    partial: dict[str, tuple[str, ...]] = {}
    for t, label in zip(types, labels):
        for key in t.fields or {}:
            if key not in fields:
                partial[key] = partial.get(key, ()) + (label,)
    pointers, names_ = {t.pointer for t in types}, {t.title for t in types}
    return T(kind, nullable=maybe_null, fields=fields, partial=partial or None,
             pointer=pointers.pop() if len(pointers) == 1 else None, title=names_.pop() if len(names_) == 1 else None)


# ---- types written as text (function signatures, plugins) ----

_NAMED = {"int": INT, "integer": INT, "number": DEC, "decimal": DEC, "string": STR, "str": STR,
          "date": DATE, "bool": BOOL, "boolean": BOOL, "null": NULL, "any": ANY,
          "object": T("obj", extra=ANY), "row": T("row", extra=ANY)}


def parse_type(text: str) -> T | tuple[T, ...]:
    """A type from its notation: `number`, `string?` (may be null), `list[number]`, `int | list[int]`."""
    options = [part.strip() for part in _split_top(text, "|")]
    parsed = [_parse_one(option) for option in options]
    return parsed[0] if len(parsed) == 1 else tuple(parsed)


def _split_top(text: str, sep: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        depth += (char == "[") - (char == "]")
        if char == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return parts + [text[start:]]


def _parse_one(text: str) -> T:
    optional = text.endswith("?")
    text = text.removesuffix("?").strip()
    match = re.fullmatch(r"list\[(.+)\]", text)
    if match:
        inner = parse_type(match.group(1))
        if isinstance(inner, tuple):
            raise ValueError(f"list items must have one type: {text!r}")
        return nullable(T("list", item=inner), optional)
    if text not in _NAMED:
        raise ValueError(f"unknown type {text!r}; use one of {', '.join(sorted(_NAMED))}, list[…], …?")
    return nullable(_NAMED[text], optional)


def accepts(param: T | tuple[T, ...], arg: T) -> bool:
    """Whether a parameter of type `param` accepts an argument of type `arg` (nulls aside)."""
    if isinstance(param, tuple):
        return any(accepts(option, arg) for option in param)
    if param.kind == "any" or arg.kind in ("any", "null"):
        return True
    if param.kind == "dec":
        return arg.numeric
    if param.kind == "str":
        return arg.textual
    if param.kind == "date":
        return arg.textual
    if param.kind == "obj":
        return arg.objectlike
    if param.kind == "list":
        return arg.kind == "list" and accepts(param.item or ANY, arg.item or ANY)
    return param.kind == arg.kind


# ---- the document's shape, from its JSON Schema ----

def escape(key: str) -> str:
    """`key` as a JSON Pointer reference token."""
    return key.replace("~", "~0").replace("/", "~1")


def from_schema(node: Any, pointer: str | None = "") -> T:
    """The type of the values a JSON Schema node allows; objects remember their pointer and title."""
    if not isinstance(node, dict):
        return ANY
    title = node.get("title")
    options = node.get("anyOf") or node.get("oneOf")
    if isinstance(options, list):
        joined = join([from_schema(option, pointer) for option in options]) or ANY
        return joined.but(title=title or joined.title) if joined.kind != "any" else ANY
    if "const" in node:
        return _of_values([node["const"]])
    if isinstance(node.get("enum"), list):
        return _of_values(node["enum"])
    kinds = node.get("type")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    maybe_null = "null" in kinds
    kinds = [kind for kind in kinds if kind != "null"]
    if not kinds:
        if "properties" in node:
            kinds = ["object"]
        elif maybe_null:
            return NULL
        else:
            return ANY
    parts = [_one_kind(kind, node, pointer, title) for kind in kinds]
    joined = join(parts) or ANY
    return nullable(joined, maybe_null) if joined.kind != "any" else ANY


def _one_kind(kind: str, node: dict[str, Any], pointer: str | None, title: str | None) -> T:
    if kind == "integer":
        return INT
    if kind == "number":
        return DEC
    if kind == "boolean":
        return BOOL
    if kind == "string":
        return DATE if node.get("format") == "date" else STR
    if kind == "array":
        return T("list", item=from_schema(node.get("items"), None), title=title)
    if kind == "object":
        properties: dict[str, Any] = node["properties"] if isinstance(node.get("properties"), dict) else {}
        fields = {key: from_schema(value, None if pointer is None else f"{pointer}/{escape(key)}")
                  for key, value in properties.items()}
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):  # an open map such as provenance: any key, values of one type
            open_map: T | None = from_schema(extra, None)
        else:  # without properties and not closed, any key may hold anything
            open_map = None if extra is False or fields else ANY
        return T("obj", fields=fields, extra=open_map, pointer=pointer, title=title)
    return ANY


def _of_values(values: list[Any]) -> T:
    maybe_null = None in values
    real = [v for v in values if v is not None]
    if not real:
        return NULL
    if all(isinstance(v, str) for v in real):
        return T("str", nullable=maybe_null, values=tuple(real))
    if all(isinstance(v, bool) for v in real):
        return nullable(BOOL, maybe_null)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in real):
        return nullable(INT, maybe_null)
    return ANY


def titles(schema: dict[str, Any]) -> dict[str, str]:
    """The Chinese title of every named property of `schema`, by JSON Pointer."""
    out: dict[str, str] = {}

    def walk(node: Any, pointer: str) -> None:
        if not isinstance(node, dict):
            return
        for option in (node.get("anyOf") or node.get("oneOf") or ()):
            walk(option, pointer)
        for key, child in (node.get("properties") or {}).items():
            here = f"{pointer}/{escape(key)}"
            if isinstance(child, dict) and isinstance(child.get("title"), str):
                out[here] = child["title"]
            walk(child, here)

    walk(schema, "")
    return out


def title_path(pointer: str, names: dict[str, str]) -> str:
    """The titles of every key along `pointer`, joined as engine.document.schema.title_of joins them."""
    parts, here = [], ""
    for token in pointer.split("/")[1:]:
        here += "/" + token
        if here in names:
            parts.append(names[here])
    return TITLE_SEPARATOR.join(parts)


def row_label(chain: Sequence[str]) -> str:
    """A row's label from the titles above it: its own, with the group's when it is numbered 1., 2. …"""
    if not chain:
        return ""
    label, i = chain[-1], len(chain) - 2
    while label[:1].isdigit() and i >= 0:  # "1.属于国家秘密" alone does not say which group
        label, i = chain[i] + TITLE_SEPARATOR + label, i - 1
    return label


# ---- paths ----

def suggest(word: str, options: Iterable[str]) -> str:
    """' (did you mean X?)' for the closest of `options`, or the options themselves when few."""
    options = list(options)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    if 0 < len(options) <= 12:
        return f"; known: {', '.join(options)}"
    return ""


def member(t: T, key: str, where: str) -> T:
    """The type of `where.key` for an object type `t` (lists map, null objects give null)."""
    if t.kind == "any":
        return ANY
    if t.kind == "list":
        return T("list", item=member(t.item or ANY, key, f"each item of {where}"))
    if not t.objectlike:
        raise TypeProblem(f"{where} is {describe(t)}; it has no key {key!r}")
    fields = t.fields or {}
    if key in fields:
        return nullable(fields[key], t.nullable or fields[key].nullable)
    if t.partial and key in t.partial:
        some = ", ".join(t.partial[key])
        raise TypeProblem(f"key {key!r} is not in every possible {where}: only in {some}")
    if t.extra is not None:
        return nullable(t.extra)
    raise TypeProblem(f"unknown key {key!r} in {where}{suggest(key, fields)}")


def members(t: T, where: str) -> tuple[T, tuple[str, ...]]:
    """The type of `where.*` (a list of the members' values) and the member keys, in schema order."""
    if t.kind == "any":
        return list_of(ANY), ()
    if not t.objectlike or t.fields is None:
        raise TypeProblem(f"{where} is {describe(t)}; .* lists the members of an object")
    if not t.fields:
        raise TypeProblem(f"{where} has no fixed keys to list with .*")
    keys = tuple(t.fields)
    item = join([nullable(t.fields[k], t.nullable or t.fields[k].nullable) for k in keys], list(keys))
    if item is None:
        kinds = ", ".join(f"{k} is {describe(t.fields[k])}" for k in keys[:4])
        raise TypeProblem(f"the members of {where} differ in type ({kinds}, …)")
    return list_of(item), keys


def indexed(t: T, key: T, where: str, key_text: str) -> T:
    """The type of `where[key_text]`: checked for every value the key can take."""
    if t.kind == "any":
        return ANY
    if t.kind == "list":
        return T("list", item=indexed(t.item or ANY, key, f"each item of {where}", key_text))
    if not t.objectlike:
        raise TypeProblem(f"{where} is {describe(t)}; only objects can be indexed by a key")
    if key.kind not in ("str", "any"):
        raise TypeProblem(f"the key {key_text} is {describe(key)}; object keys are strings")
    if t.extra is not None and not t.fields:
        return nullable(t.extra)
    if key.values is None:
        raise TypeProblem(f"{where}[{key_text}]: the key must range over known keys (a string literal, or a "
                          f"name bound to a literal list or to keys(…))")
    found = []
    for value in key.values:
        try:
            found.append(member(t, value, where))
        except TypeProblem as exc:
            raise TypeProblem(f"{exc} (when {key_text} is {value!r})") from None
    joined = join(found, [str(v) for v in key.values])
    if joined is None:
        raise TypeProblem(f"{where}[{key_text}] differs in type across the values of {key_text}")
    return joined


def row_specs(t: T, chain: Sequence[str] = ()) -> list[tuple[tuple[str, ...], str]]:
    """Every row (an object whose keys are all scalar cells) at any depth of `t`: (path, label)."""
    if not t.objectlike or not t.fields:
        return []
    if all(f.kind in SCALARS or f.kind == "any" for f in t.fields.values()):
        return [((), row_label(chain) or (t.title or ""))]
    out: list[tuple[tuple[str, ...], str]] = []
    for key, field in t.fields.items():
        below = list(chain) + [field.title or key]
        out.extend(((key,) + path, label) for path, label in row_specs(field, below))
    return out
