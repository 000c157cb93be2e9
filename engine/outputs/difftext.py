"""`nianbao diff` for people: each pair's reports, its findings by kind, then the changed cells."""

from __future__ import annotations

from typing import Any

ABSENT = "absent"  # engine.batch.diff.ABSENT: a cell the report's template does not have


def _show(value: Any) -> str:
    return "（无此项）" if value == ABSENT else "空" if value is None else str(value)


def _name(who: dict[str, Any] | None) -> str:
    if who is None:
        return "（无）"
    year = f" {who['year']}年度" if who.get("year") else ""
    score = f"  得分 {who['score']} {who.get('grade') or ''}".rstrip() if who.get("score") is not None else ""
    error = f"  无法读取：{who['error']}" if who.get("error") else ""
    return f"{who.get('agency') or '（未识别机关）'}{year}（{who.get('source')}）{score}{error}"


def render_text(data: dict[str, Any]) -> str:
    """The diff for people: each pair's reports, its findings by kind, then the changed cells."""
    lines: list[str] = []
    for item in data["pairs"]:
        lines += [f"旧 OLD: {_name(item['old'])}", f"新 NEW: {_name(item['new'])}"]
        findings = item["findings"]
        lines.append(f"问题：新增 {len(findings['new'])}，已解决 {len(findings['resolved'])}，"
                     f"仍存在 {len(findings['persisting'])}")
        for kind, word in (("new", "新增"), ("resolved", "已解决"), ("persisting", "仍存在")):
            for finding in findings[kind]:
                bound = "、".join(str(v) for v in (finding.get("binding") or {}).values())
                lines.append(f"  {word:<4} {finding['pack']}:{finding['code']} [{finding['severity']}] "
                             f"{finding['title']}{'（' + bound + '）' if bound else ''}")
                if finding.get("message"):
                    lines.append(f"         {finding['message']}")
        if item["tables"] is not None:
            lines.append(f"表格变化：{len(item['tables'])} 个单元格")
            for cell in item["tables"]:
                lines.append(f"  {cell['title']}: {_show(cell['old'])} → {_show(cell['new'])}")
        lines.append("")
    return "\n".join(lines)
