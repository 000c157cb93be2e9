"""Per-layout dashboard of the converter on perturbed renderings: wrong / read / printed cells.

    python -m bench.perturb_bench [--layout crawler] [--n 100] [--seed 0] [--show 3]

`wrong` counts non-null values that differ from the clean document (the number that must be 0),
`read` the printed cells read back right, `printed` the non-null cells the text prints; for the
crawler layout `unique` counts the cells the fused-run oracle determines and `unique read` those
read right. tests/test_perturbation.py asserts on the same tally.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and `engine` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.converter import convert_text
from bench.fusedoracle import unique_cells
from bench.perturb import ORDER, make_case
from bench.perturb_base import Rendering
from bench.render import lookup
from engine.templates import TEMPLATES
from engine.templates import template as template_named

ALL_POINTERS = tuple(dict.fromkeys(p for name in TEMPLATES for *_, p in template_named(name).cells()))


def same(want, have) -> bool:
    """Whether a read value is the printed one: equal numbers, ints as ints, never a bool."""
    if isinstance(have, bool) or want is None or have is None:
        return want is None and have is None
    if isinstance(want, float) or isinstance(have, float):
        return abs(want - have) < 1e-9
    return want == have and type(have) is int


@dataclass
class Tally:
    """What one or many conversions got: wrong values (with where), cells read and printed."""

    wrong: list[str] = field(default_factory=list)
    read: int = 0
    printed: int = 0
    unique: int = 0
    unique_read: int = 0
    renderings: int = 0

    def add(self, other: "Tally") -> None:
        """Add another tally to this one."""
        self.wrong += other.wrong
        for name in ("read", "printed", "unique", "unique_read", "renderings"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def coverage(self) -> float:
        """Share of printed cells read right (1.0 when nothing is printed)."""
        return self.read / self.printed if self.printed else 1.0


def value_at(document: dict | None, pointer: str):
    """The cell value at a pointer, or None (a row object where the other template has a cell)."""
    value = lookup(document, pointer) if document else None
    return None if isinstance(value, (dict, list)) else value


def tally(rendering: Rendering, converted: dict | None, label: str = "") -> Tally:
    """Compare a conversion with what the rendering prints."""
    result = Tally(renderings=1)
    expected = rendering.expected
    own = {p for *_, p in template_named(expected["template"]).cells()}
    for pointer in ALL_POINTERS:
        have = value_at(converted, pointer)
        want = value_at(expected, pointer) if pointer in own else None
        if have is not None and not same(want, have):
            result.wrong.append(f"{label}{pointer}: printed {want!r}, read {have!r}")
    for pointer in rendering.printed:
        result.printed += 1
        result.read += same(value_at(expected, pointer), value_at(converted, pointer))
    if rendering.runs:
        for pointer, value in unique_cells(rendering.runs, expected["template"]).items():
            result.unique += 1
            result.unique_read += same(value, value_at(converted, pointer))
    return result


def run_layout(layout: str, n: int, seed: int = 0) -> Tally:
    """Render and convert n cases of a layout; the summed tally."""
    total = Tally()
    for index in range(n):
        _, rendering = make_case(layout, seed, index)
        total.add(tally(rendering, convert_text(rendering), f"[{layout} #{index}] "))
    return total


def main(argv: list[str] | None = None) -> int:
    """Print the per-layout table (and the first wrong values of each layout)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", choices=ORDER, action="append")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", type=int, default=0, help="print the first SHOW wrong values per layout")
    args = parser.parse_args(argv)
    print(f"{'layout':<12} {'renderings':>10} {'wrong':>6} {'read':>7} {'printed':>7} {'coverage':>8} {'unique':>13}")
    for layout in args.layout or ORDER:
        t = run_layout(layout, args.n, args.seed)
        unique = f"{t.unique_read}/{t.unique}" if t.unique else "-"
        print(f"{layout:<12} {t.renderings:>10} {len(t.wrong):>6} {t.read:>7} {t.printed:>7} "
              f"{t.coverage:>8.1%} {unique:>13}")
        for line in t.wrong[:args.show]:
            print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
