"""Benchmark: PDF reports of the synthetic corpus converted back; the conversion rate and speed.

usage: python -m bench.pdf_bench [--n 50] [--seed 0] [--json]

Report i of bench/corpus.py is printed as a PDF by tests/pdf_render.py (reportlab, a test extra)
in one of the variants below, then extracted (engine.convert.formats.pdf) and converted (convert_text).
Rendering is not timed. Counted: PDFs refused (InputError), PDFs whose every value came back
(exact), the share of all table cells that came back, and ms per PDF and per page to extract and
convert. The unruled variant prints table 二 without rulings; blank cells there cannot be placed,
so its rate is shown apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "tests"):  # tests/pdf_render.py is the one PDF renderer
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

VARIANTS: dict[str, dict[str, Any]] = {
    "plain": {},
    "dash-footer": {"footer": "dash"},
    "repeated-header": {"footer": "of", "repeat_header": True},
    "break-in-applications": {"break_in": "applications", "repeat_header": True},
    "break-in-proactive": {"break_in": "proactive", "header": False},
    "row-cut-by-break": {"break_in": "applications", "cut_row": True},
    "unruled-proactive": {"ruled": {"applications", "disputes"}},
}


def run(n: int, seed: int) -> dict[str, Any]:
    """Render, extract and convert reports 0..n-1; counts and timings, overall and per variant."""
    from bench.corpus import compare, make_report
    from engine.convert.pipeline import convert_text
    from engine.errors import InputError
    from engine.convert.formats.pdf import extract
    from engine.templates import template as template_named
    from pdf_render import render_pdf

    names = list(VARIANTS)
    totals = {"pdfs": 0, "pages": 0, "refused": 0, "exact": 0, "cells": 0, "cells_ok": 0, "seconds": 0.0}
    per_variant = {name: {"pdfs": 0, "exact": 0} for name in names}
    for index in range(n):
        report = make_report(seed, index)
        variant = names[index % len(names)]
        data = render_pdf(report.document, **VARIANTS[variant])
        start = time.perf_counter()
        try:
            extracted = extract(data, report.name)
            document = convert_text(extracted.text, {"name": report.name, "format": "pdf"})
        except InputError:
            totals["seconds"] += time.perf_counter() - start
            totals["refused"] += 1
            continue
        totals["seconds"] += time.perf_counter() - start
        problems = compare(report.document, document)
        cells = sum(1 for _ in template_named(report.document["template"]).cells())
        totals["pdfs"] += 1
        totals["pages"] += max((where["page"] for where in extracted.locations.values()), default=0)
        totals["exact"] += not problems
        totals["cells"] += cells
        totals["cells_ok"] += cells - sum(1 for problem in problems if problem.startswith("/"))
        per_variant[variant]["pdfs"] += 1
        per_variant[variant]["exact"] += not problems
    attempted = max(n, 1)
    return {
        "n": n, "seed": seed, **totals,
        "exact_rate": totals["exact"] / attempted,
        "cell_rate": totals["cells_ok"] / max(totals["cells"], 1),
        "ms_per_pdf": 1000 * totals["seconds"] / attempted,
        "ms_per_page": 1000 * totals["seconds"] / max(totals["pages"], 1),
        "variants": per_variant,
    }


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a summary (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.n, args.seed)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"{result['n']} PDFs ({result['pages']} pages): {result['exact']} exact "
          f"({100 * result['exact_rate']:.1f} %), {result['refused']} refused, "
          f"cells {100 * result['cell_rate']:.2f} % right")
    print(f"extract + convert: {result['ms_per_pdf']:.0f} ms per PDF, {result['ms_per_page']:.0f} ms per page")
    for name, counts in result["variants"].items():
        print(f"  {name:24} {counts['exact']}/{counts['pdfs']} exact")
    return 0


if __name__ == "__main__":
    sys.exit(main())
