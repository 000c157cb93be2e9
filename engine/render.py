"""The scorecard as text for a terminal: failures first, each with its explanation and source line."""

from __future__ import annotations

from collections.abc import Callable, Iterable

OUTCOME_NAMES = {"pass": "通过", "fail": "未通过", "not_applicable": "不适用", "not_evaluable": "无法评估",
                 "error": "规则出错"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
_ORDER = {"fail": 0, "error": 1, "not_evaluable": 2, "not_applicable": 3, "pass": 4}
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


def report_text(entry: dict, source_lines: list[str] | None = None, style: Style = _plain,
                verbose: bool = False) -> str:
    """One report's block: heading, every failure (and, if verbose, every other result), counts."""
    lines = [_heading(entry, style)]
    if entry.get("error"):
        lines.append("  " + style(f"无法检查：{entry['error']}", fg="red"))
        return "\n".join(lines)
    shown = [r for r in entry["results"] if verbose or r["outcome"] in ("fail", "error", "not_evaluable")]
    shown.sort(key=lambda r: (_ORDER[r["outcome"]], _SEVERITY_ORDER.get(r["severity"], 3)))
    for result in shown:
        lines.extend(_result_lines(result, source_lines, style))
    summary = entry["summary"]
    lines.append("  " + " · ".join(f"{OUTCOME_NAMES[key]} {count}" for key, count in summary.items()))
    return "\n".join(lines)


def _heading(entry: dict, style: Style) -> str:
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


def _result_lines(result: dict, source_lines: list[str] | None, style: Style) -> list[str]:
    outcome = result["outcome"]
    colour = {"fail": "red" if result["severity"] == "error" else "yellow", "error": "magenta"}.get(outcome, "cyan")
    mark = {"fail": "✗", "error": "!", "not_evaluable": "?", "not_applicable": "-", "pass": "✓"}[outcome]
    severity = SEVERITY_NAMES.get(result["severity"], result["severity"])
    head = f"  {style(mark, fg=colour)} {style(result['code'], bold=True)} {severity} {result['title']}"
    if result.get("overridden"):
        head += f"（已由 {result['overridden']['by']} 调整）"
    lines = [head]
    if result.get("message") and outcome != "pass":
        lines.append(f"      {result['message']}")
    explanation = result.get("explanation") or {}
    if explanation.get("text"):
        lines.append("      " + style(explanation["text"], dim=True))
    if outcome == "not_evaluable" and result.get("blanks"):
        lines.append("      空白单元格：" + "、".join(result["blanks"][:6]) + (" …" if len(result["blanks"]) > 6 else ""))
    for line in _source_lines(explanation, source_lines):
        lines.append("      " + style(line, dim=True))
    return lines


def _source_lines(explanation: dict, source_lines: list[str] | None) -> Iterable[str]:
    """The report lines the failing values came from (at most three), quoted."""
    if not source_lines:
        return []
    numbers = sorted({leaf["line"] for operand in explanation.get("operands") or ()
                      for leaf in operand.get("leaves") or () if leaf.get("line")})
    quoted = []
    for number in numbers[:3]:
        if 0 < number <= len(source_lines):
            text = " ".join(source_lines[number - 1].split())
            quoted.append(f"第{number}行：{text[:70]}{'…' if len(text) > 70 else ''}")
    return quoted


def summary_line(entries: list[dict]) -> str:
    """One line for the whole batch."""
    failing = sum(1 for e in entries if any(r["outcome"] == "fail" and r["severity"] == "error"
                                            for r in e["results"]))
    unreadable = sum(1 for e in entries if e.get("error"))
    fails = sum(e["summary"]["fail"] for e in entries)
    return (f"{len(entries)} 份报告：{failing} 份有错误级问题，共 {fails} 项未通过"
            + (f"，{unreadable} 份无法读取" if unreadable else "") + "。")
