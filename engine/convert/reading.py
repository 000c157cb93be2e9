"""Turning a file's bytes into text: the encodings reports are saved in, and what is not text at all."""

from __future__ import annotations

import codecs
import re
import threading
import unicodedata
from typing import NamedTuple

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


class Damage(NamedTuple):
    """A run of bytes no encoding could read: where it is (byte offset, 1-based line) and what it was."""

    offset: int
    raw: bytes
    line: int


class Decoded(NamedTuple):
    """A text file as read: its text ("\\n" line ends; U+FFFD where bytes were undecodable), the encoding,
    the first undecodable runs (at most MAX_DAMAGE_NOTES) and how many runs there were in all."""

    text: str
    encoding: str
    damage: tuple[Damage, ...] = ()
    damaged_runs: int = 0


MAX_DAMAGE_NOTES = 10
REPLACEMENT = "\ufffd"
# A download cut inside a multibyte character, or a stray byte, leaves a few undecodable bytes in a
# good report; past this share of the file it is not a report in any encoding we read.
_DAMAGE_SHARE = 100
# While decoding, an undecodable run becomes a lone surrogate: no strict decoding yields one, so each
# marks exactly one run (and is replaced by U+FFFD once its line is known).
_MARK = "\udcff"
_runs = threading.local()


def _mark(error: UnicodeDecodeError) -> tuple[str, int]:
    _runs.count += 1
    _runs.bytes += error.end - error.start
    if len(_runs.found) < MAX_DAMAGE_NOTES:
        _runs.found.append((error.start, error.object[error.start:error.end]))
    return _MARK, error.end


codecs.register_error("nianbao.mark", _mark)


def decode(data: bytes, name: str) -> Decoded:
    """Return the text with "\\n" line ends, its encoding and its undecodable bytes, or raise InputError."""
    if not data.strip():
        raise InputError("empty file", name)
    text = encoding = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text, encoding = _strict(data, codec), codec
            if text is None:  # the mark says which encoding: read it, damage noted
                text, encoding = _lenient(data, codec, name), codec
            break
    if text is None and b"\x00" in data:
        text, encoding = _utf16_without_bom(data, name)
        if text is None:
            raise InputError("binary file, not text (contains NUL bytes)", name)
    if text is None:
        for codec in ("utf-8", "gb18030"):
            text = _strict(data, codec)
            if text is not None:
                encoding = codec
                break
    if text is None:
        text, encoding = _fewest_errors(data, name)
    text = text.lstrip("\ufeff")
    controls = len(_CONTROL.findall(text))
    if controls > max(8, len(text) // 200):
        raise InputError("binary file, not text (control characters)", name)
    if encoding == "gb18030" and not _plausible_chinese(text):
        raise InputError("cannot decode: bytes are neither UTF-8 nor plausible GB18030 text", name)
    text = _NEWLINES.sub("\n", _CONTROL.sub("", text))
    if _MARK not in text:
        return Decoded(text, encoding or "utf-8")
    return _located(text, encoding or "utf-8")


def _lenient(data: bytes, codec: str, name: str, refuse: bool = True) -> str | None:
    """Decode with undecodable runs marked; InputError (or None) when they are more than damage."""
    _runs.found, _runs.count, _runs.bytes = [], 0, 0
    try:
        text = data.decode(codec, "nianbao.mark")
    except LookupError:
        return None
    _runs.decoded = (list(_runs.found), _runs.count)
    if _runs.bytes <= min(max(16, len(data) // _DAMAGE_SHARE), len(data) // 4):
        return text
    if refuse:
        raise _too_damaged(data, codec, name)
    return None


def _too_damaged(data: bytes, codec: str, name: str) -> InputError:
    offset = _runs.found[0][0] if _runs.found else 0
    line = data.count(b"\n", 0, offset) + 1
    return InputError(f"cannot decode: {_runs.bytes:,} bytes are not {codec} text (the first at byte offset "
                      f"{offset:,}, line {line})", name)


def _fewest_errors(data: bytes, name: str) -> tuple[str, str]:
    """Neither UTF-8 nor GB18030 reads every byte: take the one that leaves fewer undecodable."""
    readings = []
    for codec in ("utf-8", "gb18030"):
        text = _lenient(data, codec, name, refuse=False)
        if text is not None and (codec == "utf-8" or _plausible_chinese(text)):
            readings.append((_runs.bytes, codec, text, _runs.decoded))
    if not readings:
        _lenient(data, "utf-8", name, refuse=False)  # name the first bad byte as UTF-8 sees it
        raise _too_damaged(data, "UTF-8 or GB18030", name)
    _, codec, text, _runs.decoded = min(readings, key=lambda reading: reading[0])  # ties: UTF-8 first
    return text, codec


def _located(text: str, encoding: str) -> Decoded:
    """Give each marked run its line, then put U+FFFD in its place."""
    found, count = _runs.decoded
    damage, line, at = [], 1, 0
    for (offset, raw), position in zip(found, (m.start() for m in re.finditer(_MARK, text))):
        line += text.count("\n", at, position)
        at = position
        damage.append(Damage(offset, raw, line))
    return Decoded(text.replace(_MARK, REPLACEMENT), encoding, tuple(damage), count)


def damage_notes(decoded: Decoded) -> list[dict]:
    """The conversion notes of a file's undecodable bytes: one per run (at most MAX_DAMAGE_NOTES), then
    one for the rest."""
    notes = [{"code": "undecodable_bytes", "line": item.line, "pointer": None,
              "message": f"第{item.line}行（字节偏移{item.offset}）有无法按{decoded.encoding}解码的字节"
                         f"（{item.raw[:8].hex(' ').upper()}），以“{REPLACEMENT}”代替；该行的表格数值不读取"}
             for item in decoded.damage]
    if decoded.damaged_runs > len(decoded.damage):
        notes.append({"code": "undecodable_bytes", "line": None, "pointer": None,
                      "message": f"另有{decoded.damaged_runs - len(decoded.damage)}处无法解码的字节未逐一列出，"
                                 "所在行的表格数值同样不读取"})
    return notes


def _strict(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_without_bom(data: bytes, name: str) -> tuple[str | None, str | None]:
    """UTF-16 without a BOM puts NUL in every other byte of ASCII; guess the byte order from that."""
    odd, even = data[1::2].count(0), data[0::2].count(0)
    codec = "utf-16-le" if odd > even else "utf-16-be"
    if max(odd, even) < len(data) // 20:
        return None, None
    text = _strict(data, codec)
    if text is None:  # cut at an odd byte, or a stray pair: read it if that is all
        text = _lenient(data, codec, name, refuse=False)
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
