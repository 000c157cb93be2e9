"""Finding the issuing agency where the title does not name it: the page header, the preamble, the body.

Real pages name the agency in many places: a crawler's `发布机构:` header, a line above the title,
the preamble (`本报告由XX县人民政府办公室编制`, `XX市商务局（以下简称本机关）`), or a sentence that
names the report (`现公布XX局2021年政府信息公开工作年度报告`). Each pattern takes only a run of
characters that reads as one body's name (it ends in a body's word such as 局, 委员会, 人民政府);
anything else is left alone, since a wrong agency is worse than none.
"""

from __future__ import annotations

import re
import unicodedata

# The last word of a government body's name (longest first where one contains another).
_BODY_END = (
    "人民政府", "人民政府办公厅", "人民政府办公室", "办公厅", "办公室", "管理委员会", "管委会", "委员会",
    "办事处", "街道", "行政公署", "公署", "局", "厅", "委", "办", "署", "中心", "院", "站", "所",
    "镇", "乡", "苏木", "队", "处", "馆", "会", "部", "社",
)
_END = "|".join(sorted(set(_BODY_END), key=len, reverse=True))
# A run of name characters: CJK, digits (第八师), brackets used inside names (（XX）).
_NAME = r"[\u4e00-\u9fff0-9（）()]{2,40}?"
# Words that may stand before a name inside a sentence; cut off the run's start.
_LEAD = re.compile(r"^(?:现将|现对|现由|特将|现予|本报告由|报告由|由|经|是|为|将|对|向社会|公布|发布|编制|印发|关于|"
                   r"现|特|兹|今|并)+")
_NOT_NAME = ("政府信息公开", "年度报告", "条例", "规定", "办法", "通知", "要求", "工作", "报告", "本机关",
             "网站", "门户", "平台", "公众号", "以下简称")
_COMPILED_BY = re.compile(rf"(?:本报告|报告)?由(?P<name>{_NAME}(?:{_END}))(?:负责|根据[^。，]{{0,30}}?|依据[^。，]{{0,30}}?)?编制")
_COMPILES = re.compile(rf"(?P<name>{_NAME}(?:{_END}))(?:(?:根据|依据|按照)[^。]{{0,40}}?)?编制(?:完成)?了?本(?:年度)?报告")
_SHORT_NAME = re.compile(rf"(?P<name>{_NAME}(?:{_END}))[（(]以下简称[“\"]?(?:本机关|本单位|我局|我委|我办|我厅|我院|"
                         rf"我中心|我镇|我乡|我街道|本局|本委|本办|本厅)[”\"]?[）)]")
_NAMES_REPORT = re.compile(rf"(?P<name>{_NAME}(?:{_END}))(?:20\d{{2}}年度?)(?:的)?(?:政府信息公开|政务公开)工作年度报告")
_OFFICE = re.compile(r"(?P<government>.+?(?:人民政府|行政公署|管理委员会|管委会))(?:办公厅|办公室)$")
_HEADER_KEYS = ("发布机构", "发布单位", "发文机关", "发文单位", "所属机构", "信息来源", "来源")
_SITE = re.compile(r"网$|网站$|门户|平台$|http|www|\.cn|\.com")


def clean(name: str) -> str | None:
    """A candidate name with sentence words cut from its start; None if it does not read as a body."""
    name = _LEAD.sub("", name)
    name = re.sub(r"^[（(][^）)]*[）)]", "", name)
    if len(name) < 3 or len(name) > 40 or any(word in name for word in _NOT_NAME):
        return None
    if not name.endswith(_BODY_END) or name.startswith(("全", "各", "本", "我", "该", "上级", "有关", "相关")):
        return None
    return name


def from_header(header: dict[str, tuple[str, int]]) -> tuple[str | None, int | None]:
    """The agency a crawler's header names (发布机构: …), if it reads as a body and not a website."""
    for key in _HEADER_KEYS:
        if key in header:
            value, line = header[key]
            value = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
            if value and not _SITE.search(value) and clean(value) == value:
                return value, line
    return None, None


def from_text(lines: list[str], start: int, limit: int = 4000) -> tuple[str | None, int | None, str | None]:
    """(agency, line, how) named in the preamble or body, read from line `start` on (0-based).

    `本报告由XX县人民政府办公室编制` names the government whose office compiled it (XX县人民政府);
    a department's own office (XX局办公室) names the department.
    """
    seen = 0
    for index in range(start, len(lines)):
        text = unicodedata.normalize("NFKC", lines[index])
        text = re.sub(r"[ \t\u3000]+", "", text)
        for pattern, how in ((_COMPILED_BY, "compiled_by"), (_COMPILES, "compiled_by"),
                             (_SHORT_NAME, "short_name"), (_NAMES_REPORT, "names_report")):
            for match in pattern.finditer(text[:limit - seen]):
                name = clean(match["name"])
                if name is None:
                    continue
                if how == "compiled_by":
                    office = _OFFICE.match(name)
                    name = office["government"] if office else re.sub(r"(?<=[局委厅办署院])办公室$", "", name)
                return name, index + 1, how
        seen += len(text)
        if seen >= limit:
            break
    return None, None, None
