"""The tests' report renderer: bench.render, shared with the benchmark so there is one renderer.

`render(document, layout) -> str` writes a full report; `compare(expected, converted)` lists what
a conversion got wrong. tests/ is not a package, so this module puts the repository root on
sys.path to reach `bench` (the installed package maps only engine, cli and the schemas).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.corpus import compare, generate, make_report  # noqa: E402
from bench.render import BLANKLESS_LAYOUTS, LAYOUTS, Document, lookup, put, render  # noqa: E402

__all__ = ["BLANKLESS_LAYOUTS", "LAYOUTS", "Document", "compare", "generate", "lookup", "make_report",
           "put", "render"]
