"""The functions rule expressions may call: signatures checked at load, implementations run per report.

A function is a `FunctionSpec(name, params, returns, impl, doc)`. Parameters are written
`"name: type"` (`number`, `string?` may be null, `list[number]`, `int | string`); `returns` is a type
(or its notation) or a callable `(args, env) -> T` for generic functions. Three keyword options
cover what builtins need and plugins rarely do: `context=True` passes the per-document
EvalContext first, `prepare(args, env) -> tuple` computes load-time constants (a compiled regex,
the rows of a table) passed before the arguments, and `Param(..., literal=True)` /
`Param(..., ref=True)` ask for an argument known at load (still passed to impl) / for the
argument's JSON Pointer too (passed right after the value).
`FunctionTable` holds the functions a pack may call: the builtins (engine.rules.expr.builtins, an
internal plugin) and whatever other plugins add through `nianbao_functions()`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.rules.expr.runtime import nfkc_pattern
from engine.rules.expr.types import ANY, T, TypeProblem, parse_type

KEYWORDS = frozenset("and or not in if else all any true false null".split())
NOT_CONSTANT = object()


@dataclass(frozen=True)
class Param:
    """One parameter: its name and type; `literal` must be known at load; `ref` also gets the pointer."""

    name: str
    type: T | tuple[T, ...]
    literal: bool = False
    ref: bool = False
    variadic: bool = False
    optional: bool = False

    @property
    def nullok(self) -> bool:
        """The function reads null itself (is_blank, coalesce): a null argument is not a blank read."""
        options = self.type if isinstance(self.type, tuple) else (self.type,)
        return any(option.nullable for option in options)

    @property
    def items_nullok(self) -> bool:
        options = self.type if isinstance(self.type, tuple) else (self.type,)
        return any(o.kind in ("list", "any") and (o.item is None or o.item.nullable) for o in options)


@dataclass(frozen=True)
class Arg:
    """What the checker knows about one argument at load time."""

    type: T
    text: str
    constant: Any = NOT_CONSTANT
    pointer: str | None = None


@dataclass(frozen=True)
class LoadEnv:
    """The template a rule is being compiled for: its name, document type and titles by pointer."""

    template: str
    root: T
    titles: dict[str, str]


class ArgError(TypeProblem):
    """A problem with argument `index` (0-based) of a call, found while checking or preparing it."""

    def __init__(self, message: str, index: int = 0):
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class FunctionSpec:
    """A function of the language: signature, result type, implementation and a one-line doc."""

    name: str
    params: Sequence[Param | str]
    returns: T | str | Callable[[list[Arg], LoadEnv], T]
    impl: Callable[..., Any]
    doc: str = ""
    context: bool = False
    prepare: Callable[[list[Arg], LoadEnv], tuple[Any, ...]] | None = None
    cache: bool = False  # a pure function of the document: one result per EvalContext and arguments
    signature: tuple[Param, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.name) or self.name in KEYWORDS:
            raise ValueError(f"function name {self.name!r} must be an identifier and not a keyword")
        params = tuple(_param(p) for p in self.params)
        for i, p in enumerate(params):
            if p.variadic and i != len(params) - 1:
                raise ValueError(f"{self.name}: only the last parameter may be variadic")
        object.__setattr__(self, "signature", params)

    def result(self, args: list[Arg], env: LoadEnv) -> T:
        """The result type of a call with these arguments."""
        if callable(self.returns):
            return self.returns(args, env)
        returned = parse_type(self.returns) if isinstance(self.returns, str) else self.returns
        return ANY if isinstance(returned, tuple) else returned


def compile_regex(text: Any, index: int, groups: int = 0) -> re.Pattern[str]:
    """The regex a rule wrote as argument `index`, for searching NFKC text (text functions search
    EvalContext.normal); ArgError (at that argument) when it is not one."""
    if not isinstance(text, str):
        raise ArgError("the pattern must be a string written in the rule", index)
    try:
        re.compile(text)  # errors name positions in the pattern as written
        compiled = re.compile(nfkc_pattern(text))
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise ArgError(f"bad regular expression {text!r}: {exc.msg}{where}", index) from None
    if compiled.groups < groups:
        raise ArgError(f"the pattern {text!r} needs a capture group ( … ) around the number", index)
    return compiled


def _param(p: Param | str) -> Param:
    if isinstance(p, Param):
        return p
    name, _, notation = p.partition(":")
    variadic, optional = notation.strip().endswith("..."), name.strip().endswith("=")
    notation = notation.strip().removesuffix("...")
    return Param(name.strip().removesuffix("="), parse_type(notation), variadic=variadic, optional=optional)


class FunctionTable:
    """The functions rules may call, by name (names never clash)."""

    def __init__(self, specs: Iterable[FunctionSpec] = ()):
        self._specs: dict[str, FunctionSpec] = {}
        for spec in specs:
            self.add(spec)

    def add(self, spec: FunctionSpec) -> None:
        """Add a function; ValueError when its name is taken."""
        if not isinstance(spec, FunctionSpec):
            raise ValueError(f"not a FunctionSpec: {spec!r}")
        if spec.name in self._specs:
            raise ValueError(f"function {spec.name!r} is already defined")
        self._specs[spec.name] = spec

    def get(self, name: str) -> FunctionSpec | None:
        return self._specs.get(name)

    def names(self) -> list[str]:
        return sorted(self._specs)

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self):
        return iter(self._specs.values())


__all__ = ["Arg", "ArgError", "FunctionSpec", "FunctionTable", "LoadEnv", "Param", "compile_regex"]
