"""Benchmark: CPU cost per KB of input stays flat from 10 KB to 10 MB (conversion is linear).

usage: python -m bench.scale_bench [--sizes 10,100,1000,10000] [--shapes all]

Each shape grows one seed report (tests/data/seeds/000) to the given size in KB in one of the ways
that used to be quadratic or may be: a table row pasted with thousands of blank tab cells, one long
line of spaced numbers, a crawler-style report on one physical line padded with prose, and many
prose lines. Prints CPU milliseconds per KB for each size; flat rows mean linear.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if __package__ in (None, ""):  # run as a script: make `engine` importable
    sys.path.insert(0, str(ROOT))

from engine.convert.pipeline import convert  # noqa: E402

SEED = (ROOT / "tests" / "data" / "seeds" / "000_c277f382703343a1.txt").read_text(encoding="utf-8")
CRAWLER = (ROOT / "tests" / "data" / "corpus" / "103_pingtan_scjgj_2019.txt").read_text(encoding="utf-8")
PROSE = "本机关坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开，回应社会关切。"


def _grow(size: int, unit: str) -> str:
    """`unit` repeated to about `size` bytes of UTF-8."""
    return unit * max(1, size // len(unit.encode()))


def tab_row(size: int) -> str:
    return SEED.replace("规章\t0\t0\t0", "规章" + _grow(size, "\t") + "0\t0\t0")


def spaced_numbers(size: int) -> str:
    return SEED.replace("规章\t0\t0\t0", "规章 " + _grow(size, "12 ").rstrip())


def crawler_line(size: int) -> str:
    head, _, body = CRAWLER.partition("==================== 正文 ====================\n")
    return head + "==================== 正文 ====================\n" + _grow(size, PROSE) + body


def prose_lines(size: int) -> str:
    return SEED.replace("一、总体情况\n", "一、总体情况\n" + _grow(size, PROSE + "\n"), 1)


SHAPES = {"tab-row": tab_row, "spaced-numbers": spaced_numbers, "crawler-line": crawler_line,
          "prose-lines": prose_lines}


def measure(shape: str, kb: int) -> tuple[int, float]:
    """(input bytes, CPU ms per KB) of converting one report of the shape grown to `kb` KB."""
    data = SHAPES[shape](kb * 1024).encode()
    runs = max(1, 2000 // kb)  # small inputs repeat, so their figure is not noise
    start = time.process_time()
    for _ in range(runs):
        convert(data, f"{shape}.txt")
    cpu = (time.process_time() - start) / runs
    return len(data), 1000 * cpu / (len(data) / 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000", help="sizes in KB (default 10,100,1000,10000)")
    parser.add_argument("--shapes", default="all", help="comma-separated: " + ", ".join(SHAPES))
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    shapes = list(SHAPES) if args.shapes == "all" else args.shapes.split(",")
    convert(SEED.encode(), "warm.txt")  # lazy loads are not the per-KB cost
    print(f"{'shape':<16}" + "".join(f"{str(size) + ' KB':>12}" for size in sizes) + "   (CPU ms per KB)")
    for shape in shapes:
        cells = [measure(shape, size)[1] for size in sizes]
        print(f"{shape:<16}" + "".join(f"{cost:>12.3f}" for cost in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
