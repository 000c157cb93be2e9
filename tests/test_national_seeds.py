"""The national pack on the five seed reports reaches the outcomes docs/national-rules.md lists."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.convert.pipeline import convert
from engine.rules.catalog import installed_packs
from engine.rules.evaluation import Checker

SEEDS = Path(__file__).parent / "data" / "seeds"
NATIONAL = Path(__file__).parents[1] / "rulepacks" / "national" / "national.yaml"


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict[str, set[str]]]:
    """seed prefix → rule code → the set of outcomes of its results."""
    packs, problems = installed_packs()
    assert not problems
    checker = Checker([pack for pack in packs if pack.name == "national"])
    found: dict[str, dict[str, set[str]]] = {}
    for seed in sorted(SEEDS.glob("*.txt")):
        by_code: dict[str, set[str]] = {}
        for result in checker.check(convert(seed.read_bytes(), seed.name)):
            by_code.setdefault(result["code"], set()).add(result["outcome"])
        found[seed.name[:3]] = by_code
    return found


def fails(outcomes: dict, seed: str) -> set[str]:
    return {code for code, seen in outcomes[seed].items() if "fail" in seen}


def test_002_table_errors_text_contradiction_and_spam(outcomes) -> None:
    assert {"A02", "A03", "X02", "I01"} <= fails(outcomes, "002")
    assert outcomes["002"]["A01"] == {"pass"}
    assert outcomes["002"]["T01"] == {"pass"}  # published 2021-01-20


def test_003_missing_section_six_and_blank_cells(outcomes) -> None:
    assert {"S01", "C03"} <= fails(outcomes, "003")
    for code in ("A01", "A02", "A03", "A04"):
        assert outcomes["003"][code] == {"pass"}, code


def test_004_missing_six_titles_and_blank_review_cells(outcomes) -> None:
    assert {"S01", "S03", "C03"} <= fails(outcomes, "004")


@pytest.mark.parametrize("seed", ["000", "001"])
def test_000_001_tables_add_up_and_title_variants_are_named(outcomes, seed: str) -> None:
    for code in ("A01", "A02", "A03", "A04"):
        assert outcomes[seed][code] == {"pass"}, code
    assert "S03" in fails(outcomes, seed)


def test_no_other_failures_than_a_reader_would_call_wrong(outcomes) -> None:
    expected = {
        "000": {"S03"},
        "001": {"S03"},
        "002": {"A02", "A03", "X02", "I01"},
        "003": {"S01", "C03"},
        # 五 is only plans (下一步工作打算): S06 is right to say problems are not stated.
        "004": {"S01", "S03", "C03", "S06"},
    }
    assert {seed: fails(outcomes, seed) for seed in expected} == expected


def test_unknown_publication_date_is_not_applicable_never_a_pass(outcomes) -> None:
    for seed in ("000", "001", "003", "004"):
        assert outcomes[seed]["T01"] == {"not_applicable"}
