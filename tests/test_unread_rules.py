"""The national pack on cells the converter could not read, or chose by the sum a rule checks."""

from __future__ import annotations

import pytest

from engine.rules.catalog import installed_packs
from engine.rules.evaluation import Checker
from engine.rules.examples import base_document


@pytest.fixture(scope="module")
def checker() -> Checker:
    packs, _ = installed_packs()
    return Checker([pack for pack in packs if pack.name == "national"])


def outcomes(checker: Checker, document: dict, code: str) -> dict:
    out = {}
    for result in checker.check(document):
        if result["code"] == code:
            binding = result["binding"] or {}
            key = next(iter(binding.values()), {}) if binding else {}
            out[key.get("pointer") or key.get("value")] = result["outcome"]
    return out


def test_an_identity_inferred_cell_leaves_only_its_column_unproven(checker: Checker) -> None:
    document = base_document()
    document["provenance"]["/applications/carried_forward/natural_person"] = {
        "line": 9, "column": 3, "raw": "0", "inferred_by": "table_identity"}
    a02 = outcomes(checker, document, "A02")
    assert a02["natural_person"] == "not_evaluable"
    assert {column: outcome for column, outcome in a02.items() if column != "natural_person"} == \
        dict.fromkeys(["commercial", "research", "social_welfare", "legal_service", "other", "total"], "pass")


def test_a_row_total_inferred_row_is_still_present(checker: Checker) -> None:
    document = base_document()
    document["provenance"]["/applications/new_received/research"] = {
        "line": 9, "column": 3, "raw": "0", "inferred_by": "row_total"}
    assert outcomes(checker, document, "A01")["/applications/new_received"] == "not_evaluable"
    assert outcomes(checker, document, "C02")["/applications/new_received"] == "pass"


def test_an_unread_row_is_never_read_as_zero(checker: Checker) -> None:
    document = base_document()
    document["proactive"]["fees"] = {"prior_items": None, "change": None}
    document["notes"].append({"code": "cells_unreadable", "message": "第21行数字连在一起", "pointer": "/proactive/fees",
                              "line": 21})
    results = [r for r in checker.check(document) if r["outcome"] == "not_evaluable"]
    assert {r["code"] for r in results} >= {"A05", "C02"}
    assert all("第21行数字连在一起" in r["message"] for r in results)
    assert not [r for r in checker.check(document) if r["code"] == "C03" and r["outcome"] != "pass"]
