"""Type-check a parsed expression against one template and build the typed tree (engine.rules.expr.nodes)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine.rules.expr.functions import NOT_CONSTANT, Arg, ArgError, FunctionTable, LoadEnv, Param
from engine.rules.expr.nodes import CheckError, Node, param_for, place_label, refable
from engine.rules.expr.types import (ANY, BOOL, DEC, INT, NULL, STR, T, TypeProblem, accepts, describe, escape, indexed,
                                join, kinds_match, list_of, member, members, nullable, suggest)

if TYPE_CHECKING:  # lark is imported where a pack is compiled: loading packs from the cache never needs it
    from lark import Token, Tree

_ESCAPES = {"\\": "\\", '"': '"', "'": "'", "n": "\n"}
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")


class TypeChecker:
    """Checks expressions of one rule part for one template."""

    def __init__(self, source: str, env: LoadEnv, functions: FunctionTable,
                 documents: dict[str, str] | None = None):
        self.source, self.env, self.functions = source, env, functions
        self.root = env.root
        # compare names: each stands for another report, whose values have pointers "name:/…"
        self.documents = documents or {}

    def check(self, tree: Tree, scope: dict[str, T]) -> Node:
        """The typed tree of `tree` with the bound names of `scope`."""
        self.scope = scope
        return self._node(tree)

    # ---- helpers ----

    def _span(self, tree: Tree | Token) -> tuple[int, int]:
        from lark import Token

        if isinstance(tree, Token):
            return tree.start_pos or 0, tree.end_pos or 0
        meta = tree.meta
        return (meta.start_pos, meta.end_pos) if not meta.empty else (0, 0)

    def _fail(self, message: str, at: Tree | Token | Node | int) -> CheckError:
        if isinstance(at, Node):
            offset = at.start
        elif isinstance(at, int):
            offset = at
        else:
            offset = self._span(at)[0]
        return CheckError(message, offset)

    def _make(self, tree: Tree, op: str, t: T, args: tuple[Node, ...] = (), **extra: Any) -> Node:
        start, end = self._span(tree)
        return Node(op, t, args, start=start, end=end, text=self.source[start:end], **extra)

    def _op_at(self, left: Node, symbol: str) -> int:
        found = self.source.find(symbol, left.end)
        return found if found >= 0 else left.start

    # ---- nodes ----

    def _node(self, tree: Tree) -> Node:
        handler = getattr(self, "_" + tree.data.rstrip("_"))
        return handler(tree)

    def _number(self, tree: Tree) -> Node:
        text = str(tree.children[0])
        value = Decimal(text) if "." in text else int(text)
        return self._make(tree, "const", DEC if "." in text else INT, value=value)

    def _string(self, tree: Tree) -> Node:
        raw = str(tree.children[0])[1:-1]
        value = re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(0)), raw)
        return self._make(tree, "const", STR.but(values=(value,)), value=value)

    def _true(self, tree: Tree) -> Node:
        return self._make(tree, "const", BOOL, value=True)

    def _false(self, tree: Tree) -> Node:
        return self._make(tree, "const", BOOL, value=False)

    def _null(self, tree: Tree) -> Node:
        return self._make(tree, "const", NULL, value=None)

    def _list(self, tree: Tree) -> Node:
        items = tuple(self._node(child) for child in tree.children)
        joined = join([item.type for item in items]) if items else ANY
        if joined is None:
            kinds = ", ".join(sorted({describe(i.type) for i in items}))
            raise self._fail(f"a list's items must have one type, not {kinds}", tree)
        node = self._make(tree, "list", list_of(joined), items)
        if items and all(item.pointer and item.type.kind == "obj" and not item.maps for item in items):
            return self._places(tree, items) or node
        if all(item.is_const for item in items):
            values = [item.value for item in items]
            known = tuple(values) if items and all(isinstance(v, str) for v in values) else None
            return self._make(tree, "const", list_of(joined, known), value=values)
        return node

    def _places(self, tree: Tree, items: tuple[Node, ...]) -> Node | None:
        """A list of fixed objects ([proactive.rules, proactive.fees]) is a list of rows: each has a label."""
        rows = [item.type.but(kind="row", nullable=False) for item in items]
        joined = join(rows, [item.text for item in items])
        if joined is None:
            return None
        labels = tuple(place_label(item.pointer or "", self.env.titles) for item in items)
        return self._make(tree, "places", list_of(joined), items, value=labels)

    def _name(self, tree: Tree) -> Node:
        name = str(tree.children[0])
        if name in self.scope:
            return self._make(tree, "var", self.scope[name], value=name, pointer=self.documents.get(name))
        fields = self.root.fields or {}
        if name in fields:
            t = fields[name]
            return self._make(tree, "root", t, value=name, pointer="/" + escape(name))
        if name in self.functions:
            raise self._fail(f"{name} is a function: call it as {name}(…)", tree)
        options = list(self.scope) + list(fields)
        raise self._fail(f"unknown name {name!r}{suggest(name, options)}", tree)

    def _attr(self, tree: Tree) -> Node:
        obj = self._node(tree.children[0])
        key_token = tree.children[1]
        key = str(key_token)
        try:
            t = member(obj.type, key, obj.text)
        except TypeProblem as exc:
            raise self._fail(str(exc), key_token) from None
        return self._make(tree, "attr", t, (obj,), value=key, maps=obj.type.kind == "list",
                          pointer=self._child_pointer(obj, key))

    def _child_pointer(self, obj: Node, key: str) -> str | None:
        if obj.pointer is None or obj.type.kind == "list":
            return None
        return f"{obj.pointer}/{escape(key)}"

    def _star(self, tree: Tree) -> Node:
        obj = self._node(tree.children[0])
        try:
            t, keys = members(obj.type, obj.text)
        except TypeProblem as exc:
            raise self._fail(str(exc), self._op_at(obj, "*")) from None
        return self._make(tree, "star", t, (obj,), keys=keys, pointer=obj.pointer)

    def _index(self, tree: Tree) -> Node:
        obj, key = self._node(tree.children[0]), self._node(tree.children[1])
        if obj.type.kind == "list" and key.type.numeric:
            raise self._fail("lists are not indexed by position; use all/any, sum, count …", key)
        try:
            t = indexed(obj.type, key.type, obj.text, key.text)
        except TypeProblem as exc:
            raise self._fail(str(exc), key) from None
        pointer = self._child_pointer(obj, key.value) if key.is_const and isinstance(key.value, str) else None
        return self._make(tree, "index", t, (obj, key), maps=obj.type.kind == "list", pointer=pointer)

    def _call(self, tree: Tree) -> Node:
        name_token, *arg_trees = tree.children
        name = str(name_token)
        spec = self.functions.get(name)
        if spec is None:
            known = self.functions.names()
            if name in self.scope or name in (self.root.fields or {}):
                raise self._fail(f"{name} is not a function", name_token)
            raise self._fail(f"unknown function {name!r}{suggest(name, known)}", name_token)
        args = tuple(self._node(child) for child in arg_trees)
        params = spec.signature
        required = sum(1 for p in params if not p.optional and not p.variadic)
        most = None if params and params[-1].variadic else len(params)
        if len(args) < required or (most is not None and len(args) > most):
            wanted = f"{required}" if most == required else f"{required} to {most}" if most else f"{required} or more"
            raise self._fail(f"{name}() takes {wanted} argument{'s' if wanted != '1' else ''}, "
                             f"not {len(args)}", name_token)
        infos = []
        for i, arg in enumerate(args):
            param = param_for(params, i)
            self._check_arg(name, param, arg)
            constant = arg.value if arg.is_const else NOT_CONSTANT
            infos.append(Arg(arg.type, arg.text, constant, arg.pointer))
        try:
            t = spec.result(infos, self.env)
            prepared = spec.prepare(infos, self.env) if spec.prepare else ()
        except ArgError as exc:
            raise self._fail(f"{name}(): {exc}", args[exc.index] if exc.index < len(args) else name_token) from None
        except TypeProblem as exc:
            raise self._fail(f"{name}(): {exc}", name_token) from None
        refs = tuple(param_for(params, i).ref for i in range(len(args)))
        pointer = args[0].pointer if name == "rows" else None
        return self._make(tree, "call", t, args, value=name, spec=spec, prepared=tuple(prepared), refs=refs,
                          pointer=pointer)

    def _check_arg(self, name: str, param: Param, arg: Node) -> None:
        if arg.type.kind == "null" and not param.nullok:
            raise self._fail(f"{name}(): {param.name} cannot be null", arg)
        if not accepts(param.type, arg.type):
            options = param.type if isinstance(param.type, tuple) else (param.type,)
            wanted = " or ".join(describe(nullable(o, False)) for o in options)
            raise self._fail(f"{name}(): {param.name} must be {wanted}, not {describe(arg.type)}", arg)
        if param.literal and not arg.is_const:
            raise self._fail(f"{name}(): {param.name} must be written in the rule (a literal), "
                             f"so that it is checked at load", arg)
        if param.ref and not refable(arg):
            raise self._fail(f"{name}(): {param.name} must be a place in the document (a path such as "
                             f"applications.new_received, or a row)", arg)

    def _quantifier(self, tree: Tree, op: str) -> Node:
        from lark import Token

        name_token, list_tree, body_tree = tree.children
        name = str(name_token)
        assert isinstance(name_token, Token)
        self._check_new_name(name, name_token)
        items = self._node(list_tree)
        if items.type.kind not in ("list", "any"):
            raise self._fail(f"{op}(… in X: …) needs a list, and {items.text} is {describe(items.type)}", items)
        outer = self.scope
        self.scope = {**outer, name: nullable(items.type.item or ANY, (items.type.item or ANY).nullable)}
        try:
            body = self._node(body_tree)
        finally:
            self.scope = outer
        self._want_bool(body, f"the condition of {op}(…)")
        return self._make(tree, op, BOOL, (items, body), value=name)

    def _all(self, tree: Tree) -> Node:
        return self._quantifier(tree, "all")

    def _any(self, tree: Tree) -> Node:
        return self._quantifier(tree, "any")

    def _check_new_name(self, name: str, at: Token) -> None:
        if name in self.scope:
            raise self._fail(f"{name} is already bound", at)
        if name in (self.root.fields or {}):
            raise self._fail(f"{name} would hide the document's {name}; choose another name", at)

    def _want_bool(self, node: Node, what: str) -> None:
        if node.type.kind not in ("bool", "any"):
            raise self._fail(f"{what} must be true or false, and {node.text} is {describe(node.type)}", node)

    def _compare(self, tree: Tree) -> Node:
        left, op_token, right = tree.children
        op = str(op_token)
        a, b = self._node(left), self._node(right)
        if op in ("==", "!="):
            if not kinds_match(a.type, b.type):
                raise self._fail(f"{a.text} is {describe(a.type)} and {b.text} is {describe(b.type)}: "
                                 f"{op} between them is always {'false' if op == '==' else 'true'}", op_token)
        elif not ((a.type.numeric or a.type.kind == "any") and (b.type.numeric or b.type.kind == "any")
                  or (a.type.textual or a.type.kind == "any") and (b.type.textual or b.type.kind == "any")):
            raise self._fail(f"{op} compares numbers, or strings and dates, not {describe(a.type)} "
                             f"with {describe(b.type)}", op_token)
        for x, y in ((a, b), (b, a)):
            if x.type.kind == "date" and y.is_const and isinstance(y.value, str) and not _ISO_DATE.match(y.value):
                raise self._fail(f"{y.value!r} is not a date written YYYY-MM-DD", y)
        return self._make(tree, "cmp", BOOL, (a, b), value=op)

    def _membership(self, tree: Tree, op: str) -> Node:
        a, b = self._node(tree.children[0]), self._node(tree.children[1])
        if b.type.kind == "list":
            if not kinds_match(a.type, b.type.item or ANY):
                raise self._fail(f"{a.text} is {describe(a.type)}; it is never in a list of "
                                 f"{describe(b.type.item or ANY)}", a)
        elif b.type.textual:
            if not (a.type.textual or a.type.kind == "any"):
                raise self._fail(f"only strings are in a string, and {a.text} is {describe(a.type)}", a)
        elif b.type.kind != "any":
            raise self._fail(f"`{op}` needs a list or a string on its right, not {describe(b.type)}", b)
        return self._make(tree, "cmp", BOOL, (a, b), value=op)

    def _in(self, tree: Tree) -> Node:
        return self._membership(tree, "in")

    def _not_in(self, tree: Tree) -> Node:
        return self._membership(tree, "not in")

    def _arith(self, tree: Tree, op: str) -> Node:
        a, b = self._node(tree.children[0]), self._node(tree.children[1])
        ta, tb = a.type, b.type
        if "any" in (ta.kind, tb.kind):
            t = ANY if op == "+" else DEC
        elif ta.numeric and tb.numeric:
            t = DEC if op == "/" or "dec" in (ta.kind, tb.kind) else INT
        elif op == "+" and ta.textual and tb.textual:
            t = STR
        elif op == "+" and ta.kind == tb.kind == "list" and join([ta, tb]) is not None:
            t = nullable(join([ta, tb]) or ANY, False)
        else:
            verb = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}[op]
            raise self._fail(f"cannot {verb} {describe(ta)} and {describe(tb)}", self._op_at(a, op))
        return self._make(tree, "arith", t, (a, b), value=op)

    def _add(self, tree: Tree) -> Node:
        return self._arith(tree, "+")

    def _sub(self, tree: Tree) -> Node:
        return self._arith(tree, "-")

    def _mul(self, tree: Tree) -> Node:
        return self._arith(tree, "*")

    def _div(self, tree: Tree) -> Node:
        return self._arith(tree, "/")

    def _neg(self, tree: Tree) -> Node:
        a = self._node(tree.children[0])
        if not (a.type.numeric or a.type.kind == "any"):
            raise self._fail(f"cannot negate {describe(a.type)}", tree)
        return self._make(tree, "neg", nullable(a.type, False), (a,))

    def _logic(self, tree: Tree, op: str) -> Node:
        args = tuple(self._node(child) for child in tree.children)
        for arg in args:
            self._want_bool(arg, f"each side of `{op}`" if op != "not" else "the operand of `not`")
        return self._make(tree, op, BOOL, args)

    def _and(self, tree: Tree) -> Node:
        return self._logic(tree, "and")

    def _or(self, tree: Tree) -> Node:
        return self._logic(tree, "or")

    def _not(self, tree: Tree) -> Node:
        return self._logic(tree, "not")

    def _cond(self, tree: Tree) -> Node:
        then, test, other = (self._node(child) for child in tree.children)
        self._want_bool(test, "the condition of `if`")
        t = join([then.type, other.type])
        if t is None:
            raise self._fail(f"both branches of `if` must have one type, not {describe(then.type)} and "
                             f"{describe(other.type)}", other)
        return self._make(tree, "cond", t, (then, test, other))
