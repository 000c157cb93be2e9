"""Text rules read sentences across PDF line breaks, and read stated counts only where they are unambiguous."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from renderers import ROOT  # noqa: F401  (puts the repository root on sys.path for bench)
from bench.corpus import iter_reports
from engine.convert.pipeline import convert
from engine.rules.catalog import installed_packs
from engine.rules.evaluation import Checker
from engine.rules.examples import base_document
from engine.rules.expr.compiler import compile_rule
from engine.rules.expr.runtime import EvalContext
from engine.rules.expr.textfacts import build, view

SEEDS = Path(__file__).parent / "data" / "seeds"
RECEIVED = "(?:收到|受理)[^，。；0-9\\n\\t]{0,20}?信息公开申请[^，。；0-9\\n\\t]{0,6}?([0-9]+) ?件"


def test_a_sentence_broken_by_a_line_or_page_break_is_read_whole() -> None:
    text = "本年度我局受理政府\n信息公开申请 17 件，已全部办结。\n全年受理政府  \n\n  信息公开申请 3 件。"
    tv = build(text)
    assert tv.text == "本年度我局受理政府信息公开申请 17 件，已全部办结。\n全年受理政府信息公开申请 3 件。"
    # every character keeps its place in the original text
    assert all(text[tv.origin[k]] == char for k, char in enumerate(tv.text) if char != "\n")
    assert tv.to_view(text.index("信息")) == tv.text.index("信息")


@pytest.mark.parametrize("text", [
    "一、总体情况\n本年度工作如下。",              # a heading ends its line
    "（二）依申请公开情况\n全年收到申请3件。",
    "工作成效明显\n（三）政府信息管理",            # a numbered item starts a line
    "工作成效明显\n一是加强组织领导。",
    "自然人\t商业企业\n0\t0",                      # table rows
    "受理申请1\n7件。",                           # 1⏎7 may be two numbers
    "收到申请\n12\n件",                            # a bare number is a table cell
    "本年度工作已经完成。\n下一步将继续推进。",       # the sentence ended
    "示例单位2020年政府信息公开工作年度报告\n根据条例规定",  # the title
])
def test_breaks_that_are_not_inside_a_sentence_stay(text: str) -> None:
    assert build(text).text == text


def test_fixed_lines_are_never_joined() -> None:
    assert build("表格标题\n申请人情况\n自然人", fixed={2}).text == "表格标题\n申请人情况\n自然人"


def test_text_find_places_a_match_that_spans_a_break_at_its_original_line() -> None:
    document = base_document()
    document["text"] = "标题\n\n全年受理政府\n信息公开申请 17 件。"
    rule = compile_rule(assertion=f'len(text_find("{RECEIVED}")) == 0', templates=["2019"],
                        message=f'{{text_find("{RECEIVED}")}}')
    [result] = rule.evaluate(document)
    assert result.outcome == "fail"
    assert result.message == "受理政府信息公开申请 17 件（第3行）"


def facts(text: str, pattern: str = RECEIVED, context: str | None = None, year: int = 2020) -> list[Decimal]:
    document = base_document()
    document["text"], document["meta"]["year"] = text, year
    call = f'text_facts("{pattern}")' if context is None else f'text_facts("{pattern}", "{context}")'
    rule = compile_rule(assertion="f.number >= 0", for_each={"f": call}, templates=["2019"])
    ctx = EvalContext(document)
    found = rule.plans["2019"].fn(document, ctx)
    return [] if not isinstance(found, list) else [binding[0]["number"] for binding in found]


@pytest.mark.parametrize("text, expected", [
    ("2020年我厅受理政府信息公开申请16件。", [16]),
    ("共受理政府信息公开申请7件（含上年结转2件）。", [7]),             # 上年结转 is this year's table
    ("本年度共收到公民、法人或其他组织的政府信息公开申请3件。", [3]),  # the generic phrase is everyone
    ("收到政府信息公开申请20件，其中网上申请15件。", [20]),             # 其中 after the total
    ("2019年收到政府信息公开申请9件。", []),                           # another year
    ("2020年收到政府信息公开申请16件，较2019年增长77%。", []),
    ("上年度收到政府信息公开申请9件。", []),
    ("去年收到政府信息公开申请9件。", []),
    ("累计受理政府信息公开申请120件。", []),
    ("收到政府信息公开申请同比持平，共受理政府信息公开申请5件。", []),
    ("本年度收到申请20件，其中自然人收到政府信息公开申请15件。", []),  # a part of the total
    ("通过网上平台受理政府信息公开申请15件。", []),
    ("全年收到政府信息公开申请近20件。", []),                          # approximate
    ("全年收到政府信息公开申请约 20 件。", []),
    ("全年收到政府信息公开申请20件以上。", []),
    ("2020年1月1日至6月30日，收到政府信息公开申请8件。", []),         # a part of the year
    ("一季度收到政府信息公开申请3件。", []),
    ("统计期限为2020年1月1日至12月31日，共收到政府信息公开申请8件。", [8]),
    ("我局组织开展培训，全年受理政府信息公开申请12件。", [12]),         # 组织 the verb is no applicant
])
def test_stated_counts_only_from_unambiguous_sentences(text: str, expected: list[int]) -> None:
    assert facts(text) == expected


def test_a_year_is_another_year_only_when_it_is_not_the_reports() -> None:
    assert facts("2021年收到政府信息公开申请9件。", year=2021) == [9]
    assert facts("2021年收到政府信息公开申请9件。", year=2020) == []


def test_percentages_and_decimals_are_not_counts() -> None:
    pattern = "办结率[^，。0-9]{0,4}?([0-9]+)"
    assert facts("收到政府信息公开申请办结率100%。", pattern) == []
    assert facts("收到政府信息公开申请办结率 12.5 。", pattern) == []


def test_context_must_precede_the_number_in_the_same_sentence() -> None:
    pattern = "予以公开[^，。0-9]{0,4}?([0-9]+)件"
    assert facts("收到申请9件，予以公开5件。", pattern, "申请") == [5]
    assert facts("主动公开文件，予以公开5件。", pattern, "申请") == []
    assert facts("收到申请9件，其中予以公开5件。", pattern, "申请") == [5]  # 其中 right before the match


def test_seed_text_views_join_only_inside_sentences() -> None:
    """The seeds' PDF-style breaks (`管⏎⏎理办法`) are joined; headings and tables are kept as they are."""
    document = convert((SEEDS / "000_c277f382703343a1.txt").read_bytes(), "000.txt")
    joined = view(EvalContext(document)).text
    assert "新闻宣传工作管理办法" in joined
    for section in document["sections"]:
        assert f"\n{section['heading']}" in joined or section["heading"] in joined.split("\n")[0]


def test_no_text_rule_accuses_a_consistent_report() -> None:
    """The corpus states the tables' own counts (in every layout): the text rules never fail on it."""
    packs, _ = installed_packs()
    checker = Checker([pack for pack in packs if pack.name == "national"], select=["X"])
    seen = set()
    for report in iter_reports(60):
        for result in checker.check(convert(report.text.encode(), report.name)):
            seen.add((result["code"], result["outcome"]))
            assert result["outcome"] not in ("fail", "error"), (report.name, result["code"], result.get("message"))
    assert ("X01", "pass") in seen and ("X03", "pass") in seen  # the corpus does state counts


def test_the_finding_puts_the_sentence_beside_the_cell() -> None:
    packs, _ = installed_packs()
    checker = Checker([pack for pack in packs if pack.name == "national"], select=["X06"])
    document = base_document()
    document["text"] = "示例单位2020年政府信息公开工作年度报告\n2020年，因政府信息公开工作被申请行政\n复议 2 起。"
    [result] = [r for r in checker.check(document) if r["code"] == "X06"]
    assert result["outcome"] == "fail"
    assert re.fullmatch(r"正文“2020年，因政府信息公开工作被申请行政复议 2 起。”（第2行）称被申请行政复议2起，"
                        r"而表四“行政复议”总计为0", result["message"])
