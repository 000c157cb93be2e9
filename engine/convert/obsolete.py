"""Recognising reports in the pre-2019 format (the 2008-era structure and statistics tables).

Until the 2019 template, reports followed the structure of the 2008 条例: 一、概述 二、主动公开政府
信息的情况 三、依申请公开政府信息情况 四、政府信息公开的收费及减免情况 五、因政府信息公开申请
提起行政复议、行政诉讼的情况 六、政府信息公开工作存在的主要问题及改进措施 七、其他需要报告的事项,
with tables of other rows (当面申请数, 同意公开答复数 …). Such a report is not a failed current report:
it is said to be in the old format, and none of its numbers is put into the current template's tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Marks of the current templates' tables: a report printing them is not in the old format.
_CURRENT = re.compile(r"第二十条第|本年新收|上年结转|申请人情况|结转下年度|本年制发件数|本年新制作数量")
# Marks of the old format, each counted once.
_OLD = (
    re.compile(r"收费及减免"),
    re.compile(r"因政府信息公开申请提起行政复议"),
    re.compile(r"当面申请数?|网上申请数|网络申请数|信函申请数?|传真申请数?"),
    re.compile(r"同意公开答复|不同意公开答复|同意部分公开|属于已主动公开范围"),
    re.compile(r"(?m)^[#*\s]*一[、.]\s*概述"),
    re.compile(r"(?m)^[#*\s]*七[、.]\s*其他需要报告的事项"),
    re.compile(r"依申请公开政府信息的?情况"),
    re.compile(r"存在的主要问题及改进措施"),
)
NOTE = ("报告采用2019年以前的旧格式（一、概述 二、主动公开政府信息的情况 三、依申请公开政府信息情况 "
        "四、政府信息公开的收费及减免情况 五、因政府信息公开申请提起行政复议、行政诉讼的情况 "
        "六、存在的主要问题及改进措施 七、其他需要报告的事项），统计表与现行格式不同，不按现行模板读取")


def is_obsolete(lines: Sequence[str]) -> bool:
    """Whether the report is in the pre-2019 format: three marks of it or more, none of the current tables."""
    text = "\n".join(lines)
    if "本年新收" in text or "第二十条" in text:  # the common case, before any normalising
        return False
    text = unicodedata.normalize("NFKC", text)
    if _CURRENT.search(re.sub(r"[ \t\u3000]+", "", text)):
        return False
    return sum(1 for mark in _OLD if mark.search(text)) >= 3
