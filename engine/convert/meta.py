"""Reading the report's title, issuing agency, year and publication date from its text."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Sequence

from engine.convert.agency import from_header, from_text
from engine.convert.gazetteer import locate_in_text
from engine.convert.reading import REPLACEMENT

_REPORT = re.compile(r"(政府信息公开|政务公开).{0,6}(年度报告|工作报告|年报)")
_YEAR = re.compile(r"(?<!\d)(20\d{2})\s*年\s*度?")
_TITLE_TAIL = re.compile(r"(?:的)?(?:政府信息公开|政务公开).*$")
_MARKUP = re.compile(r"\*\*|__|^#+\s*")
_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|成文日期|发文日期|印发日期|公开日期)\s*[:：]?\s*"
    r"(?P<y>20\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"
)
_NAVIGATION = re.compile(r"当前位置|您的位置|首页|>|»|›|\|")
_PERIOD = re.compile(r"(20\d{2})\s*年\s*1\s*月\s*1\s*日")
# 统计期限自2021年1月1日起至2021年12月31日止 / 统计期限为2019年9月1日至2019年12月31日: the end's year.
_PERIOD_END = re.compile(r"统计(?:期限|时限|时间|区间|周期|范围)[^。；;\n]{0,30}?至\s*(20\d{2})\s*年\s*12\s*月\s*31\s*日")
_NAMED_YEAR = re.compile(r"(20\d{2})\s*年\s*度?\s*(?:的)?(?:政府信息公开|政务公开)(?:工作)?(?:年度报告|工作报告|年报)")
# A crawler's header block: `标题: …`, `发布时间: …`, up to a `==== 正文 ====` line or the first other line.
_HEADER_LINE = re.compile(r"^\s*(?P<key>[\u4e00-\u9fff]{2,6})\s*[:：]\s*(?P<value>.*?)\s*$")
_HEADER_KEYS = {"标题", "发布时间", "发布日期", "发布机构", "发布单位", "来源", "信息来源", "原文链接", "文号",
                "栏目", "本地目录", "索引号", "主题分类", "成文日期", "所属机构", "作者", "关键词", "发文机关"}
_BODY_MARK = re.compile(r"^\s*[=＝\-—]{3,}\s*正文\s*[=＝\-—]{3,}\s*$")
# A title inside a long line (a crawler's one-line body): the run of name characters before the phrase.
_INLINE_TITLE = re.compile(r"[\u4e00-\u9fff0-9（）()]{2,40}?(?:20\d{2}\s*年\s*度?)?(?:的)?(?:政府信息公开|政务公开)"
                           r"(?:工作)?(?:年度报告|工作报告|年报)")
_PUNCTUATION = re.compile(r"[\s　:：,，。、\-—_|·()（）\[\]【】《》]+")

Note = Callable[..., None]


def _plain(line: str) -> str:
    return _MARKUP.sub("", unicodedata.normalize("NFKC", line).strip()).replace("**", "").strip()


def read_header(lines: Sequence[str]) -> tuple[dict[str, tuple[str, int]], int]:
    """A crawler's `key: value` header block at the top: key → (value, line), and the body's first index."""
    header: dict[str, tuple[str, int]] = {}
    end = None
    for index, line in enumerate(lines[:30]):
        if _BODY_MARK.match(line):
            return (header, index + 1) if len(header) >= 2 else ({}, 0)
        if not line.strip():
            continue
        match = _HEADER_LINE.match(line)
        if end is None and match and (match["key"] in _HEADER_KEYS or header):
            header.setdefault(match["key"], (match["value"], index + 1))
            continue
        if not header:
            return {}, 0
        end = index if end is None else end  # a note line between the header and the 正文 mark
    known = sum(1 for key in header if key in _HEADER_KEYS)
    return (header, end or 0) if known >= 2 else ({}, 0)


def find_title(lines: Sequence[str], before: int, header: dict | None = None,
               start: int = 0) -> tuple[str | None, int | None]:
    """Return the report's title (with an agency line printed just above it) and its line number."""
    if header and "标题" in header:
        value, line = header["标题"]
        if _REPORT.search(value):
            return re.sub(r"\s+", " ", _plain(value)), line
    limit = min(before - 1 if before else len(lines), start + 40, len(lines))
    candidates = [index for index in range(start, limit) if _is_title(_plain(lines[index]))]
    # A title names its year; a breadcrumb or a link list that mentions 年报 does not.
    candidates.sort(key=lambda index: (not _YEAR.search(_plain(lines[index])), index))
    for index in candidates[:1]:
        text = _plain(lines[index])
        parts = [text]
        # 山东省商务厅 / 2020年度政府信息公开工作报告: the agency on its own line above the title.
        for above in range(index - 1, max(index - 3, start - 1), -1):
            previous = _plain(lines[above])
            if not previous:
                continue
            if len(previous) <= 30 and not previous.endswith(("。", "；", "：", ":")) and \
                    agency_from_title(text) is None and not _REPORT.search(previous):
                parts.insert(0, previous)
            break
        return re.sub(r"\s+", " ", " ".join(parts)).strip(), index + 1
    return _inline_title(lines, start, limit)


def _inline_title(lines: Sequence[str], start: int, limit: int) -> tuple[str | None, int | None]:
    """A title printed inside a long line (a one-line page body), standing between spaces or punctuation."""
    for index in range(start, limit):
        text = unicodedata.normalize("NFKC", lines[index])
        if len(text) <= 80:
            continue
        for match in _INLINE_TITLE.finditer(text):
            before = text[match.start() - 1] if match.start() else " "
            if _YEAR.search(match.group()) and (before.isspace() or before in ">》」】)）:：,，。;；、"):
                return re.sub(r"\s+", " ", match.group()).strip(), index + 1
    return None, None


def _is_title(text: str) -> bool:
    # A sentence (现将…报告公布如下。) names the report but is not its title.
    return bool(text) and len(text) <= 80 and _REPORT.search(text) is not None and \
        not _NAVIGATION.search(text) and not re.search(r"[。，；,;]", text)


def agency_from_title(title: str) -> str | None:
    """Return the issuing agency named in a title: 双鸭山市商务局2020年政府信息… → 双鸭山市商务局."""
    text = unicodedata.normalize("NFKC", title)
    text = _TITLE_TAIL.sub("", text)
    text = _YEAR.sub(" ", text)
    text = _PUNCTUATION.sub("", text)
    text = re.sub(r"^(关于|本)|(关于|的)$", "", text)
    return text if len(text) >= 2 else None


def year_from(title: str | None, lines: Sequence[str]) -> int | None:
    """Return the year reported on: from the title, else from the statistical period in the text."""
    if title:
        match = _YEAR.search(unicodedata.normalize("NFKC", title))
        if match:
            return int(match.group(1))
    for line in lines:
        match = _PERIOD_END.search(unicodedata.normalize("NFKC", line))
        if match:
            return int(match.group(1))
    for line in lines:
        match = _PERIOD.search(unicodedata.normalize("NFKC", line))
        if match:
            return int(match.group(1))
    # The report named in its own text (现将…2020年度政府信息公开工作年度报告公布如下), if all agree.
    head = unicodedata.normalize("NFKC", "\n".join(lines))[:4000]
    years = {int(m.group(1)) for m in _NAMED_YEAR.finditer(head)}
    return years.pop() if len(years) == 1 else None


def published_on(lines: Sequence[str]) -> tuple[str | None, int | None, str | None]:
    """Return (ISO date, line, problem) of the publication date printed in a 发布时间/成文日期 line."""
    for number, line in enumerate(lines, 1):
        if "日期" not in line and "时间" not in line:
            continue
        match = _PUBLISHED.search(unicodedata.normalize("NFKC", line))
        if not match:
            continue
        try:
            date = datetime.date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            return None, number, f"第{number}行的日期“{match.group()}”不是有效日期"
        return date.isoformat(), number, None
    return None, None, None


def read(lines: Sequence[str], first_section: int, notes,
         original_line: Callable[[int], int] = lambda line: line) -> dict:
    """Read title, agency, year, publication date and region; notes say what was missing or inferred.

    The agency comes from the title; failing that, from the preamble or body, then from a crawler's
    `发布机构:` header. The region is read from the agency's name, completed from the division names
    the report prints when the name lacks them (see gazetteer.locate_in_text). `original_line` maps a
    line of `lines` to the line of the document's text (they differ when long lines were cut).
    """
    header, body = read_header(lines)
    title, title_line = find_title(lines, first_section, header, body)
    title_line = original_line(title_line) if title_line else title_line
    agency = agency_from_title(title) if title else None
    agency_line, how = title_line, "title"
    if title is None:
        notes.add("title_not_found", "未找到报告标题（含“政府信息公开工作年度报告”的行）")
    if agency is None:
        agency, agency_line, how = from_text(list(lines), body)
        if agency is None:
            agency, agency_line = from_header(header)
            how = "header"
        agency_line = original_line(agency_line) if agency_line else agency_line
        if agency is not None:
            where = {"compiled_by": "正文所述编制机关", "short_name": "正文所述机关全称",
                     "names_report": "正文所述报告名称", "header": "网页的发布机构"}[how]
            notes.add("agency_from_text", f"标题中没有发布机关名称，按{where}（第{agency_line}行）取为“{agency}”",
                      "/meta/agency", agency_line)
        elif title is not None:
            notes.add("agency_not_found", "标题中没有发布机关名称", "/meta/agency", title_line)
    context = "\n".join([title or "", *(value for value, _ in header.values()),
                         "\n".join(lines[body:])[:3000]])
    region, region_note = locate_in_text(agency, context)
    if region_note:
        code = "region_from_text" if region_note.startswith("机关名称未含") else "region_uncertain"
        notes.add(code, region_note, "/meta/region")
    year = year_from(title, lines)
    if year is None:
        notes.add("year_not_found", "标题和正文中都没有报告年度", "/meta/year")
    published, published_line, date_problem = published_on(lines)
    if published and REPLACEMENT in lines[published_line - 1]:  # a digit may have been lost with the bytes
        published, date_problem = None, f"第{original_line(published_line)}行的日期所在行有无法解码的字节，不读取"
    if date_problem:
        notes.add("date_unreadable", date_problem, "/meta/published_on", original_line(published_line))
    elif published:
        notes.provenance["/meta/published_on"] = {"line": original_line(published_line), "column": 1,
                                                  "raw": lines[published_line - 1].strip()}
    return {"title": title, "agency": agency, "year": year, "published_on": published, "region": region}
