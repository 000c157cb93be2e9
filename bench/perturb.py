"""Perturbed renderings of report documents: the layouts real reports are published in.

One renderer per layout of the issue, each `(document, random.Random) -> Rendering` (a str, with
the document it prints, the pointers a reader should find, and layout 1's fused runs):

 1 crawler      whole body on one line after a `key: value` header block, cells fused
 2 pipe-rows    `label | 0 | 0 |` rows, `| |||` padding, extra trailing columns
 3 cell-pipes   one cell per line ending in ` |`, spacer lines of pipes
 4 md-groups    markdown, one small table per row group, generic and stray headers
 5 renumbered   narrative parts numbered their own way, table parts again from 一
 6 pdf-text     PDF text: wrapped and detached labels, value-only rows, page furniture
 7 traditional  a clean layout converted to traditional characters (opencc s2t)
 8 hybrid       2019 headers for 规章/规范性文件, 2021 single-column blocks for the rest
 9 fragment     only the tail of a report, from a page break inside table 三
10 pre2019      an old-format (2008–2018) report: no template table value to read

`make_case(layout, seed, index)` draws the document and renders it; it depends on nothing else.
"""

from __future__ import annotations

import random

from bench import perturb_pages, perturb_tables
from bench.perturb_base import (GRIDS, Document, Rendering, blank_out, make_document, printed_pointers,
                                spec_table)
from bench.render import render, write_table
from engine.templates import PROACTIVE_2019, PROACTIVE_2021, TEMPLATES, Table

CLEAN_BASES = ("tabs", "markdown", "tab-cells", "spaced")  # bench.render layouts that print blanks


def _s2t():
    try:
        import opencc
    except ImportError as error:  # the `test` extra installs it
        raise RuntimeError("the traditional layout needs the opencc package (pip install opencc)") from error
    return opencc.OpenCC("s2t")


_CONVERTER = None


def traditional(document: Document, rnd: random.Random) -> Rendering:
    """Layout 7: a clean rendering (bench.render) converted to traditional characters."""
    global _CONVERTER
    _CONVERTER = _CONVERTER or _s2t()
    return Rendering(_CONVERTER.convert(render(document, rnd.choice(CLEAN_BASES))), document)


def hybrid(document: Document, rnd: random.Random) -> Rendering:
    """Layout 8: a 2021 report whose 规章/规范性文件 block keeps the 2019 column headers.

    The 2019 block prints 本年新制作数量 (the 2021 issued count), 本年新公开数量 (no 2021 cell) and
    对外公开总数量 (the in-force count); a reader may map the first and last onto issued/in_force,
    but must not read 本年新公开数量 as 本年废止件数: those cells are expected null.
    """
    if document["template"] != "2021":
        raise ValueError("the hybrid layout prints a 2021 report")
    spec = Table("proactive", PROACTIVE_2021.title, PROACTIVE_2019.rows[:2] + PROACTIVE_2021.rows[2:])
    printed = dict(document["proactive"])
    for key in ("rules", "normative_documents"):
        row = document["proactive"][key]
        in_force = row.get("in_force")
        printed[key] = {"made": row.get("issued"), "in_force": in_force,
                        "published": None if in_force is None else rnd.randint(0, in_force)}
    table = write_table(GRIDS["proactive"](spec, printed), "proactive", "tabs")
    clean = write_table(GRIDS["proactive"](spec_table(document, "proactive"), document["proactive"]),
                        "proactive", "tabs")
    lines = render(document, "tabs").split("\n")
    start = next(i for i in range(len(lines)) if lines[i:i + len(clean)] == clean)
    lines[start:start + len(clean)] = table
    unmapped = [f"/proactive/{key}/{cell}" for key in ("rules", "normative_documents")
                for cell in ("issued", "repealed", "in_force")]
    expected = blank_out(document, [p for p in unmapped if p.endswith("/repealed")])
    optional = set(unmapped)  # printed under other headers: reading them is allowed, not required
    return Rendering("\n".join(lines), expected, [p for p in printed_pointers(expected) if p not in optional])


LAYOUTS = {**perturb_tables.LAYOUTS,
           "renumbered": perturb_pages.renumbered, "pdf-text": perturb_pages.pdf_text,
           "traditional": traditional, "hybrid": hybrid,
           "fragment": perturb_pages.fragment, "pre2019": perturb_pages.pre2019}
ORDER = ("crawler", "pipe-rows", "cell-pipes", "md-groups", "renumbered", "pdf-text", "traditional",
         "hybrid", "fragment", "pre2019")
BLANKLESS = perturb_tables.BLANKLESS | perturb_pages.BLANKLESS
assert set(LAYOUTS) == set(ORDER)


def make_case(layout: str, seed: int, index: int) -> tuple[Document, Rendering]:
    """Case `index` of `layout` with `seed`: the clean document and its perturbed rendering."""
    rnd = random.Random(f"nianbao-perturb:{layout}:{seed}:{index}")
    template = "2021" if layout == "hybrid" else rnd.choice(TEMPLATES)
    document = make_document(rnd, template, blanks=layout not in BLANKLESS, consistent=layout == "crawler")
    return document, LAYOUTS[layout](document, rnd)
