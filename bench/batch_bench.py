"""Batch benchmark: `nianbao check` over a generated corpus, fresh and then from the cache.

    python bench/batch_bench.py                 # 10,000 reports, --jobs 2
    python bench/batch_bench.py --n 500         # a quick check

The corpus is bench/series.py's (agencies × years, so I02 and I03 have work to do), written to a
temporary folder first (not timed). Each run is a separate process, as a user runs it; it reports
its wall time, reports per second and the peak resident memory of the parent and of the largest
worker (resource.getrusage of the process itself and of its waited-for children), and the second
(cached) run's output must be byte-identical to the first's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and `engine` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.series import series, write

YEARS = (2019, 2020, 2021, 2022, 2023)
# Runs the CLI in a child process and, at its exit, records the peak memory of that process and of
# its pool workers (they are its children, joined before it exits).
RUNNER = """
import atexit, json, resource, sys
usage = sys.argv[1]
def record():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(usage, "w") as out:
        json.dump({"parent_kb": me.ru_maxrss, "worker_kb": kids.ru_maxrss,
                   "parent_cpu": me.ru_utime + me.ru_stime, "worker_cpu": kids.ru_utime + kids.ru_stime}, out)
atexit.register(record)
sys.argv = ["nianbao"] + sys.argv[2:]
from cli import app
app()
"""


def snapshot(target: Path) -> Path:
    """A copy of the code as it is now, so that edits made while the benchmark runs (the cache's
    engine fingerprint would see them) change neither run: engine, cli, schemas, national pack."""
    root = Path(__file__).resolve().parents[1]
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(root / "engine", target / "engine", ignore=ignore)
    shutil.copytree(root / "schemas", target / "nianbao_schemas", ignore=ignore)
    shutil.copytree(root / "rulepacks" / "national", target / "nianbao_national", ignore=ignore)
    shutil.copy(root / "cli.py", target / "cli.py")
    return target


def run(args: list[str], label: str, n: int, code: Path) -> dict:
    """One `nianbao check` run in a child process (on the code snapshot): time, memory, exit code."""
    usage = Path(tempfile.mkstemp(suffix=".json")[1])
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUNNER, str(usage), "check", *args], cwd=code,
                          env={**os.environ, "PYTHONPATH": str(code)}, stderr=subprocess.PIPE, text=True)
    seconds = time.perf_counter() - start
    stats = json.loads(usage.read_text())
    usage.unlink()
    print(f"{label:<14} {seconds:8.1f} s  {n / seconds:8.1f} reports/s   peak RSS: parent "
          f"{stats['parent_kb'] / 1024:6.0f} MB, largest worker {stats['worker_kb'] / 1024:6.0f} MB   "
          f"CPU: parent {stats['parent_cpu']:.0f} s, workers {stats['worker_cpu']:.0f} s   exit {done.returncode}")
    if done.returncode not in (0, 1):
        print(done.stderr[-2000:], file=sys.stderr)
    return {"seconds": seconds, **stats}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="reports (a multiple of 5: agencies × 5 years)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--format", default="jsonl", help="output format (written to a file)")
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this folder instead of a temporary one")
    args = parser.parse_args(argv)
    agencies = max(1, args.n // len(YEARS))
    n = agencies * len(YEARS)
    work = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    corpus = args.keep or work / "corpus"
    try:
        start = time.perf_counter()
        reports = write(series(agencies, years=YEARS, copy_rate=0.02, break_rate=0.03), corpus)
        size = sum(p.stat().st_size for p in corpus.glob("*.txt"))
        print(f"corpus: {n} reports of {agencies} agencies × {len(YEARS)} years, {size / n / 1024:.1f} KB each, "
              f"{sum(bool(r.copy) for r in reports)} reports in planted copies, {sum(r.broken for r in reports)} breaks "
              f"(generated in {time.perf_counter() - start:.0f} s, not timed below); {os.cpu_count()} cores")
        code = snapshot(work / "code")
        common = [str(corpus), "--format", args.format, "--jobs", str(args.jobs), "--cache-dir", str(work / "cache")]
        first, second = work / "first.out", work / "second.out"
        run(common + ["-o", str(first)], "fresh", n, code)
        run(common + ["-o", str(second)], "cached rerun", n, code)
        same = first.read_bytes() == second.read_bytes()
        print(f"output {first.stat().st_size / 1e6:.0f} MB; cached output byte-identical: {same}")
        return 0 if same else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
