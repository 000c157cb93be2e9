"""The checked expression tree that the code generator and the interpreter walk, and its null marks.

The typed tree (`Node`) is built by the checker from the Lark tree, which is never looked at again.
`mark` then records for every node how its consumer treats null: `nullok` (the consumer reads null
itself: `x == null`, is_blank, coalesce) or not, and `raises` (Python itself raises on None there,
e.g. in `+` or `<`, so the generated code needs no test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.rules.expr.functions import FunctionSpec, Param
from engine.rules.expr.types import T, row_label


class CheckError(Exception):
    """A type error at character `offset` of the expression."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message, self.offset = message, offset


@dataclass(eq=False)
class Node:
    """A checked expression node: operation, type, operands and what the compiler needs to know."""

    op: str  # const list root var attr index star call all any cmp arith neg and or not cond
    type: T
    args: tuple[Node, ...] = ()
    value: Any = None  # constant, key, operator, name
    start: int = 0
    end: int = 0
    text: str = ""
    pointer: str | None = None  # fixed JSON Pointer when the node is a fixed place in the document
    spec: FunctionSpec | None = None
    prepared: tuple[Any, ...] = ()
    keys: tuple[str, ...] = ()  # star: the members, in schema order
    maps: bool = False  # attr/index applied to each item of a list
    nullok: bool = True
    raises: bool = False
    items_nullok: bool = True
    refs: tuple[bool, ...] = field(default=())  # call: which arguments also pass their pointer

    @property
    def is_const(self) -> bool:
        return self.op == "const"


def place_label(pointer: str, titles: dict[str, str]) -> str:
    """The label of the object at `pointer`: its title, with its group's when numbered (see row_label)."""
    chain, here = [], ""
    for token in pointer.split("/")[1:]:
        here += "/" + token
        chain.append(titles.get(here, token))
    return row_label(chain[1:] or chain)


def static_keys(node: Node) -> tuple[str, ...] | None:
    """The keys from the document root to a node on a fixed path, or None."""
    if node.op == "root":
        return (node.value,)
    if node.op == "attr" and not node.maps:
        above = static_keys(node.args[0])
        return None if above is None else above + (node.value,)
    if node.op == "index" and not node.maps and node.args[1].is_const:
        above = static_keys(node.args[0])
        return None if above is None else above + (node.args[1].value,)
    return None


def param_for(params: tuple[Param, ...], index: int) -> Param:
    return params[index] if index < len(params) else params[-1]


def refable(node: Node) -> bool:
    """Whether the node's JSON Pointer can be known when the rule runs (a path, a row, a row's cell)."""
    if node.op == "root":
        return True
    if node.op == "var":
        return node.type.kind == "row" or node.pointer is not None  # a row, or another report (compare)
    if node.op == "attr" and not node.maps:
        return refable(node.args[0])
    if node.op == "index" and not node.maps:
        return refable(node.args[0]) and node.args[1].type.kind in ("str", "any")
    return False


def mark(node: Node, nullok: bool, raises: bool, items_nullok: bool = True) -> None:
    """Record how each node's consumer treats null (see the module docstring), top down."""
    node.nullok, node.raises, node.items_nullok = nullok, raises, items_nullok
    op, args = node.op, node.args
    if op in ("attr", "star"):
        mark(args[0], True, True)  # a null object makes its members null: the slow path sorts it out
    elif op == "index":
        mark(args[0], True, True)
        mark(args[1], False, True)
    elif op == "places":
        for arg in args:
            mark(arg, True, True)
    elif op == "list":
        for arg in args:
            mark(arg, items_nullok, False)
    elif op == "call":
        params = node.spec.signature if node.spec else ()
        for i, arg in enumerate(args):
            param = param_for(params, i)
            mark(arg, param.nullok, False, param.items_nullok)
    elif op in ("all", "any"):
        mark(args[0], False, True, True)
        mark(args[1], False, False)
    elif op == "cmp":
        if node.value in ("==", "!="):
            explicit = any(a.is_const and a.value is None for a in args)
            for arg in args:
                mark(arg, explicit, False)
        elif node.value in ("in", "not in"):
            mark(args[0], False, False)
            mark(args[1], False, True, True)
        else:
            for arg in args:
                mark(arg, False, True)
    elif op in ("arith", "neg"):
        for arg in args:
            mark(arg, False, True, False)
    elif op in ("and", "or", "not"):
        for arg in args:
            mark(arg, False, False)
    elif op == "cond":
        mark(args[0], nullok, raises, items_nullok)
        mark(args[1], False, False)
        mark(args[2], nullok, raises, items_nullok)
