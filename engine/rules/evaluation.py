"""Check a report document against loaded packs: selection, scope, overrides, templates, then rules.

Order of decisions for each rule of each pack (packs in load order, rules in file order):
1. `select`/`ignore` (ruff-like prefixes) drop the rule entirely: it gives no result.
2. A pack whose scope does not cover the report's region gives `not_applicable` for each of its
   rules, saying why (the report's region, or that it is unknown).
3. An override from another pack that applies to this report (that pack's scope and templates
   cover it) changes the severity, or disables the rule (`not_applicable`); `overridden` says so.
4. A report whose template is not one of the rule's gives `not_applicable`.
5. The rule runs: one result per binding (a rule with no bindings gives one `not_applicable`);
   a rule that raises gives one `error` result and never stops the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.rules.expr.compare import MISSING, Found, Lookup
from engine.rules.packs import Override, Pack, Rule
from engine.rules.scope import PackFit, pack_fit, template_miss

OUTCOMES = ("pass", "fail", "not_applicable", "not_evaluable", "error")
Result = dict[str, Any]
# What a result without a message of its own says (the rule's message is for failures).
DEFAULT_MESSAGES = {"not_applicable": "适用条件不成立", "not_evaluable": "所需单元格为空白，无法评估"}


@dataclass(frozen=True)
class RuleSelector:
    """One --select/--ignore entry: ALL, a code prefix (A, A0, A01), a pack (national), or pack:prefix."""

    text: str
    pack: str | None
    prefix: str

    @classmethod
    def parse(cls, text: str, packs: Iterable[str] = ()) -> RuleSelector:
        """Read one selector; a bare word that names one of `packs` selects that pack."""
        text = text.strip()
        if text.upper() == "ALL":
            return cls(text, None, "")
        if ":" in text:
            pack, _, prefix = text.partition(":")
            return cls(text, pack.strip(), prefix.strip().upper())
        if text in packs:  # pack names are lower case and codes upper case, so `a01` is still A01
            return cls(text, text, "")
        return cls(text, None, text.upper())

    def matches(self, pack: str, code: str) -> bool:
        return (self.pack is None or self.pack == pack) and code.startswith(self.prefix)

    @property
    def specificity(self) -> tuple[int, int]:
        return len(self.prefix), self.pack is not None


def selected(pack: str, code: str, select: Sequence[RuleSelector], ignore: Sequence[RuleSelector]) -> bool:
    """Whether a rule is on: the most specific matching selector decides; on a tie, ignore wins."""
    best_select = max((s.specificity for s in select if s.matches(pack, code)), default=None)
    if not select:
        best_select = (-1, False)  # nothing selected means everything, at the lowest specificity
    if best_select is None:
        return False
    best_ignore = max((s.specificity for s in ignore if s.matches(pack, code)), default=None)
    return best_ignore is None or best_ignore < best_select


class Checker:
    """Checks documents against packs; build once, then call `check` for each report."""

    def __init__(self, packs: Iterable[Pack], select: Iterable[str] = (), ignore: Iterable[str] = ()):
        self.packs = list(packs)
        names = [pack.name for pack in self.packs]
        self.select = [RuleSelector.parse(s, names) for s in select if s.strip()]
        self.ignore = [RuleSelector.parse(s, names) for s in ignore if s.strip()]
        self.rules = [(pack, rule) for pack in self.packs for rule in pack.rules
                      if selected(pack.name, rule.code, self.select, self.ignore)]
        self.lookup: Lookup | None = None  # the batch's other reports, for compare rules (see comparing)

    @property
    def compares(self) -> bool:
        """Whether some selected rule reads other reports of the batch (needs two passes)."""
        return any(rule.compare is not None for _, rule in self.rules)

    @contextmanager
    def comparing(self, lookup: Lookup | None) -> Iterator[Checker]:
        """Check the next reports with `lookup` finding the other reports compare rules name."""
        before, self.lookup = self.lookup, lookup
        try:
            yield self
        finally:
            self.lookup = before

    def unknown_selectors(self) -> list[str]:
        """The --select/--ignore entries that match no rule of any pack (likely typos)."""
        every = [(pack.name, rule.code) for pack in self.packs for rule in pack.rules]
        return [s.text for s in (*self.select, *self.ignore) if not any(s.matches(*pc) for pc in every)]

    def fit(self, document: dict[str, Any]) -> PackFit:
        """Which of this checker's packs apply to the report (decide once, pass to check and notes)."""
        return pack_fit(self.packs, document)

    @staticmethod
    def overrides_for(fit: PackFit) -> dict[tuple[str, str], tuple[Pack, Override]]:
        """(pack, code) → the override that applies to this report, with the pack that makes it.

        Only packs that apply to the report override anything; the most specific one wins.
        """
        chosen: dict[tuple[str, str], tuple[Pack, Override]] = {}
        for pack in fit.applied:
            for override in pack.overrides:
                chosen[(override.pack, override.code)] = (pack, override)
        return chosen

    def check(self, document: dict[str, Any], lookup: Lookup | None = None, fit: PackFit | None = None
              ) -> list[Result]:
        """Every result for this document, in pack order, rule order, then binding order.

        `lookup` (default: the one set by `comparing`) finds the other reports compare rules read;
        without one, those rules have no report to compare with.
        """
        fit = fit if fit is not None else self.fit(document)
        overrides = self.overrides_for(fit)
        misses = fit.misses
        context = _context(document)  # shared by the rules: the text is split into lines once
        others: dict[str, Found | None] = {}  # selector key → the other report, looked up once
        lookup = lookup if lookup is not None else self.lookup
        results: list[Result] = []
        for pack, rule in self.rules:
            found = overrides.get((pack.name, rule.code))
            overridden = _overridden(found, rule) if found else None
            severity = found[1].severity if found and found[1].severity else rule.severity
            base = _base(pack, rule, severity, overridden)
            if misses[pack.name]:
                results.append(_result(base, "not_applicable", misses[pack.name]))
            elif found and found[1].disable:
                results.append(_result(base, "not_applicable",
                                       f"已由规则包 {found[0].name} 停用：{found[1].reason}"))
            elif reason := template_miss(rule.templates, document):
                results.append(_result(base, "not_applicable", reason))
            elif rule.compare is not None:
                results.extend(self._compare(base, rule, document, context, lookup, others))
            else:
                results.extend(self._run(base, rule, document, context))
        return results

    def _compare(self, base: Result, rule: Rule, document: dict[str, Any], context: Any, lookup: Lookup | None,
                 others: dict[str, Found | None]) -> list[Result]:
        """Run a compare rule with its names bound; each result says which reports it compared with."""
        from engine.rules.expr.runtime import EvalContext

        context = context if context is not None else EvalContext(document)
        bound: dict[str, Any] = {}
        compared: dict[str, Any] = {}
        for name, selector in rule.compare.names.items():
            if selector.key not in others:
                others[selector.key] = lookup(selector) if lookup is not None else None
            hit = others[selector.key]
            bound[name] = MISSING if hit is None else hit.document
            compared[name] = None if hit is None else hit.report
        context.bound = bound
        try:
            results = self._run(base, rule, document, context)
        finally:
            context.bound = {}
        for result in results:
            result["compared_with"] = compared
        return results

    def notes(self, document: dict[str, Any], fit: PackFit | None = None) -> list[dict[str, Any]]:
        """What the reader should know about how the packs met this report (scope, overrides)."""
        fit = fit if fit is not None else self.fit(document)
        out: list[dict[str, Any]] = []
        for pack in self.packs:
            miss = fit.misses[pack.name]
            if miss:
                out.append({"code": "pack-out-of-scope", "message": miss, "pack": pack.name})
        for (target, code), (pack, override) in sorted(self.overrides_for(fit).items()):
            change = "停用" if override.disable else f"严重程度改为 {override.severity}"
            out.append({"code": "rule-overridden", "pack": pack.name,
                        "message": f"规则包 {pack.name} 将 {target}:{code} {change}：{override.reason}"})
        return out

    @staticmethod
    def _run(base: Result, rule: Rule, document: dict[str, Any], context: Any) -> list[Result]:
        try:
            if context is None:
                evaluations = list(rule.compiled.evaluate(document))
            else:
                evaluations = list(rule.compiled.evaluate(document, context))
        except Exception as exc:  # noqa: BLE001 - a rule that breaks must never stop the others
            detail = " ".join(str(exc).split())
            return [_result(base, "error", f"规则运行出错：{type(exc).__name__}: {detail}")]
        if not evaluations:
            return [_result(base, "not_applicable", "没有需要检查的对象")]
        return [_from_evaluation(base, evaluation) for evaluation in evaluations]


def _context(document: dict[str, Any]) -> Any:
    """The expression runtime's per-document context, or None when there is none to share."""
    try:
        from engine.rules.expr.runtime import EvalContext
    except ImportError:
        return None
    return EvalContext(document)


def _overridden(found: tuple[Pack, Override], rule: Rule) -> dict[str, Any]:
    pack, override = found
    out: dict[str, Any] = {"by": pack.name}
    if override.disable:
        out["disable"] = True
    else:
        out["severity"] = override.severity
        out["original_severity"] = rule.severity
    out["reason"] = override.reason
    return out


def _base(pack: Pack, rule: Rule, severity: str, overridden: dict[str, Any] | None) -> Result:
    return {
        "pack": pack.name, "pack_version": pack.version, "code": rule.code, "name": rule.name,
        "title": rule.title, "severity": severity, "category": rule.category,
        "outcome": None, "message": None, "explanation": None, "binding": None, "blanks": [],
        "overridden": overridden,
    }


def _result(base: Result, outcome: str, message: str | None) -> Result:
    return {**base, "outcome": outcome, "message": message}


def _from_evaluation(base: Result, evaluation: Any) -> Result:
    outcome = getattr(evaluation, "outcome", "error")
    outcome = outcome if outcome in OUTCOMES else "error"
    message = _text(getattr(evaluation, "message", None))
    if message is None and outcome in DEFAULT_MESSAGES:
        message = DEFAULT_MESSAGES[outcome]
    result = _result(base, outcome, message)
    result["explanation"] = _explanation(getattr(evaluation, "explanation", None))
    result["binding"] = jsonable(getattr(evaluation, "binding", None)) or None
    result["blanks"] = [str(b) for b in getattr(evaluation, "blanks", None) or ()]
    return result


def _explanation(value: Any) -> dict[str, Any] | None:
    """The explanation as {text, operands}: one line for people, the operands for programs."""
    if value is None:
        return None
    as_dict = getattr(value, "as_dict", None)
    if callable(as_dict):
        return jsonable(as_dict())
    return {"text": str(value), "operands": []}


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def jsonable(value: Any) -> Any:
    """`value` as plain JSON data: exact decimals as int or str, rows as their pointer and label."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else format(value.normalize(), "f")
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    to_json = getattr(value, "to_json", None)
    if callable(to_json):
        return jsonable(to_json())
    pointer = getattr(value, "pointer", None)
    if isinstance(pointer, str):
        label = getattr(value, "label", None)
        return {"pointer": pointer, "label": label} if label is not None else {"pointer": pointer}
    return str(value)
