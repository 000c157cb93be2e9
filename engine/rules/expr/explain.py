"""Explain a failed rule: `一+二 = 0+0 = 0 ≠ （七）总计+四 = 3+0 = 3 (自然人)`, plus the structured operands.

For the comparison that made the assertion false (the first false side of `and`, the first failing
item of `all`, the branch `if` took), each side is shown with its leaves named by their Chinese
titles, then with their values, then its value; the titles every leaf shares go in parentheses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.rules.expr.interpreter import BLANK, Tracer, compare
from engine.rules.expr.nodes import Node
from engine.rules.expr.runtime import TableRow, is_report, show
from engine.rules.expr.types import TITLE_SEPARATOR, row_label, title_path

_HOLDS = {("==", True): "=", ("==", False): "≠", ("!=", True): "≠", ("!=", False): "=",
          ("<", True): "<", ("<", False): "≥", ("<=", True): "≤", ("<=", False): ">",
          (">", True): ">", (">", False): "≤", (">=", True): "≥", (">=", False): "<",
          ("in", True): "∈", ("in", False): "∉", ("not in", True): "∉", ("not in", False): "∈"}
_ENUM = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])(.*)$")
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}


@dataclass(frozen=True)
class Leaf:
    """A document value an operand was computed from."""

    pointer: str
    title: str
    value: Any
    line: int | None


@dataclass(frozen=True)
class Operand:
    """One side of the failing comparison: its expression text, value and leaves."""

    expr: str
    value: Any
    leaves: tuple[Leaf, ...]


@dataclass(frozen=True)
class Explanation:
    """Why a rule failed: one line for people, and the operands for programs."""

    text: str
    operands: tuple[Operand, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "operands": [
            {"expr": o.expr, "value": jsonable(o.value),
             "leaves": [{"pointer": f.pointer, "title": f.title, "value": jsonable(f.value), "line": f.line}
                        for f in o.leaves]} for o in self.operands]}


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it (Decimals become int or float, rows their label)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, TableRow):
        return {"pointer": value.pointer, "label": value.label}
    if is_report(value):  # another report (compare): who it is, not its whole document
        meta = value.get("meta") or {}
        source = meta.get("source") or {}
        return {"source": source.get("name"), "sha256": source.get("sha256"), "agency": meta.get("agency"),
                "year": meta.get("year")}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    return value


def short(title: str) -> str:
    """A row title as the explanation line shows it: 一 for 一、本年新收…, （七）总计 kept whole."""
    m = _ENUM.match(title)
    if m and len(m.group(2)) > 2:
        return m.group(1).rstrip("、.．")
    return title


class Explainer(Tracer):
    """A tracer that also explains why a boolean node came out false."""

    def explain(self, node: Node, env: dict[str, Any]) -> Explanation:
        """Why `node` (a boolean that came out false) is false."""
        op = node.op
        if op == "and":
            for arg in node.args:
                if self.ev(arg, env) is False:
                    return self.explain(arg, env)
        if op == "or":
            parts = [self.explain(arg, env) for arg in node.args]
            return Explanation("；".join(p.text for p in parts), tuple(o for p in parts for o in p.operands))
        if op == "not":
            return self.explain(node.args[0], env)
        if op == "cond":
            test = self.ev(node.args[1], env)
            return self.explain(node.args[0] if test else node.args[2], env)
        if op in ("all", "any"):
            items = self.ev(node.args[0], env)
            if op == "all" and isinstance(items, list):
                for item in items:
                    inner = {**env, node.value: item}
                    if self.ev(node.args[1], inner) is False:
                        sub = self.explain(node.args[1], inner)
                        return Explanation(f"{node.value} = {show(item)}：{sub.text}", sub.operands)
            return Explanation(f"{node.text}：{'没有一项成立' if op == 'any' else '不成立'}",
                               (Operand(node.text, False, ()),))
        if op == "cmp":
            return self._explain_comparison(node, env)
        start = len(self.reads)
        value = self.ev(node, env)
        return Explanation(f"{node.text} = {show(value)}", (Operand(node.text, value, self._leaves(start)),))

    def _explain_comparison(self, node: Node, env: dict[str, Any]) -> Explanation:
        left, right = node.args
        start = len(self.reads)
        lv = self.ev(left, env)
        middle = len(self.reads)
        rv = self.ev(right, env)
        pointers = [p for p, _ in self.reads[start:] if p]
        namer, context = _namer(pointers, self.titles)
        holds = compare(node.value, lv, rv) if BLANK not in (lv, rv) else False
        if node.value in ("==", "!=") and (left.is_const and left.value is None or right.is_const and
                                           right.value is None):
            other, value = (right, rv) if left.is_const and left.value is None else (left, lv)
            shown = self._render(other, namer)[0] if value is None else self._side(other, value, namer)
            text = f"{shown} {'为空' if value is None else '不为空'}"
        else:
            relation = _HOLDS[(node.value, bool(holds))]
            text = f"{self._side(left, lv, namer)} {relation} {self._side(right, rv, namer)}"
        if context:
            text += f" ({context})"
        operands = (Operand(left.text, lv, self._leaves(start, middle)), Operand(right.text, rv, self._leaves(middle)))
        return Explanation(text, operands)

    def _leaves(self, start: int, end: int | None = None) -> tuple[Leaf, ...]:
        found = self.doc.get("provenance")
        provenance: dict[str, Any] = found if isinstance(found, dict) else {}
        out, seen = [], set()
        for pointer, value in self.reads[start:end]:
            if pointer is None or pointer in seen:
                continue
            seen.add(pointer)
            where = provenance.get(pointer)
            line = where.get("line") if isinstance(where, dict) else None
            title = _title_path(pointer, self.titles)
            if not pointer.startswith("/"):  # "prior:/…" is in another report: no line of this one
                title, line = f"{pointer.split('/', 1)[0]}{title}", None
            out.append(Leaf(pointer, title, value, line))
        return tuple(out)

    def _side(self, node: Node, value: Any, namer: Any) -> str:
        names, values, _ = self._render(node, namer)
        result = show(value)
        parts = [names]
        if values not in (names, result):
            parts.append(values)
        if result != names:
            parts.append(result)
        return " = ".join(parts)

    def _render(self, node: Node, namer: Any) -> tuple[str, str, int]:
        value, pointer = self.memo.get(id(node), (None, None))
        if node.op == "arith":
            prec = _PREC[node.value]
            (ln, lv, lp), (rn, rv, rp) = (self._render(arg, namer) for arg in node.args)
            if lp < prec:
                ln, lv = f"({ln})", f"({lv})"
            if rp < prec or (rp == prec and node.value in "-/"):
                rn, rv = f"({rn})", f"({rv})"
            elif rv.startswith("-"):
                rv = f"({rv})"  # 9+(-3), not 9+-3
            return f"{ln}{node.value}{rn}", f"{lv}{node.value}{rv}", prec
        if node.op == "neg":
            n, v, p = self._render(node.args[0], namer)
            return (f"-{n}", f"-{v}", 3) if p >= 3 else (f"-({n})", f"-({v})", 3)
        if node.op == "const":
            text = f"“{node.value}”" if isinstance(node.value, str) else show(node.value)
            return text, text, 4
        if node.op in ("root", "attr", "index") and not node.maps and pointer:
            return namer(pointer), show(value), 4
        if node.op in ("star", "attr", "index") and node.maps:
            base = node
            while base.op != "star" and base.args and base.args[0].op in ("star", "attr", "index"):
                base = base.args[0]
            if base.op == "star" and base.pointer:
                return namer(base.pointer), show(value), 4
        if node.op == "call" and node.value == "sum" and len(node.args) == 1:
            inner, _, p = self._render(node.args[0], namer)
            return "Σ" + (inner if p >= 4 else f"({inner})"), show(value), 4
        if node.op == "call":
            names = ", ".join(self._render(arg, namer)[0] for arg in node.args)
            return f"{node.value}({names})", show(value), 4
        if node.op == "cond":  # the branch taken
            test = self.memo.get(id(node.args[1]), (None, None))[0]
            return self._render(node.args[0] if test is True else node.args[2], namer)
        if node.op == "var":
            return node.value, show(value), 4
        return node.text, show(value), 0


_OBJECTS: dict[int, tuple[dict[str, str], set[str]]] = {}
_PATHS: dict[int, tuple[dict[str, str], dict[str, str]]] = {}


def _title_path(pointer: str, titles: dict[str, str]) -> str:
    """title_path, remembered per template (the same cells fail again and again)."""
    cached = _PATHS.get(id(titles))
    if cached is None or cached[0] is not titles:
        cached = _PATHS[id(titles)] = (titles, {})
    found = cached[1].get(pointer)
    if found is None:
        found = cached[1][pointer] = title_path(pointer, titles)
    return found


def _objects(titles: dict[str, str]) -> set[str]:
    """The pointers that have members (rows, groups, tables), from a template's titles (cached)."""
    cached = _OBJECTS.get(id(titles))
    if cached is None or cached[0] is not titles:
        cached = _OBJECTS[id(titles)] = (titles, {key.rsplit("/", 1)[0] for key in titles})
    return cached[1]


def _namer(pointers: list[str], titles: dict[str, str]) -> tuple[Any, str]:
    """How to name each pointer in the line, and the context (the titles every leaf shares)."""
    unique = list(dict.fromkeys(pointers))
    # the cells decide what is shared; a null row or table read on the way is named whole
    objects = _objects(titles)
    split = [p.split("/")[1:] for p in unique if p not in objects] or [p.split("/")[1:] for p in unique]
    if not split:
        return (lambda p: short(titles.get(p, p.rsplit("/", 1)[-1]))), ""
    shortest = min(len(s) for s in split)
    prefix = 0
    while prefix < shortest and len({tuple(s[:prefix + 1]) for s in split}) == 1:
        prefix += 1
    suffix = 0
    if len(split) == 1:
        prefix = shortest - 1
    else:
        while suffix < shortest - prefix and len({s[len(s) - suffix - 1] for s in split}) == 1:
            suffix += 1
    context = []
    if prefix >= 2:
        chain = ["/" + "/".join(split[0][:i]) for i in range(2, prefix + 1)]
        context.append(row_label([titles.get(p, p) for p in chain]))
    first = split[0]
    for i in range(len(first) - suffix, len(first)):  # a shared column (自然人), titled as under the first leaf
        context.append(titles.get("/" + "/".join(first[:i + 1]), first[i]))
    cells = {"/" + "/".join(s) for s in split}

    names: dict[str, str] = {}

    def name(pointer: str) -> str:
        if pointer not in names:  # a value of another report (compare) keeps its name: prior:四
            names[pointer] = ("" if pointer.startswith("/") else pointer.split("/", 1)[0]) + _name(pointer)
        return names[pointer]

    def _name(pointer: str) -> str:
        pointer = pointer if pointer.startswith("/") else "/" + pointer.split("/", 1)[-1]
        segments = pointer.split("/")[1:]
        middle = segments[:len(segments) - suffix] if pointer in cells else segments
        if len(middle) <= prefix:
            middle = segments
        here = "/" + "/".join(middle)
        title = titles.get(here, middle[-1] if middle else pointer)
        numbered = _ENUM.match(title)
        if title[:1].isdigit() and numbered and len(middle) > prefix + 1:  # 1. under （三）: （三）1
            parent = "/" + "/".join(middle[:-1])
            return short(titles.get(parent, middle[-2])) + numbered.group(1).rstrip("、.．")
        return short(title)

    return name, TITLE_SEPARATOR.join(c for c in context if c)
