"""Compile a checked rule into one Python function, built from `ast` nodes (never from source text).

The function takes (document, context) and returns the raw results: for a rule without for_each
the assertion's value (or the exception it raised), otherwise a list of (binding, value) pairs,
or NOT_APPLICABLE when an independent `when` is false. Pack text reaches the function only as
`ast.Constant`s (strings, keys, numbers) and as names of bound variables (prefixed `v_`), and the
function's globals hold only our helpers (`__builtins__` is empty).

Nulls stay cheap: objects on fixed paths (applications.results.total) are fetched once into locals
at the top, leaves are read with plain subscripts, and a leaf that may be null is tested with one
`is None` where Python would not raise by itself (`==`, `in`, truth tests, function arguments). A
null object, a missing key or a None in `+`/`<` raises; the caller then runs the slow path, which
names the blank cells. With `blanks: zero` a nullable number reads as `0 if v is None else v`.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from decimal import Decimal
from types import CodeType, FunctionType
from typing import Any

from engine.rules.expr import runtime
from engine.rules.expr.nodes import Node, static_keys

NOT_APPLICABLE = object()  # an independent `when` was false
FALLBACK = object()  # a message placeholder that raised: the interpreter renders it (空 for a blank)
_CMP = {"==": ast.Eq, "!=": ast.NotEq, "<": ast.Lt, "<=": ast.LtE, ">": ast.Gt, ">=": ast.GtE,
        "in": ast.In, "not in": ast.NotIn}
_ARITH = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult}
_PATHS = ("root", "var", "attr", "index")


def _blank() -> None:
    raise runtime.Blank()


def _name(name: str, store: bool = False) -> ast.Name:
    return ast.Name(name, ast.Store() if store else ast.Load())


class CodeGen:
    """Generates the function of one rule for one template."""

    def __init__(self, blanks_zero: bool, label: str = "rule", documents: Sequence[str] = ()):
        self.zero, self.label = blanks_zero, label
        self.documents = tuple(documents)  # compare names: read from the context at the function's top
        self.globals: dict[str, Any] = {
            "__builtins__": {}, "_blank": _blank, "_get": runtime.get_path, "_dec": runtime.to_decimal,
            "_div": runtime.divide, "_all": all, "_any": any, "_Row": runtime.TableRow, "_memo": runtime.memo,
            "_Exception": Exception, "_NA": NOT_APPLICABLE,
        }
        self.hoists: dict[tuple[str, ...], str] = {}
        self.rows: set[str] = set()  # bound names holding TableRow objects (their cells are in d_<name>)
        self.counter = 0

    def _fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"_{prefix}{self.counter}"

    def _global(self, value: Any, prefix: str = "k") -> ast.Name:
        name = self._fresh(prefix)
        self.globals[name] = value
        return _name(name)

    # ---- expressions ----

    def expr(self, node: Node) -> ast.expr:
        """The node's value, with the null test or zero its consumer needs."""
        return self._wrap(node.type, self._raw(node), node.nullok, node.raises, node.op in _PATHS)

    def _wrap(self, t: Any, e: ast.expr, nullok: bool, raises: bool, is_path: bool) -> ast.expr:
        if is_path and t.kind == "dec":
            e = ast.Call(_name("_dec"), [e], [])  # amounts may be JSON floats
        if nullok or not t.nullable:
            return e
        if self.zero and t.numeric:
            temp = self._fresh("t")
            test = ast.Compare(ast.NamedExpr(_name(temp, True), e), [ast.Is()], [ast.Constant(None)])
            return ast.IfExp(test, ast.Constant(0), _name(temp))
        if raises:
            return e
        temp = self._fresh("t")
        test = ast.Compare(ast.NamedExpr(_name(temp, True), e), [ast.IsNot()], [ast.Constant(None)])
        return ast.IfExp(test, _name(temp), ast.Call(_name("_blank"), [], []))

    def _raw(self, node: Node) -> ast.expr:
        return getattr(self, "_" + node.op)(node)

    def _const(self, node: Node) -> ast.expr:
        value = node.value
        if isinstance(value, (Decimal, list)):
            return self._global(value)
        return ast.Constant(value)

    def _list(self, node: Node) -> ast.expr:
        return ast.List([self.expr(arg) for arg in node.args], ast.Load())

    def _static_keys(self, node: Node) -> tuple[str, ...] | None:
        return static_keys(node)

    def _places(self, node: Node) -> ast.expr:
        """[proactive.rules, …] as TableRow objects: each fixed object with its pointer and label."""
        rows: list[ast.expr] = []
        for item, label in zip(node.args, node.value):
            ref = self._global({"pointer": item.pointer, "label": label}, "r")
            rows.append(ast.Call(_name("_Row"), [self.expr(item), ast.Constant(item.pointer), ast.Constant(label), ref],
                                 []))
        return ast.List(rows, ast.Load())

    def container(self, node: Node) -> ast.expr:
        """An object or list to take members from: a hoisted local for fixed paths, cells for rows."""
        if node.type.kind in ("obj", "list", "row", "any"):
            keys = self._static_keys(node)
            if keys is not None and node.type.kind != "any":
                if keys not in self.hoists:
                    self.hoists[keys] = self._fresh("h")
                return _name(self.hoists[keys])
        if node.op == "var" and node.value in self.rows:
            return _name("d_" + node.value)
        if node.type.kind == "row":
            return ast.Attribute(self.expr(node), "d", ast.Load())
        return self.expr(node)

    def _root(self, node: Node) -> ast.expr:
        if node.type.kind in ("obj", "list"):
            return self.container(node)
        return ast.Subscript(_name("_doc"), ast.Constant(node.value), ast.Load())

    def _var(self, node: Node) -> ast.expr:
        return _name("v_" + node.value)

    def _attr(self, node: Node) -> ast.expr:
        if node.maps:
            return self._mapped(node)
        if node.type.kind in ("obj", "list") and self._static_keys(node) is not None:
            return self.container(node)
        return ast.Subscript(self.container(node.args[0]), ast.Constant(node.value), ast.Load())

    def _index(self, node: Node) -> ast.expr:
        if node.maps:
            return self._mapped(node)
        if node.type.kind in ("obj", "list") and self._static_keys(node) is not None:
            return self.container(node)
        return ast.Subscript(self.container(node.args[0]), self.expr(node.args[1]), ast.Load())

    def _star(self, node: Node) -> ast.expr:
        return self._mapped(node)

    def _elements(self, node: Node) -> list[ast.expr] | None:
        """The items of a star (x.*) or of attr/index applied to one, as separate expressions."""
        if node.op == "star":
            obj = self.container(node.args[0])
            if not isinstance(obj, ast.Name):
                temp = self._fresh("t")
                first = ast.NamedExpr(_name(temp, True), obj)
                return [ast.Subscript(first if i == 0 else _name(temp), ast.Constant(k), ast.Load())
                        for i, k in enumerate(node.keys)]
            return [ast.Subscript(obj, ast.Constant(k), ast.Load()) for k in node.keys]
        if node.op in ("attr", "index") and node.maps:
            inner = self._elements(node.args[0])
            if inner is None:
                return None
            key = ast.Constant(node.value) if node.op == "attr" else self.expr(node.args[1])
            return [ast.Subscript(item, key, ast.Load()) for item in inner]
        return None

    def _item(self, node: Node, e: ast.expr) -> ast.expr:
        item = node.type.item
        return e if item is None else self._wrap(item, e, node.items_nullok, False, True)

    def _mapped(self, node: Node) -> ast.expr:
        elements = self._elements(node)
        if elements is not None:
            return ast.List([self._item(node, e) for e in elements], ast.Load())
        # attr/index over any other list: a comprehension over its items
        var = self._fresh("e")
        source = node.args[0]
        item_t = source.type.item
        holder: ast.expr = _name(var)
        if item_t is not None and item_t.kind == "row":
            holder = ast.Attribute(holder, "d", ast.Load())
        key = ast.Constant(node.value) if node.op == "attr" else self.expr(node.args[1])
        element = self._item(node, ast.Subscript(holder, key, ast.Load()))
        return ast.ListComp(element, [ast.comprehension(_name(var, True), self.expr(source), [], 0)])

    def pointer(self, node: Node) -> ast.expr:
        """An expression for the node's JSON Pointer (the checker made sure it has one)."""
        if node.pointer is not None:
            return ast.Constant(node.pointer)
        if node.op == "var":
            return ast.Attribute(self._var(node), "pointer", ast.Load())
        base = self.pointer(node.args[0])
        if node.op == "attr":
            tail: ast.expr = ast.Constant("/" + node.value.replace("~", "~0").replace("/", "~1"))
        else:
            tail = ast.BinOp(ast.Constant("/"), ast.Add(), ast.Call(_name("_esc"), [self.expr(node.args[1])], []))
            self.globals["_esc"] = lambda key: str(key).replace("~", "~0").replace("/", "~1")
        return ast.BinOp(base, ast.Add(), tail)

    def _call(self, node: Node) -> ast.expr:
        spec = node.spec
        assert spec is not None
        args: list[ast.expr] = [_name("_ctx")] if spec.context else []
        args += [self._global(value, "p") for value in node.prepared]
        for arg, ref in zip(node.args, node.refs):
            args.append(self.expr(arg))
            if ref:
                args.append(self.pointer(arg))
        if spec.cache and spec.context and all(arg.is_const for arg in node.args) and not any(node.refs):
            key = self._global(memo_key(node), "m")
            return ast.Call(_name("_memo"), [args[0], key, self._global(spec.impl, "f")] + args[1:], [])
        return ast.Call(self._global(spec.impl, "f"), args, [])

    def _loop_targets(self, name: str, source: ast.expr, is_row: bool) -> list[ast.comprehension]:
        out = [ast.comprehension(_name("v_" + name, True), source, [], 0)]
        if is_row:  # bind the row's cells too, so that row.total is one subscript
            cells = ast.Tuple([ast.Attribute(_name("v_" + name), "d", ast.Load())], ast.Load())
            out.append(ast.comprehension(_name("d_" + name, True), cells, [], 0))
        return out

    def _quantifier(self, node: Node, func: str) -> ast.expr:
        items, body = node.args
        is_row = items.type.item is not None and items.type.item.kind == "row"
        if is_row:
            self.rows.add(node.value)
        gens = self._loop_targets(node.value, self.expr(items), is_row)
        return ast.Call(_name(func), [ast.GeneratorExp(self.expr(body), gens)], [])

    def _all(self, node: Node) -> ast.expr:
        return self._quantifier(node, "_all")

    def _any(self, node: Node) -> ast.expr:
        return self._quantifier(node, "_any")

    def _cmp(self, node: Node) -> ast.expr:
        a, b = node.args
        op = node.value
        if op in ("==", "!=") and (b.is_const and b.value is None or a.is_const and a.value is None):
            other = a if b.is_const and b.value is None else b
            test = ast.Is() if op == "==" else ast.IsNot()
            return ast.Compare(self.expr(other), [test], [ast.Constant(None)])
        return ast.Compare(self.expr(a), [_CMP[op]()], [self.expr(b)])

    def _arith(self, node: Node) -> ast.expr:
        a, b = (self.expr(arg) for arg in node.args)
        if node.value == "/":
            return ast.Call(_name("_div"), [a, b], [])
        return ast.BinOp(a, _ARITH[node.value](), b)

    def _neg(self, node: Node) -> ast.expr:
        return ast.UnaryOp(ast.USub(), self.expr(node.args[0]))

    def _and(self, node: Node) -> ast.expr:
        return ast.BoolOp(ast.And(), [self.expr(arg) for arg in node.args])

    def _or(self, node: Node) -> ast.expr:
        return ast.BoolOp(ast.Or(), [self.expr(arg) for arg in node.args])

    def _not(self, node: Node) -> ast.expr:
        return ast.UnaryOp(ast.Not(), self.expr(node.args[0]))

    def _cond(self, node: Node) -> ast.expr:
        then, test, other = node.args
        return ast.IfExp(self.expr(test), self.expr(then), self.expr(other))

    # ---- the rule function ----

    def function(self, when: Node | None, when_inside: bool, loops: Sequence[tuple[str, Node]],
                 assertion: Node) -> FunctionType:
        """def rule(_doc, _ctx): the whole rule, one try per binding so one row never stops the rest."""
        body: list[ast.stmt] = []
        if when is not None and not when_inside:
            body.append(ast.If(ast.UnaryOp(ast.Not(), self.expr(when)), [ast.Return(_name("_NA"))], []))
        check = self.expr_in_loops(loops, when if when_inside else None, assertion)
        if not loops:
            body.append(_try_assign(check))
            body.append(ast.Return(_name("_ok")))
        else:
            body.append(ast.Assign([_name("_out", True)], ast.List([], ast.Load())))
            names: list[ast.expr] = [_name("v_" + name) for name, _ in loops]
            binding = names[0] if len(names) == 1 else ast.Tuple(names, ast.Load())
            append = ast.Expr(ast.Call(ast.Attribute(_name("_out"), "append", ast.Load()),
                                       [ast.Tuple([binding, _name("_ok")], ast.Load())], []))
            inner: list[ast.stmt] = [_try_assign(check), append]
            for name, _items, source in reversed(self._loop_sources):
                head: list[ast.stmt] = []
                if name in self.rows:
                    head.append(ast.Assign([_name("d_" + name, True)],
                                           ast.Attribute(_name("v_" + name), "d", ast.Load())))
                inner = [ast.For(_name("v_" + name, True), source, head + inner, [])]
            body += inner
            body.append(ast.Return(_name("_out")))
        return self._build("rule", ["_doc", "_ctx"], body)

    def message_function(self, loops: Sequence[tuple[str, Node]], pieces: Sequence[Node]) -> FunctionType:
        """def message(_doc, _ctx, v_<name>…): each placeholder's value, or FALLBACK where it raised."""
        body: list[ast.stmt] = []
        for name, items in loops:
            if items.type.item is not None and items.type.item.kind == "row":
                self.rows.add(name)
                body.append(ast.Assign([_name("d_" + name, True)], ast.Attribute(_name("v_" + name), "d", ast.Load())))
        body.append(ast.Assign([_name("_out", True)], ast.List([], ast.Load())))
        append = ast.Attribute(_name("_out"), "append", ast.Load())
        for piece in pieces:
            handler = ast.ExceptHandler(_name("_Exception"), None,
                                        [ast.Expr(ast.Call(append, [_name("_FALLBACK")], []))])
            body.append(ast.Try([ast.Expr(ast.Call(append, [self.expr(piece)], []))], [handler], [], []))
        body.append(ast.Return(_name("_out")))
        self.globals["_FALLBACK"] = FALLBACK
        return self._build("message", ["_doc", "_ctx"] + ["v_" + name for name, _ in loops], body)

    def _build(self, name: str, params: list[str], body: list[ast.stmt]) -> FunctionType:
        """The function from its body, with the fixed objects it reads fetched once at its top."""
        hoists: list[ast.stmt] = []
        for name in self.documents:  # v_<name> = _ctx.bound["<name>"]: the other report's document
            bound = ast.Attribute(_name("_ctx"), "bound", ast.Load())
            hoists.append(ast.Assign([_name("v_" + name, True)], ast.Subscript(bound, ast.Constant(name), ast.Load())))
        for keys, local in self.hoists.items():
            path = ast.Constant(keys)  # type: ignore[arg-type]  # a tuple of strings is a constant too
            hoists.append(ast.Assign([_name(local, True)], ast.Call(_name("_get"), [_name("_doc"), path], [])))
        func = ast.FunctionDef(name, ast.arguments([], [ast.arg(p) for p in params], None, [], [], None, []),
                               hoists + body, [], None)
        module = ast.Module([func], [])
        ast.fix_missing_locations(module)
        code = compile(module, f"<{self.label}>", "exec")
        fcode = next(c for c in code.co_consts if isinstance(c, CodeType))
        return FunctionType(fcode, self.globals, name)

    def expr_in_loops(self, loops: Sequence[tuple[str, Node]], when: Node | None, assertion: Node) -> ast.expr:
        """Generate the loop sources first (they bind row names), then the checked expression."""
        self._loop_sources = []
        for name, items in loops:
            source = self.expr(items)
            if items.type.item is not None and items.type.item.kind == "row":
                self.rows.add(name)
            self._loop_sources.append((name, items, source))
        check = self.expr(assertion)
        if when is not None:
            check = ast.IfExp(self.expr(when), check, ast.Constant(None))
        return check


def memo_key(node: Node) -> tuple[str, str]:
    """The cache key of a document function called with constant arguments (same call, same key)."""
    return node.value, repr([arg.value for arg in node.args])


def _try_assign(value: ast.expr) -> ast.stmt:
    """try: _ok = value / except Exception as _e: _ok = _e."""
    handler = ast.ExceptHandler(_name("_Exception"), "_e", [ast.Assign([_name("_ok", True)], _name("_e"))])
    return ast.Try([ast.Assign([_name("_ok", True)], value)], [handler], [], [])
