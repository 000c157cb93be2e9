"""Expanding the command line's inputs (files, folders, globs) into the reports to read, in order.

A folder is walked with explicit `os.scandir` calls so that nothing is dropped silently: every file
found is an input whatever its suffix (portal downloads often have none), and what cannot be an
input — a dangling link, a link loop, a folder that cannot be listed, a device — is an input with
its `problem`, which the batch turns into an error entry. A scorecard or cache nianbao wrote into
the folder is `skipped` (noted in the scorecard header), never read as a report.
"""

from __future__ import annotations

import errno
import glob
import json
import os
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from engine.errors import InputError

DOCUMENT_SUFFIXES = (".json",)
# The file the batch cache keeps (engine.batch.store.FILE_NAME): a folder holding it is a cache.
CACHE_FILE = "cache.sqlite3"
# What marks an html scorecard (engine.outputs.htmlpage writes it into <head>).
HTML_GENERATOR = '<meta name="generator" content="nianbao">'
_PEEK = 4096


@dataclass(frozen=True)
class Listed:
    """One input found on the command line: a file to check, or why it is not one."""

    path: Path
    problem: str | None = None  # an error entry: the file cannot be an input (one line)
    skipped: str | None = None  # not an input at all: something nianbao wrote (a scorecard, its cache)

    def __str__(self) -> str:
        return f"{self.path}: {self.problem or self.skipped}" if self.problem or self.skipped else str(self.path)


def expand(arguments: Iterable[str | Path]) -> Iterator[Path]:
    """Yield each input's path (those with a problem too; skipped ones not), in order."""
    return (item.path for item in listing(arguments) if item.skipped is None)


def listing(arguments: Iterable[str | Path]) -> Iterator[Listed]:
    """Every input of the command line: files as given, folders walked and globs expanded (sorted).

    A name that matches nothing is yielded with its problem, in order; a path met twice is yielded once.
    """
    seen: set[Path] = set()
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            found: Iterable[Listed] = _walk(path)
        elif not os.path.lexists(path) and glob.has_magic(str(argument)):
            found = (item for match in sorted(glob.glob(str(argument), recursive=True))
                     for item in (_walk(Path(match)) if Path(match).is_dir() else [_file(Path(match))]))
        else:
            found = [_file(path)]  # a pipe named on the command line must not hang the reading either
        for item in found:
            if item.path not in seen:
                seen.add(item.path)
                yield item


def _walk(folder: Path, visited: frozenset[tuple[int, int]] = frozenset()) -> Iterator[Listed]:
    """The files under `folder`, sorted by name, depth first; each unusable entry with its problem."""
    try:
        info = folder.stat()
        with os.scandir(folder) as listed:
            entries = sorted(listed, key=lambda entry: entry.name)
    except OSError as error:
        yield Listed(folder, problem=f"cannot read folder: {error.strerror or error}")
        return
    here = visited | {(info.st_dev, info.st_ino)}  # the folders on the way down: a link back is a loop
    if any(entry.name == CACHE_FILE for entry in entries):
        yield Listed(folder, skipped="nianbao cache folder")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
        except OSError as error:  # ELOOP on a link to itself, EACCES on a link through a closed folder
            what = "symbolic link loop" if error.errno == errno.ELOOP else "cannot read"
            yield Listed(path, problem=f"{what}: {error.strerror or error}")
            continue
        if is_dir:
            try:
                target = path.stat()
            except OSError as error:
                yield Listed(path, problem=f"cannot read folder: {error.strerror or error}")
                continue
            if (target.st_dev, target.st_ino) in here:
                yield Listed(path, problem=f"symbolic link loop: leads back to {os.path.realpath(path)}")
                continue
            yield from _walk(path, here)
        else:
            yield _file(path)


def _file(path: Path) -> Listed:
    """A file (named, found in a folder or by a glob): an input, a problem, or a scorecard to skip."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return Listed(path, problem=f"broken symbolic link: {os.readlink(path)} does not exist")
        return Listed(path, problem="cannot read file: No such file or directory")
    except OSError as error:
        return Listed(path, problem=f"cannot read file: {error.strerror or error}")
    if not stat.S_ISREG(mode):
        return Listed(path, problem="not a regular file (device, pipe or socket)")
    kind = scorecard_kind(path)
    return Listed(path, skipped=f"a nianbao scorecard ({kind}), not a report") if kind else Listed(path)


def scorecard_kind(path: Path) -> str | None:
    """The output format of a scorecard nianbao wrote (by its content, not its name), or None."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(_PEEK)
    except OSError:
        return None  # the worker reads it again and reports why it cannot
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    if text.startswith('{\n  "scorecard": "nianbao-scorecard/'):
        return "json"
    if text.startswith('{"source":{"name":') and '"packs":[' in text:
        return "jsonl"
    if text.startswith("文件,路径,SHA-256,机关,"):
        return "csv"
    if '"name": "nianbao"' in text and '"$schema": "https://json.schemastore.org/sarif' in text:
        return "sarif"
    if '<testsuites name="nianbao"' in text:
        return "junit"
    if HTML_GENERATOR in text:
        return "html"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx" if _nianbao_workbook(path) else None
    return None


def _nianbao_workbook(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                return False
            return b">nianbao</dc:creator>" in archive.read("docProps/core.xml")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError):
        return False


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
        if path.is_symlink() and not path.exists():
            raise InputError(f"broken symbolic link: {os.readlink(path)} does not exist", str(path)) from None
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
