"""Benchmark: convert and validate a synthetic corpus; speed per core, memory flat in corpus size.

usage: python -m bench.convert_bench [--n 2000] [--seed 0] [--json] [--skip-memory]

The corpus (bench/corpus.py) is streamed: each report is generated just before it is converted and
dropped after, so the corpus never sits in memory and generation is not timed (only the convert
and validate calls are). Each measurement runs in a fresh subprocess, so ru_maxrss (a process's
high-water mark) belongs to that run alone:
  timing   n reports, no tracing: ms per report for convert and for validate, reports/s per core
  memory   n/4 and n reports, once with tracemalloc (Python heap peak) and once without (ru_maxrss);
           equal peaks for n/4 and n show memory is flat in corpus size.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make `bench` and `engine` importable
    sys.path.insert(0, str(ROOT))

MB = 1024 * 1024


def _maxrss_bytes() -> int:
    """This process's peak resident set size (ru_maxrss is KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def run(n: int, seed: int, trace: bool) -> dict[str, Any]:
    """Convert and validate reports 0..n-1 of the corpus in this process; timings and memory."""
    from bench.corpus import compare, iter_reports, make_report
    from engine.convert.pipeline import convert
    from engine.errors import InputError
    from engine.document.validation import validate

    # Warm-up on a report outside the corpus: lazy loads (gazetteer, schema) are not the per-report cost.
    warm = make_report(seed + 1, 0)
    validate(convert(warm.text.encode(), warm.name))
    baseline_rss = _maxrss_bytes()
    if trace:
        tracemalloc.start()
    convert_s = validate_s = 0.0
    counts = {"reports": 0, "bytes": 0, "failed": 0, "invalid": 0, "differ": 0}
    for report in iter_reports(n, seed):
        data = report.text.encode()
        start = time.perf_counter()
        try:
            document = convert(data, report.name)
        except InputError:
            convert_s += time.perf_counter() - start
            counts["failed"] += 1
            continue
        converted = time.perf_counter()
        errors = validate(document)
        validate_s += time.perf_counter() - converted
        convert_s += converted - start
        counts["reports"] += 1
        counts["bytes"] += len(data)
        counts["invalid"] += bool(errors)
        counts["differ"] += bool(compare(report.document, document))  # untimed sanity check
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    attempted = n or 1
    return {
        "n": n, "seed": seed, "traced": trace, **counts,
        "convert_ms": 1000 * convert_s / attempted,
        "validate_ms": 1000 * validate_s / attempted,
        "reports_per_s": n / (convert_s + validate_s) if convert_s + validate_s else None,
        "tracemalloc_peak_bytes": peak,
        "maxrss_bytes": _maxrss_bytes(),
        "baseline_maxrss_bytes": baseline_rss,
    }


def _in_subprocess(n: int, seed: int, trace: bool) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.convert_bench", "--worker", "--n", str(n), "--seed", str(seed)]
    if trace:
        command.append("--trace")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"benchmark worker failed ({' '.join(command[2:])}):\n{result.stderr}")
    return json.loads(result.stdout)


def benchmark(n: int, seed: int, memory: bool = True) -> dict[str, Any]:
    """The timing run over n reports, then (unless `memory` is false) the memory runs at n/4 and n."""
    timing = _in_subprocess(n, seed, trace=False)
    result: dict[str, Any] = {"n": n, "seed": seed, "corpus": "streamed", "timing": timing, "memory": None}
    if memory:
        quarter = max(1, n // 4)
        jobs = [(quarter, False), (quarter, True), (n, True)]
        # memory runs are not timed, so they may share the machine
        with ThreadPoolExecutor(len(jobs)) as pool:
            runs = pool.map(lambda job: _in_subprocess(job[0], seed, job[1]), jobs)
            rss_quarter, traced_quarter, traced_full = runs
        result["memory"] = [
            {"n": quarter, "tracemalloc_peak_bytes": traced_quarter["tracemalloc_peak_bytes"],
             "maxrss_bytes": rss_quarter["maxrss_bytes"]},
            {"n": n, "tracemalloc_peak_bytes": traced_full["tracemalloc_peak_bytes"],
             "maxrss_bytes": timing["maxrss_bytes"]},
        ]
    return result


def report_text(result: dict[str, Any]) -> str:
    """The benchmark result as a short plain-text report."""
    t = result["timing"]
    size = t["bytes"] / max(1, t["reports"]) / 1024
    lines = [
        f"nianbao convert benchmark: {result['n']} synthetic reports (seed {result['seed']}, "
        f"{size:.1f} KB mean), streamed: each generated just before conversion, generation not timed",
        "single process, one core:",
        f"  convert    {t['convert_ms']:8.2f} ms/report",
        f"  validate   {t['validate_ms']:8.2f} ms/report",
        f"  together   {t['convert_ms'] + t['validate_ms']:8.2f} ms/report = "
        f"{t['reports_per_s']:.1f} reports/s per core",
        f"  outcome: {t['reports']} converted, {t['failed']} refused (InputError), {t['invalid']} invalid "
        f"against the schema, {t['differ']} differ from their source document",
    ]
    memory = result["memory"]
    if memory:
        low, high = memory
        lines += [
            "peak memory (separate processes; ru_maxrss includes the interpreter and engine):",
            f"  {'':16}{'n=' + str(low['n']):>12}{'n=' + str(high['n']):>12}",
            f"  {'tracemalloc':16}{low['tracemalloc_peak_bytes'] / MB:>9.2f} MB"
            f"{high['tracemalloc_peak_bytes'] / MB:>9.2f} MB",
            f"  {'ru_maxrss':16}{low['maxrss_bytes'] / MB:>9.1f} MB{high['maxrss_bytes'] / MB:>9.1f} MB",
            f"  x{high['n'] / low['n']:g} the reports: tracemalloc peak "
            f"x{high['tracemalloc_peak_bytes'] / low['tracemalloc_peak_bytes']:.2f}, "
            f"ru_maxrss x{high['maxrss_bytes'] / low['maxrss_bytes']:.2f} (flat = x1.00)",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: run the benchmark (or, with --worker, one measurement) and print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="reports in the corpus (default 2000)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--skip-memory", action="store_true", help="only the timing run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    if args.worker:
        print(json.dumps(run(args.n, args.seed, args.trace)))
        return 0
    result = benchmark(args.n, args.seed, memory=not args.skip_memory)
    print(json.dumps(result, indent=2) if args.json else report_text(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
