"""Checking one input: read it, hash it, convert it (or load a converted document), check it.

Every path that turns an input into a scorecard entry goes through here: the batch workers,
`nianbao diff` and the tests. Bad input never raises: the entry carries the one-line error instead.
A converted document is validated against the document schema like a loaded one; a converter
output that breaks it is noted in the entry (`document-invalid`), and the report is still checked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from engine.convert.pipeline import convert
from engine.document.validation import validate
from engine.errors import InputError
from engine.inputs import Listed, decode_json, is_document, read_input
from engine.rules.evaluation import Checker
from engine.scorecard.entry import check_report, report_entry


class Loaded(NamedTuple):
    """One input read: its document, or the one-line error saying why there is none."""

    path: Path
    sha256: str | None
    document: dict[str, Any] | None
    error: str | None


def load_document(path: Path, data: bytes) -> dict:
    """Read an already converted document; InputError if it is not one or breaks the schema."""
    document = decode_json(data, str(path))
    errors = validate(document)
    if errors:
        more = f" (and {len(errors) - 1} more; see `nianbao validate`)" if len(errors) > 1 else ""
        raise InputError(f"not a valid report document: {errors[0]}{more}", str(path))
    return document


def load_input(path: Path) -> Loaded:
    """Read and convert one input (a .json document is loaded as it is); never raises."""
    sha256 = None
    try:
        data = read_input(path)
        sha256 = hashlib.sha256(data).hexdigest()
        document = load_document(path, data) if is_document(path) else validated(convert(data, str(path)))
    except InputError as error:
        return Loaded(path, sha256, None, str(error))
    except Exception as error:  # noqa: BLE001 - a converter bug loses this report's entry, not the batch
        return Loaded(path, sha256, None, f"{path}: internal error: {type(error).__name__}: "
                                          f"{' '.join(str(error).split())}")
    return Loaded(path, sha256, document, None)


# Schema errors noted per converted document: the first few say what is wrong, a count says the rest.
MAX_SCHEMA_NOTES = 5


def validated(document: dict[str, Any]) -> dict[str, Any]:
    """The converted document, with a `document-invalid` note for each way it breaks the schema.

    The converter must only produce valid documents, so a violation is the converter's bug shown
    to the reader, never a lost report; the fast validator answers the common (valid) case.
    """
    try:
        errors = validate(document)
    except Exception as error:  # noqa: BLE001 - a validator failure is noted like a violation
        errors = [f"the validator failed: {type(error).__name__}: {' '.join(str(error).split())}"]
    if not errors:
        return document
    notes = [{"code": "document-invalid", "message": f"转换结果不符合文档 JSON Schema：{error}",
              **({"pointer": error.pointer} if getattr(error, "pointer", None) else {})}
             for error in errors[:MAX_SCHEMA_NOTES]]
    if len(errors) > MAX_SCHEMA_NOTES:
        notes.append({"code": "document-invalid", "message": f"另有 {len(errors) - MAX_SCHEMA_NOTES} 处不符合"})
    notes_now = document.get("notes")
    document["notes"] = (notes_now if isinstance(notes_now, list) else []) + notes
    return document


def error_entry(loaded: Loaded) -> dict[str, Any]:
    """The scorecard entry of an input that could not be read or converted."""
    return report_entry(None, source={"name": loaded.path.name, "sha256": loaded.sha256, "format": None},
                        error=loaded.error)


def check_input(checker: Checker, path: Path) -> tuple[dict[str, Any], str | None]:
    """The scorecard entry of one input, and the report text its lines refer to (None if unread)."""
    loaded = load_input(path)
    if loaded.document is None:
        return error_entry(loaded), None
    return check_report(checker, loaded.document), loaded.document.get("text")


def problem_entry(item: Listed) -> dict[str, Any]:
    """The entry of an input found unusable while listing (a dangling link, a folder that cannot be read)."""
    return error_entry(Loaded(item.path, None, None, str(item)))


def interleave(listed: Iterable[Listed], checked: Iterator[tuple[Path, dict[str, Any], str | None]]
               ) -> Iterator[tuple[Path, dict[str, Any], str | None]]:
    """Every listed input's (path, entry, text) in listing order: the checked ones from `checked`
    (which has one item per input without a problem, in order), the others as their error entry."""
    for item in listed:
        if item.problem is not None:
            yield item.path, problem_entry(item), None
        else:
            yield next(checked)
