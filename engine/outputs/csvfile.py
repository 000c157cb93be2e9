"""`--format csv`: one row per report, one column per rule (its worst outcome), plus the scores.

Written as UTF-8 with a byte order mark and CRLF line ends, which is what Excel and WPS need to read
Chinese text from a csv file correctly.
"""

from __future__ import annotations

import csv
from typing import Any

from engine.outputs.base import OUTCOME_NAMES, REPORT_COLUMNS, Writer, cell, report_values, rule_columns, rule_outcomes

# A cell starting with one of these is run as a formula by spreadsheet programs; report text is
# hostile, so such text is written with a leading apostrophe (OWASP's advice for csv injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: Any) -> str:
    """A csv cell that a spreadsheet will show as text, never run."""
    text = cell(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


class CsvWriter(Writer):
    """A spreadsheet-ready table, streamed row by row."""

    name = "csv"
    description = "one row per report, one column per rule (UTF-8 with BOM, for Excel/WPS)"

    def start(self, header: dict[str, Any]) -> None:
        super().start(header)
        self.stream = self.text_stream(encoding="utf-8-sig")
        if not isinstance(self.target, (str, bytes)) and not hasattr(self.target, "__fspath__"):
            self.stream.write("\ufeff")  # a stream given to us: write the BOM ourselves
        self.columns = rule_columns(header["rules"])
        self.csv = csv.writer(self.stream, lineterminator="\r\n")
        self.csv.writerow([*REPORT_COLUMNS, *(title for _, title in self.columns)])

    def add(self, entry: dict[str, Any], text: str | None = None) -> None:
        super().add(entry, text)
        outcomes = rule_outcomes(entry)
        rules = [OUTCOME_NAMES.get(outcomes.get(key, ""), "") for key, _ in self.columns]
        self.csv.writerow([safe(value) for value in report_values(entry)] + rules)

    def finish(self) -> None:
        self.stream.flush()
        super().finish()
