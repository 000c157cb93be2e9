"""engine.normalization.nfkc is unicodedata's NFKC, only faster: the same string for any text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.normalization import nfkc

# Where NFKC does more than map one character: full- and half-width forms, combining marks, Hangul
# jamo (which compose with their neighbours), compatibility ideographs, letterlike and enclosed forms.
_RANGES = [(0x20, 0x7F), (0x300, 0x370), (0x1100, 0x1200), (0x2100, 0x2500), (0x3000, 0x3200),
           (0x4E00, 0x4E20), (0xAC00, 0xAC20), (0xF900, 0xFA20), (0xFF00, 0xFFEF), (0x1D400, 0x1D420)]
_CHARS = st.one_of(*(st.characters(min_codepoint=low, max_codepoint=high, exclude_categories=("Cs",))
                     for low, high in _RANGES))


@settings(max_examples=3000, deadline=None)
@given(st.text(_CHARS, max_size=24))
def test_nfkc_equals_unicodedata(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_a_half_width_vowel_composes_with_the_jamo_before_it() -> None:
    # ᄉ + half-width ㅣ is the syllable 시: the vowel joins its neighbour, so the two are normalised together
    assert nfkc("\u1109\uffdc") == unicodedata.normalize("NFKC", "\u1109\uffdc") == "\uc2dc"
    assert nfkc("报告\uffa1\u1161") == unicodedata.normalize("NFKC", "报告\uffa1\u1161")


def test_a_report_line_keeps_its_chinese_and_loses_its_full_width_forms() -> None:
    assert nfkc("电话：０４５１－８２６２８１１１，（一）") == "电话:0451-82628111,(一)"
