"""The streaming writer interface every output format implements, and what the formats share.

A writer gets the scorecard header once (`start`), then one report entry at a time (`add`, with the
report text when there is one), then `finish`. Writers keep only running totals in memory; a format
that must put totals before the reports (junit, sarif, html) spools the reports to a temporary file.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from engine.rules.packs import Pack
from engine.scorecard.scoring import CATEGORIES, BatchSummary, rule_units

OUTCOME_NAMES = {"pass": "通过", "fail": "未通过", "not_applicable": "不适用", "not_evaluable": "无法评估",
                 "error": "规则出错"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
Target = IO[str] | IO[bytes] | str | Path


@dataclass(frozen=True)
class Options:
    """What the caller decides about presentation: colours (a terminal only) and passing rules shown."""

    color: bool = False
    verbose: bool = False


class Writer:
    """One output format: `start(header)`, `add(entry, text)` for each report, `finish()`."""

    name: ClassVar[str] = ""
    needs_file: ClassVar[bool] = False  # binary or multi-part formats cannot go to stdout
    uses_text: ClassVar[bool] = True  # whether `add` reads the report text (a batch skips reading it if not)
    description: ClassVar[str] = ""

    def __init__(self, target: Target, packs: Sequence[Pack] = (), options: Options | None = None):
        self.target = target
        self.packs = list(packs)
        self.options = options or Options()
        self.summary = BatchSummary()
        self.header: dict[str, Any] = {}
        self._owned: IO[Any] | None = None

    def start(self, header: dict[str, Any]) -> None:
        """Begin the output with the scorecard header (schemas/scorecard.schema.json)."""
        self.header = header

    def add(self, entry: dict[str, Any], text: str | None = None) -> None:
        """Write (or spool) one report entry; `text` is the report text its line numbers refer to."""
        self.summary.add(entry)

    def finish(self) -> None:
        """Write what only the whole batch knows and close what this writer opened."""
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def text_stream(self, encoding: str = "utf-8") -> IO[str]:
        """The target as a text stream: a file opened here (closed by finish), or the stream given."""
        if isinstance(self.target, (str, Path)):
            self._owned = open(self.target, "w", encoding=encoding, newline="")  # noqa: SIM115
            return self._owned
        return self.target  # type: ignore[return-value]


def spool() -> IO[str]:
    """A temporary text file for parts that are written out only at finish."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", newline="")


def copy_spool(spooled: IO[str], out: IO[str]) -> None:
    spooled.seek(0)
    while chunk := spooled.read(1 << 16):
        out.write(chunk)
    spooled.close()


def indented_json(value: Any, level: int) -> str:
    """`value` as two-space-indented JSON whose lines after the first are indented `level` steps more."""
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * level)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: Any) -> str:
    """Text without the characters XML 1.0 forbids (report text may hold any of them)."""
    return _XML_ILLEGAL.sub("\ufffd", "" if text is None else str(text))


def cell(value: Any) -> str:
    """A value as a csv cell: numbers in their JSON form, null as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def rule_columns(rules: Iterable[dict[str, Any]]) -> list[tuple[tuple[str, str], str]]:
    """(pack, code) and the column title of each rule: its code, or pack:code when codes clash."""
    rules = list(rules)
    codes = [rule["code"] for rule in rules]
    return [((rule["pack"], rule["code"]),
             rule["code"] if codes.count(rule["code"]) == 1 else f"{rule['pack']}:{rule['code']}")
            for rule in rules]


REPORT_COLUMNS = ("文件", "路径", "SHA-256", "机关", "年度", "模板", "省级", "地市级", "县级", "发布日期",
                  "得分", "等级", "按得分等级", "否决项", *CATEGORIES,
                  "未通过规则", "未通过结果", "无法评估规则", "规则出错", "无法读取")


def report_values(entry: dict[str, Any]) -> list[Any]:
    """One report's values for REPORT_COLUMNS (numbers stay numbers)."""
    meta = entry.get("meta") or {}
    region = meta.get("region") or {}
    source = entry.get("source") or {}
    score = entry.get("score") or {}
    categories = score.get("categories") or {}
    units = score.get("rules") or {}
    fails = sum(1 for r in entry.get("results") or () if r["outcome"] == "fail")
    return [
        source.get("name"), source.get("path"), source.get("sha256"), meta.get("agency"), meta.get("year"),
        entry.get("template"), region.get("province"), region.get("prefecture"), region.get("county"),
        meta.get("published_on"), score.get("score"), score.get("grade"), score.get("grade_by_score"),
        "、".join(b["code"] for b in score.get("blocked_by") or ()) or None,
        *[(categories.get(name) or {}).get("score") for name in CATEGORIES],
        units.get("fail"), fails if score else None, units.get("not_evaluable"), units.get("error"),
        entry.get("error"),
    ]


def rule_outcomes(entry: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(pack, code) → the rule's worst outcome in this report."""
    return {(unit.pack, unit.code): unit.outcome for unit in rule_units(entry.get("results") or ())}


def finding_lines(result: dict[str, Any]) -> str:
    """The source lines of a result, as 第163、179行 (empty when none)."""
    numbers = [str(loc["line"]) for loc in result.get("locations") or ()]
    return f"第{'、'.join(numbers)}行" if numbers else ""


def header_notes(header: dict[str, Any]) -> list[str]:
    """What the header says went wrong around the reports: packs that failed to load, files skipped."""
    notes = [f"规则包未能加载（其规则未检查）：{item['problem']}" for item in header.get("failed_packs") or ()]
    notes += [f"已跳过 {item['path']}：{item['reason']}" for item in header.get("skipped") or ()]
    return notes


def title_of(entry: dict[str, Any]) -> str:
    """A report's name for people: agency, year, file."""
    meta = entry.get("meta") or {}
    parts = [meta.get("agency") or "（未识别机关）"]
    if meta.get("year"):
        parts.append(f"{meta['year']}年度")
    return " ".join(parts)

