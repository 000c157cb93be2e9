"""A rule compiled for one template: the generated function, and the slow path that explains it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from engine.rules.expr import codegen
from engine.rules.expr.explain import Explainer, Explanation
from engine.rules.expr.functions import LoadEnv
from engine.rules.expr.interpreter import BLANK, Tracer
from engine.rules.expr.nodes import Node
from engine.rules.expr.runtime import EvalContext, TableRow, RuleRuntimeError, get_path, show
from engine.rules.expr.types import escape


class Evaluation(NamedTuple):
    """One result of a rule: outcome, binding (name → {pointer, label}), message, explanation, blanks."""

    outcome: str  # pass | fail | not_applicable | not_evaluable | error
    binding: dict[str, dict[str, Any]] | None
    message: str | None
    explanation: Explanation | None
    blanks: list[str]


@dataclass
class Plan:
    """A rule compiled for one template: its function and what the slow path needs."""

    template: str
    env: LoadEnv
    fn: Callable[[dict[str, Any], EvalContext], Any]
    message_fn: Callable[..., list[Any]]
    when: Node | None
    when_inside: bool
    loops: list[tuple[str, Node]]
    assertion: Node
    message: list[Node | str]
    zero: bool
    value_labels: dict[tuple[str, Any], str]
    list_keys: dict[str, tuple[str, ...] | None]
    refs: dict[tuple[str, Any], dict[str, Any]] = field(default_factory=dict)
    positions: tuple[list[Any], dict[int, int]] | None = None  # the last array bound, item id → index

    def ref(self, name: str, value: Any, document: Any = None) -> dict[str, Any]:
        """What a binding shows: a row's pointer and label; a key's title; an array item's pointer."""
        if isinstance(value, TableRow):
            return value.ref
        if isinstance(value, (str, int)):
            key = (name, value)
            ref = self.refs.get(key)
            if ref is None:  # one shared (read-only) dict per value, as rows share theirs
                ref = self.refs[key] = {"pointer": None, "label": self.value_labels.get(key) or show(value),
                                        "value": value}
            return ref
        pointer = None
        keys = self.list_keys.get(name)
        items = get_path(document, keys) if keys and document is not None else None
        if isinstance(items, list):
            if self.positions is None or self.positions[0] is not items:  # once per document, not per item
                self.positions = (items, {id(item): i for i, item in enumerate(items)})
            index = self.positions[1].get(id(value))
            pointer = None if index is None else "".join(f"/{escape(k)}" for k in keys or ()) + f"/{index}"
        return {"pointer": pointer, "label": show(value)}

    def binding(self, values: Any, document: Any = None) -> dict[str, dict[str, Any]]:
        if len(self.loops) == 1:
            return {self.loops[0][0]: self.ref(self.loops[0][0], values, document)}
        return {name: self.ref(name, value, document) for (name, _), value in zip(self.loops, values)}

    def env_of(self, values: Any) -> dict[str, Any]:
        if not self.loops:
            return {}
        if len(self.loops) == 1:
            return {self.loops[0][0]: values}
        return {name: value for (name, _), value in zip(self.loops, values)}

    def settle(self, document: dict[str, Any], ctx: EvalContext, values: Any, raw: Any) -> Evaluation:
        """Turn one raw result into an Evaluation (the slow path for anything but true)."""
        binding = self.binding(values, document) if self.loops else None
        if raw is True:
            return Evaluation("pass", binding, None, None, [])
        if raw is None and self.when_inside:  # the generated code's "when is false" (never from the slow path)
            return Evaluation("not_applicable", binding, None, None, [])
        env = self.env_of(values)
        tracer = Tracer(document, ctx, self.zero, self.env.titles)
        try:
            if raw is not False:
                if self.when is not None and self.when_inside:
                    applies = tracer.judge(self.when, env)
                    if applies is BLANK:
                        return _not_evaluable(ctx, binding, tracer.blanks)
                    if applies is False:
                        return Evaluation("not_applicable", binding, None, None, [])
                raw = tracer.judge(self.assertion, env)
                if raw is BLANK:
                    return _not_evaluable(ctx, binding, tracer.blanks)
                if raw is True:
                    return Evaluation("pass", binding, None, None, [])
                if raw is not False:
                    return Evaluation("error", binding, f"the assertion gave {show(raw)}, not true or false",
                                      None, [])
        except RuleRuntimeError as exc:
            return Evaluation("error", binding, str(exc), None, [])
        except Exception as exc:  # noqa: BLE001 - whatever breaks stays inside this result
            return Evaluation("error", binding, f"{type(exc).__name__}: {exc}", None, [])
        return self.failure(document, ctx, env, binding)

    def failure(self, document: dict[str, Any], ctx: EvalContext, env: dict[str, Any],
                binding: dict[str, Any] | None) -> Evaluation:
        tracer = Explainer(document, ctx, self.zero, self.env.titles)
        try:
            explanation = tracer.explain(self.assertion, env)
        except Exception:  # noqa: BLE001 - a failure without an explanation is still a failure
            explanation = None
        return Evaluation("fail", binding, self.render(document, ctx, env), explanation, _unique(tracer.zeroed))

    def render(self, document: dict[str, Any], ctx: EvalContext, env: dict[str, Any]) -> str | None:
        """The message with its placeholders filled in (compiled; the interpreter only where one raised)."""
        if not self.message:
            return None
        try:
            values = self.message_fn(document, ctx, *(env[name] for name, _ in self.loops))
        except Exception:  # noqa: BLE001 - e.g. a null row: every placeholder goes the slow way
            values = [codegen.FALLBACK] * sum(1 for piece in self.message if isinstance(piece, Node))
        out, found = [], iter(values)
        for piece in self.message:
            if isinstance(piece, str):
                out.append(piece)
                continue
            value = next(found)
            if value is codegen.FALLBACK:
                try:
                    value = Tracer(document, ctx, self.zero, self.env.titles).judge(piece, env)
                except Exception:  # noqa: BLE001 - one bad placeholder must not lose the message
                    out.append("?")
                    continue
            out.append("空" if value is BLANK else show(value))
        return "".join(out)

    def slow(self, document: dict[str, Any], ctx: EvalContext) -> list[Evaluation]:
        """The whole rule by the interpreter alone (after the compiled function raised outside a binding)."""
        tracer = Tracer(document, ctx, self.zero, self.env.titles)
        try:
            if self.when is not None and not self.when_inside:
                applies = tracer.judge(self.when, {})
                if applies is BLANK:
                    return [_not_evaluable(ctx, None, tracer.blanks)]
                if applies is False:
                    return [Evaluation("not_applicable", None, None, None, [])]
            results: list[Evaluation] = []
            self._bind(document, ctx, tracer, 0, {}, results)
            return results or [Evaluation("not_applicable", None, None, None, [])]
        except RuleRuntimeError as exc:
            return [Evaluation("error", None, str(exc), None, [])]
        except _Blanks as exc:
            return [_not_evaluable(ctx, None, exc.args[0])]
        except Exception as exc:  # noqa: BLE001
            return [Evaluation("error", None, f"{type(exc).__name__}: {exc}", None, [])]

    def _bind(self, document: dict[str, Any], ctx: EvalContext, tracer: Tracer, depth: int, env: dict[str, Any],
              results: list[Evaluation]) -> None:
        if depth == len(self.loops):
            values = tuple(env[name] for name, _ in self.loops)
            results.append(self.settle(document, ctx, values[0] if len(values) == 1 else values, _UNKNOWN))
            return
        name, node = self.loops[depth]
        items = tracer.judge(node, env)
        if items is BLANK:
            raise _Blanks(tracer.blanks)
        for item in items:
            self._bind(document, ctx, tracer, depth + 1, {**env, name: item}, results)


_UNKNOWN = object()  # a binding the slow path settles from scratch


class _Blanks(Exception):
    """A for_each list that could not be read."""


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _not_evaluable(ctx: EvalContext, binding: Any, blanks: list[str]) -> Evaluation:
    """A not_evaluable result naming its cells, and why when the converter could not read them."""
    blanks = _unique(blanks)
    return Evaluation("not_evaluable", binding, ctx.why(blanks), None, blanks)
