"""Reading the report's title, issuing agency, year and publication date from its text."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Sequence

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
_PUNCTUATION = re.compile(r"[\s　:：,，。、\-—_|·()（）\[\]【】《》]+")

Note = Callable[..., None]


def _plain(line: str) -> str:
    return _MARKUP.sub("", unicodedata.normalize("NFKC", line).strip()).replace("**", "").strip()


def find_title(lines: Sequence[str], before: int) -> tuple[str | None, int | None]:
    """Return the report's title (with an agency line printed just above it) and its line number."""
    limit = min(before - 1 if before else len(lines), 40, len(lines))
    candidates = [index for index in range(limit) if _is_title(_plain(lines[index]))]
    # A title names its year; a breadcrumb or a link list that mentions 年报 does not.
    candidates.sort(key=lambda index: (not _YEAR.search(_plain(lines[index])), index))
    for index in candidates[:1]:
        text = _plain(lines[index])
        parts = [text]
        # 山东省商务厅 / 2020年度政府信息公开工作报告: the agency on its own line above the title.
        for above in range(index - 1, max(index - 3, -1), -1):
            previous = _plain(lines[above])
            if not previous:
                continue
            if len(previous) <= 30 and not previous.endswith(("。", "；", "：", ":")) and \
                    agency_from_title(text) is None and not _REPORT.search(previous):
                parts.insert(0, previous)
            break
        return re.sub(r"\s+", " ", " ".join(parts)).strip(), index + 1
    return None, None


def _is_title(text: str) -> bool:
    return bool(text) and len(text) <= 80 and _REPORT.search(text) is not None and \
        not _NAVIGATION.search(text)


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
        match = _PERIOD.search(unicodedata.normalize("NFKC", line))
        if match:
            return int(match.group(1))
    return None


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
