"""`--format xlsx`: the workbook an evaluator opens in Excel or WPS.

Sheets: 报告 (one row per report: scores and each rule's worst outcome), 问题 (every finding), one
sheet per category (its score and its rules), and 规则 (the rules and how many reports fail each).
Every sheet has a frozen header row and auto-filters. openpyxl's write-only mode streams rows to
temporary files, so a large batch does not sit in memory; the zip is then rewritten with fixed
timestamps so that the same results always give the same bytes.
"""

from __future__ import annotations

import datetime
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from engine.outputs.base import (OUTCOME_NAMES, REPORT_COLUMNS, SEVERITY_NAMES, Writer, finding_lines,
                                 report_values, rule_columns, rule_outcomes)
from engine.scorecard.scoring import CATEGORIES

_EPOCH = datetime.datetime(2000, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
FINDING_COLUMNS = ("文件", "机关", "年度", "省级", "得分", "等级", "规则包", "代码", "规则", "严重程度", "类别",
                   "否决项", "消息", "说明", "原文行", "结果标识")
CATEGORY_COLUMNS = ("文件", "机关", "年度", "省级", "类别得分", "所得权重", "可得权重")
RULE_COLUMNS = ("规则包", "代码", "名称", "规则", "严重程度", "类别", "否决项", "依据", "未通过报告数", "未通过结果数")
_MAX_CELL = 32767  # Excel's limit on the characters of one cell


class XlsxWriter(Writer):
    """An .xlsx workbook (needs -o FILE)."""

    name = "xlsx"
    needs_file = True
    description = "Excel workbook: reports, findings, a sheet per category, rules (needs -o FILE)"

    def start(self, header: dict[str, Any]) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Font, PatternFill

        super().start(header)
        if not isinstance(self.target, (str, Path)):
            raise ValueError("xlsx is written to a file: give -o FILE")
        self.book = Workbook(write_only=True)
        self.bold, self.grey = Font(bold=True), PatternFill("solid", fgColor="DDDDDD")
        self.red = Font(color="C00000")
        self.columns = rule_columns(header["rules"])
        by_key = {(r["pack"], r["code"]): r for r in header["rules"]}
        self.category_columns = {name: [(key, title) for key, title in self.columns
                                        if by_key[key]["category"] == name] for name in CATEGORIES}
        self.rows: dict[str, int] = {}
        self.sheets = {}
        widths = [28, 24, 16, 24, 6, 6, 10, 10, 10, 11]
        self._sheet("报告", [*REPORT_COLUMNS, *(t for _, t in self.columns)], widths, freeze="B2")
        self._sheet("问题", FINDING_COLUMNS, [28, 24, 6, 10, 6, 6, 10, 6, 30, 8, 8, 6, 60, 50, 14, 18], freeze="B2")
        for name in CATEGORIES:
            self._sheet(name, [*CATEGORY_COLUMNS, *(t for _, t in self.category_columns[name])],
                        [28, 24, 6, 10, 8, 8, 8], freeze="B2")
        self._sheet("规则", RULE_COLUMNS, [10, 8, 28, 40, 8, 8, 6, 60, 12, 12], freeze="C2")

    def _sheet(self, title: str, columns: Any, widths: list[int], freeze: str) -> None:
        from openpyxl.utils import get_column_letter

        sheet = self.book.create_sheet(title)
        for index, width in enumerate(widths, 1):  # before the first row: write-only sheets write cols first
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = freeze
        self.sheets[title] = sheet
        self.rows[title] = 0
        self._row(title, list(columns), header=True)

    def _row(self, title: str, values: list[Any], header: bool = False) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        sheet = self.sheets[title]
        cells = []
        for value in values:
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:_MAX_CELL]
            item = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                item.data_type = "s"  # report text starting with = is text, never a formula
            if header:
                item.font, item.fill = self.bold, self.grey
            elif value == OUTCOME_NAMES["fail"]:
                item.font = self.red
            cells.append(item)
        sheet.append(cells)
        self.rows[title] += 1

    def add(self, entry: dict[str, Any], text: str | None = None) -> None:
        super().add(entry, text)
        outcomes = rule_outcomes(entry)
        values = report_values(entry)
        self._row("报告", values + [OUTCOME_NAMES.get(outcomes.get(key, ""), "") for key, _ in self.columns])
        meta = entry.get("meta") or {}
        region = meta.get("region") or {}
        score = entry.get("score") or {}
        who = [entry["source"]["name"], meta.get("agency"), meta.get("year"), region.get("province")]
        for result in entry.get("results") or ():
            if result["outcome"] != "fail":
                continue
            self._row("问题", who + [
                score.get("score"), score.get("grade"), result["pack"], result["code"], result["title"],
                SEVERITY_NAMES[result["severity"]], result["category"], "是" if result["blocking"] else "",
                result.get("message"), (result.get("explanation") or {}).get("text"), finding_lines(result),
                result["id"]])
        for name in CATEGORIES:
            tally = (score.get("categories") or {}).get(name) or {}
            self._row(name, who + [tally.get("score"), tally.get("earned"), tally.get("possible")]
                      + [OUTCOME_NAMES.get(outcomes.get(key, ""), "") for key, _ in self.category_columns[name]])

    def finish(self) -> None:
        from openpyxl.utils import get_column_letter

        for rule in self.header["rules"]:
            title, reports, fails = self.summary.by_rule.get((rule["pack"], rule["code"]), ["", 0, 0])
            self._row("规则", [rule["pack"], rule["code"], rule["name"], rule["title"],
                              SEVERITY_NAMES[rule["severity"]], rule["category"], "是" if rule["blocking"] else "",
                              rule["basis"], reports, fails])
        counts = {"报告": len(REPORT_COLUMNS) + len(self.columns), "问题": len(FINDING_COLUMNS),
                  "规则": len(RULE_COLUMNS)}
        counts.update({name: len(CATEGORY_COLUMNS) + len(self.category_columns[name]) for name in CATEGORIES})
        for title, sheet in self.sheets.items():
            sheet.auto_filter.ref = f"A1:{get_column_letter(counts[title])}{max(self.rows[title], 1)}"
        self.book.properties.created = _EPOCH
        self.book.properties.creator = "nianbao"
        self.book.save(self.target)
        _fix_zip_times(Path(self.target))
        super().finish()


def _fix_zip_times(path: Path) -> None:
    """Rewrite the workbook's zip with one fixed timestamp on every member (byte-identical output)."""
    temporary = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time as "modified"
                data = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)
            out.writestr(fixed, data)
    os.replace(temporary, path)
