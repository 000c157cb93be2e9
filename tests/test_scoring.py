"""Scoring (docs/scoring.md): rule units, weights, the denominator, grades, blocking, pack settings, ids."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from engine.rules.evaluation import Checker
from engine.rules.examples import base_document
from engine.rules.packs import PackError, load_pack, load_packs
from engine.scorecard.entry import check_report, finding_id, report_entry, validate_report_entry
from engine.rules.scope import pack_fit
from engine.scorecard.scoring import BatchSummary, Profile, profile_for, rule_units, score_report


def result(code: str, outcome: str, severity: str = "error", category: str = "准确性", *, pack: str = "p",
           blocking: bool = False, row: str | None = None) -> dict:
    """A checker result as report_entry makes it (only the keys scoring reads, plus a binding)."""
    return {"pack": pack, "pack_version": "1.0.0", "code": code, "name": code.lower(), "title": f"规则{code}",
            "severity": severity, "category": category, "blocking": blocking, "outcome": outcome,
            "binding": {"row": {"pointer": row, "label": row}} if row else None}


def test_the_worked_example_of_docs_scoring():
    results = [
        result("S01", "pass", "error", "完整性"),
        *[result("A02", "fail", "error", "准确性", row=f"/c{i}") for i in range(3)],
        result("C03", "not_evaluable", "warning", "完整性", row="/r1"),
        result("C03", "pass", "warning", "完整性", row="/r2"),
        result("T01", "not_applicable", "error", "及时性"),
    ]
    score = score_report(results, Profile())
    # by hand: S01 passes (weight 3), A02 fails once however many columns (3); C03 is not evaluable
    # and T01 not applicable, so neither counts: 100 × 3 / (3 + 3) = 50.0
    assert (score["score"], score["earned"], score["possible"]) == (50, 3, 6)
    assert score["grade"] == score["grade_by_score"] == "差"
    assert score["rules"] == {"pass": 1, "fail": 1, "not_applicable": 1, "not_evaluable": 1, "error": 0}
    categories = {name: tally["score"] for name, tally in score["categories"].items()}
    assert categories == {"完整性": 100, "准确性": 0, "规范性": None, "及时性": None, "真实性": None}
    assert score["categories"]["完整性"]["rules"]["not_evaluable"] == 1  # counted, shown, not scored


def test_a_rule_is_one_unit_with_its_worst_outcome():
    units = rule_units([result("C03", "pass", row="/a"), result("C03", "fail", row="/b"),
                        result("C03", "not_evaluable", row="/c"), result("C03", "error", row="/d")])
    assert [(u.code, u.outcome, u.counts["fail"], u.counts["pass"]) for u in units] == [("C03", "fail", 1, 1)]
    assert rule_units([result("X", "pass"), result("X", "not_evaluable")])[0].outcome == "not_evaluable"
    assert rule_units([result("X", "pass"), result("X", "not_applicable")])[0].outcome == "pass"
    assert rule_units([result("X", "error"), result("X", "not_evaluable")])[0].outcome == "error"
    # 23 failing rows of one warning rule weigh as much as one failing warning rule
    many = [result("C03", "fail", "warning", row=f"/r{i}") for i in range(23)] + [result("A01", "pass", "warning")]
    assert score_report(many, Profile())["score"] == 50


def test_a_cross_report_rule_is_scored_only_when_it_fails():
    """Issue #10, defect 13: alone a cross-report rule is not applicable, in a batch it may pass; the
    report's score is the same either way, and only a failure (a real finding) can move it."""
    def compared(outcome: str) -> dict:
        return {**result("I02", outcome, "warning", "真实性"), "compared_with": {"copy": None}}

    alone = score_report([result("A01", "pass"), result("A02", "fail"), compared("not_applicable")], Profile())
    batch = score_report([result("A01", "pass"), result("A02", "fail"), compared("pass")], Profile())
    copied = score_report([result("A01", "pass"), result("A02", "fail"), compared("fail")], Profile())
    assert (alone["score"], alone["possible"]) == (batch["score"], batch["possible"]) == (50, 6)
    assert alone["categories"]["真实性"]["score"] is batch["categories"]["真实性"]["score"] is None
    assert (copied["score"], copied["possible"]) == (42.9, 7)  # 100 × 3 / 7
    assert batch["rules"]["pass"] == 2  # the pass is still counted and shown, it just weighs nothing


def test_a_sample_scores_the_same_alone_and_in_the_batch_of_examples():
    from engine.batch.single import check_input
    from engine.batch.run import Batch, CheckerSpec, build_checker

    examples = sorted((Path(__file__).parent.parent / "examples").glob("*.txt"))
    spec = CheckerSpec()
    checker = build_checker(spec)
    with Batch(examples, spec, checker, jobs=1) as batch:
        together = {path.name: entry for path, entry, _ in batch.run()}
    for path in examples:
        alone = check_input(checker, path)[0]
        # the case of the issue: I02 has nothing to compare with alone, and passes in the batch …
        assert {r["outcome"] for r in alone["results"] if r["code"] == "I02"} == {"not_applicable"}
        assert {r["outcome"] for r in together[path.name]["results"] if r["code"] == "I02"} == {"pass"}
        # … and the score and grade are the same (004: 84.2 both ways, was 84.6 in the batch)
        assert (alone["score"]["score"], alone["score"]["grade"]) == (
            together[path.name]["score"]["score"], together[path.name]["score"]["grade"]), path
    assert together["004_87fcc03de9584bf1.txt"]["score"]["score"] == 84.2


def test_rule_errors_never_count_against_the_report():
    score = score_report([result("A01", "pass"), result("A02", "error")], Profile())
    assert score["score"] == 100 and score["possible"] == 3 and score["rules"]["error"] == 1


def test_nothing_to_score_gives_no_score_and_no_grade():
    score = score_report([result("T01", "not_applicable"), result("A01", "pass", "info")], Profile())
    assert score["score"] is None and score["grade"] is None and score["possible"] == 0


@pytest.mark.parametrize(("value", "grade"), [
    (Decimal(100), "优"), (Decimal(90), "优"), (Decimal("89.9"), "良"), (Decimal(75), "良"), (Decimal("74.9"), "中"),
    (Decimal(60), "中"), (Decimal("59.9"), "差"), (Decimal(0), "差"), (None, None)])
def test_grade_thresholds(value, grade):
    assert Profile().grade(value) == grade


def test_rounding_is_half_up_and_exact():
    # 2 of 3 equal weights: 66.666… → 66.7; weights 1 and 7 with 1 passing: 12.5 stays 12.5
    assert score_report([result("A", "pass"), result("B", "pass"), result("C", "fail")], Profile())["score"] == 66.7
    profile = Profile(severity={"error": Decimal(7), "warning": Decimal(1), "info": Decimal(0)})
    assert score_report([result("A", "pass", "warning"), result("B", "fail", "error")], profile)["score"] == 12.5


def test_a_failed_blocking_rule_caps_the_grade_whatever_the_score():
    results = [result(f"A{i:02}", "pass") for i in range(1, 40)] + [result("I01", "fail", "info", blocking=True)]
    score = score_report(results, Profile())
    assert score["score"] == 100 and score["grade_by_score"] == "优" and score["grade"] == "差"
    assert score["blocked_by"] == [{"pack": "p", "code": "I01", "title": "规则I01"}]
    capped_at_fair = Profile(blocking_grade="中")
    assert score_report(results, capped_at_fair)["grade"] == "中"
    # a cap never raises a grade, and a blocking rule that passes caps nothing
    assert score_report([result("A01", "fail"), result("I01", "fail", blocking=True)], capped_at_fair)["grade"] == "差"
    assert score_report([result("A01", "pass"), result("I01", "pass", blocking=True)], Profile())["grade"] == "优"


# --- settings from packs -------------------------------------------------------------------------

RULES = """
rules:
  - code: {code}01
    name: received-small
    title: 本年新收不超过100件
    severity: error
    category: 准确性
    basis: 测试
    assert: "applications.new_received.total <= 100"
  - code: {code}02
    name: no-spam
    title: 没有垃圾信息
    severity: warning
    category: 真实性
    basis: 测试
    blocking: true
    assert: "applications.carried_over.total <= 10"
"""


def write_pack(tmp_path: Path, name: str, scope: str, scoring: str = "", code: str = "N") -> Path:
    text = (f'pack: {name}\nversion: "1.0.0"\ntitle: 测试\ntemplates: ["2019", "2021"]\nscope: {scope}\n'
            + textwrap.dedent(scoring) + RULES.format(code=code))
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def document(province: str | None, received: int = 0, carried: int = 0) -> dict:
    doc = base_document("2019")
    doc["meta"]["region"]["province"] = province
    doc["applications"]["new_received"]["total"] = received
    doc["applications"]["carried_over"]["total"] = carried
    return doc


def test_pack_scoring_loads_and_the_most_specific_applicable_pack_wins(tmp_path):
    national = write_pack(tmp_path, "nat", "{level: nationwide}",
                          "scoring:\n  severity: {error: 4, warning: 2}\n  grades: {优: 95, 良: 80, 中: 50}\n")
    province = write_pack(tmp_path, "hlj", "{level: province, province: 黑龙江省}",
                          "scoring:\n  severity: {warning: 6}\n  category: {真实性: 2}\n  blocking_grade: 中\n", "HLJ")
    packs, problems = load_packs([national, province])
    assert problems == []
    assert packs[1].rules[1].blocking and not packs[1].rules[0].blocking
    inside, outside = profile_for(pack_fit(packs, document("黑龙江省"))), profile_for(pack_fit(packs, document("山东省")))
    assert inside.sources == ("nat", "hlj") and outside.sources == ("nat",)
    assert (inside.severity["error"], inside.severity["warning"], inside.category["真实性"]) == (4, 6, 2)
    assert (outside.severity["error"], outside.severity["warning"], outside.category["真实性"]) == (4, 2, 1)
    assert inside.grades == outside.grades == {"优": 95, "良": 80, "中": 50}
    assert (inside.blocking_grade, outside.blocking_grade) == ("中", "差")


def test_a_checked_report_is_scored_with_its_packs(tmp_path):
    packs, _ = load_packs([write_pack(tmp_path, "nat", "{level: nationwide}",
                                      "scoring:\n  category: {真实性: 3}\n")])
    checker = Checker(packs)
    entry = check_report(checker, document(None, received=5, carried=50))
    assert validate_report_entry(entry) == []
    score = entry["score"]
    # N01 passes (error 3 × 1), N02 fails (warning 1 × 真实性 3): 100 × 3 / 6
    assert (score["score"], score["grade_by_score"], score["grade"]) == (50, "差", "差")
    assert score["blocked_by"] == [{"pack": "nat", "code": "N02", "title": "没有垃圾信息"}]
    assert score["weights"]["category"]["真实性"] == 3 and score["weights"]["from"] == ["nat"]
    assert [r["blocking"] for r in entry["results"]] == [False, True]
    assert entry["packs"] == [{"name": "nat", "version": "1.0.0", "applied": True}]
    clean = check_report(checker, document(None))
    assert (clean["score"]["score"], clean["score"]["grade"]) == (100, "优")


@pytest.mark.parametrize(("scoring", "message"), [
    ("scoring:\n  grades: {优: 80, 良: 85, 中: 60}\n", "scoring.grades: 优 (80) must be above 良 (85)"),
    ("scoring:\n  grades: {优: 80}\n", "lacks required key '良'"),
    ("scoring:\n  blocking_grade: 优\n", "blocking_grade: '优' is not one of 良, 中, 差"),
    ("scoring:\n  severity: {error: -1}\n", "-1 is less than the minimum of 0"),
    ("scoring:\n  category: {准确: 2}\n", "unknown key '准确'"),
])
def test_bad_scoring_settings_are_load_errors(tmp_path, scoring, message):
    with pytest.raises(PackError) as caught:
        load_pack(write_pack(tmp_path, "bad", "{level: nationwide}", scoring))
    assert any(message in str(error) for error in caught.value.errors), caught.value.errors


def test_blocking_must_be_a_boolean(tmp_path):
    path = write_pack(tmp_path, "bad", "{level: nationwide}")
    path.write_text(path.read_text(encoding="utf-8").replace("blocking: true", "blocking: yes please"),
                    encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert any("blocking" in str(error) and "boolean" in str(error) for error in caught.value.errors)


# --- finding ids ---------------------------------------------------------------------------------

def test_finding_ids_are_stable_and_tell_bindings_and_versions_apart():
    row = {"row": {"pointer": "/applications/new_received", "label": "一、本年新收政府信息公开申请数量"}}
    first = finding_id("national", "1.0.0", "C03", row)
    assert first == finding_id("national", "1.0.0", "C03", {"row": {**row["row"], "label": "改了标签"}})
    assert len(first) == 16 and int(first, 16) >= 0
    assert first != finding_id("national", "1.0.1", "C03", row)
    assert first != finding_id("national", "1.0.0", "C03", {"row": {"pointer": "/applications/carried_over"}})
    column = finding_id("national", "1.0.0", "A02", {"c": {"pointer": None, "label": "自然人", "value": "natural_person"}})
    assert column != finding_id("national", "1.0.0", "A02", {"c": {"pointer": None, "label": "总计", "value": "total"}})
    assert finding_id("national", "1.0.0", "T01", None) == finding_id("national", "1.0.0", "T01", {})
    assert first == "c55da766f148a5e2"  # pinned: an id must not change with the engine, or findings get lost


def test_repeated_ids_in_one_report_are_numbered():
    twice = [dict(result("I01", "fail", row="/sections/1"), message=None, explanation=None, blanks=[],
                  overridden=None) for _ in range(2)]
    entry = report_entry(base_document("2019"), twice)
    first, second = (r["id"] for r in entry["results"])
    assert second == first + "-2"


def test_batch_summary_counts_grades_and_failures():
    summary = BatchSummary()
    good = {"error": None, "meta": {"year": 2020, "region": {"province": "山东省"}},
            "score": {"score": 95.5, "grade": "优"}, "results": [result("A01", "pass")]}
    bad = {"error": None, "meta": {"year": 2021, "region": {"province": None}},
           "score": {"score": 40, "grade": "差"}, "results": [result("A01", "fail"), result("C03", "fail", "warning")]}
    for entry in (good, bad, {"error": "cannot read", "results": []}):
        summary.add(entry)
    as_dict = summary.as_dict()
    assert as_dict["reports"] == 3 and as_dict["unreadable"] == 1 and as_dict["mean_score"] == 67.8
    assert as_dict["grades"] == {"优": 1, "良": 0, "中": 0, "差": 1}
    assert as_dict["findings"] == {"error": 1, "warning": 1, "info": 0}
    assert summary.failed_at("error") and summary.failed_at("warning")
    assert summary.histogram[9] == 1 and summary.histogram[4] == 1
    assert sorted(summary.by_province) == ["山东省", "（未知）"] and sorted(summary.by_year) == ["2020", "2021"]


def test_a_report_whose_tables_could_not_be_read_never_grades_above_zhong():
    results = [result("S01", "pass"), result("A01", "not_evaluable")]
    unread = [{"code": "cells_unreadable", "message": "第9行数字连在一起", "pointer": "/applications/new_received",
               "line": 9}]
    score = score_report(results, Profile(), unread)
    assert score["grade_by_score"] == "优" and score["grade"] == "中"
    assert score["capped_by"][0]["code"] == "tables_unread" and "第9行数字连在一起" in score["capped_by"][0]["message"]
    assert score_report(results, Profile(), [{"code": "label_differs", "message": "", "pointer": None,
                                              "line": 3}])["grade"] == "优"
