"""Benchmark: conversion rate per input format (text, HTML page, DOCX) on the synthetic corpus.

usage: python -m bench.formats_bench [--n 200] [--seed 0] [--json]

Each corpus report (bench/corpus.py) is written three ways: its text as the corpus renders it, a
portal page and a Word file (bench/formats_render.py, styles taken in turn). Files are made first
and not timed; then each format's files are converted in turn and timed. Reported per format:
reports/s and MB/s on one core, ms per report, and how many conversions differ from the text
conversion of the same report (they should not: every format extracts to the same table rows).
DOCX needs python-docx (the `test` extra) to be written.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `bench` and `engine` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import compare, iter_reports, make_report
from bench.formats_render import DOC_STYLES, STYLES, document_blocks, docx_file, html_page
from bench.render import render

FORMATS = ("text", "html", "docx")


def files(n: int, seed: int) -> dict[str, list[tuple[str, bytes, dict]]]:
    """Reports 0..n-1 as (name, bytes, document) per format."""
    out: dict[str, list[tuple[str, bytes, dict]]] = {kind: [] for kind in FORMATS}
    for index, report in enumerate(iter_reports(n, seed)):
        blocks = document_blocks(report.document)
        stem = report.name.rsplit(".", 1)[0]
        out["text"].append((report.name, report.text.encode(), report.document))
        out["html"].append((f"{stem}.html", html_page(blocks, STYLES[index % len(STYLES)]), report.document))
        out["docx"].append((f"{stem}.docx", docx_file(blocks, DOC_STYLES[index % 3]), report.document))
    return out


def run(n: int, seed: int) -> dict[str, Any]:
    """Convert every file of every format; rate, size and agreement with text per format."""
    from engine.convert.pipeline import convert
    from engine.errors import InputError

    warm = make_report(seed + 1, 0)  # lazy loads (gazetteer, lxml) are not the per-report cost
    for data in (warm.text.encode(), html_page(document_blocks(warm.document)),
                 docx_file(document_blocks(warm.document))):
        convert(data, "warm")
    corpus = files(n, seed)
    results: dict[str, Any] = {}
    for kind in FORMATS:
        seconds, size, failed, differ = 0.0, 0, 0, 0
        for name, data, document in corpus[kind]:
            size += len(data)
            start = time.perf_counter()
            try:
                converted = convert(data, name)
            except InputError:
                failed += 1
                continue
            finally:
                seconds += time.perf_counter() - start
            # The reference is the text (tabs layout) conversion: a format may be no worse than text.
            as_text = convert(render(document, "tabs").encode(), "tabs.txt") if kind != "text" else None
            if kind != "text" and compare(document, converted) != compare(document, as_text):
                differ += 1
        results[kind] = {"reports": n, "seconds": round(seconds, 3), "ms_per_report": round(1000 * seconds / n, 2),
                         "reports_per_s": round(n / seconds, 1), "mb_per_s": round(size / seconds / 2**20, 2),
                         "kb_per_report": round(size / n / 1024, 1), "failed": failed, "differ_from_text": differ}
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.n, args.seed)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'format':<6} {'reports/s':>10} {'ms/report':>10} {'MB/s':>7} {'KB/report':>10} {'failed':>7} "
          f"{'differ':>7}")
    for kind, row in results.items():
        print(f"{kind:<6} {row['reports_per_s']:>10} {row['ms_per_report']:>10} {row['mb_per_s']:>7} "
              f"{row['kb_per_report']:>10} {row['failed']:>7} {row['differ_from_text']:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
