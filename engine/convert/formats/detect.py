"""Telling a report file's format from its bytes, not its name: text, html, docx or pdf.

A file's extension is a hint at most: portals serve .htm pages named .html, .shtml or .jsp, people
rename Word files, and a download named .doc is often really HTML or DOCX. The name only chooses
between readings the bytes leave open (which old Office format an OLE2 file is, a damaged DOCX).
Anything that is not one of the four formats is refused with one line saying what would work.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import PurePath

from engine.errors import InputError

FORMATS = ("text", "html", "docx", "pdf")

# The one size policy for every format. A report is 10–100 KB of text; its HTML page a few MB; a DOCX
# or PDF with its scanned seals and charts some tens of MB. Beyond these a file is not one report, and
# reading it would cost minutes and gigabytes (a 189 MB one-line text took 49 s and 3.8 GB), so it is
# refused before it is read: one line naming the file, and a batch goes on. MAX_TEXT_CHARS bounds the
# text the converter reads whatever the format (a DOCX's or PDF's extracted text included).
MB = 2**20
MAX_BYTES = {"text": 10 * MB, "html": 20 * MB, "docx": 50 * MB, "pdf": 50 * MB}
MAX_TEXT_CHARS = 10 * MB
_WHAT = {"text": "text file", "html": "HTML page", "docx": "DOCX file", "pdf": "PDF"}
_WORKS = "save it as .docx, PDF, HTML or text"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# OLE2 stream names (UTF-16LE) that tell the old Office formats apart.
_OLE2_KINDS = (
    ("EncryptedPackage".encode("utf-16-le"), "password-protected Office file (remove the password first)"),
    ("WordDocument".encode("utf-16-le"), "Word 97-2003 document"),
    ("Workbook".encode("utf-16-le"), "Excel 97-2003 workbook (.xls)"),
    ("Book".encode("utf-16-le"), "Excel 95 workbook (.xls)"),
    ("PowerPoint Document".encode("utf-16-le"), "PowerPoint 97-2003 presentation (.ppt)"),
)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"{\\rtf", "RTF"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
)
# What a page starts with once a BOM, whitespace, an XML declaration, a DOCTYPE or comments (IE's
# "saved from url") are past: any of these tags within the first few KB makes it HTML.
_HTML_TAG = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|table|div|p)[\s>/]", re.IGNORECASE)
_HTML_SNIFF = 4096
_ALL_MAGIC = (*_ZIP, _OLE2, *(magic for magic, _ in _MAGIC))
# "<" after optional BOM (UTF-8 or UTF-16) and whitespace: only then is the head looked at.
_MARKUP_START = re.compile(rb"(?:\xef\xbb\xbf|\xff\xfe|\xfe\xff)?(?:\s|\x00)*<")


def detect(data: bytes, name: str) -> str:
    """Return "text", "html", "docx" or "pdf" for a file's bytes; InputError for anything else.

    Text is the common case and must cost nothing: a few prefix checks, no copy of the data."""
    if data.startswith(_ALL_MAGIC) or data.find(b"%PDF-", 0, 1024) >= 0:
        return _binary_format(data, name)
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise InputError(f"unsupported format: a WebP image (a scanned report needs OCR first); {_WORKS}", name)
    if _MARKUP_START.match(data) and _looks_like_html(data[:_HTML_SNIFF]):
        return "html"
    if data[:13].upper() == b"MIME-VERSION:" or data.find(b"ultipart/related", 0, 2048) >= 0:
        raise InputError(f"unsupported format: MHTML web archive (.mht); {_WORKS}", name)
    return "text"


def _binary_format(data: bytes, name: str) -> str:
    if data.find(b"%PDF-", 0, 1024) >= 0:
        return "pdf"
    if data.startswith(_ZIP):
        return _zip_format(data, name)
    if data.startswith(_OLE2):
        raise InputError(f"unsupported format: {_ole2_kind(data, name)}; {_WORKS}", name)
    what = next(what for magic, what in _MAGIC if data.startswith(magic))
    hint = " (a scanned report needs OCR first)" if "image" in what else ""
    raise InputError(f"unsupported format: {what}{hint}; {_WORKS}", name)


def _looks_like_html(head: bytes) -> bool:
    """A page starts with markup: its first visible character is "<" and an HTML tag comes soon."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            if codec != "utf-8":  # a UTF-16 page: look at its characters, not its bytes
                head = head[len(bom):].decode(codec, "ignore").encode("ascii", "ignore")
            else:
                head = head[len(bom):]
            break
    stripped = head.lstrip()
    return stripped.startswith(b"<") and _HTML_TAG.search(stripped) is not None


def _zip_format(data: bytes, name: str) -> str:
    """DOCX is a ZIP holding word/document.xml; other ZIPs get a message naming what they are."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        # A truncated DOCX has no central directory, but its first entries' names are still there.
        if b"word/" in data[:65536] or PurePath(name).suffix.lower() == ".docx":
            return "docx"  # the DOCX reader says what is wrong with it
        raise InputError("damaged or truncated ZIP archive; " + _WORKS, name) from None
    if "word/document.xml" in names:
        return "docx"
    if any(item.startswith("xl/") for item in names):
        what = "Excel workbook (.xlsx)"
    elif any(item.startswith("ppt/") for item in names):
        what = "PowerPoint presentation (.pptx)"
    elif "OFD.xml" in names:
        what = "OFD document (.ofd)"
    elif "mimetype" in names:
        what = "OpenDocument file (.odt/.ods)"
    elif "[Content_Types].xml" in names:
        what = "Office file without a Word document part"
    else:
        what = "ZIP archive"
    raise InputError(f"unsupported format: {what}; {_WORKS}", name)


def _ole2_kind(data: bytes, name: str) -> str:
    """Name the old Office format of an OLE2 compound file by its streams, else by its extension."""
    suffix = PurePath(name).suffix.lower()
    for stream, what in _OLE2_KINDS:
        if stream in data:
            if what.startswith("Word"):
                return f"{what} ({suffix if suffix in ('.doc', '.wps', '.dot') else '.doc'})"
            return what
    return {".doc": "Word 97-2003 document (.doc)", ".wps": "WPS document (.wps)",
            ".xls": "Excel 97-2003 workbook (.xls)", ".et": "WPS spreadsheet (.et)",
            ".ppt": "PowerPoint 97-2003 presentation (.ppt)"}.get(suffix, "old Office (OLE2) file")


def check_size(kind: str, size: int, name: str) -> None:
    """Refuse a file of format `kind` larger than the policy allows (InputError naming the file)."""
    if size > MAX_BYTES[kind]:
        raise InputError(f"{_WHAT[kind]} too large: {size / MB:.1f} MB, at most {MAX_BYTES[kind] // MB} MB "
                         f"for {kind} input", name)


def check_text(kind: str, text: str, name: str) -> None:
    """Refuse report text (decoded or extracted) longer than the converter reads."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"{_WHAT[kind]} holds too much text: {len(text):,} characters, at most "
                         f"{MAX_TEXT_CHARS:,}", name)
