"""Expanding the command line's inputs (files, folders, globs) into the reports to read, in order."""

from __future__ import annotations

import glob
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from engine.errors import InputError

REPORT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".shtml", ".xhtml", ".docx", ".pdf")
DOCUMENT_SUFFIXES = (".json",)


def expand(arguments: Iterable[str | Path]) -> Iterator[Path]:
    """Yield each input file: files as given, folders walked (sorted), globs expanded (sorted).

    A name that matches nothing is yielded as it is, so that reading it reports the error in order.
    """
    seen: set[Path] = set()
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.is_file()
                                and p.suffix.lower() in REPORT_SUFFIXES + DOCUMENT_SUFFIXES)
        elif not path.exists() and glob.has_magic(str(argument)):
            candidates = sorted(Path(p) for p in glob.glob(str(argument), recursive=True) if Path(p).is_file())
        else:
            candidates = [path]
        for candidate in candidates:
            if candidate not in seen:
                seen.add(candidate)
                yield candidate


def read_input(path: Path) -> bytes:
    """The input's bytes; InputError naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", str(path)) from None


def is_document(path: Path) -> bool:
    """Whether the input is an already converted JSON document rather than a report."""
    return path.suffix.lower() in DOCUMENT_SUFFIXES


def decode_json(data: bytes, name: str) -> object:
    """The JSON value in `data`; InputError naming the file and the line:column where it breaks."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", name) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not JSON: {error.msg}", name, f"{error.lineno}:{error.colno}") from None


def read_json(path: Path) -> object:
    """The JSON value in the file at `path`; InputError when it cannot be read or parsed."""
    return decode_json(read_input(path), str(path))
