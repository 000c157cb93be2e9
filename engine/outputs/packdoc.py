"""A rule pack as a Chinese page for its readers (`nianbao packs doc PACK`): Markdown or HTML.

Each rule gives its code, title, severity, category, templates, basis, description and examples,
in the pack's order, under a table of all rules. The page is built from the loaded pack alone, so
the same pack always gives the same bytes.
"""

from __future__ import annotations

import html
from typing import Any

import yaml

from engine.outputs.base import SEVERITY_NAMES
from engine.rules.packs import Pack, Rule

KINDS = {"pass": "应通过", "fail": "应不通过", "not_applicable": "不适用", "not_evaluable": "无法评估"}
LEVELS = {"nationwide": "全国", "province": "省级", "prefecture": "地市级"}


class _Dumper(yaml.SafeDumper):
    """Block YAML whose texts of several lines are written as `|-` blocks, as authors write them."""


def _text(dumper: yaml.SafeDumper, value: str) -> Any:
    style = "|" if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _example_yaml(data: dict[str, Any]) -> str:
    """An example as its author would write it (block YAML, keys in the author's order)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=100).rstrip()


def _facts(rule: Rule) -> list[tuple[str, str]]:
    facts = [("严重程度", f"{SEVERITY_NAMES.get(rule.severity, rule.severity)}（{rule.severity}）"),
             ("类别", rule.category), ("适用模板", "、".join(rule.templates))]
    if rule.blocking:
        facts.append(("否决项", "是：不通过时报告等级受限"))
    facts.append(("依据", rule.basis))
    return facts


def _pack_facts(pack: Pack) -> list[tuple[str, str]]:
    return [("规则包", f"{pack.name} {pack.version}"), ("适用范围", pack.scope.describe() if pack.scope.level == "nationwide"
                                           else f"{pack.scope.describe()}（{LEVELS[pack.scope.level]}）"),
            ("适用模板", "、".join(pack.templates)), ("规则数", str(len(pack.rules)))]


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown(pack: Pack) -> str:
    """The pack as a Markdown page."""
    out = [f"# {pack.title}", ""]
    out += [f"- **{name}**：{value}" for name, value in _pack_facts(pack)] + [""]
    if pack.description:
        out += [" ".join(pack.description.split()), ""]
    out += ["## 规则一览", "", "| 代码 | 标题 | 严重程度 | 类别 |", "|---|---|---|---|"]
    out += [f"| [{r.code}](#{r.code.lower()}) | {_md_cell(r.title)} | {SEVERITY_NAMES.get(r.severity, r.severity)} "
            f"| {r.category} |" for r in pack.rules]
    for rule in pack.rules:
        out += ["", f'<a id="{rule.code.lower()}"></a>', "", f"## {rule.code} {rule.title}", ""]
        out += [f"- **{name}**：{value}" for name, value in _facts(rule)]
        if rule.description:
            out += ["", " ".join(rule.description.split())]
        for kind, label in KINDS.items():
            examples = [e for e in rule.examples if e.kind == kind]
            if not examples:
                continue
            out += ["", f"### 示例：{label}", ""]
            for number, example in enumerate(examples, 1):
                out += [f"{number}. （规则包第{example.line}行）", "", "   ```yaml"]
                out += ["   " + line if line else "" for line in _example_yaml(example.data).split("\n")]
                out += ["   ```", ""]
            out.pop()
    return "\n".join(out) + "\n"


STYLE = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.6;color:#222}table{border-collapse:collapse}th,td{border:1px solid #ccc;
padding:.2rem .5rem;text-align:left;vertical-align:top}pre{background:#f6f6f6;padding:.5rem;overflow-x:auto}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem}dt{font-weight:bold}dd{margin:0}"""


def _dl(facts: list[tuple[str, str]]) -> str:
    return "<dl>" + "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in facts) + "</dl>"


def html_page(pack: Pack) -> str:
    """The pack as a self-contained HTML page."""
    e = html.escape
    out = ['<!DOCTYPE html>', '<html lang="zh-CN">', '<head><meta charset="utf-8">',
           f"<title>{e(pack.title)}</title>", f"<style>{STYLE}</style></head>", "<body>",
           f"<h1>{e(pack.title)}</h1>", _dl(_pack_facts(pack))]
    if pack.description:
        out.append(f"<p>{e(' '.join(pack.description.split()))}</p>")
    out += ["<h2>规则一览</h2>", "<table><thead><tr><th>代码</th><th>标题</th><th>严重程度</th><th>类别</th></tr></thead><tbody>"]
    out += [f'<tr><td><a href="#{e(r.code.lower())}">{e(r.code)}</a></td><td>{e(r.title)}</td>'
            f"<td>{e(SEVERITY_NAMES.get(r.severity, r.severity))}</td><td>{e(r.category)}</td></tr>" for r in pack.rules]
    out.append("</tbody></table>")
    for rule in pack.rules:
        out += [f'<section id="{e(rule.code.lower())}">', f"<h2>{e(rule.code)} {e(rule.title)}</h2>", _dl(_facts(rule))]
        if rule.description:
            out.append(f"<p>{e(' '.join(rule.description.split()))}</p>")
        for kind, label in KINDS.items():
            examples = [x for x in rule.examples if x.kind == kind]
            if examples:
                out.append(f"<h3>示例：{e(label)}</h3><ol>")
                out += [f"<li>（规则包第{x.line}行）<pre>{e(_example_yaml(x.data))}</pre></li>" for x in examples]
                out.append("</ol>")
        out.append("</section>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


FORMATS = {"md": markdown, "html": html_page}
