"""Writing extracted content as the converter's text: lines, tab rows, and where each came from."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

Where = dict | Callable[[], dict]

# HTML collapses only ASCII whitespace; no-break spaces are spacing too once out of the page.
# U+3000 (ideographic space) is content: 规　　章 keeps it, as the text layouts do.
_SPACES = re.compile(r"[ \t\n\r\f\xa0]+")


def collapse(text: str) -> str:
    """Whitespace runs as one space, none at the ends (ideographic spaces only trimmed at the ends)."""
    return _SPACES.sub(" ", text).strip(" \u3000")


def _wide(char: str) -> bool:
    return char >= "\u2e80"  # CJK, full-width forms and punctuation: no space between lines


def cell_join(pieces: Iterable[str]) -> str:
    """Join a cell's lines: nothing between Chinese (本年新 + 制作数量), a space between words."""
    text = ""
    for piece in pieces:
        if text and not (_wide(text[-1]) or _wide(piece[0])):
            text += " "
        text += piece
    return text


class Lines:
    """Text written line by line, with the location of each line's start and each cell's start."""

    def __init__(self, collapse_spaces: bool):
        self.collapse = collapse_spaces
        self.locations: dict[tuple[int, int], dict] = {}
        self._lines: list[str] = []
        self._current: list[str] = []
        self._where: Where | None = None

    def add(self, text: str, where: Where) -> None:
        """Add text to the current line; `where` (or what it returns) locates the line if it starts it."""
        self._current.append(text)
        if self._where is None and text.strip():
            self._where = where

    def end(self) -> None:
        """End the current line; a line of nothing but spaces is dropped."""
        if not self._current:
            return
        line = "".join(self._current)
        line = collapse(line) if self.collapse else line.rstrip()
        if line.strip():
            self._lines.append(line)
            where = self._where
            if where is not None:
                self.locations[(len(self._lines), 1)] = where() if callable(where) else where
        self._current, self._where = [], None

    def blank(self) -> None:
        """End the current line and leave one empty line (never two)."""
        self.end()
        if self._lines and self._lines[-1]:
            self._lines.append("")

    def row(self, cells: list[tuple[str, dict | None]]) -> None:
        """Write a table row as one line of tab-separated cells, recording where each cell starts."""
        self.end()
        number = len(self._lines) + 1
        column = 1
        for text, where in cells:
            if where is not None:
                self.locations[(number, column)] = where
            column += len(text) + 1
        self._lines.append("\t".join(text for text, _ in cells))

    def text(self) -> str:
        """All lines written, each ending in a newline."""
        self.end()
        return "\n".join(self._lines) + "\n" if self._lines else ""
