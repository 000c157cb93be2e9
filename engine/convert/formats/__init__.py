"""Reports as they are published (text, HTML, DOCX, PDF), each turned into the text the converter reads.

Every format is extracted into the same shape: the report as text, paragraphs as lines and each table
row as one line of tab-separated cells (merged cells expanded as blanks), plus where each cell's text
came from in the original file. The text converter then reads every format the same way, and the
document's provenance gains the original location of each value.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Extracted:
    """A report's text as extracted from its file, and the original location of each cell."""

    text: str
    format: str  # text | html | docx | pdf
    # (line, column) of a cell's first character in `text` (1-based) → its location in the file, e.g.
    # {"html_line": 120, "path": "table[2]/tr[5]/td[3]"}, {"table": 2, "row": 5, "cell": 3} or
    # {"page": 3, "bbox": [x0, top, x1, bottom]}.
    locations: dict[tuple[int, int], dict] = field(default_factory=dict)
    notes: list[dict] = field(default_factory=list)  # what extraction noticed, as document notes
