"""A value the converter chose by a sum never counts as evidence that the sum holds (issue 9)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.convert.pipeline import convert
from engine.document.validation import validate
from engine.rules.catalog import installed_packs
from engine.rules.evaluation import Checker

CRAWLER = Path(__file__).parent / "data" / "corpus" / "103_pingtan_scjgj_2019.txt"


@pytest.fixture(scope="module")
def checker() -> Checker:
    packs, _ = installed_packs()
    return Checker([pack for pack in packs if pack.name == "national"], select=["A01", "A02", "A03"])


def _fused(new_received: str) -> dict:
    text = CRAWLER.read_text(encoding="utf-8").replace("申请数量1000001二、", f"申请数量{new_received}二、")
    return convert(text.encode(), "fused.txt")


def test_a_split_chosen_by_the_row_total_is_marked_and_not_evidence(checker: Checker) -> None:
    document = _fused("201200216")  # twelve splits; only 2,0,12,0,0,2,16 adds up
    assert document["applications"]["new_received"] == {
        "natural_person": 2, "commercial": 0, "research": 12, "social_welfare": 0, "legal_service": 0,
        "other": 2, "total": 16}
    inferred = {pointer for pointer, entry in document["provenance"].items() if entry.get("inferred_by")}
    assert "/applications/new_received/research" in inferred
    assert all(document["provenance"][p]["inferred_by"] == "row_total" for p in inferred)
    assert validate(document) == []
    results = [r for r in checker.check(document)
               if r["code"] == "A01" and r["binding"]["row"]["pointer"] == "/applications/new_received"]
    assert [r["outcome"] for r in results] == ["not_evaluable"]
    assert "/applications/new_received/research" in results[0]["message"]


def test_other_rows_still_pass(checker: Checker) -> None:
    document = _fused("201200216")
    results = [r for r in checker.check(document)
               if r["code"] == "A01" and r["binding"]["row"]["pointer"] == "/applications/carried_over"]
    assert [r["outcome"] for r in results] == ["pass"]


def test_a_value_chosen_by_the_table_identities_leaves_that_column_unproven(checker: Checker) -> None:
    seed = Path(__file__).parent / "data" / "seeds" / "000_c277f382703343a1.txt"
    document = convert(seed.read_bytes(), seed.name)
    document["provenance"]["/applications/results/total/natural_person"]["inferred_by"] = "table_identity"
    outcomes = {(r["code"], r["binding"]["c"]["value"]): r["outcome"] for r in checker.check(document)
                if r["code"] in ("A02", "A03")}
    assert outcomes[("A02", "natural_person")] == "not_evaluable"
    assert outcomes[("A03", "natural_person")] == "not_evaluable"
    assert outcomes[("A02", "commercial")] == "pass"
