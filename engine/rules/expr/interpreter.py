"""The slow path: a tracing interpreter over the checked tree, for blanks, errors and explanations.

It runs only when the compiled function could not give a plain true/false (a blank, an error) or
when a rule failed. It evaluates in the same order and with the same null rules as the generated
code, but knows every value's JSON Pointer, so it can name the blank cells, and it records the
leaves it read and each node's value for the explanation (engine.rules.expr.explain).
"""

from __future__ import annotations

from typing import Any

from engine.rules.expr import runtime
from engine.rules.expr.codegen import memo_key
from engine.rules.expr.nodes import Node
from engine.rules.expr.runtime import EvalContext, TableRow, RuleRuntimeError
from engine.rules.expr.types import escape

BLANK = type("BlankValue", (), {"__repr__": lambda self: "BLANK"})()  # a value that could not be read


class Tracer:
    """Evaluates checked nodes for one document, recording blanks, leaves and values."""

    def __init__(self, document: dict[str, Any], ctx: EvalContext, zero: bool, titles: dict[str, str]):
        self.doc, self.ctx, self.zero, self.titles = document, ctx, zero, titles
        self.blanks: list[str] = []  # null cells read where a value was needed
        self.zeroed: list[str] = []  # null cells read as 0 (blanks: zero)
        self.reads: list[tuple[str | None, Any]] = []
        self.memo: dict[int, tuple[Any, str | None]] = {}
        self.fixed: dict[str, tuple[Any, str | None]] = {}

    def judge(self, node: Node, env: dict[str, Any]) -> Any:
        """The node's value, or BLANK; RuleRuntimeError when it broke before any blank was met."""
        try:
            return self.ev(node, env)
        except RuleRuntimeError:
            if self.blanks:
                return BLANK
            raise

    # ---- evaluation ----

    def ev(self, node: Node, env: dict[str, Any]) -> Any:
        if node.op in ("root", "var", "attr", "index") and not node.maps:
            value, pointer = self.place(node, env)
        else:
            value, pointer = getattr(self, "_" + node.op)(node, env), None
        self.memo[id(node)] = (value, pointer)
        return self.take(node.type, value, pointer, node.nullok, node.text)

    def take(self, t: Any, value: Any, pointer: str | None, nullok: bool, text: str) -> Any:
        """Apply the consumer's null rule to a value read (the generated code's null test or zero)."""
        if value is BLANK:
            return BLANK
        if value.__class__ is float:
            value = runtime.to_decimal(value)
        if value is None and not nullok:
            # A cell the converter could not read is never read as 0: the rule cannot be evaluated.
            if self.zero and t.numeric and not (pointer and self.ctx.unread and self.ctx.unread_at(pointer)):
                self.zeroed.append(pointer or text)
                return 0
            self.blanks.append(pointer or text)
            return BLANK
        return value

    def place(self, node: Node, env: dict[str, Any]) -> tuple[Any, str | None]:
        """(value, pointer) of a path; a null object gives (None, its own pointer)."""
        if node.op == "root":
            pointer = "/" + escape(node.value)
            value = self.doc.get(node.value) if isinstance(self.doc, dict) else None
            return self._leaf(value, pointer)
        if node.op == "var":
            if node.pointer is not None and node.value not in env:  # a compare name: another report
                return self.ctx.bound.get(node.value), node.pointer
            value = env[node.value]
            return value, value.pointer if isinstance(value, TableRow) else None
        if node.pointer is not None and node.pointer in self.fixed:  # one document: fixed paths read once
            value, where = self.fixed[node.pointer]
            if not isinstance(value, (dict, list, TableRow)):
                self.reads.append((where, value))
            return value, where
        found = self._member(node, env)
        if node.pointer is not None:
            self.fixed[node.pointer] = found
        return found

    def _member(self, node: Node, env: dict[str, Any]) -> tuple[Any, str | None]:
        obj = node.args[0]
        if obj.op in ("root", "var", "attr", "index") and not obj.maps:
            holder, base = self.place(obj, env)
        else:
            holder, base = self.ev(obj, env), None
        if node.op == "attr":
            key = node.value
        else:
            key = self.ev(node.args[1], env)
            if key is BLANK:
                return BLANK, None
        if holder is BLANK:
            return BLANK, None
        if isinstance(holder, TableRow):
            base = holder.pointer
            holder = holder.d
        if holder is None:
            return None, base  # the object itself is blank: name it, not its missing member
        if not isinstance(holder, dict):
            raise RuleRuntimeError(f"{obj.text} is not an object here")
        pointer = None if base is None else f"{base}/{escape(str(key))}"
        return self._leaf(holder.get(key), pointer)

    def _leaf(self, value: Any, pointer: str | None) -> tuple[Any, str | None]:
        if not isinstance(value, (dict, list, TableRow)):
            self.reads.append((pointer, value))
        return value, pointer

    def _const(self, node: Node, env: dict[str, Any]) -> Any:
        return list(node.value) if isinstance(node.value, list) else node.value

    def _places(self, node: Node, env: dict[str, Any]) -> Any:
        rows = []
        for item, label in zip(node.args, node.value):
            value, pointer = self.place(item, env)
            where = item.pointer or ""
            rows.append(TableRow(value, where, label, {"pointer": where, "label": label}))
        return rows

    def _list(self, node: Node, env: dict[str, Any]) -> Any:
        items = [self.ev(arg, env) for arg in node.args]
        return BLANK if BLANK in items else items

    def _members(self, node: Node, env: dict[str, Any]) -> list[tuple[Any, str | None]]:
        if node.op == "star":
            obj = node.args[0]
            holder, base = self.place(obj, env) if obj.op in ("root", "var", "attr", "index") and not obj.maps \
                else (self.ev(obj, env), None)
            if holder is BLANK:
                raise _Stop
            if holder is None:
                return [(None, base)]
            if isinstance(holder, TableRow):
                base, holder = holder.pointer, holder.d
            return [self._leaf(holder.get(k), None if base is None else f"{base}/{escape(k)}") for k in node.keys]
        source = node.args[0]
        if source.op == "star" or (source.op in ("attr", "index") and source.maps):
            items = self._members(source, env)
        else:
            listed = self.ev(source, env)
            if listed is BLANK:
                raise _Stop
            items = [(item, item.pointer if isinstance(item, TableRow) else None) for item in listed]
        key = node.value if node.op == "attr" else self.ev(node.args[1], env)
        if key is BLANK:
            raise _Stop
        out = []
        for holder, base in items:
            if isinstance(holder, TableRow):
                holder = holder.d
            if holder is None:
                out.append((None, base))
            elif isinstance(holder, dict):
                out.append(self._leaf(holder.get(key), None if base is None else f"{base}/{escape(str(key))}"))
            else:
                raise RuleRuntimeError(f"an item of {source.text} is not an object")
        return out

    def _mapped(self, node: Node, env: dict[str, Any]) -> Any:
        try:
            members = self._members(node, env)
        except _Stop:
            return BLANK
        item_t = node.type.item
        values = [self.take(item_t, v, p, node.items_nullok, node.text) for v, p in members]
        return BLANK if BLANK in values else values

    _star = _mapped
    _attr = _mapped
    _index = _mapped

    def _call(self, node: Node, env: dict[str, Any]) -> Any:
        spec = node.spec
        assert spec is not None
        values: list[Any] = []
        for arg, ref in zip(node.args, node.refs):
            value = self.ev(arg, env)
            values.append(value)
            if ref:
                values.append(self.pointer_of(arg, env))
        if BLANK in values:
            return BLANK
        head = ([self.ctx] if spec.context else []) + list(node.prepared)
        try:
            if spec.cache and spec.context and all(arg.is_const for arg in node.args) and not any(node.refs):
                return runtime.memo(self.ctx, memo_key(node), spec.impl, *head[1:], *values)
            return spec.impl(*head, *values)
        except runtime.Unread as exc:  # values the converter could not read: name them, like blanks
            self.blanks.extend(exc.pointers)
            return BLANK
        except RuleRuntimeError:
            raise
        except Exception as exc:  # noqa: BLE001 - a function that breaks is this rule's error
            raise RuleRuntimeError(f"{node.value}(): {type(exc).__name__}: {exc}") from None

    def pointer_of(self, node: Node, env: dict[str, Any]) -> str:
        value, pointer = self.memo.get(id(node), (None, None))
        if pointer is None:
            value, pointer = self.place(node, env)
        if isinstance(value, TableRow):
            return value.pointer
        return pointer or ""

    def _quantifier(self, node: Node, env: dict[str, Any], stop_on: bool) -> Any:
        items = self.ev(node.args[0], env)
        if items is BLANK:
            return BLANK
        blank = False
        for item in items:
            value = self.ev(node.args[1], {**env, node.value: item})
            if value is BLANK:
                blank = True  # keep going: every blank the rule needs is named
            elif value is stop_on and not blank:
                return stop_on
        return BLANK if blank else not stop_on

    def _all(self, node: Node, env: dict[str, Any]) -> Any:
        return self._quantifier(node, env, False)

    def _any(self, node: Node, env: dict[str, Any]) -> Any:
        return self._quantifier(node, env, True)

    def _cmp(self, node: Node, env: dict[str, Any]) -> Any:
        a, b = (self.ev(arg, env) for arg in node.args)
        if a is BLANK or b is BLANK:
            return BLANK
        try:
            return compare(node.value, a, b)
        except TypeError as exc:
            raise RuleRuntimeError(f"cannot compare in {node.text}: {exc}") from None

    def _arith(self, node: Node, env: dict[str, Any]) -> Any:
        a, b = (self.ev(arg, env) for arg in node.args)
        if a is BLANK or b is BLANK:
            return BLANK
        try:
            if node.value == "/":
                return runtime.divide(a, b)
            return a + b if node.value == "+" else a - b if node.value == "-" else a * b
        except TypeError as exc:
            raise RuleRuntimeError(f"cannot compute {node.text}: {exc}") from None

    def _neg(self, node: Node, env: dict[str, Any]) -> Any:
        a = self.ev(node.args[0], env)
        return BLANK if a is BLANK else -a

    def _and(self, node: Node, env: dict[str, Any]) -> Any:
        a = self.ev(node.args[0], env)
        if a is False:
            return False
        b = self.ev(node.args[1], env)
        return BLANK if a is BLANK or b is BLANK else b

    def _or(self, node: Node, env: dict[str, Any]) -> Any:
        a = self.ev(node.args[0], env)
        if a is True:
            return True
        b = self.ev(node.args[1], env)
        return BLANK if a is BLANK or b is BLANK else b

    def _not(self, node: Node, env: dict[str, Any]) -> Any:
        a = self.ev(node.args[0], env)
        return BLANK if a is BLANK else not a

    def _cond(self, node: Node, env: dict[str, Any]) -> Any:
        test = self.ev(node.args[1], env)
        if test is BLANK:
            return BLANK
        return self.ev(node.args[0] if test else node.args[2], env)


class _Stop(Exception):
    """A list whose source was blank: the mapped value is BLANK."""


def compare(op: str, a: Any, b: Any) -> bool:
    """a op b for the comparison operators of the language."""
    if op == "==":
        return a == b
    if op == "!=":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == ">=":
        return a >= b
    if op == "in":
        return a in b
    return a not in b
