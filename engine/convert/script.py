"""Reading Traditional-Chinese copies of reports through a simplified shadow of their text.

Mirror sites republish reports in traditional characters, often with regional vocabulary (資訊 for
信息, 最佳化 for 优化). The converter reads a *shadow*: the text converted to simplified Chinese
with OpenCC (the `opencc` C++ binding from PyPI), kept the same length line by line so that every
line and column of the shadow is the same line and column of the original. Provenance therefore
points at the original characters, and the document's `text` is the original.

A phrase conversion that changes a line's length (最佳化 → 优化) is not taken for that stretch:
the stretch between punctuation is converted again character by character (one character for one),
and a character whose conversion is not one character stays as printed.

Only a text that reads as traditional is converted (a count of characters that only traditional
script uses), so simplified reports never load OpenCC.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache

# Characters only traditional script uses, as they occur in reports (the seed reports and the
# template's wording converted by OpenCC s2t, s2twp and s2hk; each maps to another under t2s).
_TRADITIONAL_ONLY = (
    "並佈來係個們備傳償優內兩凱別則創劃動務勢區協參吳員問單嚴國圍圖執堅報場壓夠學實審寬將專對導屆層屬崗帥師幫幹庫"
    "廣廳強彙後徑從復徹態慶應戶掛採揮擊據擬擴攜數斷於時暢暫曉書會東條業極榮構標機檔檢欄權歷歸殺決沒況減測準溝滾滿"
    "漲濟濱瀋為無熱營爭爲爾牽獲現環產畫當疇發監眾確碼礎礙祕種稱積穩競節範簡籌籤糧糾約納紓紙級紮細終組結絕絡給統經"
    "綜維網緊線編緩縣縮總織繞繪繫繼續罰羣義習聞聯職臺與舉艱華萬處號衆衝補製複覈見規視親覽觀訂計訊訓託記訟訪設許訴"
    "評詢試話詳誌認語誰課調談請論諮證識議護讀變豐負財貫責買費貼貿資質賬購踐蹤較載輿轉辦這進運過違遞遷還郵釋針錄鍵"
    "鏈長門閃開間閱關陽隊階際隨雖雙雜難電鞏響項順預領頭頻題額類顯餘駐驗體髮鳳鴨鹽麗點黨龍"
)
_TRADITIONAL = re.compile(f"[{_TRADITIONAL_ONLY}]")
_SAMPLE = 4000  # characters looked at to decide
_AT_LEAST = 30  # traditional-only characters needed, and…
_SHARE = 0.03  # …their share of the sample
_CHUNK = re.compile(r"[^\s，。、；：！？,.;:!?（）()「」『』“”\"'|]+|.", re.S)


def is_traditional(text: str) -> bool:
    """Whether the text is written in traditional characters (cheap: one pass over a sample)."""
    sample = text[:_SAMPLE]
    found = len(_TRADITIONAL.findall(sample))
    return found >= _AT_LEAST and found >= _SHARE * len(sample)


@cache
def _converters():
    """OpenCC's Taiwan-phrases-to-mainland and plain traditional-to-simplified converters (loaded once)."""
    import opencc

    return opencc.OpenCC("tw2sp.json"), opencc.OpenCC("t2s.json")


def shadow(text: str) -> str | None:
    """The simplified shadow of a traditional text (same length on every line), or None if not traditional."""
    if not is_traditional(text):
        return None
    phrases, characters = _converters()
    return "\n".join(_line(line, phrases, characters) for line in text.split("\n"))


def _line(line: str, phrases, characters) -> str:
    converted = phrases.convert(line)
    if len(converted) == len(line):
        return converted
    return "".join(_aligned(chunk, phrases, characters) for chunk in _CHUNK.findall(line))


def _aligned(chunk: str, phrases, characters) -> str:
    """The chunk's phrase conversion where it keeps lengths, character by character elsewhere."""
    converted = phrases.convert(chunk)
    if len(converted) == len(chunk):
        return converted
    # one character for one: a character whose conversion is not one character stays as printed
    single = "".join(c if len(c) == 1 else ch for ch, c in zip(chunk, map(characters.convert, chunk)))
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, single, converted, autojunk=False).get_opcodes():
        same_length = op == "replace" and i2 - i1 == j2 - j1
        out.append(converted[j1:j2] if op == "equal" or same_length else single[i1:i2])
    return "".join(out)


def restore(document: dict, original: str, shadow_text: str) -> None:
    """Point the document built from the shadow back at the original: its text, raws and headings."""
    text = document.get("text")
    restored = original if text == shadow_text else _realign(text, shadow_text, original)
    if restored is None:  # the text was re-cut in a way not followed here: keep the shadow, say so
        document["notes"].append({"code": "script_converted", "pointer": None, "line": None, "message":
                                  "报告为繁体字，按OpenCC转换的简体文本读取；转换后的文本无法与原文逐字对应，text为简体"})
        return
    document["text"] = restored
    lines = restored.split("\n")
    for entry in document.get("provenance", {}).values():
        line, column, raw = entry.get("line"), entry.get("column"), entry.get("raw")
        if isinstance(line, int) and isinstance(column, int) and isinstance(raw, str) and line <= len(lines):
            entry["raw"] = lines[line - 1][column - 1:column - 1 + len(raw)] or raw
    for section in document.get("sections", ()):
        printed = lines[section["line"] - 1].strip()[:len(section["heading"])]
        if len(printed) == len(section["heading"]):
            section["title"] = printed[len(printed) - len(section["title"]):]
            section["heading"] = printed
    meta = document.get("meta", {})
    title = meta.get("title")
    for index, line in enumerate(text.split("\n") if isinstance(title, str) else ()):
        at = line.find(title)
        if at >= 0:
            meta["title"] = lines[index][at:at + len(title)]  # the agency stays simplified, for lookups
            break
    document["notes"].append({"code": "script_converted", "pointer": None, "line": None, "message":
                              "报告为繁体字，按OpenCC转换的简体文本逐字对照读取；数值的出处指向原文"})


def _realign(text: str, shadow_text: str, original: str) -> str | None:
    """The original cut as the shadow was (newlines inserted, spaces dropped), or None if it cannot be."""
    out, i = [], 0
    for ch in text:
        while i < len(shadow_text) and shadow_text[i] != ch and shadow_text[i].isspace():
            i += 1  # whitespace the re-cut dropped
        if i < len(shadow_text) and shadow_text[i] == ch:
            out.append(original[i])
            i += 1
        elif ch.isspace():
            out.append(ch)  # a line break the re-cut inserted
        else:
            return None
    return "".join(out)
