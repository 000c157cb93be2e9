"""Hypothesis strategies for report documents: the tables, meta and sections a report prints."""

from __future__ import annotations

import datetime as dt
import functools

from hypothesis import strategies as st

import renderers  # noqa: F401  (puts the repository root on sys.path for `bench`)
from bench.corpus import AGENCIES, SECTION_5_VARIANTS, SENTENCES, SUBHEADINGS, YEARS, new_document
from bench.render import Document, put
from engine.templates import SECTION_TITLES, template as template_named

# A document has ~200 cells; drawing each through one_of() made generation cost 4x the conversion.
# So all cells come from one binary draw, CELL_BYTES per cell, decoded below. Zero bytes decode to
# 0, so hypothesis (which shrinks bytes towards zero) shrinks a failing example to zeros.
CELL_BYTES = 7


def decode_cell(kind: str, chunk: bytes, blank_branches: int) -> int | float | None:
    """One cell from CELL_BYTES bytes: small (0–9, twice as likely), up to 999, up to 10**6, or null.

    `kind` is count, signed (negative when bit 4 of the first byte is set) or amount (the middle
    branch becomes a number with 1–5 decimals); `blank_branches` extra branches decode to null.
    """
    head = chunk[0]
    magnitude = int.from_bytes(chunk[1:4], "big")
    branch = (head & 0x0F) % (4 + blank_branches)
    if branch >= 4:
        return None
    if kind == "amount" and branch == 2:
        places = 1 + (head >> 5) % 5
        fraction = int.from_bytes(chunk[4:7], "big") % 10**places
        return float(f"{magnitude % 10**6}.{fraction:0{places}d}")
    value = magnitude % (10, 10, 1000, 10**6 + 1)[branch]
    return -value if kind == "signed" and head & 0x10 else value


@st.composite
def meta_and_sections(draw: st.DrawFn, template: str) -> Document:
    """An empty document with meta (agency, year fitting the template, date) and its sections."""
    year = draw(st.sampled_from(YEARS[template]))
    published = draw(st.none() | st.dates(dt.date(year + 1, 1, 1), dt.date(year + 1, 6, 30)))
    titles = dict(SECTION_TITLES)
    # usually the template's own titles and all six sections, as most reports print them
    titles[5] = draw(st.sampled_from((SECTION_TITLES[5],) * 3 + SECTION_5_VARIANTS))
    if not draw(st.sampled_from((True, True, True, False))):
        del titles[6]
    document = new_document(template, draw(st.sampled_from(AGENCIES)), year,
                            published.isoformat() if published else None, titles)
    for section in document["sections"]:
        text = draw(section_texts(section["number"], year))
        if text is not None:
            section["text"] = text
    return document


@functools.cache  # building strategies is slow (hypothesis inspects them); build each once
def section_texts(number: int, year: int) -> st.SearchStrategy[str | None]:
    """A section's prose from the corpus's sentence bank, or None for the renderer's default."""
    fill = {"year": year, "next": year + 1, "n": 1313, "m": 46, "k": 3}  # numbers as in seed 000
    sentences = st.sampled_from([text.format(**fill) for text in SENTENCES[number]])
    paragraph = st.lists(sentences, min_size=1, max_size=3).map("".join)
    if number == 1:
        paragraph = st.tuples(st.sampled_from(SUBHEADINGS), paragraph).map("\n".join) | paragraph
    return st.none() | st.lists(paragraph, min_size=1, max_size=3).map("\n".join)


@st.composite
def documents(draw: st.DrawFn, template: str, blanks: bool = True) -> Document:
    """A valid document for `template`: every cell a value or (if `blanks`) sometimes null.

    With blanks, each document has none, a few or many blank cells (about 0 %, 19 %, 38 % of
    cells), and then about a third of its rows are wholly blank too, as offices that leave zeros
    out print them (seed 003).
    """
    document = draw(meta_and_sections(template))
    blank_branches = draw(st.sampled_from((0, 1, 3))) if blanks else 0
    cells = list(template_named(template).cells())
    rows = sorted({pointer.rsplit("/", 1)[0] for *_, pointer in cells})
    data = draw(st.binary(min_size=CELL_BYTES * len(cells), max_size=CELL_BYTES * len(cells)))
    row_data = draw(st.binary(min_size=len(rows), max_size=len(rows))) if blank_branches else bytes(len(rows))
    blank_rows = {row for row, byte in zip(rows, row_data) if byte % 3 == 2}
    for index, (_, _, cell, pointer) in enumerate(cells):
        chunk = data[index * CELL_BYTES:(index + 1) * CELL_BYTES]
        blank = pointer.rsplit("/", 1)[0] in blank_rows
        put(document, pointer, None if blank else decode_cell(cell.kind, chunk, blank_branches))
    return document
