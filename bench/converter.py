"""The one place where bench/ and tests/ call the converter: change this import when it moves."""

from __future__ import annotations

from engine.convert.pipeline import convert
from engine.errors import InputError


def convert_text(text: str, name: str = "report.txt") -> dict | None:
    """Convert report text (as UTF-8 bytes); None when the converter says it is no report at all."""
    try:
        return convert(text.encode("utf-8"), name)
    except InputError:
        return None  # reading nothing is never a wrong value; the coverage figures count it


def convert_bytes(data: bytes, name: str) -> dict:
    """Convert a report file's bytes (text, HTML, DOCX or PDF, told by content)."""
    return convert(data, name)
