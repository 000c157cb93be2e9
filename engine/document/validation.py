"""Validate documents against the document schema: a fast yes/no, then every error when it is no.

jsonschema_rs answers whether a document is valid (the common case, and fast); only an invalid
document is walked again with the reference `jsonschema` validator, whose errors carry paths.
Without jsonschema_rs everything goes through `jsonschema`, slower but the same answers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from engine.document.schema import document_schema, inlined_document_schema, title_of
from engine.templates import TEMPLATES

MAX_MESSAGE = 200  # a type error quotes the offending value, which may be a whole table
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One schema violation: where (JSON Pointer and $.dotted path), what, and the key's Chinese title."""

    pointer: str
    path: str
    message: str
    title: str | None = None

    def __str__(self) -> str:
        where = f"{self.path} ({self.title})" if self.title else self.path
        return f"{where}: {self.message}"


def is_valid(document: Any) -> bool:
    """Whether `document` satisfies the document schema."""
    fast = _fast_validator()
    if fast is not None:
        try:
            return fast.is_valid(document)
        except (ValueError, TypeError, OverflowError):
            pass  # a value jsonschema_rs cannot convert; the reference validator judges it
    return _reference_validator().is_valid(document)


def validate(document: Any) -> list[SchemaError]:
    """Every schema violation in `document`, sorted by pointer then message; [] when valid."""
    if is_valid(document):
        return []
    template = document.get("template") if isinstance(document, dict) else None
    template = template if template in TEMPLATES else None
    errors = set(_reference_errors(document, template))
    if not errors:
        # The validators disagree (they must not; tests check they agree): trust the one that objected.
        errors = set(_fast_errors(document, template))
    return sorted(errors, key=lambda error: (error.pointer, error.message))


@functools.cache
def _fast_validator() -> Any | None:
    try:
        import jsonschema_rs
    except ImportError:
        return None
    return jsonschema_rs.Draft202012Validator(document_schema(), validate_formats=False)


@functools.cache
def _reference_validator() -> Any:
    from jsonschema import Draft202012Validator

    # $ref lookups dominate jsonschema's time on this schema; the inlined copy means the same.
    return Draft202012Validator(inlined_document_schema())


def _reference_errors(document: Any, template: str | None) -> Iterator[SchemaError]:
    """The reference validator's errors, one per offending key (missing and unexpected keys too)."""
    for error in _reference_validator().iter_errors(document):
        parts = list(error.absolute_path)
        if error.validator == "required":
            for key in error.validator_value:
                if isinstance(error.instance, dict) and key not in error.instance:
                    yield _error(parts + [key], f"missing required key {key!r}", template)
        elif error.validator == "additionalProperties":
            known = error.schema.get("properties", {})
            for key in error.instance:
                if key not in known:
                    yield _error(parts + [key], f"unexpected key {key!r}", template)
        elif "propertyNames" in error.absolute_schema_path:
            yield _error(parts + [error.instance], f"key {error.instance!r} is not a JSON Pointer",
                         template)
        else:
            yield _error(parts, error.message, template)


def _fast_errors(document: Any, template: str | None) -> Iterator[SchemaError]:
    fast = _fast_validator()
    if fast is None:
        return
    try:
        for error in fast.iter_errors(document):
            yield _error(list(error.instance_path), error.message, template)
    except (ValueError, TypeError, OverflowError) as exc:
        yield _error([], f"not a JSON document: {exc}", template)


def _error(parts: list[Any], message: str, template: str | None) -> SchemaError:
    pointer = to_pointer(parts)
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    return SchemaError(pointer, to_path(parts), message, title_of(template, pointer) if parts else None)


def to_pointer(parts: Iterable[str | int]) -> str:
    """The JSON Pointer (RFC 6901) of a sequence of keys and indices."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def to_path(parts: Iterable[str | int]) -> str:
    """The JSONPath-like form of a sequence of keys and indices: $.a.b[0]['odd key']."""
    out = ["$"]
    for part in parts:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENTIFIER.fullmatch(part):
            out.append(f".{part}")
        else:
            out.append("['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "".join(out)
