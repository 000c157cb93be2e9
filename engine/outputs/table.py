"""`--format table`: the scorecard for a terminal, failures first, each with its explanation and source line."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from engine.outputs.base import OUTCOME_NAMES, SEVERITY_NAMES, SEVERITY_RANK, Writer, header_notes
from engine.scorecard.scoring import CATEGORIES, Unit, rule_units

_ORDER = {"fail": 0, "error": 1, "not_evaluable": 2, "not_applicable": 3, "pass": 4}
_MARKS = {"fail": "✗", "error": "!", "not_evaluable": "?", "not_applicable": "-", "pass": "✓"}
_ANSI = {"red": 31, "green": 32, "yellow": 33, "magenta": 35, "cyan": 36}
PER_RULE = 5  # results shown per rule unless --verbose: C03 can fail on 23 rows of one report
# A source line holding only a number (a cell on a line of its own): the row title says more.
NUMBER_ONLY = re.compile(r"^[\s0-9０-９.,，．+\-－−%％万元件个项]*[0-9０-９][\s0-9０-９.,，．%％万元件个项]*$")
# A quoted literal long enough to drown the explanation (a spam regex, a list of note codes).
_LONG_QUOTED = re.compile(r"“[^”]{28,}”|\"[^\"]{28,}\"")
Style = Callable[..., str]


def plain(text: str, **_: object) -> str:
    return text


def ansi(text: str, fg: str | None = None, bold: bool = False, dim: bool = False) -> str:
    """`text` in ANSI colours (only ever used when the output is a terminal)."""
    codes = [str(_ANSI[fg])] if fg else []
    codes += ["1"] if bold else []
    codes += ["2"] if dim else []
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes else text


def shorten(text: str, width: int = 160) -> str:
    """An explanation line fit for a terminal: long quoted literals cut, the line at most `width`."""
    text = _LONG_QUOTED.sub(lambda m: m.group(0)[:21] + "…" + m.group(0)[-1], text)
    return text if len(text) <= width else text[: width - 1] + "…"


def report_text(entry: dict[str, Any], source_lines: list[str] | None = None, style: Style = plain,
                verbose: bool = False) -> str:
    """One report's block: heading, score, every failing rule (all rules if verbose), counts."""
    lines = [_heading(entry, style)]
    if entry.get("error"):
        lines.append("  " + style(f"无法检查：{entry['error']}", fg="red"))
        return "\n".join(lines)
    if entry.get("score"):
        lines.append("  " + _score_line(entry["score"], style))
    by_rule: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for result in entry["results"]:
        by_rule.setdefault((result["pack"], result["code"]), []).append(result)
    units = list(enumerate(rule_units(entry["results"])))
    shown = [(i, u) for i, u in units if verbose or u.outcome in ("fail", "error", "not_evaluable")]
    shown.sort(key=lambda iu: (_ORDER[iu[1].outcome], SEVERITY_RANK.get(iu[1].severity, 3), iu[0]))
    for _, unit in shown:
        lines.extend(_unit_lines(unit, by_rule[(unit.pack, unit.code)], source_lines, style, verbose))
    summary = entry["summary"]
    lines.append("  " + " · ".join(f"{OUTCOME_NAMES[key]} {count}" for key, count in summary.items()))
    return "\n".join(lines)


def _heading(entry: dict[str, Any], style: Style) -> str:
    meta = entry.get("meta") or {}
    region = meta.get("region") or {}
    parts = [meta.get("agency") or "（未识别机关）"]
    if meta.get("year"):
        parts.append(f"{meta['year']}年度")
    if entry.get("template"):
        parts.append(f"{entry['template']}版模板")
    where = "".join(filter(None, (region.get("province"), region.get("prefecture"), region.get("county"))))
    if where:
        parts.append(where)
    return style(entry["source"]["name"], bold=True) + "  " + " · ".join(parts)


def _number(value: Any) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _score_line(score: dict[str, Any], style: Style) -> str:
    grade = score.get("grade")
    colour = {"优": "green", "良": "green", "中": "yellow", "差": "red"}.get(grade or "", "cyan")
    head = f"得分 {_number(score['score'])}" + (f"（{grade}）" if grade else "（无可计分的规则）")
    parts = [style(head, fg=colour, bold=True)]
    parts += [f"{name} {_number(score['categories'][name]['score'])}" for name in CATEGORIES]
    line = " · ".join(parts)
    if score.get("blocked_by"):
        codes = "、".join(item["code"] for item in score["blocked_by"])
        line += style(f"；否决项 {codes} 未通过，等级至多为{score['weights']['blocking_grade']}", fg="red")
    excluded = [f"{OUTCOME_NAMES[key]} {score['rules'][key]}" for key in ("not_evaluable", "error")
                if score["rules"][key]]
    if excluded:
        line += "；不计分：" + "、".join(excluded)
    return line


def _unit_lines(unit: Unit, results: list[dict[str, Any]], source_lines: list[str] | None, style: Style,
                verbose: bool) -> list[str]:
    outcome = unit.outcome
    colour = {"fail": "red" if unit.severity == "error" else "yellow", "error": "magenta",
              "pass": "green"}.get(outcome, "cyan")
    severity = SEVERITY_NAMES.get(unit.severity, unit.severity)
    detailed = [r for r in results if r["outcome"] in ("fail", "error", "not_evaluable")]
    head = f"  {style(_MARKS[outcome], fg=colour)} {style(unit.code, bold=True)} {severity} {unit.title}"
    if len(detailed) > 1:
        head += f"（{len(detailed)} 处）"
    if unit.blocking and outcome == "fail":
        head += style("［否决项］", fg="red")
    overridden = results[0].get("overridden")
    if overridden:
        head += f"（已由 {overridden['by']} 调整）"
    lines = [head]
    limit = len(detailed) if verbose else PER_RULE
    for result in detailed[:limit]:
        lines.extend(_result_lines(result, source_lines, style))
    if len(detailed) > limit:
        lines.append("      " + style(f"… 另有 {len(detailed) - limit} 处（-v 显示全部）", dim=True))
    return lines


def _result_lines(result: dict[str, Any], source_lines: list[str] | None, style: Style) -> list[str]:
    lines = []
    message = result.get("message") or ""
    if message:
        lines.append("      " + (message if len(message) <= 300 else message[:299] + "…"))
    explanation = result.get("explanation") or {}
    if explanation.get("text"):
        lines.append("      " + style(shorten(explanation["text"]), dim=True))
    if result["outcome"] == "not_evaluable" and result.get("blanks"):
        blanks = result["blanks"]
        lines.append("      空白单元格：" + "、".join(blanks[:6]) + (" …" if len(blanks) > 6 else ""))
    for line in source_quotes(result, source_lines):
        lines.append("      " + style(line, dim=True))
    return lines


def source_quotes(result: dict[str, Any], source_lines: list[str] | None, limit: int = 3) -> list[str]:
    """The report lines the result's values came from (at most `limit`), each as 第N行：…."""
    quoted = []
    for location in (result.get("locations") or ())[:limit]:
        text = quote_location(location, source_lines, needle=needle(result, location))
        if text:
            quoted.append(f"第{location['line']}行：{text}")
    return quoted


def needle(result: dict[str, Any], location: dict[str, Any]) -> str | None:
    """The text a message quotes just before naming a line, e.g. 体球网 in 体球网（第15行）."""
    if location.get("via") != "message":
        return None
    found = re.search(rf"([^\s、，。：“”（）()]{{2,30}})[（(]第\s*{location['line']}\s*行", result.get("message") or "")
    return found.group(1) if found else None


def quote_location(location: dict[str, Any], source_lines: list[str] | None, width: int = 70,
                   needle: str | None = None) -> str:
    """What to show of a location's line: the line itself, or its value's row title and value.

    A line that holds only a number (a cell on a line of its own) says nothing alone; a long line
    is cut around `needle` (what the message quotes from it) when it holds it.
    """
    number = location["line"]
    text = ""
    if source_lines and 0 < number <= len(source_lines):
        text = " ".join(source_lines[number - 1].split())
    title = location.get("title")
    if title and (not text or NUMBER_ONLY.match(text)):
        parts = title.split(" · ")
        shown = " · ".join(parts[1:] if len(parts) >= 3 else parts)
        value = location.get("value")
        return f"{shown} = {value}" if value is not None else shown
    if len(text) <= width:
        return text
    at = text.find(needle) if needle else -1
    if at < 0:
        return text[:width] + "…"
    start = max(0, min(at - (width - len(needle)) // 2, len(text) - width))
    return ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(text) else "")


def summary_line(summary: Any) -> str:
    """One line for the whole batch, with its scores."""
    fails = sum(summary.findings.values())
    line = f"{summary.reports} 份报告：{summary.reports_failing['error']} 份有错误级问题，共 {fails} 项未通过"
    if summary.unreadable:
        line += f"，{summary.unreadable} 份无法读取"
    mean = summary.mean_score
    if mean is not None:
        grades = " · ".join(f"{name} {count}" for name, count in summary.grades.items())
        line += f"；平均得分 {mean:f}（{grades}）"
    if summary.rule_errors:
        line += f"；规则出错 {summary.rule_errors} 条（不计分）"
    return line + "。"


class TableWriter(Writer):
    """Text for a terminal; colours only when the caller says the output is one."""

    name = "table"
    description = "terminal text (default)"

    def start(self, header: dict[str, Any]) -> None:
        super().start(header)
        self.stream = self.text_stream()
        self.style: Style = ansi if self.options.color else plain

    def add(self, entry: dict[str, Any], text: str | None = None) -> None:
        super().add(entry, text)
        lines = text.split("\n") if text else None
        self.stream.write(report_text(entry, lines, self.style, self.options.verbose) + "\n\n")

    def finish(self) -> None:
        for note in header_notes(self.header):
            self.stream.write(self.style(note, fg="red") + "\n")
        self.stream.write(summary_line(self.summary) + "\n")
        self.stream.flush()
        super().finish()
