"""engine.rules.packcache: a pack loaded from the disk cache checks exactly as a freshly compiled one."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

from engine.convert.pipeline import convert_file
from engine.rules.evaluation import Checker
from engine.rules.packs import load_pack
from engine.scorecard.entry import check_report

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "rulepacks" / "national" / "national.yaml"


def entries(pack, documents):
    checker = Checker([pack])
    return [json.dumps(check_report(checker, document), ensure_ascii=False) for document in documents]


def test_a_cached_pack_gives_the_same_entries(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NIANBAO_PACK_CACHE", str(tmp_path / "cache"))
    documents = [convert_file(path) for path in sorted((ROOT / "examples").glob("*.txt"))]
    fresh = load_pack(NATIONAL)
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1
    cached = load_pack(NATIONAL)
    assert cached is not fresh and cached.rules[0].compiled is not fresh.rules[0].compiled
    assert entries(cached, documents) == entries(fresh, documents)
    monkeypatch.setenv("NIANBAO_PACK_CACHE", "0")
    assert entries(load_pack(NATIONAL), documents) == entries(fresh, documents)


def test_a_changed_pack_is_compiled_again(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NIANBAO_PACK_CACHE", str(tmp_path / "cache"))
    pack = tmp_path / "national.yaml"
    shutil.copy(NATIONAL, pack)
    assert load_pack(pack).version
    text = pack.read_text(encoding="utf-8")
    pack.write_text(text.replace("title: 报告页面未被植入博彩等垃圾信息", "title: 未植入垃圾信息"), encoding="utf-8")
    assert load_pack(pack).rule("I01").title == "未植入垃圾信息"
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_an_unwritable_cache_is_skipped(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NIANBAO_PACK_CACHE", str(blocker / "cache"))
    assert load_pack(NATIONAL).rule("A01") is not None



def test_a_changed_plugin_function_changes_the_key(tmp_path, monkeypatch) -> None:
    """A pack compiled against a plugin's function is compiled again when the plugin's code changes."""
    from engine.rules import packcache
    from engine.rules.expr.functions import FunctionSpec, Param
    from engine.rules.expr.types import INT

    plugin = tmp_path / "nianbao_test_plugin_fn.py"
    plugin.write_text("def twice(x):\n    return 2 * x\n", encoding="utf-8")
    found = importlib.util.spec_from_file_location("nianbao_test_plugin_fn", plugin)
    module = importlib.util.module_from_spec(found)
    found.loader.exec_module(module)
    monkeypatch.setitem(sys.modules, "nianbao_test_plugin_fn", module)  # removed again after the test
    spec = FunctionSpec("twice", [Param("x", INT)], INT, module.twice)
    packcache._module_code.cache_clear()
    before = packcache.key(NATIONAL, b"pack", [spec])
    assert packcache.key(NATIONAL, b"pack", [spec]) == before
    plugin.write_text("def twice(x):\n    return x + x\n", encoding="utf-8")
    packcache._module_code.cache_clear()
    assert packcache.key(NATIONAL, b"pack", [spec]) != before
