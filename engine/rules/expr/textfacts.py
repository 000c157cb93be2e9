"""The report text as rules read it: sentences joined across PDF line breaks, and the counts they state.

A PDF (or a Word file saved as text) breaks lines inside sentences, sometimes with a blank line
between, so `受理政府⏎信息公开申请 17 件` is one sentence that no pattern written for one line finds.
`view(ctx)` is the text with those breaks removed, keeping for every character its offset in the
original text, so that matches are still placed at their original line and column. A break is
removed only where a sentence plainly goes on: the line does not end a sentence (。！？；：), neither
line is a heading, a table line (a tab, or a line inside a table the converter read) or a bare
number, and the next line does not start a new item (一、 （二） 3. 一是 #). `text_find` and
`text_numbers` search this view, built on the NFKC text (EvalContext.normal: full-width digits and
punctuation as ASCII), its offsets mapped back to the text as printed.

`text_facts(pattern, context)` reads counts that the narrative states for the whole report year,
to be compared with a table cell. Never a false finding is the point, so a match is left out whenever
the sentence could be about something else: another year (a year other than the report's, 上年,
去年, 同比, 累计, 截至…), a part of the total (其中… before it, or applicants or channels named
before it: 自然人, 企业, 网上…), an approximate number (近, 约, 余, 以上, 左右) or a percentage.
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from engine.rules.expr.functions import Arg, FunctionSpec, LoadEnv, Param, compile_regex
from engine.rules.expr.runtime import EvalContext, TextMatch, number
from engine.rules.expr.types import DEC, INT, STR, T, list_of

_END = "。！？；：!?;:…"
_ENUM = (r"(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十0-9]+[)）]|[0-9]+[、.．](?![0-9])"
         r"|第[一二三四五六七八九十0-9]+(?:部分|章|节|条)|[一二三四五六七八九十]是)")
_NEW_ITEM = re.compile(r"\s*(?:#|\||[-*+]\s|\*\*|" + _ENUM + ")")
_HEADING = re.compile(r"\s*(?:#+\s*)?(?:\*\*)?" + _ENUM)
_TITLE = re.compile(r"(?:年度报告|工作报告)[*\s]*$")  # the report's title line
_BARE_NUMBER = re.compile(r"\s*[-+]?[0-9.,，%％]*\s*$")
HEADING_LENGTH = 40  # a numbered line this short without a full stop is a heading, not a broken sentence


class TextView:
    """The text with line breaks inside sentences removed; `origin[k]` is where view[k] was in the text."""

    __slots__ = ("text", "origin")

    def __init__(self, text: str, origin: list[int]):
        self.text, self.origin = text, origin

    def to_view(self, offset: int) -> int:
        """The view offset of an offset of the original text (the next kept character)."""
        return bisect.bisect_left(self.origin, offset)


def _is_heading(line: str) -> bool:
    short = len(line.strip()) <= HEADING_LENGTH and "。" not in line
    return short and bool(_HEADING.match(line) or _TITLE.search(line))


def _ends_open(line: str) -> bool:
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] not in _END and not stripped.endswith("...") \
        and not _is_heading(line) and not _BARE_NUMBER.match(stripped)  # … is ... in NFKC


def _starts_open(line: str, before: str) -> bool:
    stripped = line.lstrip()
    if not stripped or _NEW_ITEM.match(line) or _BARE_NUMBER.match(stripped):
        return False
    return not (before.rstrip()[-1:].isdigit() and stripped[0].isdigit())  # 1⏎7 might be two numbers


def build(text: str, fixed: set[int] = frozenset(), max_blank: int = 2) -> TextView:
    """The view of `text`; lines in `fixed` (1-based: headings, table lines) are never joined."""
    lines = text.split("\n")
    starts, at = [], 0
    for line in lines:
        starts.append(at)
        at += len(line) + 1
    out: list[str] = []
    origin: list[int] = []
    i, skip_lead = 0, 0
    while i < len(lines):
        line = lines[i]
        body = line[skip_lead:]
        j = i + 1
        while j < len(lines) and not lines[j].strip() and j - i <= max_blank:
            j += 1
        join = (j < len(lines) and i + 1 not in fixed and j + 1 not in fixed and "\t" not in line
                and "\t" not in lines[j] and _ends_open(line) and _starts_open(lines[j], line))
        kept = body.rstrip() if join else body
        out.append(kept)
        origin.extend(range(starts[i] + skip_lead, starts[i] + skip_lead + len(kept)))
        if join:
            skip_lead = len(lines[j]) - len(lines[j].lstrip())
            i = j
            continue
        if i + 1 < len(lines):
            out.append("\n")
            origin.append(starts[i] + len(line))
        skip_lead = 0
        i += 1
    origin.append(len(text))
    return TextView("".join(out), origin)


def _fixed_lines(document: dict[str, Any]) -> set[int]:
    """Section heading lines, and every line from the first to the last cell of each table read."""
    text = document.get("text") if isinstance(document.get("text"), str) else ""
    lines = text.split("\n")
    fixed = set()
    for s in document.get("sections") or ():
        line = s.get("line") if isinstance(s, dict) else None
        # only where the heading is printed: a document edited by hand (an example) may not say so
        if isinstance(line, int) and 0 < line <= len(lines) and str(s.get("title") or "\0") in lines[line - 1]:
            fixed.add(line)
    spans: dict[str, list[int]] = {}
    for pointer, where in (document.get("provenance") or {}).items():
        line = where.get("line") if isinstance(where, dict) else None
        if isinstance(line, int):
            spans.setdefault(pointer.split("/")[1] if pointer.count("/") > 1 else pointer, []).append(line)
    for cells in spans.values():
        fixed.update(range(min(cells), max(cells) + 1))
    return fixed


def view(ctx: EvalContext) -> TextView:
    """The context's text view, built once per document."""
    found = ctx.views.get("textview")
    if found is None:
        found = ctx.views["textview"] = build(ctx.normal, _fixed_lines(ctx.document))
    return found


def view_span(ctx: EvalContext, section: int | None) -> tuple[TextView, int, int]:
    """The view and the view offsets [start, end) of section n (the whole text when None)."""
    tv = view(ctx)
    start, end = ctx.span(section)
    return tv, tv.to_view(start), tv.to_view(end)


def place(ctx: EvalContext, tv: TextView, offset: int) -> tuple[int, int]:
    """The original (line, column) of a view offset."""
    return ctx.position(tv.origin[min(offset, len(tv.origin) - 1)])


# ---- stated facts ----

_SENTENCE_END = re.compile(r"[。！？!?\n]")
_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})\s*年")
_OTHER_TIME = re.compile(r"(?>上一?年度?)(?!结转)|去年|前年|往年|历年|同比|环比|相比|较上|比上|较去|比去|累计|截至|截止"
                         r"|以来|近[0-9一二三四五六七八九十]+年|季度|上半年|下半年|[0-9一二三四五六七八九十]+月份?(?:以来|底|末)")
_GENERIC_APPLICANTS = re.compile(r"公民、法人(?:或者|或|和|及)其他组织")
_PART = re.compile(r"自然人|法人|企业|公民|个人|(?:其他|社会|公益)组织|(?:科研|服务)机构|网上|网络|在线|线上|信函|邮寄|当面"
                   r"|现场|传真|邮件|来信|来访|电话|窗口")
# a date inside the year (6月30日, 三月份) may bound a part of it; 1月1日 and 12月31日 are its ends
_MONTH = re.compile(r"([0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月(?:份)?\s*(?:([0-9]{1,2})\s*日)?")
_YEAR_ENDS = {("1", "1"), ("12", "31")}
_APPROX_BEFORE = re.compile(r"(?:近|约|逾|超过|超|大约|将近|不足|不到)\s*$")
_APPROX_AFTER = re.compile(r"\s*(?:余|多|以上|左右|上下|以内|以下|%|％|‰)")
_APPROX_AFTER_UNIT = re.compile(r"\s*(?:以上|左右|上下|以内|以下|多)")
SHOWN = 60  # characters of a long sentence shown on each side of the match


class Fact(TextMatch):
    """A count stated in the text: {number, text, sentence, line, column}; shows as “sentence”（第N行）."""

    def __str__(self) -> str:
        return f"“{self['sentence']}”（第{self['line']}行）"


def _sentence(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, lo, start)), default=lo)
    found = _SENTENCE_END.search(text, end, hi)
    return begin, found.end() if found else hi


def _excluded(text: str, begin: int, stop: int, m: re.Match[str], year: Any) -> bool:
    """Whether a match may be about something else than the report year's whole count."""
    sentence = text[begin:stop]
    if any(int(y) != year for y in _YEAR.findall(sentence)) or _OTHER_TIME.search(sentence):
        return True
    if any((month, day or None) not in _YEAR_ENDS for month, day in _MONTH.findall(sentence)):
        return True
    n0, n1 = m.span(1)
    before = text[begin:m.start()]
    other = before.rfind("其中")
    if other >= 0 and before[other + 2:].strip(" ：:，,、") != "" or "其中" in text[m.start():n0]:
        return True  # 其中 then something else: a part of a total, not the total
    if _PART.search(_GENERIC_APPLICANTS.sub("", text[begin:n0])):
        return True
    if _APPROX_BEFORE.search(text, max(begin, n0 - 4), n0) or _APPROX_AFTER.match(text, n1) \
            or _APPROX_AFTER_UNIT.match(text, m.end()):
        return True
    # a piece of a decimal (12.5) or of a longer number is not a count
    return (n0 > 0 and text[n0 - 1] in ".0123456789") or (text[n1:n1 + 1] == "." and text[n1 + 1:n1 + 2].isdigit())


def _shown(ctx: EvalContext, tv: TextView, begin: int, stop: int, m: re.Match[str]) -> str:
    """The sentence as printed (not as normalised), at most SHOWN characters of it on each side of the match."""
    head = max(begin, m.start() - SHOWN)
    tail = min(stop, m.end() + SHOWN)
    body = _printed(ctx, tv, head, tail).strip().replace("**", "")
    return ("…" if head > begin else "") + body + ("…" if tail < stop else "")


def _printed(ctx: EvalContext, tv: TextView, start: int, end: int) -> str:
    """The printed text of the view's [start, end): from its first character to its last, the line
    breaks the view joined taken out (a sentence never runs over one it kept)."""
    if end <= start:
        return ""
    (line, column), (last_line, last_column) = place(ctx, tv, start), place(ctx, tv, end - 1)
    first, last = ctx.starts[line - 1] + column - 1, ctx.starts[last_line - 1] + last_column
    return re.sub(r"\s*\n\s*", "", ctx.text[first:last])


def _text_facts(ctx: EvalContext, regexes: tuple[re.Pattern[str], re.Pattern[str] | None], _pattern: str,
                _context: str | None = None) -> list[Fact]:
    regex, context = regexes
    tv, start, end = view_span(ctx, None)
    year = (ctx.document.get("meta") or {}).get("year")
    out: list[Fact] = []
    for m in regex.finditer(tv.text, start, end):
        value = number(m.group(1) or "")
        if value is None:
            continue
        begin, stop = _sentence(tv.text, m.start(), m.end(), start, end)
        if _excluded(tv.text, begin, stop, m, year) or context and not context.search(tv.text[begin:m.start(1)]):
            continue
        line, column = place(ctx, tv, m.start())
        out.append(Fact(number=value, text=m.group(0), sentence=_shown(ctx, tv, begin, stop, m), line=line,
                        column=column))
    return out


def _prepare_facts(args: list[Arg], env: LoadEnv) -> tuple[Any, ...]:
    context = compile_regex(args[1].constant, 1) if len(args) > 1 else None
    return ((compile_regex(args[0].constant, 0, groups=1), context),)


FACT = T("obj", fields={"number": DEC, "text": STR, "sentence": STR, "line": INT, "column": INT})

FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec("text_facts", [Param("pattern", STR, literal=True), Param("context", STR, literal=True, optional=True)],
                 list_of(FACT), _text_facts,
                 "The counts group 1 captures in sentences about the whole report year (sentences about "
                 "another year, a part of the total, approximate numbers and percentages are left out), where "
                 "the regex `context` occurs in the sentence before the number: {number, text, sentence, line, column}.",
                 context=True, prepare=_prepare_facts, cache=True),
)
