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


# No input is read past this: the largest file any format accepts (engine/convert/formats/detect.py,
# MAX_BYTES, the size policy per format) is smaller, so a huge file, or a device that never ends, is
# refused after this much instead of filling memory.
MAX_FILE_BYTES = 64 * 2**20


def read_input(path: Path) -> bytes:
    """The input's bytes; InputError naming the file when it cannot be read or is too large."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InputError(f"cannot read file: {error.strerror or error}", str(path)) from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"file too large: over {MAX_FILE_BYTES // 2**20} MB", str(path))
    return data


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
        return json.loads(text, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise InputError(f"not JSON: {error.msg}", name, f"{error.lineno}:{error.colno}") from None
    except _Implausible as error:
        at = text.find(error.literal)
        place = f"{text.count(chr(10), 0, at) + 1}:{at - text.rfind(chr(10), 0, at)}" if at >= 0 else None
        shown = error.literal if len(error.literal) <= 24 else f"{error.literal[:12]}…({len(error.literal)} chars)"
        raise InputError(f"not a plausible number: {shown} ({error.why})", name, place) from None


# A document's numbers are table cells of at most 15 digits (engine.convert.cells.MAX_DIGITS); a far
# longer one is refused before anything computes with it or tries to print it (Python will not print
# an int past 4,300 digits), and so are NaN and Infinity, which are not JSON and would be written back.
MAX_NUMBER_CHARS = 100


class _Implausible(ValueError):
    def __init__(self, literal: str, why: str):
        super().__init__(why)
        self.literal, self.why = literal, why


def _bounded_int(literal: str) -> int:
    if len(literal) > MAX_NUMBER_CHARS:
        raise _Implausible(literal, f"more than {MAX_NUMBER_CHARS} characters")
    return int(literal)


def _finite_float(literal: str) -> float:
    value = float(literal)
    if len(literal) > MAX_NUMBER_CHARS or value in (float("inf"), float("-inf")):
        raise _Implausible(literal, "beyond the range of a number")
    return value


def _no_constant(literal: str) -> float:
    raise _Implausible(literal, "NaN and Infinity are not JSON")


def read_json(path: Path) -> object:
    """The JSON value in the file at `path`; InputError when it cannot be read or parsed."""
    return decode_json(read_input(path), str(path))
