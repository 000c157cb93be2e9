"""Checking one input end to end: read or convert it, validate it, evaluate the packs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from engine.convert.pipeline import convert
from engine.errors import InputError
from engine.inputs import is_document, read_input
from engine.rules.evaluation import Checker
from engine.scorecard.entry import check_report, report_entry
from engine.document.validation import validate


def load_document(path: Path, data: bytes) -> dict:
    """Read an already converted document; InputError if it is not one or breaks the schema."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", str(path)) from None
    except json.JSONDecodeError as error:
        raise InputError(f"not JSON: {error.msg}", str(path), f"{error.lineno}:{error.colno}") from None
    errors = validate(document)
    if errors:
        more = f" (and {len(errors) - 1} more; see `nianbao validate`)" if len(errors) > 1 else ""
        raise InputError(f"not a valid report document: {errors[0]}{more}", str(path))
    return document


def document_from(path: Path, data: bytes) -> dict:
    """The document an input holds: a converted .json read as it is, a report converted."""
    return load_document(path, data) if is_document(path) else convert(data, str(path))


def check_path(checker: Checker, path: Path) -> tuple[dict, str | None]:
    """The scorecard entry of one input, and the report text its lines refer to (None if unread).

    Bad input never raises: the entry carries the one-line error instead.
    """
    source = {"name": path.name, "sha256": None, "format": None}
    try:
        data = read_input(path)
        source["sha256"] = hashlib.sha256(data).hexdigest()
        document = document_from(path, data)
    except InputError as error:
        return report_entry(None, source=source, error=str(error)), None
    return check_report(checker, document), document.get("text")
