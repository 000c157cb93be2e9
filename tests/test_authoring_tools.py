"""Tools for pack authors: example coverage, a pack's rules as a page, the pack schema for editors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from engine.outputs.packdoc import html_page, markdown
from engine.rules.coverage import pack_coverage
from engine.rules.packs import load_pack
from engine.rules.packschema import schema_path
from engine.rules.plugins import plugin_manager, rulepack_sources

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "rulepacks" / "national" / "national.yaml"
SCHEMA = ROOT / "schemas" / "rulepack.schema.json"

PACK = """\
    pack: branchy
    version: "1.0.0"
    title: 分支示例
    templates: ["2019"]
    scope: {level: nationwide}
    rules:
      - code: B01
        name: branchy
        title: 分支
        severity: info
        category: 规范性
        basis: 示例
        when: "meta.year != null"
        for_each:
          s: "sections"
        assert: "(s.number >= 1 if s.canonical else s.number > 100)"
        examples:
          pass:
            - {}
          fail:
            - sections: [{number: 1, heading: 一、总体, title: 总体, canonical: false, line: 3, end_line: 4}]
"""


def test_coverage_names_the_branches_no_example_reaches(tmp_path: Path) -> None:
    path = tmp_path / "branchy.yaml"
    path.write_text(textwrap.dedent(PACK), encoding="utf-8")
    [found] = pack_coverage(load_pack(path))
    assert found.passes and found.fails
    assert found.branches == {"when: true": True, "when: false": False, "for_each s: binds": True,
                              "for_each s: binds nothing": False, "if s.canonical: then": True,
                              "if s.canonical: else": True}
    assert found.missed() == ["when: false", "for_each s: binds nothing"] and not found.complete


def test_the_national_packs_examples_make_every_rule_pass_and_fail() -> None:
    coverage = pack_coverage(load_pack(NATIONAL))
    assert all(c.passes and c.fails and not c.problems for c in coverage)
    by_code = {c.code: c for c in coverage}
    for code in ("X01", "X04", "X05", "X06", "X07"):  # a text that states nothing is exercised too
        assert by_code[code].complete, by_code[code].missed()
    assert by_code["T01"].branches["when: false"] and by_code["S04"].branches["if meta.year <= 2020: else"]


def test_the_pack_page_has_every_rule_in_order_and_is_stable() -> None:
    pack = load_pack(NATIONAL)
    page = markdown(pack)
    assert page == markdown(load_pack(NATIONAL))
    headings = re.findall(r"^## ([A-Z]+[0-9]+) ", page, flags=re.M)
    assert headings == [rule.code for rule in pack.rules]
    x06 = page[page.index("## X06"):page.index("## X07")]
    assert "**严重程度**：警告（warning）" in x06 and "**依据**：《中华人民共和国政府信息公开条例》" in x06
    assert "### 示例：应通过" in x06 and "### 示例：应不通过" in x06 and "被申请行政复议2起" in x06
    assert "text: |-\n     本年度发生政府信息公开行政复议\n" in x06  # a text of several lines as authors write it


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in ("meta", "br"):
            self.open.append(tag)
        self.ids += [value for name, value in attrs if name == "id"]

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, tag


def test_the_html_page_is_well_formed_and_escaped(tmp_path: Path) -> None:
    pack = load_pack(NATIONAL)
    page = html_page(pack)
    checker = _Checker()
    checker.feed(page)
    assert checker.open == [] and checker.ids == [rule.code.lower() for rule in pack.rules]
    assert "<script" not in page and "&lt;" not in markdown(pack)  # Markdown is not escaped, HTML is
    assert 'lang="zh-CN"' in page and "（规则包第" in page


def nianbao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_cli_packs_doc_test_coverage_and_schema(tmp_path: Path) -> None:
    out = tmp_path / "national.html"
    run = nianbao("packs", "doc", "national", "--format", "html", "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.read_text(encoding="utf-8") == html_page(load_pack(NATIONAL))
    run = nianbao("packs", "doc", "national")
    assert run.returncode == 0 and run.stdout.startswith("# 全国政府信息公开工作年度报告检查规则")
    assert nianbao("packs", "doc", "nosuchpack").returncode == 2
    assert nianbao("packs", "doc", "national", "--format", "pdf").returncode == 2
    run = nianbao("packs", "test", "national", "--coverage")
    assert run.returncode == 0, run.stdout
    assert "national:X04  ✓pass  ✓fail  ✓for_each f: binds  ✓for_each f: binds nothing" in run.stdout
    assert re.search(r"^coverage: \d+ of 26 rules", run.stdout, flags=re.M)
    run = nianbao("packs", "schema")
    path = Path(run.stdout.splitlines()[0])
    assert run.returncode == 0 and path.samefile(SCHEMA) and path.as_uri() in run.stdout


def test_every_shipped_pack_names_the_schema_for_editors() -> None:
    for _, path in rulepack_sources(plugin_manager()):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, path
        assert (path.parent / match.group(1)).resolve() == SCHEMA.resolve()
    assert schema_path().samefile(SCHEMA)


def _properties(node: object, where: str = ""):
    if isinstance(node, dict):
        for name, child in (node.get("properties") or {}).items():
            yield f"{where}/{name}", child
        for key, child in node.items():
            if key != "properties":
                yield from _properties(child, f"{where}/{key}")
        for name, child in (node.get("properties") or {}).items():
            yield from _properties(child, f"{where}/{name}")
    elif isinstance(node, list):
        for child in node:
            yield from _properties(child, where)


def test_every_pack_schema_property_has_a_title_and_description_for_completion() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    defs = schema["$defs"]
    missing = []
    for where, prop in _properties(schema):
        if not isinstance(prop, dict) or "/allOf/" in where:  # conditions on a property, not properties
            continue
        target = defs[prop["$ref"].split("/")[-1]] if "$ref" in prop else {}
        if not ("title" in prop or "title" in target) or not ("description" in prop or "description" in target):
            missing.append(where)
    assert missing == []
