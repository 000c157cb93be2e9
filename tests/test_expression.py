"""The rule expression language: parsing, type checking, null semantics, functions, explanations, safety."""

from __future__ import annotations

import builtins
import copy
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import templates as T
from engine.document import MODEL
from engine.rules.expr.compiler import (CompiledRule, EvalContext, Evaluation, RuleCompileError, RuleSyntaxError,
                                   RuleTypeError, compile_rule)
from engine.rules.expr.builtins import with_builtins
from engine.rules.expr.functions import FunctionSpec, Param
from engine.rules.expr.parsing import parser
from engine.rules.expr.types import parse_type

COLUMNS = '["natural_person", "commercial", "research", "social_welfare", "legal_service", "other", "total"]'
A01 = ("row.total == row.natural_person + row.commercial + row.research + row.social_welfare + row.legal_service"
       " + row.other")
A02 = ("applications.new_received[c] + applications.carried_over[c] == "
       "applications.results.total[c] + applications.carried_forward[c]")


def make_doc(template: str = "2019", text: str | None = None) -> dict[str, Any]:
    """A complete document of `template`: every cell 0, six canonical sections, the given text."""
    lines = ["示例单位2020年政府信息公开工作年度报告", ""]
    sections = []
    for number, title in T.SECTION_TITLES.items():
        start = len(lines) + 1
        lines += [f"{T.NUMERALS[number - 1]}、{title}", "本节为示例内容。"]
        sections.append({"number": number, "heading": lines[start - 1], "title": title, "canonical": True,
                         "line": start, "end_line": start + 1})
    doc: dict[str, Any] = {
        "model": MODEL, "template": template,
        "meta": {"title": lines[0], "agency": "示例单位", "year": 2020, "published_on": "2021-01-20",
                 "region": {"province": None, "prefecture": None, "county": None},
                 "source": {"name": "x.txt", "format": "text", "sha256": "0" * 64}},
        "sections": sections, "notes": [], "provenance": {},
        "text": text if text is not None else "\n".join(lines) + "\n",
    }
    for table, row, cell, _ in T.template(template).cells():
        node = doc.setdefault(table.key, {})
        for key in row.path:
            node = node.setdefault(key, {})
        node[cell.key] = 0
    return doc


def rule(assertion: Any, templates: tuple[str, ...] = ("2019", "2021"), **options: Any) -> CompiledRule:
    return compile_rule(assertion=assertion, templates=templates, **options)


def outcomes(compiled: CompiledRule, doc: dict[str, Any]) -> list[str]:
    return [e.outcome for e in compiled.evaluate(doc)]


def check(expression: str, doc: dict[str, Any] | None = None, **options: Any) -> Evaluation:
    [only] = rule(expression, **options).evaluate(doc or make_doc())
    return only


# ---- parsing and precedence ----

@pytest.mark.parametrize("expression", [
    "1 + 2 * 3 == 7", "(1 + 2) * 3 == 9", "10 - 4 - 3 == 3", "12 / 4 / 3 == 1", "-2 * 3 == -6", "--2 == 2",
    "not false and true", "not true or true", "true or false and false", "(1 if false else 2) == 2",
    "1 in [1, 2] and 3 not in [1, 2]", "not 3 in [1, 2]", '"b" in "abc"', "[] == []", "[1, 2] + [3] == [1, 2, 3]",
    "1 < 2 and 2 <= 2 and 3 > 2 and 3 >= 3 and 1 != 2", '"2021-01-20" < "2021-02-01"', "# a comment\n true",
])
def test_expressions_evaluate_to_true(expression: str) -> None:
    assert check(expression).outcome == "pass"


def test_precedence_shapes_the_tree() -> None:
    tree = parser().parse("a or b and not c == d + e * -f if g else h")
    assert tree.data == "cond"
    assert [c.data for c in tree.children] == ["or_", "name", "name"]
    or_ = tree.children[0]
    assert or_.children[1].data == "and_"
    not_ = or_.children[1].children[1]
    assert not_.data == "not_" and not_.children[0].data == "compare"
    add = not_.children[0].children[2]
    assert add.data == "add" and add.children[1].data == "mul" and add.children[1].children[1].data == "neg"


def test_keywords_are_reserved_but_prefixes_are_names() -> None:
    assert check("proactive.rules.in_force == 0").outcome == "pass"
    with pytest.raises(RuleSyntaxError) as info:
        rule("proactive.in == 0")
    assert info.value.column == 11 and "keyword 'in'" in info.value.message


# ---- syntax errors ----

@pytest.mark.parametrize("expression, column", [
    ("row.total == == 1", 14), ("1 +", 4), ("a < b < c", 7), ('"open', 1), ("f(1,, 2)", 5), ("x ? y", 3),
    ("all(x)", 6),
])
def test_syntax_errors_point_at_the_column(expression: str, column: int) -> None:
    with pytest.raises(RuleSyntaxError) as info:
        rule(expression)
    assert (info.value.line, info.value.column) == (1, column)
    assert info.value.part == "assert"
    assert isinstance(info.value, RuleCompileError)


def test_errors_go_through_locate() -> None:
    calls = []

    def locate(part: str, offset: int) -> tuple[int, int]:
        calls.append((part, offset))
        return 40, offset + 7

    with pytest.raises(RuleSyntaxError) as info:
        compile_rule(assertion="true", message="总计{row.total +}", templates=["2019"], locate=locate)
    assert calls == [("message", 14)]  # the "}" that ends the placeholder too early
    assert (info.value.line, info.value.column) == (40, 21)
    assert str(info.value).startswith("40:21: message:")


def test_multiline_expression_lines() -> None:
    with pytest.raises(RuleSyntaxError) as info:
        rule("meta.year == 2020\n  and\n  ]")
    assert (info.value.line, info.value.column) == (3, 3)


def test_message_braces() -> None:
    compiled = rule("false", message='{{字面}} {text_numbers("([0-9]{1,3})件")} {1 + 1}')
    [e] = compiled.evaluate(make_doc(text="收到3件，又收到12件。"))
    assert e.message == "{字面} 3、12 2"
    doc = make_doc()
    doc["meta"]["published_on"] = doc["disputes"]["review"]["total"] = None
    [e] = rule("false", message="{meta.year + 1}|{meta.published_on}|{disputes.review.total * 2}").evaluate(doc)
    assert e.message == "2021|空|空"  # a blank placeholder shows 空, whatever it was computing
    with pytest.raises(RuleSyntaxError):
        rule("false", message="未闭合 {meta.year")
    with pytest.raises(RuleSyntaxError):
        rule("false", message="多余 }")


# ---- type errors ----

@pytest.mark.parametrize("expression, fragment", [
    ("applications.new_recieved.total == 1", "did you mean 'new_received'"),
    ("applications.new_received.totl == 1", "did you mean 'total'"),
    ("aplications.new_received.total == 1", "unknown name 'aplications'; did you mean 'applications'"),
    ("meta.agency == 1", "always false"),
    ("meta.agency + 1 > 2", "cannot add"),
    ("meta.year and true", "must be true or false"),
    ("len(1, 2) == 1", "takes 1 argument"),
    ('matches(meta.agency, meta.title)', "must be written in the rule"),
    ('matches(meta.agency, "(")', "bad regular expression '(': missing ), unterminated subpattern at position 0"),
    ('text_numbers("[0-9]+") == []', "needs a capture group"),
    ('meta.published_on < "2021-13"', "not a date"),
    ("applications[meta.agency].total == 0", "must range over known keys"),
    ("sum(meta.year) == 0", "must be a list of numbers"),
    ("blank_cells(1 + 1) == []", "must be a place in the document"),
    ("applications.* == []", "differ"),
    ("rows == 1", "is a function"),
    ("1", "must be true or false"),
])
def test_type_errors(expression: str, fragment: str) -> None:
    with pytest.raises(RuleTypeError) as info:
        rule(expression)
    assert fragment in info.value.message


def test_type_errors_name_the_template_when_only_one_fails() -> None:
    with pytest.raises(RuleTypeError) as info:
        rule("applications.results.other.overdue_correction.total == 0")
    assert "(template 2019)" in info.value.message
    with pytest.raises(RuleTypeError) as info:
        rule("proactive.rules.made == 0")
    assert "(template 2021)" in info.value.message and "known: issued, repealed, in_force" in info.value.message


def test_indexing_is_checked_for_every_possible_key() -> None:
    with pytest.raises(RuleTypeError) as info:
        rule("proactive[k].made >= 0", templates=("2019",), for_each={"k": '["rules", "licensing"]'})
    assert "not in every possible proactive[k]: only in rules" in info.value.message
    with pytest.raises(RuleTypeError) as info:
        rule("proactive[k].made >= 0", templates=("2019",), for_each={"k": '["rules", "licence"]'})
    assert "unknown key 'licence'" in info.value.message and "when k is 'licence'" in info.value.message
    assert info.value.part == "assert"


def test_names_must_not_hide_the_document() -> None:
    with pytest.raises(RuleTypeError, match="hide"):
        rule("meta >= 0", for_each={"meta": "[1]"})
    with pytest.raises(RuleTypeError, match="hide"):
        rule("all(text in [1]: text > 0)")


# ---- safety: no pack text is ever run as Python ----

@pytest.mark.parametrize("expression", ['__import__("os")', 'eval("1")', "exec('x')", "open('/etc/passwd')"])
def test_python_builtins_are_unknown_functions(expression: str) -> None:
    with pytest.raises(RuleTypeError, match="unknown function"):
        rule(expression)


def test_compiling_and_running_never_call_eval_or_exec(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    compiled = rule('contains(meta.agency, "__import__(\'os\').system(\'true\')") or meta.year == 2020',
                    message="{meta.agency}")
    assert outcomes(compiled, make_doc()) == ["pass"]
    fn = compiled.plans["2019"].fn
    assert fn.__globals__["__builtins__"] == {}
    constants = [c for code in (fn.__code__,) for c in code.co_consts if isinstance(c, str)]
    assert any("__import__('os')" in c for c in constants)  # pack text is data: an ast.Constant


# ---- blanks ----

def test_a_blank_cell_makes_the_rule_not_evaluable_and_is_named() -> None:
    doc = make_doc()
    doc["applications"]["new_received"]["commercial"] = None
    doc["applications"]["new_received"]["other"] = None
    compiled = rule(A01, for_each={"row": "rows(applications)"})
    results = compiled.evaluate(doc)
    assert [e.outcome for e in results].count("not_evaluable") == 1
    [blank] = [e for e in results if e.outcome == "not_evaluable"]
    assert blank.binding == {"row": {"pointer": "/applications/new_received",
                                     "label": "一、本年新收政府信息公开申请数量"}}
    assert blank.blanks == ["/applications/new_received/commercial", "/applications/new_received/other"]
    assert all(e.outcome == "pass" for e in results if e is not blank)


def test_blanks_zero_reads_null_as_zero() -> None:
    doc = make_doc()
    doc["applications"]["new_received"].update(natural_person=3, commercial=None, total=3)
    compiled = rule(A01, for_each={"row": "rows(applications)"}, blanks_zero=True)
    assert set(outcomes(compiled, doc)) == {"pass"}
    doc["applications"]["new_received"]["total"] = 4
    failed = [e for e in compiled.evaluate(doc) if e.outcome == "fail"]
    assert len(failed) == 1 and failed[0].blanks == ["/applications/new_received/commercial"]


def test_explicit_null_reads_never_block() -> None:
    doc = make_doc()
    doc["meta"]["published_on"] = None
    doc["disputes"]["review"]["total"] = None
    assert check("meta.published_on == null", doc).outcome == "pass"
    assert check("null != meta.published_on", doc).outcome == "fail"
    assert check("is_blank(disputes.review.total) and coalesce(disputes.review.total, 7) == 7", doc).outcome == "pass"
    assert check("blank_cells(disputes) == ['/disputes/review/total']", doc).outcome == "pass"
    result = check("meta.published_on < '2021-02-01'", doc)
    assert result.outcome == "not_evaluable" and result.blanks == ["/meta/published_on"]


def test_a_null_table_is_named_as_the_blank() -> None:
    doc = make_doc()
    doc["disputes"] = None
    result = check("disputes.review.total == 0", doc)
    assert result.outcome == "not_evaluable" and result.blanks == ["/disputes"]
    assert outcomes(rule("row.total >= 0", for_each={"row": "rows(disputes)"}), doc) == ["not_evaluable"]


def test_when_false_is_not_applicable_and_when_may_use_bound_names() -> None:
    doc = make_doc()
    doc["meta"]["published_on"] = None
    assert outcomes(rule("meta.published_on < '2022-01-01'", when="meta.published_on != null"), doc) \
        == ["not_applicable"]
    compiled = rule("row.total == 0", when="row.total != null", for_each={"row": "rows(disputes)"})
    doc["disputes"]["review"]["total"] = None
    assert outcomes(compiled, doc) == ["not_applicable", "pass", "pass"]
    doc["template"] = None
    assert outcomes(compiled, doc) == ["not_applicable"]
    assert outcomes(rule("true", templates=("2021",)), make_doc("2019")) == ["not_applicable"]


# ---- wildcards, for_each, quantifiers ----

def test_wildcards_map_over_members() -> None:
    doc = make_doc()
    doc["applications"]["results"]["denied"]["process_info"]["total"] = 2
    doc["applications"]["results"]["denied"]["state_secret"]["research"] = 5
    assert check("sum(applications.results.denied.*.total) == 2", doc).outcome == "pass"
    assert check("max(applications.results.denied.*.research) == 5", doc).outcome == "pass"
    assert check("count(applications.new_received.*) == 7", doc).outcome == "pass"
    compiled = rule("sum(applications.results.denied.*[c]) == 0", for_each={"c": COLUMNS})
    assert outcomes(compiled, doc) == ["pass", "pass", "fail", "pass", "pass", "pass", "fail"]


def test_for_each_per_row_and_per_column() -> None:
    doc = make_doc("2021")
    compiled = rule(A01, for_each={"row": "rows(applications)"})
    results = compiled.evaluate(doc)
    assert len(results) == 25 and {e.outcome for e in results} == {"pass"}
    assert results[-3].binding["row"] == {"pointer": "/applications/results/other/other",
                                          "label": "（六）其他处理 · 3.其他"}
    columns = rule(A02, for_each={"c": COLUMNS}).evaluate(doc)
    assert [e.binding["c"]["label"] for e in columns][:2] == ["自然人", "商业企业"]
    keyed = rule("disputes[k].total == 0", for_each={"k": "keys(disputes)"}).evaluate(doc)
    assert [e.binding["k"]["value"] for e in keyed] == ["review", "litigation_direct", "litigation_after_review"]


def test_for_each_over_fixed_objects_and_arrays() -> None:
    doc = make_doc()
    compiled = rule("row.published <= row.in_force", templates=("2019",),
                    for_each={"row": "[proactive.rules, proactive.normative_documents]"}, message="{label(row)}")
    doc["proactive"]["rules"]["published"] = 1
    [bad, good] = compiled.evaluate(doc)
    assert bad.outcome == "fail" and bad.message == "规章" and bad.binding["row"]["pointer"] == "/proactive/rules"
    assert good.outcome == "pass"
    doc["sections"][2]["canonical"] = False
    sections = rule("s.canonical", for_each={"s": "sections"}).evaluate(doc)
    assert sections[2].outcome == "fail"
    assert sections[2].binding == {"s": {"pointer": "/sections/2", "label": "三、收到和处理政府信息公开申请情况"}}


def test_for_each_names_multiply() -> None:
    compiled = rule("n * m < 6", for_each={"n": "[1, 2]", "m": "[2, n + 1]"})
    results = compiled.evaluate(make_doc())
    assert [(e.binding["n"]["value"], e.binding["m"]["value"], e.outcome) for e in results] == [
        (1, 2, "pass"), (1, 2, "pass"), (2, 2, "pass"), (2, 3, "fail")]
    assert outcomes(rule("x > 0", for_each={"x": "[]"}), make_doc()) == ["not_applicable"]


def test_quantifiers() -> None:
    doc = make_doc()
    assert check("all(r in rows(disputes): r.total == 0)", doc).outcome == "pass"
    assert check("any(r in rows(disputes): r.total > 0)", doc).outcome == "fail"
    assert check("all(n in [1, 2, 3]: any(m in [3, 2, 1]: m == n))", doc).outcome == "pass"
    doc["disputes"]["litigation_direct"]["total"] = None
    result = check("all(r in rows(disputes): r.total == 0)", doc)
    assert result.outcome == "not_evaluable" and result.blanks == ["/disputes/litigation_direct/total"]
    doc["disputes"]["review"]["total"] = 1
    assert check("all(r in rows(disputes): r.total == 0)", doc).outcome == "fail"  # false before the blank


# ---- numbers and dates ----

def test_decimals_are_exact() -> None:
    doc = make_doc()
    doc["proactive"]["procurement"]["amount_wan_yuan"] = 3601.21885  # a JSON float
    assert check("0.1 + 0.2 == 0.3").outcome == "pass"
    only_2019 = {"templates": ("2019",)}
    assert check("proactive.procurement.amount_wan_yuan == 3601.21885", doc, **only_2019).outcome == "pass"
    assert check("proactive.procurement.amount_wan_yuan * 10000 == 36012188.5", doc, **only_2019).outcome == "pass"
    assert check("1 / 3 * 3 != 1 and approx(1 / 3 * 3, 1, 0.000001)").outcome == "pass"
    assert check("round(2.5) == 3 and round(1.005, 2) == 1.01 and abs(-3) == 3").outcome == "pass"
    result = check("meta.year / (meta.year - 2020) > 0")
    assert result.outcome == "error" and "division by zero" in result.message


def test_integer_results_stay_integers() -> None:
    compiled = rule("row.total == row.upheld + row.corrected", for_each={"row": "rows(disputes)"})
    assert compiled.plans["2019"].assertion.args[1].type.kind == "int"
    assert compiled.plans["2019"].assertion.args[1].type.kind == "int"
    assert check("sum([1, 2, 3]) == 6 and min(4, 2, 3) == 2 and max([1, 9]) == 9 and len('三个字') == 3").outcome \
        == "pass"


def test_dates() -> None:
    doc = make_doc()
    assert check("date(meta.published_on) <= date(meta.year + 1, 1, 31)", doc).outcome == "pass"
    assert check('date("2021-01-20") < date(2021, 1, 31) and year(meta.published_on) == 2021', doc).outcome == "pass"
    doc["meta"]["published_on"] = "2021-02-05"
    assert check("date(meta.published_on) <= date(meta.year + 1, 1, 31)", doc).outcome == "fail"
    with pytest.raises(RuleTypeError, match="not a date"):
        rule('date("2021-1-5") == date(2021, 1, 5)')
    result = check("date(meta.year + 1, 2, 30) > meta.published_on", doc)
    assert result.outcome == "error" and "bad date" in result.message


# ---- text functions ----

TEXT = ("一、总体情况\n本年度收到政府信息公开申请16件。\n体球网,球探体育比分\n"
        "五、存在的主要问题及改进情况\n另收到3件。\n")


def test_text_functions_report_lines() -> None:
    doc = make_doc(text=TEXT)
    doc["sections"] = [{"number": 1, "heading": "一、总体情况", "title": "总体情况", "canonical": True, "line": 1,
                        "end_line": 3},
                       {"number": 5, "heading": "五、存在的主要问题及改进情况", "title": "存在的主要问题及改进情况",
                        "canonical": True, "line": 4, "end_line": 5}]
    compiled = rule('len(text_find(["体球网", "球探体育(比分)?"])) == 0',
                    message='{text_find(["体球网", "球探体育(比分)?"])}')
    [e] = compiled.evaluate(doc)
    assert e.outcome == "fail" and e.message == "体球网（第3行）、球探体育比分（第3行）"
    found = check('text_find("收到") == []', doc)
    assert found.outcome == "fail"
    assert check('text_numbers("收到[^0-9]*([0-9]+)件") == [16, 3]', doc).outcome == "pass"
    assert check('text_numbers("收到([0-9]+)件", 5) == [3]', doc).outcome == "pass"
    assert check('section_text(5) == "五、存在的主要问题及改进情况\\n另收到3件。"', doc).outcome == "pass"
    assert check("section(2) == null and section(5).line == 4 and section_text(6) == ''", doc).outcome == "pass"
    assert check('matches(text, "申请[0-9]+件") and contains(section_text(1), "总体")', doc).outcome == "pass"
    assert check("all(m in text_find('体球网'): m.line == 3 and m.column == 1)", doc).outcome == "pass"


def test_notes() -> None:
    doc = make_doc()
    doc["notes"] = [{"code": "row_not_found", "message": "未找到（六）其他处理",
                     "pointer": "/applications/results/other", "line": None}]
    [e] = rule('len(notes("row_not_found")) == 0', message='缺少：{notes("row_not_found")}').evaluate(doc)
    assert e.outcome == "fail" and e.message == "缺少：未找到（六）其他处理"
    assert check('all(n in notes("row_not_found"): n.pointer == "/applications/results/other")', doc).outcome == "pass"


# ---- runtime errors stay inside their result ----

def _boom(value: int) -> bool:
    if value == 2:
        raise ValueError("two is not allowed")
    return True


def test_runtime_errors_are_isolated() -> None:
    table = with_builtins([FunctionSpec("boom", ["value: int"], "bool", _boom, "Raise on 2.")])
    compiled = rule("boom(n)", for_each={"n": "[1, 2, 3]"}, functions=table)
    results = compiled.evaluate(make_doc())
    assert [e.outcome for e in results] == ["pass", "error", "pass"]
    assert "two is not allowed" in results[1].message
    assert rule("boom(2)", functions=table).evaluate(make_doc())[0].outcome == "error"
    assert rule("true").evaluate("not a document")[0].outcome == "not_applicable"  # type: ignore[arg-type]


# ---- explanations ----

def test_explanation_of_a_failing_column_identity() -> None:
    doc = make_doc()
    doc["applications"]["results"]["total"]["natural_person"] = 3
    doc["provenance"]["/applications/results/total/natural_person"] = {"line": 57, "column": 3, "raw": "3"}
    compiled = rule(A02, for_each={"c": '["natural_person"]'}, message="表三“{c}”列：一+二与（七）+四不等")
    [e] = compiled.evaluate(doc)
    assert e.outcome == "fail"
    assert e.message == "表三“natural_person”列：一+二与（七）+四不等"
    assert e.explanation is not None
    assert e.explanation.text == "一+二 = 0+0 = 0 ≠ （七）总计+四 = 3+0 = 3 (自然人)"
    left, right = e.explanation.operands
    assert left.expr == "applications.new_received[c] + applications.carried_over[c]" and left.value == 0
    assert [leaf.pointer for leaf in right.leaves] == ["/applications/results/total/natural_person",
                                                        "/applications/carried_forward/natural_person"]
    first = right.leaves[0]
    assert first.title == "三、收到和处理政府信息公开申请情况 · 三、本年度办理结果 · （七）总计 · 自然人"
    assert (first.value, first.line) == (3, 57) and right.leaves[1].line is None
    assert e.explanation.as_dict()["operands"][1]["leaves"][0]["line"] == 57


def test_explanation_of_a_row_sum_and_of_and() -> None:
    doc = make_doc()
    doc["disputes"]["review"].update(upheld=1, total=2)
    compiled = rule("row.total >= 0 and row.total == row.upheld + row.corrected + row.other + row.pending",
                    for_each={"row": "rows(disputes)"})
    e = compiled.evaluate(doc)[0]
    assert e.explanation is not None
    assert e.explanation.text == "总计 = 2 ≠ 结果维持+结果纠正+其他结果+尚未审结 = 1+0+0+0 = 1 (行政复议)"
    sums = rule("applications.results.total.total == sum(applications.results.denied.*.total) + 1")
    text = sums.evaluate(make_doc())[0].explanation.text
    assert text == "（七）总计 = 0 ≠ Σ（三）+1 = 0+1 = 1 (三、本年度办理结果 · 总计)"


# ---- fast path and slow path agree ----

RULES = [
    (A01, {"row": "rows(applications)"}, None),
    (A02, {"c": COLUMNS}, None),
    ("applications.results.total[c] == sum(applications.results.denied.*[c]) + applications.results.granted[c]",
     {"c": COLUMNS}, None),
    ("row.total == row.upheld + row.corrected + row.other + row.pending", {"row": "rows(disputes)"},
     "row.total != null or row.upheld == null"),
    ("all(r in rows(disputes): r.total >= r.pending) and disputes.review.total * 2 >= 0", None, None),
    ("coalesce(disputes.review.total, 0) + 1 > 0 and (disputes.review.upheld if true else 0) >= 0", None, None),
]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32), st.sampled_from(T.TEMPLATES), st.booleans())
def test_compiled_and_interpreted_agree(seed: int, template: str, zero: bool) -> None:
    rng = random.Random(seed)
    doc = make_doc(template)
    for table, row, cell, _ in T.template(template).cells():
        node = doc[table.key]
        for key in row.path:
            node = node[key]
        node[cell.key] = rng.choice([None, 0, 0, 1, 2, 3])
    for assertion, for_each, when in RULES:
        compiled = rule(assertion, for_each=for_each, when=when, blanks_zero=zero)
        fast = [(e.outcome, e.binding, e.blanks) for e in compiled.evaluate(copy.deepcopy(doc))]
        slow = [(e.outcome, e.binding, e.blanks) for e in compiled.evaluate_slowly(copy.deepcopy(doc))]
        assert fast == slow, assertion


# ---- functions: signatures and plugins ----

def test_function_table_extension() -> None:
    def share(part: Any, whole: Any) -> Any:
        return Decimal(part) / Decimal(whole) if whole else Decimal(0)

    spec = FunctionSpec("share", ["part: number", "whole: number"], "number", share, "part / whole, 0 when whole is 0.")
    table = with_builtins([spec])
    assert "share" in table and "sum" in table
    assert check("share(1, 4) == 0.25", functions=table).outcome == "pass"
    assert check("share(1, 4) == 0.25", functions=[spec]).outcome == "pass"
    with pytest.raises(RuleTypeError, match="whole must be a number"):
        rule('share(1, "x") == 0', functions=table)
    with pytest.raises(ValueError, match="already defined"):
        table.add(spec)
    with pytest.raises(ValueError, match="keyword"):
        FunctionSpec("and", [], "bool", lambda: True)
    with pytest.raises(ValueError, match="unknown type"):
        FunctionSpec("bad", ["x: numbr"], "bool", lambda x: True)
    assert Param("x", parse_type("list[number]?")).nullok


def test_evaluation_shape_and_shared_context() -> None:
    doc = make_doc()
    ctx = EvalContext(doc)
    compiled = rule('len(text_find("示例")) > 0')
    [e] = compiled.evaluate(doc, ctx)
    assert e == Evaluation("pass", None, None, None, [])
    assert list(ctx.cache.values())[0][0]["line"] == 1  # the search ran once for this document
    outcome, binding, message, explanation, blanks = e
    assert (outcome, binding, message, explanation, blanks) == ("pass", None, None, None, [])


def test_unread_and_inferred_cells_are_never_a_pass_on_either_path():
    """A null cell the converter could not read is never read as 0, and a value chosen by a sum is no
    evidence for that sum: both make the rule not evaluable, naming the cells and why."""
    from engine.rules.examples import base_document
    from engine.rules.expr.compiler import compile_rule

    rule = compile_rule(assertion="not_inferred_by(row, \"row_total\") and row.total == row.natural_person + "
                        "row.commercial + row.research + row.social_welfare + row.legal_service + row.other",
                        for_each={"row": "rows(applications)"}, templates=["2019"], blanks_zero=True)
    document = base_document()
    document["applications"]["carried_over"] = dict.fromkeys(document["applications"]["carried_over"])
    document["notes"].append({"code": "cells_unreadable", "message": "第31行数字连在一起", "pointer":
                              "/applications/carried_over", "line": 31})
    document["applications"]["new_received"].update(natural_person=2, total=2)
    document["provenance"]["/applications/new_received/natural_person"] = {
        "line": 30, "column": 5, "raw": "2", "inferred_by": "row_total"}
    for results in (rule.evaluate(document), rule.evaluate_slowly(document)):
        odd = {e.binding["row"]["pointer"]: e for e in results if e.outcome != "pass"}
        assert set(odd) == {"/applications/new_received", "/applications/carried_over"}
        assert all(e.outcome == "not_evaluable" for e in odd.values())
        assert "第31行数字连在一起" in odd["/applications/carried_over"].message
        assert odd["/applications/new_received"].blanks == ["/applications/new_received/natural_person"]
        assert "本行总计" in odd["/applications/new_received"].message
