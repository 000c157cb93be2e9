"""Compile one rule: parse its expressions, type-check them per template, generate one function each.

    compiled = compile_rule(when=None, for_each={"row": "rows(applications)"},
                            assertion="row.total == row.natural_person + …", message="{label(row)}…",
                            templates=["2019", "2021"], blanks_zero=True, locate=locate)
    compiled.evaluate(document) -> list[Evaluation]

`locate(part, offset) -> (line, column)` maps a character offset inside one part of the rule to
the YAML file; parts are "when", "for_each.<name>", "assert" or "assert.<template>", "message".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.rules.expr import codegen
from engine.rules.expr.typecheck import TypeChecker
from engine.rules.expr.compare import MISSING, Compare
from engine.rules.expr.explain import Explanation
from engine.rules.expr.builtins import default_functions, with_builtins
from engine.rules.expr.functions import FunctionSpec, FunctionTable, LoadEnv
from engine.rules.expr.nodes import CheckError, Node, mark, static_keys
from engine.rules.expr.parsing import (Locate, RuleCompileError, RuleSyntaxError, RuleTypeError, default_locate,
                                  message_parts, parse)
from engine.rules.expr.runtime import EvalContext, TableRow
from engine.rules.expr.plan import Evaluation, Plan
from engine.rules.expr.types import ANY, T, describe, from_schema, nullable, titles

if TYPE_CHECKING:  # lark is imported where a pack is compiled: loading packs from the cache never needs it
    from lark import Token, Tree


def compile_rule(*, assertion: str | Mapping[str, str], templates: Iterable[str], when: str | None = None,
                 for_each: Mapping[str, str] | None = None, message: str | None = None,
                 blanks_zero: bool = False, locate: Locate | None = None,
                 functions: FunctionTable | Iterable[FunctionSpec] | None = None,
                 schemas: Mapping[str, Any] | None = None, label: str = "rule",
                 compare: Compare | None = None) -> CompiledRule:
    """Parse, type-check (for each template) and compile a rule; raise RuleCompileError.

    `functions` defaults to the builtins; `schemas` (template → JSON Schema) defaults to
    engine.document.schema.template_schema; `label` names the generated code in tracebacks. `compare` names
    other reports of the batch: the rule is checked and compiled for every template of the report
    with every template each other report may have.
    """
    rule = _Rule(assertion, tuple(templates), when, dict(for_each or {}), message, blanks_zero, locate,
                 _functions(functions), schemas, label, compare)
    if compare is None:
        plans = {template: rule.plan(template) for template in rule.templates}
        return CompiledRule(rule.templates, tuple(rule.for_each), plans, blanks_zero)
    combos = list(itertools.product(*(selector.templates for selector in compare.names.values())))
    variants = {(template, combo): rule.plan(template, combo) for template in rule.templates for combo in combos}
    plans = {template: variants[(template, _default_combo(compare, template))] for template in rule.templates}
    return CompiledRule(rule.templates, tuple(rule.for_each), plans, blanks_zero, compare, variants)


def _default_combo(compare: Compare, template: str | None) -> tuple[str, ...]:
    """The templates to assume for the other reports: each one's own, else the report's, else the first."""
    return tuple(template if template in s.templates else s.templates[0] for s in compare.names.values())


class _Rule:
    """One rule's parts, parsed once, then checked and compiled for each template."""

    def __init__(self, assertion: str | Mapping[str, str], templates: tuple[str, ...], when: str | None,
                 for_each: dict[str, str], message: str | None, blanks_zero: bool, locate: Locate | None,
                 functions: FunctionTable, schemas: Mapping[str, Any] | None, label: str,
                 compare: Compare | None = None):
        self.templates, self.for_each, self.blanks_zero = templates, for_each, blanks_zero
        self.functions, self.schemas, self.label = functions, schemas, label
        self.compare = compare
        # a compare name's values have pointers "name:/…" (they are in another report)
        self.documents = {name: f"{name}:" for name in (compare.names if compare else ())}
        texts: dict[str, str] = {}
        if when is not None:
            texts["when"] = when
        texts.update({f"for_each.{name}": text for name, text in for_each.items()})
        if isinstance(assertion, str):
            texts["assert"] = assertion
        else:
            texts.update({f"assert.{t}": text for t, text in assertion.items()})
        if message is not None:
            texts["message"] = message
        self.texts = texts
        self.locate = locate or default_locate(texts)
        self.trees = {part: parse(text, part, self.locate) for part, text in texts.items() if part != "message"}
        pieces = message_parts(message, self.locate) if message is not None else []
        self.message: list[tuple[Tree, int] | str] = [
            (parse(p[0], "message", self.locate, p[1]), p[1]) if isinstance(p, tuple) else p for p in pieces]
        # a `when` that names a for_each variable is decided per binding, otherwise once
        self.when_inside = when is not None and bool(_names_in(self.trees["when"]) & set(for_each))

    def _error(self, part: str, offset: int, message: str) -> RuleTypeError:
        line, column = self.locate(part, offset)
        return RuleTypeError(f"{part}: {message}", part, line, column)

    def check(self, env: LoadEnv, part: str, tree: Tree, scope: dict[str, T], base: int = 0) -> Node:
        """The typed tree of one part (a placeholder starts at `base` in the message)."""
        source = self.texts[part][base:] if base else self.texts[part]
        try:
            return TypeChecker(source, env, self.functions, self.documents).check(tree, scope)
        except CheckError as exc:
            others = [t for t in self.templates if t != env.template]
            if others and any(self._checks(t, source, tree, scope) for t in others):
                exc.message += f" (template {env.template})"  # only this template's schema lacks it
            raise self._error(part, base + exc.offset, exc.message) from None

    def _checks(self, template: str, source: str, tree: Tree, scope: dict[str, T]) -> bool:
        try:
            TypeChecker(source, _env_for(template, self.schemas), self.functions, self.documents).check(tree, scope)
            return True
        except CheckError:
            return False

    def plan(self, template: str, combo: tuple[str, ...] = ()) -> Plan:
        """Check every part against `template`'s schema (the other reports' against `combo`'s) and
        generate its function."""
        try:
            return self._plan(template, combo)
        except RuleCompileError as exc:
            several = self.compare is not None and any(len(s.templates) > 1 for s in self.compare.names.values())
            if several and exc.part != "compare":
                others = ", ".join(f"{name} a {t} report" for name, t in zip(self.compare.names, combo))  # type: ignore[union-attr]
                exc.message += f" (with {others})"
            raise

    def _plan(self, template: str, combo: tuple[str, ...]) -> Plan:
        env = _env_for(template, self.schemas)
        scope: dict[str, T] = {}
        for (name, selector), other in zip((self.compare.names if self.compare else {}).items(), combo):
            clash = ("would hide the document's " + name if name in (env.root.fields or {})
                     else "is also a for_each name" if name in self.for_each else None)
            if clash:  # line 0: the pack loader places the error at the rule's compare key
                raise RuleTypeError(f"compare: the name {name} {clash}", "compare", 0, 0)
            scope[name] = nullable(_env_for(other, self.schemas).root, selector.nullable)
        when = None
        if "when" in self.trees and not self.when_inside:
            when = self.check(env, "when", self.trees["when"], dict(scope))
        loops: list[tuple[str, Node]] = []
        for name in self.for_each:
            part = f"for_each.{name}"
            if name in (env.root.fields or {}):
                raise self._error(part, 0, f"the name {name} would hide the document's {name}")
            node = self.check(env, part, self.trees[part], dict(scope))
            if node.type.kind not in ("list", "any"):
                raise self._error(part, 0, f"for_each needs a list, and this is {describe(node.type)}")
            mark(node, False, True, True)
            loops.append((name, node))
            scope[name] = node.type.item or ANY
        if "when" in self.trees and self.when_inside:
            when = self.check(env, "when", self.trees["when"], dict(scope))
        part = "assert" if "assert" in self.trees else f"assert.{template}"
        assertion = self.check(env, part, self.trees[part], dict(scope))
        for which, checked in (("when", when), (part, assertion)):
            if checked is None:
                continue
            if checked.type.kind not in ("bool", "any"):
                raise self._error(which, checked.start, f"must be true or false, not {describe(checked.type)}")
            mark(checked, False, False)
        message: list[Node | str] = []
        for piece in self.message:
            if isinstance(piece, str):
                message.append(piece)
                continue
            node = self.check(env, "message", piece[0], dict(scope), piece[1])
            mark(node, True, False)  # a placeholder shows null as 空
            message.append(node)
        names = tuple(self.documents)
        fn = codegen.CodeGen(self.blanks_zero, self.label, names).function(when, self.when_inside, loops, assertion)
        placeholders = [piece for piece in message if isinstance(piece, Node)]
        message_fn = codegen.CodeGen(self.blanks_zero, self.label, names).message_function(loops, placeholders)
        return Plan(template, env, fn, message_fn, when, self.when_inside, loops, assertion, message,
                     self.blanks_zero, _value_labels(assertion, scope, env),
                     {name: static_keys(node) for name, node in loops})


_ENVS: dict[tuple[str, int], tuple[Any, LoadEnv]] = {}


def _env_for(template: str, schemas: Mapping[str, Any] | None) -> LoadEnv:
    """The document type and titles of a template, built once per schema object."""
    if schemas is not None and template in schemas:
        schema = schemas[template]
    else:
        from engine.document.schema import template_schema  # the shared schema, only when none was given
        schema = template_schema(template)
    key = (template, id(schema))
    cached = _ENVS.get(key)
    if cached is None or cached[0] is not schema:
        cached = _ENVS[key] = (schema, LoadEnv(template, from_schema(schema), titles(schema)))
    return cached[1]


def _names_in(tree: Tree | Token) -> set[str]:
    """The bare names an expression uses (not keys after a dot)."""
    from lark import Token

    if isinstance(tree, Token):
        return set()
    found = {str(tree.children[0])} if tree.data == "name" else set()
    for child in tree.children:
        found |= _names_in(child)
    return found


def _functions(functions: FunctionTable | Iterable[FunctionSpec] | None) -> FunctionTable:
    if functions is None:
        return default_functions()
    if isinstance(functions, FunctionTable):
        return functions
    return with_builtins(functions)


def _value_labels(node: Node, scope: dict[str, T], env: LoadEnv) -> dict[tuple[str, Any], str]:
    """Chinese titles for the keys a bound name takes, from where it indexes a fixed object (col → 自然人)."""
    out: dict[tuple[str, Any], str] = {}
    stack = [node]
    while stack:
        here = stack.pop()
        stack.extend(here.args)
        if here.op != "index" or here.args[1].op != "var":
            continue
        name, obj = here.args[1].value, here.args[0]
        base = obj.pointer or (obj.args[0].pointer if obj.op == "star" and obj.args else None)
        bound = scope.get(name)
        values = bound.values if bound is not None else None
        for value in values or ():
            if base is None:
                continue
            keys = obj.keys if obj.op == "star" else ("",)
            for key in keys:
                title = env.titles.get(f"{base}/{key}/{value}" if key else f"{base}/{value}")
                if title:
                    out.setdefault((name, value), title)
    return out


class CompiledRule:
    """A rule ready to run: `evaluate(document)` gives one Evaluation per binding (at least one)."""

    def __init__(self, templates: tuple[str, ...], names: tuple[str, ...], plans: dict[str, Plan], zero: bool,
                 compare: Compare | None = None,
                 variants: dict[tuple[str, tuple[str, ...]], Plan] | None = None):
        self.templates, self.names, self.plans, self.blanks_zero = templates, names, plans, zero
        self.compare, self.variants = compare, variants or {}

    def _plan(self, document: Any, ctx: EvalContext | None) -> Plan | Evaluation | None:
        """The plan for this report (and the other reports' templates), or the missing-report outcome."""
        plan = self.plans.get(str(document.get("template"))) if isinstance(document, dict) else None
        if plan is None or self.compare is None:
            return plan
        bound = ctx.bound if ctx is not None else {}
        missing = [name for name in self.compare.names if bound.get(name, MISSING) is MISSING]
        if missing:
            return Evaluation(self.compare.missing, None, self.compare.missing_message(missing), None, [])
        combo = tuple(str(doc.get("template")) if isinstance(doc, dict) else None for doc in
                      (bound[name] for name in self.compare.names))
        default = _default_combo(self.compare, plan.template)
        # an other report of an unknown template is read as the default: its null tables are blanks
        combo = tuple(t if t in s.templates else d for t, s, d in zip(combo, self.compare.names.values(), default))
        return self.variants.get((plan.template, combo), plan)

    def evaluate(self, document: dict[str, Any], context: EvalContext | None = None) -> list[Evaluation]:
        """Run the rule on one document; never raises (a broken rule gives outcome "error")."""
        found = self._plan(document, context)
        if found is None:
            return [Evaluation("not_applicable", None, None, None, [])]
        if isinstance(found, Evaluation):
            return [found]
        plan = found
        ctx = context if context is not None else EvalContext(document)
        if plan.zero and ctx.unread:  # the fast path would read unread cells as 0: trace every value
            return plan.slow(document, ctx)
        try:
            raw = plan.fn(document, ctx)
        except Exception:  # noqa: BLE001 - outside any binding: the interpreter says what happened
            return plan.slow(document, ctx)
        if raw is codegen.NOT_APPLICABLE:
            return [Evaluation("not_applicable", None, None, None, [])]
        if not plan.loops:
            return [plan.settle(document, ctx, None, raw)]
        if not raw:
            return [Evaluation("not_applicable", None, None, None, [])]
        out = []
        if len(plan.loops) == 1:
            name = plan.loops[0][0]
            for value, ok in raw:
                if ok is True:
                    ref = value.ref if value.__class__ is TableRow else plan.ref(name, value, document)
                    out.append(Evaluation("pass", {name: ref}, None, None, []))
                else:
                    out.append(plan.settle(document, ctx, value, ok))
        else:
            for values, ok in raw:
                out.append(plan.settle(document, ctx, values, ok))
        return out

    def evaluate_slowly(self, document: dict[str, Any], context: EvalContext | None = None) -> list[Evaluation]:
        """The same results by the interpreter alone (for tests: both paths must agree)."""
        found = self._plan(document, context)
        if found is None:
            return [Evaluation("not_applicable", None, None, None, [])]
        if isinstance(found, Evaluation):
            return [found]
        return found.slow(document, context if context is not None else EvalContext(document))


__all__ = ["CompiledRule", "EvalContext", "Evaluation", "Explanation", "RuleCompileError", "RuleSyntaxError",
           "RuleTypeError", "compile_rule"]
