"""Output formats of `nianbao check`: a registry of streaming writers, one module per format.

    writer = FORMATS["json"](stream_or_path, packs, Options())
    writer.start(header)          # engine.scorecard.entry.checker_header(checker)
    for entry, text in checked:   # engine.batch.single.check_input(checker, path)
        writer.add(entry, text)
    writer.finish()               # writer.summary: the batch's totals (engine.scorecard.scoring.BatchSummary)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from engine.outputs.base import Options, Target, Writer
from engine.outputs.csvfile import CsvWriter
from engine.outputs.htmlpage import HtmlWriter
from engine.outputs.jsonfile import JsonWriter
from engine.outputs.jsonl import JsonLinesWriter
from engine.outputs.junit import JunitWriter
from engine.outputs.sarif import SarifWriter
from engine.outputs.table import TableWriter
from engine.outputs.xlsx import XlsxWriter
from engine.rules.packs import Pack
from engine.scorecard.scoring import BatchSummary

FORMATS: dict[str, type[Writer]] = {
    writer.name: writer
    for writer in (TableWriter, JsonWriter, JsonLinesWriter, CsvWriter, XlsxWriter, JunitWriter, SarifWriter,
                   HtmlWriter)
}


def write(format_name: str, items: Iterable[tuple[dict[str, Any], str | None]], header: dict[str, Any],
          target: Target, packs: Sequence[Pack] = (), options: Options | None = None) -> BatchSummary:
    """Write every (entry, report text) in `items` in one format; return the batch's totals."""
    writer = FORMATS[format_name](target, packs, options)
    writer.start(header)
    for entry, text in items:
        writer.add(entry, text)
    writer.finish()
    return writer.summary


__all__ = ["FORMATS", "Options", "Writer", "write"]
