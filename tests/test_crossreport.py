"""Cross-report rules: compare bindings, the similarity measure, and the national rules I02 and I03.

A generated series (bench/series.py: agencies × years, carry-over chained, planted near-copies and
carry-over breaks) and the five seeds are checked as batches; each report must get the I02 and I03
outcomes its planting implies.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from renderers import ROOT  # noqa: F401  (puts the repository root on sys.path for bench)

from bench.series import series, write
from engine.batch.run import Batch, CheckerSpec, build_checker
from engine.batch.crossindex import CrossIndex, Record
from engine.errors import InputError
from engine.rules.expr.compare import MISSING, Compare, ReportSelector
from engine.rules.expr.compiler import compile_rule
from engine.rules.examples import base_document
from engine.rules.packs import load_pack
from engine.rules.expr.parsing import RuleCompileError
from engine.rules.expr.runtime import EvalContext
from engine.similarity import NearIndex, estimate, jaccard, normalise_agency, shingles, signature, similarity

SEEDS = Path(__file__).parent / "data" / "seeds"
PROSE = ("我局坚持把政务公开作为转变政府职能的重要抓手，组织召开专题会议研究部署，编制公开指南，更新公开目录，"
         "优化门户网站栏目设置，全年主动公开各类信息，及时回应群众关切。")


def outcome(entry: dict, code: str) -> str:
    """A rule's outcome in an entry: fail if any result failed, else the one outcome all results share."""
    seen = {r["outcome"] for r in entry["results"] if r["code"] == code}
    return "fail" if "fail" in seen else seen.pop() if len(seen) == 1 else str(sorted(seen))


def run_batch(paths: list[Path], jobs: int = 1, select: tuple[str, ...] = ()) -> list[dict]:
    spec = CheckerSpec(select=select)
    checker = build_checker(spec)
    with Batch(paths, spec, checker, jobs=jobs, cache_dir=None) as batch:
        return [entry for _, entry, _ in batch.run()]


# ---- the similarity measure ----

def test_numbers_agency_names_punctuation_and_template_wording_do_not_count() -> None:
    a = "双鸭山市商务局" + PROSE.replace("全年", "2020年全年")
    b = "济南市商务局" + PROSE.replace("全年", "2021年全年") + "\n一、本年新收政府信息公开申请数量\t3\t0\t0"
    assert similarity(a, b, ["双鸭山市商务局", "济南市商务局"]) == 1
    assert shingles("一、本年新收政府信息公开申请数量 12 自然人 商业企业") == frozenset()
    assert similarity("", "") == 0
    assert normalise_agency(" 黑龙江省商务厅（ ") == normalise_agency("黑龙江省商务厅") == "黑龙江省商务厅"
    assert normalise_agency("") is None and normalise_agency(None) is None


def test_jaccard_and_its_minhash_estimate_agree() -> None:
    words = [PROSE[i:i + 9] for i in range(0, len(PROSE) - 9, 3)]
    a = "，".join(words)
    b = "，".join(words[: len(words) * 3 // 4]) + "，另有新增内容若干条目用于区分两份报告的正文"
    exact = float(jaccard(shingles(a), shingles(b)))
    assert 0.5 < exact < 0.95
    assert abs(estimate(signature(shingles(a)), signature(shingles(b))) - exact) < 0.2
    assert signature(frozenset()) is None


def test_the_near_index_finds_a_planted_copy_among_unrelated_reports() -> None:
    import random

    rnd = random.Random(7)
    chars = [chr(c) for c in range(0x4E00 + 500, 0x4E00 + 2500)]
    texts = ["，".join("".join(rnd.choices(chars, k=10)) for _ in range(120)) for _ in range(60)]
    texts.append(texts[17].replace("，", "。", 3))  # a near-copy of report 17
    index = NearIndex()
    for number, text in enumerate(texts):
        index.add(number, signature(shingles(text)))
    assert index.nearest(60, lambda other: True)[0] == 17
    assert index.nearest(17, lambda other: True)[0] == 60
    assert index.nearest(3, lambda other: True) is None  # nothing alike: no candidate reaches the floor


# ---- selectors and resolution ----

def test_selectors_pick_the_same_agency_last_year_or_the_most_similar_other_report() -> None:
    prior = ReportSelector("same", "previous")
    assert prior.eligible("a", 2021, "a", 2020) and not prior.eligible("a", 2021, "b", 2020)
    assert not prior.eligible(None, 2021, None, 2020) and not prior.eligible("a", None, "a", 2020)
    copy = ReportSelector("any", "not_later", "most_similar")
    assert copy.eligible("a", 2021, "a", 2019) and copy.eligible("a", 2021, "b", 2021)
    assert not copy.eligible("a", 2021, "a", 2021)  # the report itself, or a second copy of it
    assert not copy.eligible("a", 2021, "b", 2022)
    sig = signature(shingles(PROSE))
    index = CrossIndex()
    for number, (agency, year, signed) in enumerate([("a", 2020, sig), ("a", 2021, None), ("b", 2021, sig),
                                                     ("c", 2019, None)]):
        index.add(number, Record(str(number), f"{number}.txt", agency, year, "2019", signed))
    assert index.resolve(1, prior) == 0
    assert index.resolve(0, prior) is MISSING
    assert index.resolve(2, copy) == 0  # a's 2020 report has the same text
    assert index.resolve(1, copy) is None  # eligible reports exist, none alike
    assert index.resolve(3, ReportSelector("any_other", "same", "most_similar")) is MISSING


def test_compare_names_are_typed_as_documents_and_checked_against_both_templates() -> None:
    compare = Compare.parse({"prior": {"agency": "same", "year": "previous"}})
    rule = compile_rule(assertion="applications.carried_over.total == prior.applications.carried_forward.total",
                        templates=["2019", "2021"], compare=compare)
    assert len(rule.variants) == 4  # each template of the report × each the other report may have
    with pytest.raises(RuleCompileError, match="prior.proactive.fees.amount_wan_yuan|amount_wan_yuan"):
        compile_rule(assertion="prior.proactive.fees.amount_wan_yuan >= 0", templates=["2019"], compare=compare)
    with pytest.raises(RuleCompileError, match="hide the document's meta"):
        compile_rule(assertion="meta.year > 0", templates=["2019"],
                     compare=Compare.parse({"meta": {"agency": "same", "year": "previous"}}))
    with pytest.raises(ValueError, match="most_similar"):
        Compare.parse({"other": {"agency": "any_other", "year": "same"}})


def test_a_missing_report_gives_the_declared_outcome_never_a_pass() -> None:
    document = base_document("2021")
    for policy in ("not_applicable", "not_evaluable"):
        compare = Compare.parse({"prior": {"agency": "same", "year": "previous"}, "missing": policy})
        rule = compile_rule(assertion="applications.carried_over.total == prior.applications.carried_forward.total",
                            templates=["2021"], compare=compare)
        [result] = rule.evaluate(document)
        assert result.outcome == policy and "同一机关上一年度的报告" in result.message


def test_values_of_the_other_report_are_named_by_their_binding() -> None:
    compare = Compare.parse({"prior": {"agency": "same", "year": "previous"}})
    rule = compile_rule(assertion="applications.carried_over[c] == prior.applications.carried_forward[c]",
                        for_each={"c": '["natural_person", "total"]'}, templates=["2021"], compare=compare)
    document, prior = base_document("2021"), base_document("2019")
    document["applications"]["carried_over"].update(natural_person=3, total=3)
    prior["applications"]["carried_forward"].update(natural_person=2, total=None)
    failed, blank = rule.evaluate(document, EvalContext(document, {"prior": prior}))
    assert failed.outcome == "fail" and failed.explanation.text == "二 = 3 ≠ prior:四 = 2 (自然人)"
    leaf = failed.explanation.operands[1].leaves[0]
    assert leaf.pointer == "prior:/applications/carried_forward/natural_person" and leaf.line is None
    assert blank.outcome == "not_evaluable" and blank.blanks == ["prior:/applications/carried_forward/total"]
    assert [e.outcome for e in rule.evaluate_slowly(document, EvalContext(document, {"prior": prior}))] == \
        ["fail", "not_evaluable"]


def test_a_pack_rule_with_a_bad_compare_is_reported_at_its_compare_key(tmp_path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text("""pack: p
version: "1.0.0"
title: t
templates: ["2019"]
scope: {level: nationwide}
rules:
  - code: P01
    name: p
    title: t
    severity: error
    category: 准确性
    basis: b
    compare:
      other: {agency: any_other, year: same}
    assert: "other.meta.year > 0"
""", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_pack(pack)
    assert "p.yaml:14:" in str(error.value) and "most_similar" in str(error.value)


# ---- I02 and I03 on batches ----

@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> tuple[list, list[dict]]:
    folder = tmp_path_factory.mktemp("series")
    reports = write(series(6, copy_rate=0.2, break_rate=0.25, seed=1), folder)
    paths = [folder / report.name for report in reports]
    return reports, run_batch(paths, jobs=2, select=("I02", "I03"))


def test_the_series_has_every_kind_of_planted_case(planted) -> None:
    reports, _ = planted
    kinds = {report.copy for report in reports} | {"break" for report in reports if report.broken}
    assert {"same-copy", "cross-copy", "copied", "break", ""} <= kinds


def test_planted_copies_and_carry_over_breaks_give_the_expected_outcomes(planted) -> None:
    reports, entries = planted
    got = {report.name: {code: outcome(entry, code) for code in ("I02", "I03")}
           for report, entry in zip(reports, entries)}
    assert got == {report.name: report.expected for report in reports}


def test_results_name_the_report_they_compared_with(planted) -> None:
    reports, entries = planted
    by_name = {entry["source"]["name"]: entry for entry in entries}
    for report, entry in zip(reports, entries):
        [i02] = [r for r in entry["results"] if r["code"] == "I02"]
        other = i02["compared_with"]["copy"]
        if report.copy:
            assert i02["outcome"] == "fail" and other is not None and "相似度为" in i02["message"]
            assert other["sha256"] == by_name[other["source"]]["source"]["sha256"]
        i03 = [r for r in entry["results"] if r["code"] == "I03"]
        if report.expected["I03"] != "not_applicable":
            prior = i03[0]["compared_with"]["prior"]
            assert prior["agency"] == report.agency and prior["year"] == report.year - 1
        if report.broken:
            failed = [r for r in i03 if r["outcome"] == "fail"]
            assert {r["binding"]["c"]["label"] for r in failed} >= {"总计"}
            assert all("prior:" in r["explanation"]["text"] for r in failed)


def test_the_seeds_compare_with_nothing_alike(tmp_path) -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    entries = run_batch(seeds, select=("I02", "I03"))
    assert [outcome(entry, "I02") for entry in entries] == ["pass"] * 5
    assert [outcome(entry, "I03") for entry in entries] == ["not_applicable"] * 5
    alone = run_batch(seeds[:1], select=("I02",))
    assert outcome(alone[0], "I02") == "not_applicable"  # a report compared with nothing never passes


def test_a_seed_copied_under_another_agency_is_flagged_both_ways(tmp_path) -> None:
    source = SEEDS / "002_1869ea635e2008ab.txt"
    copy = tmp_path / "copy.txt"
    copy.write_text(source.read_text(encoding="utf-8").replace("双鸭山市商务局", "鹤岗市商务局"), encoding="utf-8")
    shutil.copy(SEEDS / "000_c277f382703343a1.txt", tmp_path / "other.txt")
    entries = run_batch([source, copy, tmp_path / "other.txt"], select=("I02",))
    assert [outcome(entry, "I02") for entry in entries] == ["fail", "fail", "pass"]
    assert entries[0]["results"][0]["compared_with"]["copy"]["source"] == "copy.txt"
    assert entries[1]["results"][0]["compared_with"]["copy"]["agency"] == "双鸭山市商务局"
