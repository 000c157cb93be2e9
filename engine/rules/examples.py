"""Rule examples (`nianbao packs test`): build each example's document and check the rule's verdict.

An example is a partial document deep-merged over a complete document of its template whose cells
are all 0 (`base_document`). Mappings merge key by key; anything else (numbers, strings, lists such
as `sections`) replaces the base value. The merged document must satisfy the document schema, so a
misspelt key fails the example instead of silently testing nothing. An example of a rule with
`compare:` may give the other reports under `compare: {name: partial document}` (each merged over
the base document of its own template); `name: null` means none similar enough was found, and a
name left out means the batch had no such report.

A pass example passes when the rule gives at least one result and every result is `pass`; a fail
example passes when at least one result is `fail`; an optional not_applicable example passes when
every result is `not_applicable`; an optional not_evaluable example passes when at least one result is
`not_evaluable` (a value the converter could not read is never a pass). A rule without a pass example, or without a fail example, fails
`packs test` (it is not a load error: a pack still loads and checks reports).
"""

from __future__ import annotations

import copy
import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine import templates as T
from engine.document import MODEL
from engine.rules.scope import template_miss
from engine.rules.packs import Example, Pack, Rule

DEFAULT_TEMPLATE = "2019"
AGENCY = "示例单位"
YEAR = {"2019": 2020, "2021": 2021}
SECTION_BODY = "本节为示例内容。"


@dataclass(frozen=True)
class ExampleOutcome:
    """The verdict on one example (or on a missing kind of example) of one rule."""

    pack: str
    code: str
    kind: str  # "pass", "fail" or "not_applicable": what the example expects
    index: int | None  # position in the rule's list of that kind; None when the kind is missing
    line: int
    ok: bool
    detail: str

    @property
    def id(self) -> str:
        """A stable name for test ids and reports: national-A01-pass-0."""
        return f"{self.pack}-{self.code}-{self.kind}-{'missing' if self.index is None else self.index}"


@functools.cache
def _base(template: str, province: str | None, prefecture: str | None) -> dict[str, Any]:
    tpl = T.template(template)
    year = YEAR[template]
    title = f"{AGENCY}{year}年政府信息公开工作年度报告"
    lines = [title, ""]
    sections = []
    for number, section_title in T.SECTION_TITLES.items():
        heading = f"{T.NUMERALS[number - 1]}、{section_title}"
        start = len(lines) + 1
        lines += [heading, SECTION_BODY, ""]
        sections.append({"number": number, "heading": heading, "title": section_title, "canonical": True,
                         "line": start, "end_line": start + 1})
    tables: dict[str, Any] = {}
    for table, row, cell, _ in tpl.cells():
        node = tables.setdefault(table.key, {})
        for key in row.path:
            node = node.setdefault(key, {})
        node[cell.key] = 0
    return {
        "model": MODEL,
        "template": template,
        "meta": {
            "title": title, "agency": AGENCY, "year": year, "published_on": None,
            "region": {"province": province, "prefecture": prefecture, "county": None},
            "source": {"name": "example.txt", "format": "text", "sha256": "0" * 64},
        },
        "sections": sections,
        **tables,
        "notes": [],
        "provenance": {},
        "text": "\n".join(lines) + "\n",
    }


def base_document(template: str = DEFAULT_TEMPLATE, province: str | None = None,
                  prefecture: str | None = None) -> dict[str, Any]:
    """A complete document of `template`: every cell 0, agency 示例单位, six canonical sections.

    The region is null unless given; examples of a province pack get the pack's province, so that
    rules reading meta.region see a report the pack applies to.
    """
    return copy.deepcopy(_base(template, province, prefecture))


def merge(base: Any, patch: Any) -> Any:
    """`patch` deep-merged over `base`: mappings key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for key, value in patch.items():
            out[key] = merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(patch)


def example_document(example: dict[str, Any], pack: Pack | None = None) -> dict[str, Any]:
    """The complete document an example stands for."""
    template = example.get("template", DEFAULT_TEMPLATE)
    province = pack.scope.province if pack else None
    prefecture = pack.scope.prefecture if pack else None
    return merge(base_document(template, province, prefecture), example)


def other_documents(example: dict[str, Any], pack: Pack | None = None) -> dict[str, Any]:
    """The other reports an example of a compare rule gives: name → complete document or None."""
    others = example.get("compare") or {}
    if not isinstance(others, dict):
        raise ValueError("compare in an example maps names to partial documents (or null)")
    template = example.get("template", DEFAULT_TEMPLATE)
    return {name: None if patch is None else example_document({"template": template, **patch}, pack)
            for name, patch in others.items()}


def _verdict(rule: Rule, example: Example, document: dict[str, Any],
             others: dict[str, Any] | None = None) -> tuple[bool, str]:
    from engine.rules.expr.runtime import EvalContext
    from engine.document.validation import validate  # the document schema; imported late, it is heavy

    for name, doc in {"": document, **(others or {})}.items():
        problems = validate(doc) if doc is not None else []
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            which = f"compare.{name} of the example" if name else "the example"
            return False, (f"{which} is not a valid document: {problems[0]}"
                           f"{_did_you_mean(doc, problems[0].pointer)}{more}")
    reason = template_miss(rule.templates, document)
    if reason:
        return False, f"the example's template is not one of the rule's: {reason}"
    try:
        evaluations = list(rule.compiled.evaluate(document, EvalContext(document, dict(others or {}))))
    except Exception as exc:  # noqa: BLE001 - reported as this example's failure
        return False, f"the rule raised {type(exc).__name__}: {' '.join(str(exc).split())}"
    outcomes = [getattr(e, "outcome", "error") for e in evaluations]
    if not outcomes:
        return False, "the rule gave no result (for_each bound nothing)"
    if example.kind == "pass":
        bad = next((e for e in evaluations if e.outcome != "pass"), None)
        if bad is None:
            return True, f"{len(outcomes)} × pass"
        return False, f"expected pass, got {bad.outcome}{_detail(bad)}"
    if example.kind == "not_applicable":
        bad = next((e for e in evaluations if e.outcome != "not_applicable"), None)
        if bad is None:
            return True, f"{len(outcomes)} × not_applicable"
        return False, f"expected not_applicable, got {bad.outcome}{_detail(bad)}"
    if example.kind == "not_evaluable":  # like a fail example: the unread binding must say so
        if "not_evaluable" in outcomes:
            return True, f"{outcomes.count('not_evaluable')} × not_evaluable"
        return False, f"expected at least one not_evaluable, got {', '.join(sorted(set(outcomes)))}{_detail(evaluations[0])}"
    if "fail" in outcomes:
        return True, f"{outcomes.count('fail')} × fail"
    return False, f"expected at least one fail, got {', '.join(sorted(set(outcomes)))}{_detail(evaluations[0])}"


def _did_you_mean(document: dict[str, Any], pointer: str) -> str:
    """For an unknown key, the closest key that its parent object does have."""
    *parents, key = pointer.split("/")[1:] or [""]
    node: Any = base_document(document.get("template") or DEFAULT_TEMPLATE)
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    if not isinstance(node, dict) or key in node:
        return ""
    close = difflib.get_close_matches(key, list(node), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _detail(evaluation: Any) -> str:
    explanation = getattr(evaluation, "explanation", None)
    parts = [str(x) for x in (getattr(evaluation, "message", None), getattr(explanation, "text", explanation)) if x]
    blanks = getattr(evaluation, "blanks", None)
    if blanks:
        parts.append("blank: " + ", ".join(map(str, blanks)))
    return (": " + "; ".join(" ".join(p.split()) for p in parts)) if parts else ""


def run_example(pack: Pack, rule: Rule, example: Example) -> ExampleOutcome:
    """Build one example's document, run the rule on it, and judge the result."""
    try:
        data = {key: value for key, value in example.data.items() if key != "compare"}
        document = example_document(data, pack)
        ok, detail = _verdict(rule, example, document, other_documents(example.data, pack))
    except Exception as exc:  # noqa: BLE001 - e.g. an unknown template name: this example's failure
        ok, detail = False, f"cannot run the example: {type(exc).__name__}: {exc}"
    return ExampleOutcome(pack.name, rule.code, example.kind, example.index, example.line, ok, detail)


def missing_kinds(rule: Rule) -> list[str]:
    """The kinds of example ("pass", "fail") the rule lacks."""
    return [kind for kind in ("pass", "fail") if not any(e.kind == kind for e in rule.examples)]


def run_examples(pack: Pack, codes: Iterable[str] | None = None) -> list[ExampleOutcome]:
    """Run every example of every rule of `pack` (or of the rules in `codes`), in rule order."""
    wanted = set(codes) if codes is not None else None
    out: list[ExampleOutcome] = []
    for rule in pack.rules:
        if wanted is not None and rule.code not in wanted:
            continue
        for kind in missing_kinds(rule):
            out.append(ExampleOutcome(pack.name, rule.code, kind, None, rule.line, False,
                                      f"rule {rule.code} has no {kind} example"))
        out.extend(run_example(pack, rule, example) for example in rule.examples)
    return out
