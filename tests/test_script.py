"""Traditional-script copies read through a simplified shadow, provenance pointing at the original."""

from __future__ import annotations

from pathlib import Path

import opencc
import pytest

from engine.convert import script
from engine.convert.pipeline import convert_text

SEEDS = Path(__file__).parent / "data" / "seeds"
SOURCE = {"name": "x.txt", "format": "text", "sha256": "0" * 64}
TABLES = ("proactive", "applications", "disputes")


@pytest.mark.parametrize("config", ["s2t.json", "s2twp.json", "s2hk.json"])
@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_traditional_copy_reads_as_the_simplified_report(seed: str, config: str) -> None:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    traditional = opencc.OpenCC(config).convert(text)  # s2twp: regional vocabulary too (資訊, 最佳化)
    clean = convert_text(text, SOURCE)
    document = convert_text(traditional, SOURCE)
    for key in TABLES:
        assert document[key] == clean[key], key
    assert document["template"] == clean["template"]
    assert [s["number"] for s in document["sections"]] == [s["number"] for s in clean["sections"]]
    assert (document["meta"]["agency"], document["meta"]["year"], document["meta"]["region"]) == \
        (clean["meta"]["agency"], clean["meta"]["year"], clean["meta"]["region"])
    assert document["text"] == traditional
    lines = traditional.split("\n")
    for pointer, entry in document["provenance"].items():
        line = lines[entry["line"] - 1]
        assert line[entry["column"] - 1:].startswith(entry["raw"]), pointer
    assert any(note["code"] == "script_converted" for note in document["notes"])
    for section in document["sections"]:
        assert section["heading"] in lines[section["line"] - 1]


def test_shadow_keeps_every_line_the_same_length() -> None:
    text = "政府資訊公開工作最佳化，軟體與網路\n" * 40  # 最佳化 → 优化 would shorten the line
    shadow = script.shadow(text)
    assert shadow is not None
    assert [len(line) for line in shadow.split("\n")] == [len(line) for line in text.split("\n")]
    assert "政府信息公开" in shadow


def test_simplified_text_is_never_converted() -> None:
    text = (SEEDS / "002_1869ea635e2008ab.txt").read_text(encoding="utf-8")
    assert not script.is_traditional(text)
    assert script.shadow(text) is None
