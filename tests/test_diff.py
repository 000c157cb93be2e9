"""`nianbao diff OLD NEW`: new, resolved and persisting findings, and the table cells that changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from renderers import ROOT  # noqa: F401  (puts the repository root on sys.path for bench)
from typer.testing import CliRunner

from bench.series import series, write
from cli import app
from engine.batch.diff import diff_findings, pair

SEEDS = Path(__file__).parent / "data" / "seeds"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture(scope="module")
def agency(tmp_path_factory) -> list[Path]:
    """One agency's reports of 2020, 2021 and 2022; 2021's 二、上年结转 is off 2020's 四."""
    folder = tmp_path_factory.mktemp("agency")
    for seed in range(50):
        reports = list(series(1, years=(2020, 2021, 2022), copy_rate=0, break_rate=0.5, seed=seed))
        if [r.broken for r in reports] == [False, True, False]:
            return [folder / r.name for r in write(reports, folder)]
    raise AssertionError("no seed plants a break in 2021 alone")


def test_two_reports_of_one_agency_a_break_is_a_new_finding_with_the_cells_that_changed(agency) -> None:
    result = run("diff", str(agency[0]), str(agency[1]), "--format", "json")
    assert result.exit_code == 1  # NEW has findings OLD had not
    [item] = json.loads(result.stdout)["pairs"]
    assert item["old"]["year"] == 2020 and item["new"]["year"] == 2021
    new = [f for f in item["findings"]["new"] if f["code"] == "I03"]
    assert new and any(f["binding"]["c"] == "总计" for f in new)
    assert not [f for f in item["findings"]["resolved"] if f["code"] == "I03"]
    cells = {cell["pointer"]: cell for cell in item["tables"]}
    total = cells["/applications/carried_over/total"]
    assert total["old"] != total["new"] and "二、上年结转政府信息公开申请数量" in total["title"]
    text = run("diff", str(agency[0]), str(agency[1])).stdout
    assert "新增" in text and "national:I03" in text and f"{total['old']} → {total['new']}" in text


def test_the_next_year_carries_over_and_the_pair_is_checked_together(agency) -> None:
    result = run("diff", str(agency[1]), str(agency[2]), "--format", "json")
    item = json.loads(result.stdout)["pairs"][0]
    assert not [f for kind in item["findings"].values() for f in kind if f["code"] == "I03"]  # 2022 ← 2021 holds
    assert item["tables"] and item["old"]["template"] == item["new"]["template"] == "2021"


def test_a_report_against_itself_changes_nothing() -> None:
    seed = str(SEEDS / "002_1869ea635e2008ab.txt")
    result = run("diff", seed, seed, "--format", "json")
    [item] = json.loads(result.stdout)["pairs"]
    assert result.exit_code == 0 and item["tables"] == []
    assert item["findings"]["new"] == item["findings"]["resolved"] == []
    assert {f["code"] for f in item["findings"]["persisting"]} >= {"A02", "A03", "X02", "I01"}


def test_two_scorecards_pair_reports_by_agency(agency, tmp_path) -> None:
    old, new = tmp_path / "old.json", tmp_path / "new.jsonl"
    run("check", str(agency[0]), str(SEEDS / "002_1869ea635e2008ab.txt"), "--format", "json", "-o", str(old),
        "--no-cache")
    run("check", str(agency[1]), str(SEEDS / "002_1869ea635e2008ab.txt"), "--format", "jsonl", "-o", str(new),
        "--no-cache")
    result = run("diff", str(old), str(new), "--format", "json")
    pairs = json.loads(result.stdout)["pairs"]
    assert len(pairs) == 2 and all(p["tables"] is None for p in pairs)
    agencies = {p["new"]["agency"]: p for p in pairs}
    assert agencies["双鸭山市商务局"]["findings"]["new"] == []
    assert agencies["双鸭山市商务局"]["old"]["sha256"] == agencies["双鸭山市商务局"]["new"]["sha256"]


def test_findings_are_matched_without_the_pack_version() -> None:
    def result(version: str, message: str) -> dict:
        return {"pack": "national", "pack_version": version, "code": "A02", "outcome": "fail", "id": version,
                "severity": "error", "title": "t", "message": message,
                "binding": {"c": {"pointer": None, "label": "自然人", "value": "natural_person"}}}

    found = diff_findings({"results": [result("1.0.0", "旧")]}, {"results": [result("1.1.0", "新")]})
    assert found["new"] == found["resolved"] == [] and found["persisting"][0]["old_message"] == "旧"
    assert pair([{"meta": {"agency": "甲"}}], [{"meta": {"agency": "乙"}}]) == [
        ({"meta": {"agency": "甲"}}, {"meta": {"agency": "乙"}})]


def test_a_report_and_a_scorecard_do_not_mix(tmp_path) -> None:
    card = tmp_path / "card.json"
    run("check", str(SEEDS / "000_c277f382703343a1.txt"), "--format", "json", "-o", str(card), "--no-cache")
    result = run("diff", str(card), str(SEEDS / "000_c277f382703343a1.txt"))
    assert result.exit_code == 2 and "two reports, or two scorecards" in result.stderr
    assert run("diff", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")).exit_code == 2
