"""What a rule's examples exercise (`nianbao packs test --coverage`): pass and fail, and its branches.

Each example's document is run through the interpreter (engine.rules.expr.interpreter), which
records which branches it took: `when` true and false, each `for_each` binding something and
nothing (for lists that can be empty: not a list written in the rule, nor a table's rows), and both
arms of every `x if c else y` in the assertion. An arm that no example reaches
is a part of the rule that no example has ever checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from engine.rules.examples import example_document, other_documents, run_example
from engine.rules.expr.interpreter import BLANK, Tracer
from engine.rules.expr.nodes import Node
from engine.rules.expr.runtime import EvalContext
from engine.rules.packs import Pack, Rule

MAX_BINDINGS = 200  # bindings traced per example: enough for every table row, bounded for long lists


class _BranchTracer(Tracer):
    """The interpreter, noting the arm each conditional takes."""

    def __init__(self, *args: Any, taken: set[tuple[str, int, bool]]):
        super().__init__(*args)
        self.taken = taken

    def _cond(self, node: Node, env: dict[str, Any]) -> Any:
        test = self.ev(node.args[1], env)
        if test is BLANK:
            return BLANK
        self.taken.add((node.text, node.start, bool(test)))
        return self.ev(node.args[0] if test else node.args[2], env)


@dataclass
class RuleCoverage:
    """One rule: whether its examples made it pass and fail, and the branches they reached."""

    pack: str
    code: str
    passes: bool = False
    fails: bool = False
    branches: dict[str, bool] = field(default_factory=dict)  # "when: true" → reached
    problems: list[str] = field(default_factory=list)  # examples that could not be traced

    @property
    def complete(self) -> bool:
        """Pass, fail and every branch reached."""
        return self.passes and self.fails and all(self.branches.values())

    def missed(self) -> list[str]:
        """What no example reaches, in words."""
        out = [f"no example makes it {kind}" for kind, ok in (("pass", self.passes), ("fail", self.fails)) if not ok]
        return out + [branch for branch, reached in self.branches.items() if not reached]


def _conditionals(node: Node | None) -> Iterator[Node]:
    if node is None:
        return
    if node.op == "cond":
        yield node
    for child in node.args:
        yield from _conditionals(child)


def _always_binds(node: Node) -> bool:
    if node.op == "arith":
        return any(_always_binds(arg) for arg in node.args)
    return node.op in ("const", "list") or node.op == "call" and node.value == "rows"


def _branches(rule: Rule) -> dict[str, bool]:
    """Every branch of the rule, none reached yet (in the order a reader meets them)."""
    source = rule.source
    out: dict[str, bool] = {}
    if source.get("when"):
        out["when: true"] = out["when: false"] = False
    plans = list(rule.compiled.plans.values())
    for name in source.get("for_each") or {}:
        out[f"for_each {name}: binds"] = False
        # a list written out in the rule ([1, 2], ["a", "b"]) always binds, and so do the rows of a table
        # (a table without rows is null: a blank); binding nothing is a branch of other lists only
        if not all(_always_binds(node) for plan in plans for bound, node in plan.loops if bound == name):
            out[f"for_each {name}: binds nothing"] = False
    seen: set[tuple[str, int]] = set()
    for plan in plans:
        for cond in _conditionals(plan.assertion):
            if (cond.text, cond.start) not in seen:
                seen.add((cond.text, cond.start))
                out[f"if {cond.args[1].text}: then"] = out[f"if {cond.args[1].text}: else"] = False
    return out


def _trace(rule: Rule, plan: Any, document: dict[str, Any], ctx: EvalContext, reached: dict[str, bool]) -> None:
    taken: set[tuple[str, int, bool]] = set()
    tracer = _BranchTracer(document, ctx, plan.zero, plan.env.titles, taken=taken)
    count = [0]

    def when_holds(env: dict[str, Any]) -> bool:
        value = tracer.judge(plan.when, env)
        if value is BLANK:
            return False
        reached["when: true" if value else "when: false"] = True
        return bool(value)

    def bind(depth: int, env: dict[str, Any]) -> None:
        if count[0] >= MAX_BINDINGS:
            return
        if depth == len(plan.loops):
            count[0] += 1
            if plan.when is not None and plan.when_inside and not when_holds(env):
                return
            tracer.judge(plan.assertion, env)
            return
        name, node = plan.loops[depth]
        items = tracer.judge(node, env)
        if items is BLANK:
            return
        branch = f"for_each {name}: binds" if items else f"for_each {name}: binds nothing"
        if branch in reached:
            reached[branch] = True
        for item in items:
            bind(depth + 1, {**env, name: item})

    if plan.when is not None and not plan.when_inside and not when_holds({}):
        return
    bind(0, {})
    for text, start, arm in taken:
        cond = next(c for p in rule.compiled.plans.values() for c in _conditionals(p.assertion)
                    if (c.text, c.start) == (text, start))
        reached[f"if {cond.args[1].text}: {'then' if arm else 'else'}"] = True


def rule_coverage(pack: Pack, rule: Rule) -> RuleCoverage:
    """Run every example of `rule` and note what it exercises."""
    coverage = RuleCoverage(pack.name, rule.code, branches=_branches(rule))
    for example in rule.examples:
        outcome = run_example(pack, rule, example)
        if outcome.ok and example.kind == "pass":
            coverage.passes = True
        elif outcome.ok and example.kind == "fail":
            coverage.fails = True
        try:
            data = {key: value for key, value in example.data.items() if key != "compare"}
            document = example_document(data, pack)
            ctx = EvalContext(document, other_documents(example.data, pack))
            plan = rule.compiled._plan(document, ctx)
            if plan is None or not hasattr(plan, "assertion"):
                continue  # a template the rule lacks, or a compare rule without its other report
            _trace(rule, plan, document, ctx, coverage.branches)
        except Exception as exc:  # noqa: BLE001 - an example that cannot be traced is reported, never fatal
            coverage.problems.append(f"{example.kind} example {example.index + 1}: {type(exc).__name__}: {exc}")
    return coverage


def pack_coverage(pack: Pack) -> list[RuleCoverage]:
    """The coverage of every rule of `pack`, in rule order."""
    return [rule_coverage(pack, rule) for rule in pack.rules]
