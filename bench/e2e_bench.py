"""End-to-end benchmark: every goal of issue 11 beside its target and a hand-written baseline.

    .venv/bin/python bench/e2e_bench.py                     # 1,000 reports, 3 rounds
    .venv/bin/python bench/e2e_bench.py --n 2000 --rounds 5 --memory 1000,20000

The corpus is bench/series.py's (agencies × years, so the cross-report rules I02 and I03 have work),
written to a temporary folder first (not timed). Every measured command is a separate process run on
a snapshot of the code, as a user runs it, and each round runs the measured command and its
baseline side by side, so that the noise of this shared machine hits both alike. Figures are CPU
time (the process and its pool workers, from getrusage) unless a goal is about wall time; each line
gives the minimum and the median over the rounds.

Goals (issue 11) and baselines:
- throughput: `check DIR --format jsonl --no-cache`, reports per CPU-second (target ≥ 1,000);
  baseline: a hand-written pipeline in one process (the engine's converter and schema validation,
  bench/rules_bench.py's hand-written national checks, one small JSON line per report);
- one report: `check FILE --format jsonl --no-cache`, wall seconds including process start (≤ 0.25 s);
  baseline: `python -c pass` and `python -c "import cli"`;
- cached rerun, scaled to 10,000 reports (≤ 3 s); baseline: reading and hashing every input;
- rules: bench/rules_bench.py's ratio, compiled pack ÷ hand-written (≤ 1.0);
- memory: parent peak RSS growth per report between two corpus sizes (< 1 KB per report);
- jsonl size per report (passes summarised unless --include-passes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and `engine` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.batch_bench import RUNNER, snapshot
from bench.series import series, write

YEARS = (2019, 2020, 2021, 2022, 2023)
# The hand-written baseline of the throughput goal: what the pipeline costs when everything but the
# converter and the schema validation is plain Python written for this one pack.
BASELINE = """
import atexit, json, resource, sys
from pathlib import Path
usage, folder, out = sys.argv[1:4]
def record():
    me = resource.getrusage(resource.RUSAGE_SELF)
    with open(usage, "w") as stream:
        json.dump({"parent_kb": me.ru_maxrss, "worker_kb": 0, "parent_cpu": me.ru_utime + me.ru_stime,
                   "worker_cpu": 0.0}, stream)
atexit.register(record)
sys.path.insert(0, sys.argv[4])
from bench.rules_bench import Hand
from engine.convert.pipeline import convert
from engine.document.validation import validate
from engine.rules.packs import load_pack
hand = Hand(load_pack(Path(sys.argv[4]) / "nianbao_national" / "national.yaml"))
with open(out, "w", encoding="utf-8") as stream:
    for path in sorted(Path(folder).iterdir()):
        document = convert(path.read_bytes(), str(path))
        errors = validate(document)
        outcomes = [[e.outcome for e in rule] for rule in hand.check(document)]
        stream.write(json.dumps({"name": path.name, "valid": not errors, "outcomes": outcomes},
                                ensure_ascii=False) + "\\n")
"""
HASHING = """
import hashlib, sys
from pathlib import Path
for path in sorted(Path(sys.argv[1]).iterdir()):
    hashlib.sha256(path.read_bytes()).hexdigest()
"""


def child(argv: list[str], code: Path, usage: bool = True) -> dict:
    """Run one process on the code snapshot: wall seconds, and CPU and peak RSS when `usage`."""
    record = Path(tempfile.mkstemp(suffix=".json")[1])
    args = [sys.executable, "-c", RUNNER, str(record), *argv] if usage else [sys.executable, *argv]
    start = time.perf_counter()
    done = subprocess.run(args, cwd=code, env={**os.environ, "PYTHONPATH": str(code)},
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    stats = json.loads(record.read_text()) if usage and record.stat().st_size else {}
    record.unlink()
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv[:3])}…: exit {done.returncode}\n{done.stderr[-2000:]}")
    return {"wall": wall, "cpu": stats.get("parent_cpu", 0) + stats.get("worker_cpu", 0), **stats}


def baseline(folder: Path, out: Path, code: Path) -> dict:
    record = Path(tempfile.mkstemp(suffix=".json")[1])
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", BASELINE, str(record), str(folder), str(out), str(code)], check=True,
                   cwd=code, env={**os.environ, "PYTHONPATH": str(code)})
    wall = time.perf_counter() - start
    stats = json.loads(record.read_text())
    record.unlink()
    return {"wall": wall, "cpu": stats["parent_cpu"], **stats}


def spread(values: list[float], fmt: str = "{:.3f}") -> str:
    """min / median of a goal's figures."""
    return f"min {fmt.format(min(values))}  median {fmt.format(statistics.median(values))}"


def line(goal: str, figure: str, target: str, reference: str) -> None:
    print(f"{goal:<26} {figure:<34} target {target:<12} | {reference}")


def subset(corpus: Path, count: int, target: Path) -> Path:
    """A folder of links to the first `count` reports of the corpus."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(corpus.iterdir())[:count]:
        (target / path.name).symlink_to(path)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="reports for throughput and the cached rerun")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=1, help="--jobs of the throughput runs")
    parser.add_argument("--memory", default="", help="two corpus sizes for the memory goal, e.g. 1000,20000")
    parser.add_argument("--skip", default="", help="goals to leave out: throughput,one,cached,rules,memory")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    sizes = [int(x) for x in args.memory.split(",")] if args.memory else []
    total = max([args.n, *sizes])
    work = Path(tempfile.mkdtemp(prefix="nianbao-e2e-"))
    try:
        corpus = work / "corpus"
        write(series(max(1, total // len(YEARS)), years=YEARS, copy_rate=0.02, break_rate=0.03), corpus)
        folder = subset(corpus, args.n, work / f"n{args.n}")
        code = snapshot(work / "code")
        shutil.copytree(Path(__file__).resolve().parent, code / "bench",
                        ignore=shutil.ignore_patterns("__pycache__"))
        n = len(list(folder.iterdir()))
        print(f"corpus: {n} series reports; {os.cpu_count()} cores; {args.rounds} rounds; min / median")
        if "throughput" not in skip:
            throughput(folder, n, code, work, args)
        if "one" not in skip:
            one_report(folder, code, work, args.rounds)
        if "cached" not in skip:
            cached(folder, n, code, work, args)
        if "rules" not in skip:
            rules(args.rounds)
        if sizes and "memory" not in skip:
            memory(corpus, sizes, code, work)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def throughput(folder: Path, n: int, code: Path, work: Path, args: argparse.Namespace) -> None:
    mine, hand, walls = [], [], []
    out = work / "out.jsonl"
    for _ in range(args.rounds):
        run = child(["check", str(folder), "--format", "jsonl", "--no-cache", "--jobs", str(args.jobs),
                     "-o", str(out)], code)
        mine.append(n / run["cpu"])
        walls.append(n / run["wall"] / args.jobs)
        hand.append(n / baseline(folder, work / "hand.jsonl", code)["cpu"])
    size = out.stat().st_size / n / 1024
    line("throughput (reports/CPU-s)", spread(mine, "{:.0f}"), "≥ 1000",
         f"hand-written {spread(hand, '{:.0f}')}; wall per core {spread(walls, '{:.0f}')}")
    full = work / "full.jsonl"
    child(["check", str(folder), "--format", "jsonl", "--no-cache", "--jobs", str(args.jobs), "-o", str(full),
           "--include-passes"], code) if _has_option(code, "--include-passes") else None
    detail = f"{full.stat().st_size / n / 1024:.1f} KB with --include-passes" if full.exists() else \
        "(no --include-passes: passes in full)"
    line("jsonl per report", f"{size:.1f} KB", "passes summed", detail)


def _has_option(code: Path, option: str) -> bool:
    done = subprocess.run([sys.executable, "-m", "cli", "check", "--help"], cwd=code, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(code), "COLUMNS": "200"})
    return option in done.stdout


def one_report(folder: Path, code: Path, work: Path, rounds: int) -> None:
    report = sorted(folder.iterdir())[0]
    mine, bare, imports = [], [], []
    child(["check", str(report), "--format", "jsonl", "--no-cache"], code)  # warm: disk caches, compiled packs
    for _ in range(max(rounds, 5)):
        mine.append(child(["check", str(report), "--format", "jsonl", "--no-cache"], code)["wall"])
        bare.append(child(["-c", "pass"], code, usage=False)["wall"])
        imports.append(child(["-c", "import cli"], code, usage=False)["wall"])
    line("one report (wall s)", spread(mine), "≤ 0.25",
         f"python -c pass {spread(bare)}; import cli {spread(imports)}")


def cached(folder: Path, n: int, code: Path, work: Path, args: argparse.Namespace) -> None:
    common = ["check", str(folder), "--format", "jsonl", "--jobs", str(args.jobs), "--cache-dir", str(work / "cache")]
    first = child(common + ["-o", str(work / "first.jsonl")], code)
    mine, hashing = [], []
    for _ in range(args.rounds):
        run = child(common + ["-o", str(work / "again.jsonl")], code)
        mine.append(run["wall"] * 10_000 / n)
        hashing.append(child(["-c", HASHING, str(folder)], code, usage=False)["wall"] * 10_000 / n)
    same = (work / "first.jsonl").read_bytes() == (work / "again.jsonl").read_bytes()
    line("cached 10,000 (wall s)", spread(mine, "{:.2f}"), "≤ 3",
         f"read+hash inputs {spread(hashing, '{:.2f}')}; fresh {first['wall'] * 10_000 / n:.0f} s; "
         f"identical {same}")


def rules(rounds: int) -> None:
    root = Path(__file__).resolve().parents[1]  # in place: it needs the pack file and the examples
    done = subprocess.run([sys.executable, "bench/rules_bench.py", "--repeat", str(max(rounds, 5))], cwd=root,
                          capture_output=True, text=True)
    found = [row for row in done.stdout.splitlines() if row.startswith(("ratio", "engine", "hand"))]
    ratio = next((row.split()[1] for row in found if row.startswith("ratio")), "?")
    line("rules (× hand-written)", ratio, "≤ 1.0", "; ".join(" ".join(row.split()) for row in found[:2]))


def memory(corpus: Path, sizes: list[int], code: Path, work: Path) -> None:
    small, large = sorted(sizes)[:2]
    peaks = {}
    for count in (small, large):
        folder = subset(corpus, count, work / f"m{count}")
        run = child(["check", str(folder), "--format", "jsonl", "--no-cache", "--jobs", "2",
                     "-o", os.devnull], code)
        peaks[count] = run["parent_kb"]
    growth = (peaks[large] - peaks[small]) / (large - small)
    line("memory (KB/report)", f"{growth:.2f}", "< 1", f"parent peak {peaks[small] / 1024:.0f} MB at {small}, "
         f"{peaks[large] / 1024:.0f} MB at {large}")


if __name__ == "__main__":
    sys.exit(main())
