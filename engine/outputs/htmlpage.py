"""`--format html`: one self-contained page: the batch overview, then a section per report.

Each finding links to the report text around the line its values came from: an excerpt is shown
under the finding, and the whole text sits collapsed at the end of the report's section, one
anchor per line. Everything from a report is escaped (report pages are defaced with injected spam
and worse), and a Content-Security-Policy lets only the page's own script run and nothing load.
Report sections and index rows are spooled to temporary files; the overview needs the totals.
"""

from __future__ import annotations

from html import escape
from typing import Any

from engine.inputs import HTML_GENERATOR  # how a folder walk recognises this page
from engine.outputs import charts
from engine.outputs.base import (OUTCOME_NAMES, SEVERITY_NAMES, SEVERITY_RANK, Writer, copy_spool, header_notes,
                                 spool, title_of, xml_safe)
from engine.outputs.htmlassets import CSS, JS, csp
from engine.outputs.table import NUMBER_ONLY, needle, quote_location, shorten
from engine.scorecard.scoring import CATEGORIES, GRADES, mean, rule_units

CONTEXT = 2  # lines of report text shown before and after a finding's line
EXCERPTS = 3  # excerpts shown per finding (its first locations)


def esc(value: Any) -> str:
    """Text for html: escaped, quotes included, with characters no document may hold replaced."""
    return escape(xml_safe(value), quote=True)


def _number(value: Any) -> str:
    return "—" if value is None else esc(f"{value:g}" if isinstance(value, float) else value)


def _grade(grade: str | None) -> str:
    return f'<span class="grade g-{esc(grade) if grade else "none"}">{esc(grade or "—")}</span>'


class HtmlWriter(Writer):
    """A single html file (needs -o FILE)."""

    name = "html"
    needs_file = True
    description = "one self-contained html page: overview charts and every report's findings (needs -o FILE)"

    def start(self, header: dict[str, Any]) -> None:
        super().start(header)
        self.sections, self.index = spool(), spool()
        self.count = 0

    def add(self, entry: dict[str, Any], text: str | None = None) -> None:
        super().add(entry, text)
        self.count += 1
        anchor = f"r{self.count}"
        lines = text.split("\n") if text else None
        self.index.write(self._index_row(entry, anchor))
        self.sections.write(self._section(entry, anchor, lines))

    def finish(self) -> None:
        out = self.text_stream()
        packs = " · ".join(f"{esc(p['name'])} {esc(p['version'])}" for p in self.header.get("packs", ()))
        out.write('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
                  f'<meta http-equiv="Content-Security-Policy" content="{esc(csp())}">\n'
                  '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                  f"{HTML_GENERATOR}\n"
                  "<title>政府信息公开工作年度报告检查结果</title>\n"
                  f"<style>{CSS}</style>\n</head>\n<body>\n"
                  '<header class="top"><h1>政府信息公开工作年度报告检查结果</h1>'
                  f"<p>nianbao {esc(self.header.get('engine', ''))} · 规则包 {packs} · "
                  f"{self.summary.reports} 份报告</p>"
                  + "".join(f'<p class="warn">{esc(note)}</p>' for note in header_notes(self.header))
                  + "</header>\n"
                  '<nav class="toc"><a href="#overview">总览</a><a href="#index">报告列表</a></nav>\n<main>\n')
        out.write(self._overview())
        out.write('<section class="block" id="index"><h2>报告列表</h2>'
                  '<p><input id="filter" type="search" placeholder="筛选：机关、地区、文件名…" size="40"></p>'
                  "<table><thead><tr><th>#</th><th>文件</th><th>机关</th><th>年度</th><th>地区</th>"
                  "<th>得分</th><th>等级</th><th>未通过规则</th></tr></thead><tbody>\n")
        copy_spool(self.index, out)
        out.write("</tbody></table></section>\n")
        copy_spool(self.sections, out)
        out.write(f"</main>\n<script>{JS}</script>\n</body>\n</html>\n")
        out.flush()
        super().finish()

    # --- overview ------------------------------------------------------------------------------

    def _overview(self) -> str:
        s = self.summary
        mean_score = s.mean_score
        tiles = [("报告", s.reports), ("无法读取", s.unreadable),
                 ("平均得分", "—" if mean_score is None else f"{mean_score:f}"),
                 *[(f"等级 {g}", s.grades[g]) for g in GRADES],
                 ("未通过（错误）", s.findings["error"]), ("未通过（警告）", s.findings["warning"]),
                 ("规则出错（不计分）", s.rule_errors)]
        parts = ['<section class="block" id="overview"><h2>总览</h2><div class="tiles">']
        parts += [f'<div class="tile"><b>{esc(v)}</b><span>{esc(k)}</span></div>' for k, v in tiles]
        parts.append('</div><div class="charts">')
        labels = [f"{10 * i}–{10 * i + 9}" if i < 9 else "90–100" for i in range(10)]
        parts.append(self._figure("得分分布", charts.histogram(s.histogram, labels, "得分分布")))
        rules = sorted(s.by_rule.items(), key=lambda kv: (-kv[1][1], kv[0]))
        items = [(f"{code} {title}", reports, f"{reports} 份 / {fails} 处") for (_, code), (title, reports, fails)
                 in rules]
        parts.append(self._figure("各规则未通过的报告数", charts.bars(items, "各规则未通过的报告数",
                                                                   maximum=s.reports or 1)))
        parts.append(self._figure("各省（区、市）平均得分", self._group_chart(s.by_province, "各省（区、市）平均得分")))
        parts.append(self._figure("各年度平均得分", self._group_chart(s.by_year, "各年度平均得分")))
        parts.append("</div></section>\n")
        return "".join(parts)

    @staticmethod
    def _figure(caption: str, body: str) -> str:
        return f"<figure><figcaption>{esc(caption)}</figcaption>{body}</figure>"

    @staticmethod
    def _group_chart(groups: dict[str, list[Any]], caption: str) -> str:
        items = []
        for key in sorted(groups):
            reports, scored, total, fails = groups[key]
            average = mean(total, scored)
            shown = f"均分 {'—' if average is None else f'{average:f}'} · {reports} 份 · 未通过 {fails} 处"
            items.append((key, float(average or 0), shown))
        return charts.bars(items, caption, maximum=100, label_width=140)

    # --- one report ----------------------------------------------------------------------------

    @staticmethod
    def _index_row(entry: dict[str, Any], anchor: str) -> str:
        meta = entry.get("meta") or {}
        region = meta.get("region") or {}
        score = entry.get("score") or {}
        where = "".join(filter(None, (region.get("province"), region.get("prefecture"), region.get("county"))))
        fails = (score.get("rules") or {}).get("fail")
        return (f'<tr><td class="num">{esc(anchor[1:])}</td><td><a href="#{anchor}">{esc(entry["source"]["name"])}</a>'
                f"</td><td>{esc(meta.get('agency') or ('无法读取' if entry.get('error') else '（未识别）'))}</td>"
                f"<td>{esc(meta.get('year') or '')}</td><td>{esc(where)}</td>"
                f'<td class="num">{_number(score.get("score"))}</td><td>{_grade(score.get("grade"))}</td>'
                f'<td class="num">{_number(fails)}</td></tr>\n')

    def _section(self, entry: dict[str, Any], anchor: str, lines: list[str] | None) -> str:
        source = entry.get("source") or {}
        meta = entry.get("meta") or {}
        score = entry.get("score") or {}
        parts = [f'<section class="report" id="{anchor}"><h2>{_grade(score.get("grade"))} {esc(title_of(entry))}'
                 f' <small class="muted">{esc(source.get("name"))}</small></h2>']
        region = meta.get("region") or {}
        facts = [f"{entry['template']}版模板" if entry.get("template") else None,
                 "".join(filter(None, (region.get("province"), region.get("prefecture"), region.get("county")))),
                 f"发布日期 {meta['published_on']}" if meta.get("published_on") else None,
                 f"SHA-256 {source['sha256']}" if source.get("sha256") else None]
        parts.append(f'<p class="meta">{esc(" · ".join(f for f in facts if f))}</p>')
        if entry.get("error"):
            parts.append(f'<p class="blocked">无法检查：{esc(entry["error"])}</p></section>\n')
            return "".join(parts)
        parts.append(self._score(score))
        results = entry.get("results") or []
        groups = [("问题", "fail"), ("规则出错（不计入得分，不是报告的问题）", "error"),
                  ("无法评估（不计入得分）", "not_evaluable")]
        for heading, outcome in groups:
            chosen = [r for r in results if r["outcome"] == outcome]
            if outcome == "fail":
                chosen.sort(key=lambda r: SEVERITY_RANK[r["severity"]])  # stable: rule order within a severity
            if chosen or outcome == "fail":
                parts.append(f"<h3>{esc(heading)}（{len(chosen)}）</h3>")
                parts.append(f'<ol class="findings">{"".join(self._finding(r, anchor, lines) for r in chosen)}</ol>'
                             if chosen else '<p class="muted">没有未通过的规则。</p>')
        parts.append(self._other_rules(results))
        notes = entry.get("notes") or []
        if notes:
            items = "".join(f"<li>{self._line_link(anchor, n.get('line'), lines)}{esc(n.get('message'))}"
                            f' <span class="muted">{esc(n.get("code"))}</span></li>' for n in notes)
            parts.append(f"<details><summary>转换与检查说明（{len(notes)}）</summary><ul>{items}</ul></details>")
        if lines:
            body = "".join(f'<span class="ln" id="{anchor}-L{i}"><i class="n">{i}</i>{esc(text)}</span>'
                           for i, text in enumerate(lines, 1))
            parts.append(f'<details class="source"><summary>原文（共 {len(lines)} 行）</summary>'
                         f'<pre class="src">{body}</pre></details>')
        parts.append("</section>\n")
        return "".join(parts)

    @staticmethod
    def _score(score: dict[str, Any]) -> str:
        if not score:
            return ""
        cats = []
        for name in CATEGORIES:
            value = score["categories"][name]["score"]
            width = 0 if value is None else value
            cats.append(f'<div class="cat">{esc(name)} <b>{_number(value)}</b><div class="track">'
                        f'<div class="fill" style="width:{width:g}%"></div></div></div>')
        rules = score["rules"]
        # not "scored rules": a cross-report rule that passed is not scored (docs/scoring.md)
        counted = f"通过 {rules['pass']}，未通过 {rules['fail']}"
        left_out = "；".join(f"{OUTCOME_NAMES[k]} {rules[k]}" for k in ("not_applicable", "not_evaluable", "error"))
        out = (f'<p>得分 <b>{_number(score["score"])}</b>（{esc(score["earned"])} / {esc(score["possible"])}） '
               f"等级 {_grade(score['grade'])} · {esc(counted)} · 不计分：{esc(left_out)}</p>"
               f'<div class="cats">{"".join(cats)}</div>')
        if score.get("blocked_by"):
            codes = "、".join(f"{b['code']} {b['title']}" for b in score["blocked_by"])
            out += (f'<p class="blocked">否决项未通过：{esc(codes)}；按得分为 {esc(score["grade_by_score"])}，'
                    f"等级至多为 {esc(score['weights']['blocking_grade'])}</p>")
        return out

    @staticmethod
    def _line_link(anchor: str, line: Any, lines: list[str] | None) -> str:
        if isinstance(line, int) and lines and 0 < line <= len(lines):
            return f'<a href="#{anchor}-L{line}">第{line}行</a> '
        return ""

    def _finding(self, result: dict[str, Any], anchor: str, lines: list[str] | None) -> str:
        severity = result["severity"]
        kind = "rule-error" if result["outcome"] == "error" else severity
        badges = f'<span class="badge {kind}">{esc(SEVERITY_NAMES[severity])}</span>'
        if result.get("blocking") and result["outcome"] == "fail":
            badges += ' <span class="badge blocking">否决项</span>'
        parts = [f'<li class="finding sev-{severity} out-{result["outcome"]}" id="{anchor}-{esc(result["id"])}">'
                 f"<div>{badges} <b>{esc(result['code'])}</b> {esc(result['title'])}"
                 f' <span class="muted">{esc(result["category"])} · {esc(result["pack"])}</span></div>']
        if result.get("message"):
            parts.append(f'<p class="msg">{esc(result["message"])}</p>')
        explanation = (result.get("explanation") or {}).get("text")
        if explanation:
            parts.append(f'<p class="expl" title="{esc(explanation)}">{esc(shorten(explanation, 400))}</p>')
        if result["outcome"] == "not_evaluable" and result.get("blanks"):
            parts.append(f'<p class="where">空白单元格：{esc("、".join(result["blanks"]))}</p>')
        locations = result.get("locations") or []
        if locations:
            links = [(self._line_link(anchor, loc["line"], lines) or f"第{loc['line']}行 ")
                     + esc(quote_location(loc, lines, 120, needle(result, loc))) for loc in locations]
            parts.append(f'<p class="where">原文：{"；".join(links)}</p>')
            parts.append(self._excerpts(locations[:EXCERPTS], anchor, lines))
        if result.get("overridden"):
            o = result["overridden"]
            change = "停用" if o.get("disable") else f"严重程度由 {o.get('original_severity')} 改为 {o.get('severity')}"
            parts.append(f'<p class="where">已由规则包 {esc(o["by"])} {esc(change)}：{esc(o["reason"])}</p>')
        parts.append(f'<p class="fid">结果标识 {esc(result["id"])}</p></li>')
        return "".join(parts)

    @staticmethod
    def _excerpts(locations: list[dict[str, Any]], anchor: str, lines: list[str] | None) -> str:
        if not lines:
            return ""
        hits = sorted({loc["line"] for loc in locations if 0 < loc["line"] <= len(lines)})
        # the value each hit line holds, named: a line of just "0" means nothing without its row
        notes = {loc["line"]: quote_location({**loc, "line": 0}, None) for loc in locations
                 if loc.get("title") and loc["line"] in hits and NUMBER_ONLY.match(lines[loc["line"] - 1])}
        ranges: list[list[int]] = []
        for line in hits:  # merge overlapping windows so a line is never shown twice
            start, end = max(1, line - CONTEXT), min(len(lines), line + CONTEXT)
            if ranges and start <= ranges[-1][1] + 1:
                ranges[-1][1] = max(ranges[-1][1], end)
            else:
                ranges.append([start, end])
        blocks = []
        for start, end in ranges:
            rows = []
            for number in range(start, end + 1):
                cls = ' class="hit"' if number in hits else ""
                note = f'<em class="ann">← {esc(notes[number])}</em>' if number in notes else ""
                rows.append(f'<span{cls}><a class="n" href="#{anchor}-L{number}">{number}</a>'
                            f"{esc(lines[number - 1])}{note}</span>")
            blocks.append(f'<pre class="excerpt">{"".join(rows)}</pre>')
        return "".join(blocks)

    @staticmethod
    def _other_rules(results: list[dict[str, Any]]) -> str:
        units = [u for u in rule_units(results) if u.outcome in ("pass", "not_applicable")]
        if not units:
            return ""
        rows = "".join(f"<tr><td>{esc(u.code)}</td><td>{esc(u.title)}</td><td>{esc(OUTCOME_NAMES[u.outcome])}</td>"
                       f"<td>{esc(SEVERITY_NAMES[u.severity])}</td><td>{esc(u.category)}</td></tr>" for u in units)
        passed = sum(1 for u in units if u.outcome == "pass")
        return (f"<details><summary>其他规则：通过 {passed} · 不适用 {len(units) - passed}</summary>"
                f"<table><thead><tr><th>代码</th><th>规则</th><th>结果</th><th>严重程度</th><th>类别</th></tr></thead>"
                f"<tbody>{rows}</tbody></table></details>")
