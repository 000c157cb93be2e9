"""Decoding a saved web page (BOM, declared charset, UTF-8, GB18030) and parsing it within limits."""

from __future__ import annotations

import codecs
import re

from lxml import etree

from engine.errors import InputError

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)"""
                       rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_:.\-]+)""", re.IGNORECASE)
# Pages that say gb2312 or gbk routinely hold characters only GBK/GB18030 have; GB18030 reads all.
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "ms936", "euc-cn", "hz-gb-2312", "gb18030"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Return the page's text and encoding: BOM, then the declared charset, then UTF-8, then GB18030."""
    tried: list[str] = []
    for bom, codec in _BOMS:
        if data.startswith(bom):
            tried.append(codec)
            data = data[len(bom):]
            break
    declared = _DECLARED.search(data[:8192])
    if declared:
        label = (declared.group(1) or declared.group(2)).decode("ascii").lower()
        label = "gb18030" if label in _GB else label
        try:
            tried.append(codecs.lookup(label).name)
        except LookupError:
            pass
    tried += ["utf-8", "gb18030"]
    for codec in dict.fromkeys(tried):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        break
    else:  # no codec reads every byte: the declared (or first) one, bad bytes replaced
        codec = tried[0]
        text = data.decode(codec, errors="replace")
        codec += "（部分字节无法解码）"
    if len(_CONTROL.findall(text[:100_000])) > max(8, min(len(text), 100_000) // 200):
        raise InputError("binary data, not an HTML page (control characters)", name)
    return _CONTROL.sub("", text), codec


def parse(text: str, name: str) -> etree._Element:
    """Parse page text with libxml2's limits on (depth 256, 10 MB text runs): refuse what exceeds them."""
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=False, remove_comments=True, remove_pis=True,
                              no_network=True)
    try:
        root = etree.fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise InputError(f"cannot read HTML: {error}", name) from None
    if root is None:
        raise InputError("empty HTML page", name)
    for entry in parser.error_log:
        if entry.type_name == "ERR_RESOURCE_LIMIT" or entry.level_name == "FATAL":
            raise InputError(f"HTML page beyond the parser's limits (line {entry.line}): "
                             f"{entry.message.split(',')[0]}", name)
    return root
