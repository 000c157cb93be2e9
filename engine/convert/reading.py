"""Turning a file's bytes into text: the encodings reports are saved in, and what is not text at all."""

from __future__ import annotations

import codecs
import re
import unicodedata

from engine.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, carriage return and form feed never occur in a report.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n?|\u2028|\u2029|\x0c")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Return (text with "\\n" line ends, encoding) or raise InputError naming the file."""
    if not data.strip():
        raise InputError("empty file", name)
    text = encoding = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text, encoding = _strict(data, codec), codec
            if text is None:
                raise InputError(f"starts with a {codec} byte-order mark but is not valid {codec}", name)
            break
    if text is None and b"\x00" in data:
        text, encoding = _utf16_without_bom(data)
        if text is None:
            raise InputError("binary file, not text (contains NUL bytes)", name)
    if text is None:
        for codec in ("utf-8", "gb18030"):
            text = _strict(data, codec)
            if text is not None:
                encoding = codec
                break
    if text is None:
        raise InputError("cannot decode: not UTF-8, GB18030/GBK or UTF-16 text", name)
    text = text.lstrip("\ufeff")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 200):
        raise InputError("binary file, not text (control characters)", name)
    if encoding == "gb18030" and not _plausible_chinese(text):
        raise InputError("cannot decode: bytes are neither UTF-8 nor plausible GB18030 text", name)
    return _NEWLINES.sub("\n", _CONTROL.sub("", text)), encoding or "utf-8"


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes) -> tuple[str | None, str | None]:
    """UTF-16 without a BOM puts NUL in every other byte of ASCII; guess the byte order from that."""
    if len(data) % 2:
        return None, None
    odd, even = data[1::2].count(0), data[0::2].count(0)
    codec = "utf-16-le" if odd > even else "utf-16-be"
    if max(odd, even) < len(data) // 20:
        return None, None
    text = _strict(data, codec)
    if text is None or _CONTROL.search(text.replace("\x00", "")) or "\x00" in text:
        return None, None
    return text, codec


def _plausible_chinese(text: str) -> bool:
    """GB18030 decodes almost any bytes; text from another encoding lands in private-use or unassigned
    code points, or in scripts a Chinese report never uses."""
    sample = text[:20000]
    odd = sum(1 for ch in sample if ch >= "\u0080" and (unicodedata.category(ch) in ("Co", "Cn")
                                                         or "\uac00" <= ch <= "\ud7af"))
    return odd <= 0.02 * len(sample)
