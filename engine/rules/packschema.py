"""A pack file against its JSON Schema: every error collected, each placed at its line and column."""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Iterable, Sequence
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.errors import InputError

if TYPE_CHECKING:  # jsonschema and YAML are needed only to compile a pack, not to load a cached one
    import jsonschema

    from engine.rules.yamlsource import Source

SCHEMA_FILE = "rulepack.schema.json"


class PackError(InputError):
    """A pack that could not be loaded; `errors` holds every problem, each one line."""

    def __init__(self, errors: Sequence[InputError]):
        first = errors[0]
        super().__init__(first.message, first.file, first.place)
        self.errors = list(errors)


@functools.cache
def pack_schema() -> dict[str, Any]:
    """The rule pack JSON Schema (schemas/rulepack.schema.json); shared, so treat it as read-only."""
    return json.loads(files("nianbao_schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def schema_path() -> Path:
    """Where the installed rule pack JSON Schema is (for editors: `# yaml-language-server: $schema=…`)."""
    return Path(str(files("nianbao_schemas").joinpath(SCHEMA_FILE))).resolve()


@functools.cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(pack_schema())


class PackErrors:
    """Collects the errors of one pack file, each placed at a line and column."""

    def __init__(self, path: Path, source: Source | None = None):
        self.path, self.source, self.items = path, source, []

    def add(self, message: str, at: tuple[int, int] | None, code: str | None = None) -> None:
        message = " ".join(message.split())  # one line, whatever the cause said
        if code:
            message = f"rule {code}: {message}"
        place = f"{at[0]}:{at[1]}" if at else None
        self.items.append(InputError(message, str(self.path), place))

    def at(self, path: tuple[Any, ...], key: bool = False) -> tuple[int, int]:
        return self.source.where(path, key) if self.source else (1, 1)

    def raise_if_any(self) -> None:
        if self.items:
            self.items.sort(key=lambda e: tuple(int(p) for p in (e.place or "0:0").split(":")))
            raise PackError(self.items)


def schema_errors(data: dict[str, Any], errors: PackErrors) -> tuple[set[int], set[str]]:
    """Add every schema error of the pack; return the indices of bad rules and the bad top-level keys."""
    bad: set[int] = set()
    parts: set[str] = set()
    rules = data.get("rules") if isinstance(data.get("rules"), list) else []
    for error in sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(error.absolute_path)
        code = None
        if not path:
            parts.add("extra" if error.validator == "additionalProperties" else "")
        elif path[0] != "rules" or len(path) < 2 or not isinstance(path[1], int):
            parts.add(str(path[0]))
        else:
            bad.add(path[1])
            rule = rules[path[1]] if path[1] < len(rules) else None
            code = rule.get("code") if isinstance(rule, dict) and isinstance(rule.get("code"), str) else None
            code = code or f"#{path[1] + 1}"
        for message, at in _explain(error, path, errors, 2 if code else 0):
            errors.add(message, at, code)
    return bad, parts


def _explain(error: jsonschema.ValidationError, path: tuple[Any, ...], errors: PackErrors,
             skip: int) -> Iterable[tuple[str, tuple[int, int]]]:
    """Readable message(s) and place(s) for one schema error; `skip` path items are already named."""
    name = ".".join(str(p) for p in path[skip:]) or ("the rule" if skip else "the pack")
    kind, instance = error.validator, error.instance
    if "propertyNames" in error.absolute_schema_path:
        quoted = isinstance(instance, (int, float)) and str(instance) in (error.validator_value or ())
        message = (f'key {instance} must be written quoted: "{instance}"' if quoted
                   else f"key {instance!r} is not allowed: {error.message}")
        yield f"{name}: {message}", errors.at(path + (instance,), key=True)
        return
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = list(error.schema.get("properties", {}))
        for key in instance:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else f" (allowed: {', '.join(known)})"
                yield f"unknown key {key!r} in {name}{hint}", errors.at(path + (key,), key=True)
        return
    if kind == "required" and isinstance(instance, dict):
        for key in error.validator_value:
            if key not in instance:
                yield f"{name} lacks required key {key!r}", errors.at(path)
        return
    at = errors.at(path)
    if kind == "oneOf" and path[:1] == ("overrides",):
        yield "an override gives either severity or disable: true (not both, not neither)", at
    elif kind == "not" and len(path) >= 2 and path[-2] == "scope":
        yield f"scope.{path[-1]} is not allowed at this scope level", at
    elif kind == "enum":
        quoted = isinstance(instance, (int, float)) and str(instance) in error.validator_value
        hint = f' (write it quoted: "{instance}")' if quoted else close_match(instance, error.validator_value)
        yield f"{name}: {instance!r} is not one of {', '.join(map(str, error.validator_value))}{hint}", at
    elif kind == "type" and "string" in error.validator_value and isinstance(instance, (int, float, bool)):
        yield f"{name} must be a string (write it quoted: \"{instance}\")", at
    else:
        yield f"{name}: {error.message}", at


def close_match(value: Any, options: Iterable[Any]) -> str:
    close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
