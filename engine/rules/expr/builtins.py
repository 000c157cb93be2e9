"""The builtin functions of the expression language: result types, load-time preparation, implementations.

They reach packs as an internal plugin (engine.rules.plugins registers this module first), through the
same `nianbao_functions` hook as any installed plugin's functions.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pluggy

from engine.rules.expr import naming, runtime, textfacts
from engine.rules.expr.functions import Arg, ArgError, FunctionSpec, FunctionTable, LoadEnv, Param
from engine.rules.expr.functions import compile_regex as _regex
from engine.rules.expr.runtime import EvalContext, TextMatch, TableRow, RuleRuntimeError
from engine.rules.expr.scan import Scanner
from engine.rules.expr.textfacts import place, view_span
from engine.rules.expr.types import (ANY, BOOL, DATE, DEC, INT, STR, T, escape, join, list_of, nullable, parse_type,
                                row_label, row_specs)


def _same_as_first(args: list[Arg], env: LoadEnv) -> T:
    return nullable(args[0].type, False) if args else ANY


def _numeric_result(args: list[Arg], env: LoadEnv) -> T:
    item = args[0].type.item if args and args[0].type.kind == "list" else None
    return DEC if item is None or item.kind != "int" else INT


def _extremum(args: list[Arg], env: LoadEnv) -> T:
    if len(args) == 1:
        if args[0].type.kind != "list":
            raise ArgError("give a list, or two numbers or more", 0)
        return nullable(args[0].type.item or ANY, False)
    for i, arg in enumerate(args):
        if arg.type.kind == "list":
            raise ArgError("give one list, or numbers only", i)
    return nullable(join([a.type for a in args]) or DEC, False)


def _coalesce_type(args: list[Arg], env: LoadEnv) -> T:
    if len(args) < 2:
        raise ArgError("coalesce needs two values or more", 0)
    joined = join([a.type for a in args])
    if joined is None:
        raise ArgError("coalesce's values must have one type", 1)
    return nullable(joined, args[-1].type.nullable)


def _contains_type(args: list[Arg], env: LoadEnv) -> T:
    if args[0].type.textual and not (args[1].type.textual or args[1].type.kind == "any"):
        raise ArgError("a string contains strings only", 1)
    return BOOL


def _date_type(args: list[Arg], env: LoadEnv) -> T:
    if len(args) == 2:
        raise ArgError("date takes a string, or year, month and day", 1)
    if len(args) == 1 and args[0].type.kind == "int":
        raise ArgError("date(year) needs a month and a day too", 0)
    if len(args) == 3:
        for i, arg in enumerate(args):
            if arg.type.kind not in ("int", "any"):
                raise ArgError("year, month and day are integers", i)
    if len(args) == 1 and isinstance(args[0].constant, str):
        try:
            _date(args[0].constant)
        except RuleRuntimeError as exc:
            raise ArgError(str(exc), 0) from None
    return DATE


def _prepare_matches(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
    return (_regex(args[1].constant, 1),)


def _prepare_numbers(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
    return (_regex(args[0].constant, 0, groups=1),)


def _prepare_find(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
    patterns = args[0].constant
    patterns = [patterns] if isinstance(patterns, str) else patterns
    compiled = tuple(_regex(p, 0) for p in patterns)
    try:  # one scan of the text for all patterns; separate scans only if they cannot be joined
        joined: Scanner | None = Scanner(re.compile("|".join(f"(?:{p.pattern})" for p in compiled)))
    except re.error:
        joined = None
    return ((compiled, joined, tuple(patterns)),)


MATCH = T("obj", fields={"text": STR, "line": INT, "column": INT, "pattern": STR})


def _prepare_rows(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
    specs = row_specs(args[0].type)
    if not specs:
        raise ArgError(f"{args[0].text} has no rows (objects whose keys are all cells)", 0)
    base = args[0].pointer
    rows = []
    for path, label in specs:
        suffix = "".join("/" + escape(k) for k in path)
        static = None if base is None else {"pointer": base + suffix, "label": label}
        rows.append((path, suffix, label, static))
    return (tuple(rows),)


def _rows_type(args: list[Arg], env: LoadEnv) -> T:
    t = args[0].type
    specs = row_specs(t)
    found = []
    for path, _ in specs:
        here = t
        for key in path:
            here = (here.fields or {})[key]
        found.append(here.but(kind="row", nullable=False))
    joined = join(found, [label for _, label in specs]) if found else None
    return list_of(joined or T("row", extra=ANY))


def _prepare_label(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
    return (env.titles,)


def _prepare_keys(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
    fields = args[0].type.fields
    if not fields:
        raise ArgError(f"{args[0].text} has no fixed keys", 0)
    return (tuple(fields),)


def _keys_type(args: list[Arg], env: LoadEnv) -> T:
    return list_of(STR, tuple(args[0].type.fields or ()))


def _section_type(args: list[Arg], env: LoadEnv) -> T:
    sections = (env.root.fields or {}).get("sections")
    item = sections.item if sections is not None and sections.kind == "list" else None
    return nullable(item or ANY)


def _notes_type(args: list[Arg], env: LoadEnv) -> T:
    notes = (env.root.fields or {}).get("notes")
    return notes.but(nullable=False) if notes is not None and notes.kind == "list" else list_of(ANY)


def _sorted_type(args: list[Arg], env: LoadEnv) -> T:
    return args[0].type.but(nullable=False)


# ---- implementations ----

def _count(values: list[Any]) -> int:
    return sum(1 for v in values if v is not None)


def _min(*values: Any) -> Any:
    return min(values[0]) if len(values) == 1 else min(values)


def _max(*values: Any) -> Any:
    return max(values[0]) if len(values) == 1 else max(values)


def _round(value: Any, digits: int = 0) -> Any:
    rounded = Decimal(value).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits <= 0 else rounded


def _coalesce(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _contains(haystack: Any, needle: Any) -> bool:
    if isinstance(haystack, str) and isinstance(needle, str):
        return runtime.nfkc(needle) in runtime.nfkc(haystack)
    return needle in haystack


def _approx(a: Any, b: Any, tolerance: Any) -> bool:
    return abs(a - b) <= tolerance


def _date(*parts: Any) -> str:
    try:
        if len(parts) == 3:
            return datetime.date(*parts).isoformat()
        text = parts[0]
        if not re.match(r"\d{4}-\d{2}-\d{2}$", text[:10]):
            raise ValueError(f"{text!r} is not a date written YYYY-MM-DD")
        return datetime.date.fromisoformat(text[:10]).isoformat()
    except (ValueError, TypeError) as exc:
        raise RuleRuntimeError(f"bad date: {exc}") from None


def _rows(specs: tuple[Any, ...], value: Any, pointer: str) -> list[TableRow]:
    if value.__class__ is TableRow:
        value = value.d
    if value is None:  # a table that is null although the schema says object: the slow path names it
        raise runtime.Blank()
    out = []
    for path, suffix, label, static in specs:
        d = value
        for key in path:
            d = d.get(key) if d.__class__ is dict else None
        if d.__class__ is dict:  # a row the converter did not find is null: nothing to check in it
            ref = static if static is not None else {"pointer": pointer + suffix, "label": label}
            out.append(TableRow(d, ref["pointer"], label, ref))
    return out


def _label(titles: dict[str, str], value: Any, pointer: str) -> str:
    if isinstance(value, TableRow):
        return value.label
    chain, here = [], ""
    for token in pointer.split("/")[1:]:
        here += "/" + token
        chain.append(titles.get(here, token))
    return row_label(chain[1:] or chain)  # as checker.place_label: the table's own title is left out


def _blank_cells(value: Any, pointer: str) -> list[str]:
    if value.__class__ is TableRow:
        value = value.d
    if value is None:
        return [pointer]
    out: list[str] = []
    if value.__class__ is dict:
        for key, child in value.items():
            if child is None:
                out.append(f"{pointer}/{escape(key) if '/' in key or '~' in key else key}")
            elif child.__class__ is dict or child.__class__ is list:
                out += _blank_cells(child, f"{pointer}/{escape(key)}")
    elif value.__class__ is list:
        for i, child in enumerate(value):
            out += _blank_cells(child, f"{pointer}/{i}")
    return out


def _section(ctx: EvalContext, number: int) -> Any:
    return ctx.section(number)


def _section_text(ctx: EvalContext, number: int) -> str:
    start, end = ctx.span(number)
    return ctx.normal[start:end]


def _text_numbers(ctx: EvalContext, regex: re.Pattern[str], _pattern: str, section: int | None = None) -> list[Any]:
    tv, start, end = view_span(ctx, section)  # NFKC, sentences joined across line breaks (textfacts)
    found = (runtime.number(m.group(1) or "") for m in regex.finditer(tv.text, start, end))
    return [n for n in found if n is not None]


def _text_find(ctx: EvalContext, patterns: tuple[Any, ...], _value: Any,
               section: int | None = None) -> list[TextMatch]:
    tv, start, end = view_span(ctx, section)  # NFKC, sentences joined across line breaks (textfacts)
    compiled, joined, written = patterns  # a match names its pattern as the rule wrote it
    found: list[tuple[int, str, str]] = []
    if joined is not None:  # leftmost matches, never overlapping; the pattern is the first that matches there
        for m in joined.finditer(tv.text, start, end):
            if m.end() > m.start():
                which = next((i for i, p in enumerate(compiled) if p.match(tv.text, m.start(), end)), None)
                found.append((m.start(), m.group(0), joined.pattern if which is None else written[which]))
    else:
        for regex, pattern in zip(compiled, written):
            found += [(m.start(), m.group(0), pattern)
                      for m in regex.finditer(tv.text, start, end) if m.end() > m.start()]
        found.sort(key=lambda item: item[0])
    out = []
    for offset, text, pattern in found:
        line, column = place(ctx, tv, offset)
        out.append(TextMatch(text=text, line=line, column=column, pattern=pattern))
    return out


def _notes(ctx: EvalContext, code: str) -> list[Any]:
    return [n for n in ctx.document.get("notes") or () if isinstance(n, dict) and n.get("code") == code]


def _unread(ctx: EvalContext, value: Any, pointer: str) -> list[Any]:
    return ctx.unread_at(pointer) if pointer and ctx.unread else []


def _was_read(ctx: EvalContext, value: Any, pointer: str) -> bool:
    """True when no null cell of x is one the converter could not read; else the rule is not evaluable."""
    unread = [p for p in _blank_cells(value, pointer) if ctx.unread_at(p)] if pointer and ctx.unread else []
    if unread:
        raise runtime.Unread(unread)
    return True


def _not_inferred_by(ctx: EvalContext, value: Any, pointer: str, kind: str, column: str | None = None) -> bool:
    """True when the converter chose no value of x (in `column`, if given) by the sum `kind`; else not evaluable."""
    chosen = [p for p, how in ctx.inferred.items() if how == kind and (p == pointer or p.startswith(pointer + "/"))
              and (column is None or p.rsplit("/", 1)[-1] == column)]
    if chosen:
        raise runtime.Unread(chosen)
    return True


def _similarity(ctx: EvalContext, a: str, b: str, ignore: Sequence[str | None] = ()) -> Decimal:
    from engine.similarity import jaccard, shingles

    names = tuple(name for name in ignore if isinstance(name, str))
    sets = []
    for text in (a, b):  # a report's own text comes back for each comparison: its shingles are kept
        key = ("similarity", text, names)
        if key not in ctx.cache:
            ctx.cache[key] = shingles(text, names)
        sets.append(ctx.cache[key])
    return jaccard(*sets)


def _text_similarity(ctx: EvalContext, report: Any) -> Decimal:
    if not runtime.is_report(report):
        raise RuleRuntimeError("text_similarity() compares with a report: give it a compare name")
    agencies = [(report.get("meta") or {}).get("agency"), (ctx.document.get("meta") or {}).get("agency")]
    return _similarity(ctx, report.get("text") or "", ctx.text, agencies)


def _spec(name: str, params: Sequence[Param | str], returns: Any, impl: Callable[..., Any], doc: str,
          **options: Any) -> FunctionSpec:
    return FunctionSpec(name, params, returns, impl, doc, **options)


_LIST_OR_NUMBER = parse_type("number | list[number]")

BUILTINS: tuple[FunctionSpec, ...] = (
    _spec("sum", ["values: list[number]"], _numeric_result, sum, "The sum of a list of numbers (0 when empty)."),
    _spec("count", ["values: list[any?]"], INT, _count, "How many items of a list are not null."),
    _spec("len", ["value: string | list[any?]"], INT, len, "The length of a string or list."),
    _spec("min", [Param("values", _LIST_OR_NUMBER, variadic=True)], _extremum, _min,
          "The least of a list, or of two numbers or more."),
    _spec("max", [Param("values", _LIST_OR_NUMBER, variadic=True)], _extremum, _max,
          "The greatest of a list, or of two numbers or more."),
    _spec("abs", ["x: number"], _same_as_first, abs, "The absolute value."),
    _spec("round", ["x: number", "digits=: int"], lambda a, e: INT if len(a) == 1 else DEC, _round,
          "Round half up to `digits` decimals (an integer when digits is left out)."),
    _spec("coalesce", ["values: any?..."], _coalesce_type, _coalesce, "The first value that is not null."),
    _spec("is_blank", ["x: any?"], BOOL, runtime.is_blank,
          "Null, an empty string or list, or an object whose cells are all blank."),
    _spec("matches", ["text: string", Param("pattern", STR, literal=True)], BOOL,
          lambda regex, text, pattern: regex.search(runtime.nfkc(text)) is not None,
          "Whether the regular expression occurs in the text.", prepare=_prepare_matches),
    _spec("contains", ["haystack: string | list[any?]", "needle: any"], _contains_type,
          _contains, "Substring of a string (both NFKC), or item of a list."),
    _spec("approx", ["a: number", "b: number", "tolerance: number"], BOOL, _approx, "|a - b| <= tolerance."),
    _spec("date", ["value: int | string", "month=: int", "day=: int"], _date_type, _date,
          'A date YYYY-MM-DD from year, month, day or from a string; compare dates with < <= == …'),
    _spec("year", ["value: date"], INT, lambda value: int(_date(value)[:4]), "The year of a date."),
    _spec("rows", [Param("table", parse_type("object"), ref=True)], _rows_type, _rows,
          "Every row (object of cells) of a table, at any depth, with its pointer and label.",
          prepare=_prepare_rows),
    _spec("label", [Param("x", parse_type("object"), ref=True)], STR, _label,
          "The Chinese label of a row.", prepare=_prepare_label),
    _spec("blank_cells", [Param("x", parse_type("any?"), ref=True)], list_of(STR), _blank_cells,
          "The JSON Pointers of the null cells under x."),
    _spec("keys", ["x: object"], _keys_type, lambda keys, value: list(keys),
          "The keys of an object, in schema order (known at load, so x[k] is checked for each).",
          prepare=_prepare_keys),
    _spec("sorted", ["values: list[any]"], _sorted_type, sorted, "The list in ascending order."),
    _spec("section", ["number: int"], _section_type, _section, "The section numbered n (1–6), or null.",
          context=True, cache=True),
    _spec("section_text", ["number: int"], STR, _section_text,
          "The text of section n, heading included; empty when the section is absent.", context=True,
          cache=True),
    _spec("text_numbers", [Param("pattern", STR, literal=True), "section=: int"], list_of(DEC), _text_numbers,
          "The numbers captured by group 1 of every match in the report text (or in section n).",
          context=True, prepare=_prepare_numbers, cache=True),
    _spec("text_find", [Param("patterns", parse_type("string | list[string]"), literal=True), "section=: int"],
          list_of(MATCH), _text_find,
          "Every occurrence (leftmost, not overlapping) of the regexes in the text or section n: "
          "{text, line, column, pattern}.",
          context=True, prepare=_prepare_find, cache=True),
    _spec("notes", ["code: string"], _notes_type, _notes, "The conversion notes with this code.", context=True,
          cache=True),
    _spec("unread", [Param("x", parse_type("any?"), ref=True)], _notes_type, _unread,
          "The conversion notes saying a value of x could not be read (row_not_found, cells_unreadable, …).",
          context=True),
    _spec("was_read", [Param("x", parse_type("any?"), ref=True)], BOOL, _was_read,
          "True when every null cell of x is blank as printed; a cell the converter could not read makes the "
          "rule not evaluable, naming the cell and why.", context=True),
    _spec("not_inferred_by", [Param("x", parse_type("any?"), ref=True), Param("kind", STR, literal=True),
                              Param("column", STR, optional=True)], BOOL,
          _not_inferred_by,
          "True when the converter chose no value of x (in column `column`, if given) by the sum `kind` "
          "(provenance inferred_by: row_total, table_identity); otherwise the rule checking that sum is not "
          "evaluable, naming the values.",
          context=True),
    _spec("similarity", ["a: string", "b: string", "ignore=: list[string?]"], DEC, _similarity,
          "Jaccard index of the two texts' 5-character shingles (prose only: no digits, punctuation or "
          "template wording), the names in `ignore` cut out first; 4 decimals (engine/similarity.py).",
          context=True),
    _spec("text_similarity", ["report: object"], DEC, _text_similarity,
          "similarity(report.text, text, [report.meta.agency, meta.agency]): how alike this report's text "
          "is to another report's (a compare name).", context=True),
)


hookimpl = pluggy.HookimplMarker("nianbao")


def library() -> tuple[FunctionSpec, ...]:
    """Every builtin: these and the library's later modules (builtins.py is full)."""
    return (*BUILTINS, *textfacts.FUNCTIONS, *naming.FUNCTIONS)


@hookimpl
def nianbao_functions() -> list[FunctionSpec]:
    """Return the builtin functions."""
    return list(library())


@functools.cache
def default_functions() -> FunctionTable:
    """The table of builtins alone (shared)."""
    return FunctionTable(library())


def with_builtins(extra: Iterable[FunctionSpec]) -> FunctionTable:
    """A table of the builtins and `extra`; ValueError when a name in `extra` is taken."""
    return FunctionTable([*library(), *extra])
