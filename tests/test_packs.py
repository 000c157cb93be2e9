"""Rule packs: loading with positions, the pack schema, overrides, scope, selection, determinism."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine.errors import InputError
from engine.rules.evaluation import Checker, RuleSelector, selected
from engine.rules.examples import base_document, run_examples
from engine.rules.packs import PackError, load_pack, load_packs
from engine.scorecard.entry import check_report, dumps, scorecard, validate_scorecard

ONE_LINE = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<column>\d+): (?P<message>[^\n]+)$")

RULE_A = """
  - code: A01
    name: received-at-most-100
    title: 本年新收不超过100件
    severity: error
    category: 准确性
    basis: 测试
    assert: "applications.new_received.total <= 100"
    examples:
      pass: [{}]
      fail: [{applications: {new_received: {total: 101}}}]
"""
RULE_B = """
  - code: B01
    name: carried-over-small
    title: 上年结转不超过10
    severity: warning
    category: 准确性
    basis: 测试
    assert: "applications.carried_over.total <= 10"
    message: "上年结转{applications.carried_over.total}件"
    examples:
      pass: [{}]
      fail: [{applications: {carried_over: {total: 11}}}]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def pack_text(name: str = "demo", scope: str = "{level: nationwide}", rules: str = RULE_A + RULE_B,
              extra: str = "", templates: str = '["2019", "2021"]') -> str:
    return (f'pack: {name}\nversion: "1.0.0"\ntitle: 测试规则包\ntemplates: {templates}\n'
            f"scope: {scope}\n{extra}rules:{rules}")


def errors_of(path: Path) -> list[str]:
    with pytest.raises(PackError) as caught:
        load_pack(path)
    lines = [str(error) for error in caught.value.errors]
    for line in lines:
        assert ONE_LINE.match(line), line
        assert line.startswith(f"{path}:")
    return lines


def doc(province: str | None = None, template: str = "2019", **cells: int | None) -> dict:
    document = base_document(template)
    document["meta"]["region"]["province"] = province
    for key, value in cells.items():
        document["applications"][key]["total"] = value
    return document


# --- loading and errors --------------------------------------------------------------------------

def test_a_good_pack_loads(tmp_path):
    pack = load_pack(write(tmp_path, "demo", pack_text()))
    assert (pack.name, pack.version, pack.scope.level) == ("demo", "1.0.0", "nationwide")
    assert [rule.code for rule in pack.rules] == ["A01", "B01"]
    assert pack.rules[0].line == 7 and pack.rules[0].templates == ("2019", "2021")
    assert all(outcome.ok for outcome in run_examples(pack)), run_examples(pack)


def test_schema_errors_name_line_and_column(tmp_path):
    path = write(tmp_path, "bad", """
        pack: Bad Name
        version: 1.0
        title: 坏包
        templates: [2019]
        scope: {level: province}
        rules:
          - code: A01
            name: a-one
            title: 一
            sevrity: error
            category: 准确性
            basis: 测试
            assert: "true"
    """)
    errors = errors_of(path)
    assert any(":1:7: pack: 'Bad Name' does not match" in e for e in errors), errors
    assert any(':2:10: version must be a string (write it quoted: "1.0")' in e for e in errors), errors
    assert any(":4:13: templates.0: 2019 is not one of 2019, 2021" in e and "quoted" in e for e in errors), errors
    assert any(":5:8: scope lacks required key 'province'" in e for e in errors), errors
    assert any(":10:5: rule A01: unknown key 'sevrity' in the rule (did you mean 'severity'?)" in e
               for e in errors), errors
    assert any(":7:5: rule A01: the rule lacks required key 'severity'" in e for e in errors), errors


def test_yaml_syntax_error_is_one_line(tmp_path):
    path = write(tmp_path, "broken", 'pack: demo\nrules: [\n  - code: "A01\n')
    errors = errors_of(path)
    assert len(errors) == 1
    match = ONE_LINE.match(errors[0])
    assert match and match["file"] == str(path) and int(match["line"]) >= 2
    assert "invalid YAML" in match["message"]


def test_duplicate_yaml_keys_are_errors(tmp_path):
    path = write(tmp_path, "dup", pack_text(extra="title: 又一个标题\n"))
    assert errors_of(path) == [f"{path}:6:1: duplicate key 'title'"]


def test_unknown_path_names_rule_line_column_and_suggestion(tmp_path):
    rule = RULE_A.replace("applications.new_received.total", "applications.new_recieved.total")
    path = write(tmp_path, "typo", pack_text(rules=rule))
    [error] = errors_of(path)
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "new_recieved" in text)
    column = path.read_text(encoding="utf-8").splitlines()[line - 1].index("new_recieved") + 1
    assert error.startswith(f"{path}:{line}:")
    assert "rule A01:" in error and "new_recieved" in error and "new_received" in error
    assert abs(int(ONE_LINE.match(error)["column"]) - column) <= len("applications.")


@pytest.mark.parametrize("style", ["plain", "single", "double", "literal", "folded"])
def test_error_positions_in_every_scalar_style(tmp_path, style):
    expression = "applications.carried_over.total + nosuchname"
    written = {
        "plain": f"    assert: {expression}\n",
        "single": f"    assert: '{expression}'\n",
        "double": f'    assert: "{expression}"\n',
        "literal": f"    assert: |\n      applications.carried_over.total\n        + nosuchname\n",
        "folded": f"    assert: >\n      applications.carried_over.total\n      + nosuchname\n",
    }[style]
    rule = RULE_B.replace('    assert: "applications.carried_over.total <= 10"\n', written)
    path = write(tmp_path, style, pack_text(rules=rule))
    [error] = errors_of(path)
    match = ONE_LINE.match(error)
    text = path.read_text(encoding="utf-8").splitlines()
    line, column = int(match["line"]), int(match["column"])
    assert text[line - 1][column - 1:].startswith("nosuchname"), (error, text[line - 1])
    assert "rule B01:" in error


def test_duplicate_codes_and_bad_templates(tmp_path):
    rules = RULE_A + RULE_A.replace("received-at-most-100", "another-name") + RULE_B.replace(
        "    assert:", '    templates: ["2021"]\n    assert:')
    path = write(tmp_path, "dups", pack_text(rules=rules, templates='["2019"]'))
    errors = errors_of(path)
    assert any("rule A01: duplicate rule code 'A01' (first used by the rule at line 7)" in e for e in errors), errors
    assert any("rule B01: template 2021 is not one of the pack's templates (2019)" in e for e in errors), errors


def test_a_broken_pack_does_not_stop_the_others(tmp_path):
    good = write(tmp_path, "good", pack_text(name="good"))
    bad = write(tmp_path, "bad", "pack: bad\nrules: [\n")
    missing = tmp_path / "missing.yaml"
    packs, problems = load_packs([bad, missing, good])
    assert [pack.name for pack in packs] == ["good"]
    assert {Path(p.file).name for p in problems} == {"bad.yaml", "missing.yaml"}
    assert all(isinstance(p, InputError) and "\n" not in str(p) for p in problems)


def test_missing_examples_fail_packs_test_not_loading(tmp_path):
    rule = RULE_A.replace("      fail: [{applications: {new_received: {total: 101}}}]\n", "")
    pack = load_pack(write(tmp_path, "noexample", pack_text(rules=rule)))
    outcomes = run_examples(pack)
    assert [(o.kind, o.index, o.ok) for o in outcomes] == [("fail", None, False), ("pass", 0, True)]
    assert "no fail example" in outcomes[0].detail


def test_not_applicable_examples(tmp_path):
    rule = RULE_B.replace("    assert:", '    when: "applications.carried_over.total > 0"\n    assert:').replace(
        "pass: [{}]", "pass: [{applications: {carried_over: {total: 1}}}]\n      not_applicable: [{}, "
                      "{applications: {carried_over: {total: 11}}}]")
    pack = load_pack(write(tmp_path, "na", pack_text(rules=rule)))
    verdicts = [(o.kind, o.index, o.ok) for o in run_examples(pack) if o.code == "B01"]
    assert verdicts == [("pass", 0, True), ("fail", 0, True), ("not_applicable", 0, True),
                        ("not_applicable", 1, False)]


def test_examples_with_a_misspelt_key_fail(tmp_path):
    rule = RULE_A.replace("fail: [{applications: {new_received:", "fail: [{applications: {new_recieved:")
    pack = load_pack(write(tmp_path, "misspelt", pack_text(rules=rule)))
    [bad] = [o for o in run_examples(pack) if not o.ok]
    assert bad.kind == "fail" and "new_recieved" in bad.detail and "did you mean 'new_received'" in bad.detail


# --- checking ------------------------------------------------------------------------------------

def province_packs(tmp_path: Path, override: str = "") -> list:
    national = write(tmp_path, "national", pack_text(name="national"))
    hlj = write(tmp_path, "hlj", pack_text(
        name="hlj", scope="{level: province, province: 黑龙江省}", extra=override,
        rules=RULE_A.replace("A01", "HLJ01")))
    packs, problems = load_packs([hlj, national])
    assert not problems, problems
    return packs


def test_scope_gives_not_applicable_outside_the_province(tmp_path):
    packs = province_packs(tmp_path)
    assert [pack.name for pack in packs] == ["national", "hlj"]  # nationwide packs first
    checker = Checker(packs)
    inside = [r for r in checker.check(doc("黑龙江省")) if r["pack"] == "hlj"]
    outside = [r for r in checker.check(doc("山东省")) if r["pack"] == "hlj"]
    unknown = [r for r in checker.check(doc(None)) if r["pack"] == "hlj"]
    assert [r["outcome"] for r in inside] == ["pass"]
    assert [r["outcome"] for r in outside] == ["not_applicable"]
    assert "仅适用于黑龙江省" in outside[0]["message"] and "山东省" in outside[0]["message"]
    assert "未知" in unknown[0]["message"]
    assert any(note["code"] == "pack-out-of-scope" for note in checker.notes(doc("山东省")))


def test_overrides_apply_only_within_the_overriding_packs_scope(tmp_path):
    override = ("overrides:\n  - {pack: national, code: A01, severity: info, reason: 本省规定}\n"
                "  - {pack: national, code: B01, disable: true, reason: 本省不查}\n")
    checker = Checker(province_packs(tmp_path, override))
    inside = {r["code"]: r for r in checker.check(doc("黑龙江省", carried_over=11)) if r["pack"] == "national"}
    assert inside["A01"]["severity"] == "info"
    assert inside["A01"]["overridden"] == {"by": "hlj", "severity": "info", "original_severity": "error",
                                           "reason": "本省规定"}
    assert inside["B01"]["outcome"] == "not_applicable"
    assert inside["B01"]["overridden"] == {"by": "hlj", "disable": True, "reason": "本省不查"}
    outside = {r["code"]: r for r in checker.check(doc("山东省", carried_over=11)) if r["pack"] == "national"}
    assert outside["A01"]["severity"] == "error" and outside["A01"]["overridden"] is None
    assert outside["B01"]["outcome"] == "fail" and outside["B01"]["overridden"] is None


def test_overrides_of_unknown_packs_or_codes_are_reported(tmp_path):
    national = write(tmp_path, "national", pack_text(name="national"))
    other = write(tmp_path, "other", pack_text(name="other", rules=RULE_A.replace("A01", "O01"), extra=(
        "overrides:\n  - {pack: nationa, code: A01, severity: info, reason: r}\n"
        "  - {pack: national, code: A99, disable: true, reason: r}\n"
        "  - {pack: national, code: B01, disable: true, reason: r}\n")))
    packs, problems = load_packs([national, other])
    assert [pack.name for pack in packs] == ["national", "other"]
    assert [o.code for o in packs[1].overrides] == ["B01"]
    messages = [str(p) for p in problems]
    assert any(m.startswith(f"{other}:7:5:") and "no pack 'nationa'" in m and "did you mean 'national'" in m
               for m in messages), messages
    assert any(m.startswith(f"{other}:8:5:") and "has no rule A99" in m for m in messages), messages


def test_template_mismatch_is_not_applicable(tmp_path):
    rule = RULE_B.replace("    assert:", '    templates: ["2021"]\n    assert:').replace(
        "pass: [{}]", 'pass: [{template: "2021"}]').replace("fail: [{app", 'fail: [{template: "2021", app')
    pack = load_pack(write(tmp_path, "tpl", pack_text(rules=rule)))
    [result] = Checker([pack]).check(doc())
    assert result["outcome"] == "not_applicable" and "2019" in result["message"]
    assert all(o.ok for o in run_examples(pack)), run_examples(pack)


@pytest.mark.parametrize("select, ignore, expected", [
    ((), (), ["A01", "B01"]),
    (("A",), (), ["A01"]),
    (("ALL",), ("B01",), ["A01"]),
    (("B01",), ("B",), ["B01"]),  # the more specific selector wins
    (("B",), ("B",), []),  # on a tie, ignore wins
    (("demo:A",), (), ["A01"]),
    (("demo",), ("A0",), ["B01"]),
    (("other",), (), []),
    (("b",), (), ["B01"]),  # codes are matched case-insensitively
])
def test_select_and_ignore(tmp_path, select, ignore, expected):
    pack = load_pack(write(tmp_path, "demo", pack_text()))
    checker = Checker([pack], select=select, ignore=ignore)
    assert [r["code"] for r in checker.check(doc())] == expected


def test_unknown_selectors_are_found(tmp_path):
    pack = load_pack(write(tmp_path, "demo", pack_text()))
    assert Checker([pack], select=["A", "Z9"], ignore=["nope:A"]).unknown_selectors() == ["Z9", "nope:A"]
    assert RuleSelector.parse("national:a01") == RuleSelector("national:a01", "national", "A01")
    assert selected("p", "HLJ01", [RuleSelector.parse("HLJ")], [RuleSelector.parse("H")])


def test_results_and_scorecard_are_deterministic_and_valid(tmp_path):
    packs = province_packs(tmp_path, "overrides:\n  - {pack: national, code: A01, severity: info, reason: r}\n")
    document = doc("黑龙江省", carried_over=None)
    outputs = set()
    for _ in range(3):
        checker = Checker(packs)
        card = scorecard(packs, [check_report(checker, document)])
        outputs.add(dumps(card))
    assert len(outputs) == 1
    card = json.loads(outputs.pop())
    assert validate_scorecard(card) == []
    report = card["reports"][0]
    assert [(r["pack"], r["code"], r["outcome"]) for r in report["results"]] == [
        ("national", "A01", "pass"), ("national", "B01", "not_evaluable"), ("hlj", "HLJ01", "pass")]
    assert report["results"][1]["blanks"] == ["/applications/carried_over/total"]
    assert report["summary"] == {"pass": 2, "fail": 0, "not_applicable": 0, "not_evaluable": 1, "error": 0}
    assert card["scorecard"] == "nianbao-scorecard/2"


def test_a_failing_result_carries_message_and_explanation(tmp_path):
    pack = load_pack(write(tmp_path, "demo", pack_text()))
    [_, result] = Checker([pack]).check(doc(carried_over=12))
    assert result["outcome"] == "fail" and result["message"] == "上年结转12件"
    assert result["explanation"]["text"]


def test_a_rule_that_raises_gives_error_and_the_others_still_run(tmp_path):
    pack = load_pack(write(tmp_path, "demo", pack_text()))

    class Broken:
        def evaluate(self, document, context=None):
            raise RuntimeError("boom")

    from dataclasses import replace
    broken = replace(pack, rules=(replace(pack.rules[0], compiled=Broken()), pack.rules[1]))
    results = Checker([broken]).check(doc())
    assert [r["outcome"] for r in results] == ["error", "pass"]
    assert "boom" in results[0]["message"]


SHIPPED_SCORECARD = """
import sys
from pathlib import Path
from engine.rules.evaluation import Checker
from engine.rules.examples import base_document
from engine.rules.packs import load_packs
from engine.scorecard.entry import check_report, dumps, scorecard
root = Path(sys.argv[1])
packs, problems = load_packs([root / "national" / "national.yaml",
                              root / "heilongjiang" / "nianbao_pack_heilongjiang" / "heilongjiang.yaml",
                              root / "shandong" / "nianbao_pack_shandong" / "shandong.yaml"])
checker = Checker(packs)
reports = []
for template in ("2019", "2021"):
    for province in ("黑龙江省", "山东省", None):
        document = base_document(template, province)
        document["applications"]["new_received"]["total"] = 3
        document["applications"]["carried_over"]["natural_person"] = None
        reports.append(check_report(checker, document))
sys.stdout.write(dumps(scorecard(packs, reports)) + "".join(str(p) + "\\n" for p in problems))
"""


def test_scorecard_bytes_do_not_depend_on_hash_seeds():
    rulepacks = Path(__file__).resolve().parent.parent / "rulepacks"
    outputs = set()
    for seed in ("1", "2"):
        run = subprocess.run([sys.executable, "-c", SHIPPED_SCORECARD, str(rulepacks)], capture_output=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
        outputs.add(run.stdout)
    assert len(outputs) == 1
    card = json.loads(outputs.pop().decode("utf-8").split("\n}\n")[0] + "\n}")
    assert validate_scorecard(card) == []
