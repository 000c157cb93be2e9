"""Load rule packs: YAML with positions, the pack schema, then every rule compiled once.

Every problem is an InputError of one line, `FILE:LINE:COLUMN: rule CODE: message`. A pack with any
error is not loaded at all (a pack missing some of its rules would quietly check less), but every
error in it is reported, and a broken pack never stops the others (`load_packs`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import InputError
from engine.rules import packcache
from engine.rules.packschema import PackError, PackErrors, close_match, schema_errors

if TYPE_CHECKING:
    from engine.rules.yamlsource import Source

LEVELS = ("nationwide", "province", "prefecture")
EXAMPLE_KINDS = ("pass", "fail", "not_applicable", "not_evaluable")


@dataclass(frozen=True)
class Scope:
    """Where a pack applies: nationwide, one province, or one prefecture of a province."""

    level: str = "nationwide"
    province: str | None = None
    prefecture: str | None = None

    def describe(self) -> str:
        """The scope in words: 全国, 黑龙江省, 黑龙江省哈尔滨市."""
        return "全国" if self.level == "nationwide" else (self.province or "") + (self.prefecture or "")

    def as_dict(self) -> dict[str, str]:
        out = {"level": self.level}
        out.update({k: v for k, v in (("province", self.province), ("prefecture", self.prefecture)) if v})
        return out


@dataclass(frozen=True)
class Example:
    """One example document of a rule: its kind (pass, fail, not_applicable), index in that list, data, line."""

    kind: str
    index: int
    data: dict[str, Any]
    line: int


@dataclass(frozen=True)
class Override:
    """A change that one pack makes to another pack's rule: a new severity, or disabling it."""

    pack: str
    code: str
    reason: str
    severity: str | None = None
    disable: bool = False
    line: int = 0
    column: int = 0


@dataclass(frozen=True)
class Rule:
    """A compiled rule and what the reports and the catalog show about it."""

    code: str
    name: str
    title: str
    severity: str
    category: str
    basis: str
    description: str
    templates: tuple[str, ...]
    examples: tuple[Example, ...]
    compiled: Any
    line: int
    blanks: str = "not_evaluable"
    message: str | None = None
    source: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    blocking: bool = False  # a failure caps the report's grade (docs/scoring.md)
    compare: Any = None  # engine.rules.expr.compare.Compare: other reports of the batch the rule reads


@dataclass(frozen=True)
class Pack:
    """A loaded rule pack."""

    name: str
    version: str
    title: str
    templates: tuple[str, ...]
    scope: Scope
    blanks: str
    rules: tuple[Rule, ...]
    overrides: tuple[Override, ...]
    path: Path
    description: str = ""
    scoring: dict[str, Any] | None = None
    lookups: dict[str, Any] = field(default_factory=dict)  # name → {key: value}: functions of the pack's rules

    def rule(self, code: str) -> Rule | None:
        """The rule with this code, or None."""
        return next((rule for rule in self.rules if rule.code == code), None)


def load_pack(path: str | Path, functions: Any = None) -> Pack:
    """Load, check and compile one pack file; raise PackError listing every problem found.

    A pack compiled before (same file, engine and functions) comes from the disk cache (packcache).
    """
    path = Path(path)
    errors = PackErrors(path)
    try:
        content = path.read_bytes()
        text = content.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        errors.add(f"cannot read the pack: {exc}", None)
        errors.raise_if_any()
    cache_key = packcache.key(path, content, functions)
    cached = packcache.load(cache_key)
    if isinstance(cached, Pack) and cached.path == path:
        return cached
    pack = _compile_pack(path, text, errors, functions)
    packcache.save(cache_key, pack)  # only a pack without errors gets here
    return pack


def _compile_pack(path: Path, text: str, errors: PackErrors, functions: Any) -> Pack:
    """Parse, check and compile the text of a pack file (`load_pack` without the cache)."""
    from engine.rules import yamlsource  # YAML is read only here: a cached pack needs none of it
    from engine.rules.yamlsource import YamlError

    try:
        source = yamlsource.parse(text)
    except YamlError as exc:
        errors.add(exc.message, (exc.line, exc.column))
        errors.raise_if_any()
    errors.source = source
    data = source.data
    if not isinstance(data, dict):
        errors.add("a rule pack is a YAML mapping with keys pack, version, title, templates, scope, rules",
                   (1, 1))
        errors.raise_if_any()
    bad_rules, bad_parts = schema_errors(data, errors)
    if bad_parts & {"", "templates", "blanks", "rules"}:
        errors.raise_if_any()  # what every rule needs is broken: compiling them would only add noise
    pack_templates = tuple(data["templates"])
    pack_blanks = data.get("blanks", "not_evaluable")
    if "lookups" not in bad_parts and data.get("lookups"):
        functions = _with_lookups(data["lookups"], data["pack"], functions, errors)
    rules: list[Rule] = []
    first: dict[str, int] = {}
    for index, raw in enumerate(data["rules"]):
        if index in bad_rules:
            continue
        code = raw["code"]
        where = ("rules", index)
        for seen_key, seen in (("code", code), ("name", raw["name"])):
            mark = f"{seen_key}:{seen}"
            if mark in first:
                errors.add(f"duplicate rule {seen_key} {seen!r} (first used by the rule at line {first[mark]})",
                           errors.at(where + (seen_key,)), code)
            else:
                first[mark] = errors.at(where)[0]
        rule = _rule(raw, index, pack_templates, pack_blanks, errors, functions)
        if rule is not None:
            rules.append(rule)
    overrides = () if "overrides" in bad_parts else _overrides(data, errors)
    if "scoring" not in bad_parts:
        _check_grades(data.get("scoring") or {}, errors)
    errors.raise_if_any()
    scope = data["scope"]
    return Pack(
        name=data["pack"], version=data["version"], title=data["title"], templates=pack_templates,
        scope=Scope(scope["level"], scope.get("province"), scope.get("prefecture")),
        blanks=pack_blanks, rules=tuple(rules), overrides=overrides, path=path,
        description=data.get("description", ""), scoring=data.get("scoring"), lookups=data.get("lookups") or {},
    )


def _with_lookups(lookups: dict[str, Any], pack: str, functions: Any, errors: PackErrors) -> Any:
    """The function table a pack's rules call: the given functions and one per lookup table of the pack."""
    from engine.rules.expr.builtins import default_functions
    from engine.rules.expr.functions import FunctionTable
    from engine.rules.expr.naming import lookup_function

    table = FunctionTable(list(functions if functions is not None else default_functions()))
    for name, entries in lookups.items():
        try:
            table.add(lookup_function(name, entries, pack))
        except ValueError as exc:
            taken = "is already defined" in str(exc)
            message = f"lookup {name}: a function of that name exists; choose another name" if taken else str(exc)
            errors.add(message, errors.at(("lookups", name), key=True))
    return table


def _rule(raw: dict[str, Any], index: int, pack_templates: tuple[str, ...], pack_blanks: str,
          errors: PackErrors, functions: Any) -> Rule | None:
    """Check one schema-valid rule against its pack and compile it; None when it has errors."""
    code, where = raw["code"], ("rules", index)
    count = len(errors.items)
    templates = tuple(raw.get("templates", pack_templates))
    outside = [t for t in templates if t not in pack_templates]
    if outside:
        errors.add(f"template {outside[0]} is not one of the pack's templates ({', '.join(pack_templates)})",
                   errors.at(where + ("templates",)), code)
    check = raw["assert"]
    if isinstance(check, dict):
        missing = [t for t in templates if t not in check]
        extra = [t for t in check if t not in templates]
        if missing:
            errors.add(f"assert has no expression for template {missing[0]}", errors.at(where + ("assert",)), code)
        for t in extra:
            errors.add(f"assert names template {t}, which the rule does not apply to",
                       errors.at(where + ("assert", t), key=True), code)
    compare = None
    if "compare" in raw:
        from engine.rules.expr.compare import Compare

        try:
            compare = Compare.parse(raw["compare"])
        except ValueError as exc:
            errors.add(str(exc), errors.at(where + ("compare",)), code)
    if len(errors.items) > count:
        return None
    blanks = raw.get("blanks", pack_blanks)
    try:
        compiled = _compile(raw, templates, blanks, functions,
                            lambda part, offset: _locate(errors.source, where, part, offset), compare)
    except Exception as exc:  # noqa: BLE001 - RuleCompileError, or a compiler bug: both are this rule's
        errors.add(_compile_message(exc), _compile_place(exc, errors, where), code)
        return None
    examples = tuple(
        Example(kind, i, example, errors.at(where + ("examples", kind, i))[0])
        for kind in EXAMPLE_KINDS
        for i, example in enumerate(raw.get("examples", {}).get(kind, ()))
    )
    return Rule(
        code=code, name=raw["name"], title=raw["title"], severity=raw["severity"],
        category=raw["category"], basis=raw["basis"], description=raw.get("description", ""),
        templates=templates, examples=examples, compiled=compiled, line=errors.at(where)[0],
        blanks=blanks, message=raw.get("message"), source=raw, blocking=bool(raw.get("blocking", False)),
        compare=compare,
    )


def _compile(raw: dict[str, Any], templates: tuple[str, ...], blanks: str, functions: Any,
             locate: Any, compare: Any = None) -> Any:
    """Compile a rule with the expression language (imported here: loading YAML alone needs none of it)."""
    from engine.rules.expr.compiler import compile_rule

    return compile_rule(
        when=raw.get("when"), for_each=raw.get("for_each") or {}, assertion=raw["assert"],
        message=raw.get("message") or raw["title"], templates=templates,
        blanks_zero=blanks == "zero", locate=locate, functions=functions, compare=compare,
    )


def _part_path(part: str) -> tuple[Any, ...]:
    """The YAML path, inside a rule, of a compiler part name: "assert", "assert.2019", "for_each.row"."""
    head, _, tail = part.partition(".")
    return (head, tail) if tail else (head,)


def _locate(source: Source | None, where: tuple[Any, ...], part: str, offset: int) -> tuple[int, int]:
    if source is None:
        return (1, 1)
    return source.locate(where + _part_path(part), offset)


def _compile_message(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    part = getattr(exc, "part", None)
    if not hasattr(exc, "part"):  # not a RuleCompileError: a bug in the compiler, still this rule's error
        message = f"cannot compile: {type(exc).__name__}: {message}"
    elif part and not message.startswith(str(part)):
        message = f"{part}: {message}"
    return message


def _compile_place(exc: Exception, errors: PackErrors, where: tuple[Any, ...]) -> tuple[int, int]:
    line, column = getattr(exc, "line", None), getattr(exc, "column", None)
    if isinstance(line, int) and isinstance(column, int) and line > 0:
        return line, column
    part = getattr(exc, "part", None)
    return errors.at(where + _part_path(part)) if isinstance(part, str) and part else errors.at(where)


def _overrides(data: dict[str, Any], errors: PackErrors) -> tuple[Override, ...]:
    out: list[Override] = []
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(data.get("overrides", ())):
        line, column = errors.at(("overrides", i))
        key = (raw["pack"], raw["code"])
        if raw["pack"] == data.get("pack"):
            errors.add("a pack cannot override its own rules; change the rule instead", (line, column))
        elif key in seen:
            errors.add(f"{raw['pack']}:{raw['code']} is overridden twice", (line, column))
        seen.add(key)
        out.append(Override(raw["pack"], raw["code"], raw["reason"], raw.get("severity"),
                            bool(raw.get("disable", False)), line, column))
    return tuple(out)


def _check_grades(scoring: dict[str, Any], errors: PackErrors) -> None:
    """Grade thresholds must fall from 优 to 中, or a score could never reach a grade."""
    grades = scoring.get("grades") or {}
    given = [(name, grades[name]) for name in ("优", "良", "中") if name in grades]
    for (upper, high), (lower, low) in zip(given, given[1:]):
        if high <= low:
            errors.add(f"scoring.grades: {upper} ({high}) must be above {lower} ({low})",
                       errors.at(("scoring", "grades", lower)))


def load_packs(sources: Iterable[str | Path | tuple[str, str | Path]],
               functions: Any = None) -> tuple[list[Pack], list[InputError]]:
    """Load many packs: those that load, in a stable order, and every problem met.

    `sources` are paths or (plugin name, path) pairs. Packs are ordered nationwide first, then by
    scope level and name. Overrides naming an unknown pack or code are reported and dropped.
    """
    packs: list[Pack] = []
    problems: list[InputError] = []
    for item in sources:
        plugin, path = item if isinstance(item, tuple) else (None, item)
        try:
            pack = load_pack(path, functions)
        except PackError as exc:
            problems.extend(exc.errors)
            continue
        clash = next((p for p in packs if p.name == pack.name), None)
        if clash is not None:
            problems.append(InputError(f"pack {pack.name!r} is already loaded from {clash.path}; this one is ignored",
                                       str(path), "1:1"))
            continue
        packs.append(pack)
    packs.sort(key=lambda p: (LEVELS.index(p.scope.level), p.name))
    return [_check_overrides(pack, packs, problems) for pack in packs], problems


def _check_overrides(pack: Pack, packs: list[Pack], problems: list[InputError]) -> Pack:
    """The pack without overrides that name an unknown pack or rule (each reported)."""
    by_name = {p.name: p for p in packs}
    kept = []
    for override in pack.overrides:
        target = by_name.get(override.pack)
        if target is None:
            close = close_match(override.pack, by_name)
            message = f"override of {override.pack}:{override.code}: no pack {override.pack!r} is loaded{close}"
        elif target.rule(override.code) is None:
            close = close_match(override.code, [r.code for r in target.rules])
            message = f"override of {override.pack}:{override.code}: pack {override.pack} has no rule {override.code}{close}"
        else:
            kept.append(override)
            continue
        problems.append(InputError(message, str(pack.path), f"{override.line}:{override.column}"))
    return pack if len(kept) == len(pack.overrides) else replace(pack, overrides=tuple(kept))
