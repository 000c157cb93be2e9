"""Fuzzing the whole path a report takes: mutated sample reports, rendered HTML pages, DOCX and PDF files.

Each case is converted, validated, checked against every installed pack and serialised, twice. Bad
input may only be an InputError of one line naming the file; otherwise the document must be valid
and both runs byte-identical. Hypothesis runs derandomized with a fixed number of examples per
format, so CI sees the same 1,600 cases every time (about 30 s of CPU); each case's time is bounded
by the engine's own limits (size policy, PDF deadline), not asserted. Every input that ever crashed
is kept in tests/data/fuzz_regressions/ and replayed first.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_mutations import BYTE_OPS, MUTATIONS, bases, mutate, mutate_bytes, mutate_lines
from pdf_render import render_pdf
from renderers import make_report

from engine.convert.pipeline import convert
from engine.document.validation import validate
from engine.errors import InputError
from engine.rules.catalog import installed_packs
from engine.rules.evaluation import Checker
from engine.scorecard.entry import check_report

REGRESSIONS = Path(__file__).parent / "data" / "fuzz_regressions"


@functools.cache
def checker() -> Checker:
    return Checker(installed_packs()[0])


def outcome(data: bytes, name: str) -> tuple[str, str]:
    """What one input gives: its one-line error, or its document and scorecard entry as JSON."""
    try:
        document = convert(data, name)
    except InputError as error:
        message = str(error)
        assert "\n" not in message and message.startswith(f"{name}:"), message
        return "error", message
    errors = validate(document)
    assert errors == [], errors[:3]
    entry = check_report(checker(), document)
    # Serialised as the cache and the writers do (C encoder); `convert`'s indent differs in spaces only.
    return "ok", json.dumps(document, ensure_ascii=False) + json.dumps(entry, ensure_ascii=False)


def run_case(data: bytes, name: str) -> None:
    first = outcome(data, name)
    assert outcome(data, name) == first  # deterministic: the same bytes out on a rerun


def fuzzed(examples: int):
    return settings(max_examples=examples, derandomize=True, database=None, deadline=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))


TEXT_BASES = sorted(name for name in bases() if not name.endswith(".docx"))
DOCX_BASES = sorted(name for name in bases() if name.endswith(".docx"))


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.*")), ids=lambda path: path.name)
def test_every_input_that_once_crashed(path: Path) -> None:
    run_case(path.read_bytes(), path.name)


@fuzzed(1400)
@given(name=st.sampled_from(TEXT_BASES), mutation=MUTATIONS)
def test_mutated_text_and_html(name: str, mutation: tuple[list, list]) -> None:
    run_case(mutate(name, bases()[name], *mutation), name)


@fuzzed(200)
@given(name=st.sampled_from(DOCX_BASES), mutation=MUTATIONS)
def test_mutated_docx(name: str, mutation: tuple[list, list]) -> None:
    run_case(mutate(name, bases()[name], *mutation), name)


@functools.cache
def pdf_base() -> bytes:
    return render_pdf(make_report(10, 0).document)


@fuzzed(12)
@given(lines=st.lists(st.tuples(st.sampled_from(["delete", "swap", "duplicate"]), st.integers(0, 2**20),
                                st.integers(0, 2**20)), max_size=2),
       byte_ops=st.lists(BYTE_OPS, min_size=1, max_size=2))
def test_mutated_pdf(lines: list[tuple], byte_ops: list[tuple]) -> None:
    # A PDF's objects are lines of Latin-1: lines go missing or move, bytes flip, the file is cut.
    data = mutate_lines(pdf_base().decode("latin-1"), lines).encode("latin-1")
    run_case(mutate_bytes(data, byte_ops), "report.pdf")
