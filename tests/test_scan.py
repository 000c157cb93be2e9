"""engine.rules.expr.scan: the first-character lookahead finds exactly what `re.finditer` finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.rules.expr.scan import Scanner, first_chars
from engine.rules.packs import load_pack
from renderers import ROOT

ATOMS = ["a", "b", "ab", "体球网", "球探", "[ab]", "[0-9]", "(?:a|b)", "a?", "b*", "(?:注册|首存)?送", "\\d", ".", "^a",
         "(?<=a)b", "\\bb", "[^a]", "a+", "(?:)", "开云[(（]"]
TEXT = st.text(alphabet="ab01 体球网探注册首存送开云(（\n", max_size=60)


def same(pattern: str, text: str, start: int = 0, end: int | None = None) -> None:
    regex = re.compile(pattern)
    stop = len(text) if end is None else end
    expected = [(m.span(), m.group(0)) for m in regex.finditer(text, start, stop) if m.end() > m.start()]
    assert [(m.span(), m.group(0)) for m in Scanner(regex).finditer(text, start, end)] == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(ATOMS), min_size=1, max_size=3), min_size=1, max_size=5), TEXT,
       st.integers(0, 10), st.integers(0, 70))
def test_the_scanner_finds_what_re_finds(branches, text, start, end) -> None:
    same("|".join("".join(branch) for branch in branches), text, min(start, len(text)), min(max(start, end), len(text)))


def test_first_characters() -> None:
    assert first_chars("(?:注册|首存)?送彩金|bet365") == frozenset("注首送b")
    assert first_chars("开云[(（]") == frozenset("开")
    for unknown in ("\\d+", ".x", "^a", "a?", "(?i)a", "(?<=a)b", "[^a]"):
        assert first_chars(unknown) is None, unknown


def test_the_spam_rule_finds_the_same_in_every_example() -> None:
    pack = load_pack(ROOT / "rulepacks" / "national" / "national.yaml")
    pattern = re.search(r'text_find\("([^"]+)"\)', pack.rule("I01").source["assert"]).group(1)
    texts = [example.data.get("text", "") for example in pack.rule("I01").examples]
    texts += [path.read_text(encoding="utf-8") for path in (ROOT / "examples").glob("*.txt")]
    for text in texts:
        same(pattern, text)
        same(pattern, text * 3 + "体球网,球探体育比分开云(中国)官方在线登录" + text)
