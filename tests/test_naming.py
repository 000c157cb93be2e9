"""Authors name things without imitating Python: numeral(), section_title() and a pack's lookup tables."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from engine.rules.examples import base_document
from engine.rules.expr.compiler import RuleCompileError, compile_rule
from engine.rules.expr.naming import chinese_numeral
from engine.rules.expr.runtime import RuleRuntimeError
from engine.rules.packs import PackError, load_pack

NATIONAL = Path(__file__).resolve().parents[1] / "rulepacks" / "national" / "national.yaml"


@pytest.mark.parametrize("n, written", [(0, "零"), (1, "一"), (6, "六"), (10, "十"), (12, "十二"), (20, "二十"),
                                        (21, "二十一"), (100, "一百"), (105, "一百零五"), (110, "一百一十"),
                                        (1000, "一千"), (1010, "一千零一十"), (2021, "二千零二十一"),
                                        (9999, "九千九百九十九")])
def test_numerals_as_reports_write_them(n: int, written: str) -> None:
    assert chinese_numeral(n) == written


def test_numeral_outside_its_range_is_a_rule_error_or_a_load_error() -> None:
    with pytest.raises(RuleRuntimeError):
        chinese_numeral(-1)
    with pytest.raises(RuleCompileError, match="0 to 9999"):
        compile_rule(assertion="numeral(10000) == \"\"", templates=["2019"])


def test_section_title_and_numeral_in_a_message() -> None:
    rule = compile_rule(assertion="section(n) == null", for_each={"n": "[2, 5]"}, templates=["2019"],
                        message="第{numeral(n)}部分“{section_title(n)}”")
    messages = [result.message for result in rule.evaluate(base_document())]
    assert messages == ["第二部分“主动公开政府信息情况”", "第五部分“存在的主要问题及改进情况”"]
    with pytest.raises(RuleCompileError, match="sections 1 to 6"):
        compile_rule(assertion='section_title(7) == ""', templates=["2019"])


PACK = """\
    pack: lookups
    version: "1.0.0"
    title: 对照表示例
    templates: ["2019"]
    scope: {{level: nationwide}}
    lookups:
      column: {{natural_person: 自然人, total: 总计}}
      {extra}
    rules:
      - code: L01
        name: l
        title: 示例
        severity: info
        category: 准确性
        basis: 示例
        for_each:
          c: '{keys}'
        assert: "applications.new_received[c] == 1"
        message: "“{{column(c)}}”列为{{applications.new_received[c]}}"
        examples:
          pass:
            - applications: {{new_received: {{natural_person: 1, total: 1}}}}
          fail:
            - {{}}
"""


def write(tmp_path: Path, keys: str = '["natural_person", "total"]', extra: str = "") -> Path:
    path = tmp_path / "lookups.yaml"
    path.write_text(textwrap.dedent(PACK.format(keys=keys, extra=extra)), encoding="utf-8")
    return path


def test_a_lookup_table_is_a_function_of_the_pack(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path))
    assert pack.lookups == {"column": {"natural_person": "自然人", "total": "总计"}}
    results = pack.rules[0].compiled.evaluate(base_document())
    assert [r.message for r in results] == ["“自然人”列为0", "“总计”列为0"]


def test_a_key_known_at_load_must_be_in_the_table(tmp_path: Path) -> None:
    with pytest.raises(PackError) as caught:
        load_pack(write(tmp_path, keys='["natural_person", "research"]', extra=""))
    text = str(caught.value)
    assert "lookup column of pack lookups has no key 'research'" in text and ":19:" in text


@pytest.mark.parametrize("extra, problem", [
    ("len: {a: 1}", "lookup len: a function of that name exists"),
    ("mixed: {a: 1, b: 二}", "lookup mixed: the values must be all strings or all integers"),
    ("Bad: {a: 1}", "Bad"),
])
def test_bad_lookups_are_pack_errors(tmp_path: Path, extra: str, problem: str) -> None:
    with pytest.raises(PackError, match=problem):
        load_pack(write(tmp_path, extra=extra))


def test_the_national_pack_names_sections_and_columns_without_if_chains() -> None:
    text = NATIONAL.read_text(encoding="utf-8")
    assert 'if n == 1 else' not in text and 'if c == "natural_person"' not in text
    pack = load_pack(NATIONAL)
    assert set(pack.lookups) == {"applicant", "table_section"}
