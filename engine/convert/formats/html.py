"""Reading a report saved from a government portal's web page (HTML) into the converter's text.

A portal page wraps the report in navigation, breadcrumbs, share and print buttons and a footer.
Reading goes: decode (BOM, <meta charset>, then UTF-8, then GB18030) → parse with lxml (libxml2's
limits on) → mark boilerplate → pick the report's content root → write blocks as lines and each
table row as one line of tab-separated cells, rowspan/colspan expanded into a grid.

Boilerplate is script/style/nav/aside/footer (and <header> unless it holds the title), hidden
elements, containers whose id/class name navigation, breadcrumbs, share or print tools, footers
(pinyin included: dqwz, fenxiang…), and the innermost short elements whose text is a breadcrumb
(当前位置：…, 首页 > …) or nothing but tools (【打印】【关闭窗口】 字号 大 中 小). It is marked, never
removed, so paths stay true to the page; nothing holding the title, a table or a heading is marked.

The content root is the deepest element holding at least three quarters of the page's markers
(tables that hold no table, and 一、…六、 section headings outside them), reached by walking up from
the title: the first element on the page that reads as one (short, …政府信息公开…报告, naming a year,
no sentence punctuation, not a link). Without a title the walk starts from each marker and the
deepest result wins. Two elements each holding more than half of the markers share one, so one
contains the other and "deepest" is well defined. Starting from the title keeps the page's own
title line and its 发布时间 bar in, which a report body repeating its title would otherwise lose.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable

from lxml import etree

from engine.errors import InputError
from engine.convert.formats import Extracted
from engine.convert.formats.detect import MAX_BYTES as _LIMITS
from engine.convert.formats.detect import check_size
from engine.convert.formats.html_source import decode, parse
from engine.convert.formats.lines import Lines, cell_join, collapse

MAX_BYTES = _LIMITS["html"]  # the shared size policy (formats/detect.py)
MAX_TABLE_CELLS = 5000
_MAX_COLSPAN, _MAX_ROWSPAN = 1000, 65534  # the HTML standard's own caps

_ALWAYS_SKIP = frozenset({"head", "script", "style", "noscript", "template", "iframe", "frame", "frameset",
                          "object", "embed", "applet", "svg", "canvas", "math", "select", "option", "button",
                          "input", "textarea", "map", "audio", "video", "title", "meta", "link"})
_BOILERPLATE_TAGS = frozenset({"nav", "aside", "footer", "header"})
_BLOCK = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
                    "section", "article", "main", "blockquote", "pre", "center", "address", "figure",
                    "figcaption", "hr", "table", "tr", "td", "th", "caption", "form", "fieldset", "body",
                    "html", "tbody", "thead", "tfoot"})
# id/class words of boilerplate containers on Chinese government portals (pinyin included).
_JUNK_WORDS = frozenset({"nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "position",
                         "location", "weizhi", "dqwz", "share", "bdshare", "bdsharebuttonbox", "jiathis",
                         "fenxiang", "print", "dayin", "footer", "foot", "copyright", "banner", "sidebar",
                         "toolbar", "pagination", "pager", "related", "xgxx", "xglj", "header", "topbar",
                         "skip", "search", "login", "guanbi"})
_JUNK_PARTS = ("breadcrumb", "bdshare", "jiathis", "copyright", "footer", "sidebar", "nav", "menu", "share")
_WORD_SPLIT = re.compile(r"[\s_\-]+")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_BREADCRUMB = re.compile(r"^\s*(?:当前位置|您的位置|您现在的位置|你现在的位置|现在的位置|所在位置|位置)\s*[:：]"
                         r"|首页\s*[>›»＞]")
_TOOL_STRONG = re.compile(r"打印|关闭|分享|收藏|字号|字体|返回顶部|扫一扫|纠错")
_TOOL_ALL = re.compile(r"打印本页|打印此页|打印|关闭本页|关闭窗口|关闭|分享到|分享|收藏本页|收藏|字号|字体|默认|"
                       r"返回顶部|返回|扫一扫|在手机上打开|微信|微博|QQ空间|我要纠错|纠错|[大中小]|[\s【】\[\]|｜:：/]")
_TITLE = re.compile(r"(?:政府信息公开|政务公开).{0,6}(?:年度报告|工作报告|年报)")
_YEAR = re.compile(r"20\d\d\s*年")
_SECTION = re.compile(r"^\s*[一二三四五六]\s*[、.．]\s*\S")
_NAV_MARKS = (">", "›", "»", "＞")
_SHORT = 300  # the longest text judged (a breadcrumb); titles 100, tools and headings 40
# Texts that make their short ancestors candidates, and how short those must be.
_KINDS = {
    "breadcrumb": (re.compile(r"位置|首页"), 300),
    "tools": (re.compile(r"打印|关闭|分享|收藏|字号|字体|返回|扫一扫|纠错"), 40),
    "title": (re.compile(r"报告|年报"), 100),
    "heading": (re.compile(r"^\s*[一二三四五六]\s*[、.．]?\s*$|^\s*[一二三四五六]\s*[、.．]"), 40),
}
_ANY_KIND = re.compile("|".join(pattern.pattern for pattern, _ in _KINDS.values()), re.MULTILINE)


def extract(data: bytes, name: str) -> Extracted:
    """Extract a saved portal page's report as text, with each cell's location in the page."""
    check_size("html", len(data), name)
    text, encoding = decode(data, name)
    root = parse(text, name)
    for number, table in enumerate(root.iter("table"), 1):  # before any work on a page that holds one
        cells = len(table.xpath("./tr/*[self::td or self::th] | ./*/tr/*[self::td or self::th]"))
        if cells > MAX_TABLE_CELLS:
            raise InputError(f"HTML table {number} has over {MAX_TABLE_CELLS:,} cells ({cells:,}); "
                             "not a report table", name)
    page = _Page(root)
    out = _Writer(page, name)
    root = page.content_root()
    if root.tag == "table":  # the report is one table (or the markers allowed no more)
        out.table(root)
    else:
        out.block(root)
    notes = []
    if encoding not in ("utf-8",):
        notes.append({"code": "encoding", "message": f"网页按{encoding}编码读取", "pointer": None, "line": None})
    return Extracted(out.lines.text(), "html", out.lines.locations, notes)


def _holds_table(element: etree._Element) -> bool:
    """Whether a table (other than the element itself) is inside; lxml's iter runs in C, find(".//") not."""
    return next(itertools.islice(element.iter("table"), 1 if element.tag == "table" else 0, None), None) is not None


class _Page:
    """A parsed page: which elements are boilerplate or hidden, where the report is.

    Big pages stay cheap: one pass over the elements looks for the few texts that matter (位置, 打印,
    报告, 一、…) and the elements judged are those texts' short ancestors; nothing is ever removed.
    """

    def __init__(self, root: etree._Element):
        self.root = root
        self.tree = root.getroottree()
        self.table_number = {table: number for number, table in enumerate(root.iter("table"), 1)}
        self.skipped: set[etree._Element] = set(root.iter(*_ALWAYS_SKIP))
        self._short: dict[etree._Element, str | None] = {}
        self.found: dict[str, list[etree._Element]] = {kind: [] for kind in _KINDS}
        named: list[etree._Element] = list(root.iter(*_BOILERPLATE_TAGS))
        # One pass in Python: lxml iterates fast, while XPath's //*[@…] grows quadratic on big pages.
        for element in root.iter(etree.Element):
            if element.get("hidden") is not None or _HIDDEN.search(element.get("style", "")):
                self.skipped.add(element)
            if (element.get("id") is not None or element.get("class") is not None) and self._junk_name(element):
                named.append(element)
            for text, tail in ((element.text, False), (element.tail, True)):
                if text and _ANY_KIND.search(text):
                    owner = element.getparent() if tail else element
                    for kind, (pattern, limit) in _KINDS.items():
                        if owner is not None and pattern.search(text):
                            self.found[kind] += self._short_ancestors(owner, limit)
        self._skip_innermost([e for e in self.found["breadcrumb"] if self._is_breadcrumb(e)])
        self._skip_innermost([e for e in self.found["tools"] if self._is_tools(e)])
        keep = {ancestor for marker in itertools.chain(self.markers(), self.titles())
                for ancestor in itertools.chain((marker,), marker.iterancestors())}
        self.skipped.update([element for element in named if element not in keep])

    def text(self, element: etree._Element, limit: int) -> str | None:
        """The element's text, whitespace collapsed, if at most `limit` (≤ 300) characters; else None."""
        if element not in self._short:
            parts, solid, text = [], 0, None
            for piece in element.itertext():
                parts.append(piece)
                solid += len("".join(piece.split()))
                if solid > _SHORT:
                    break
            else:
                text = collapse("".join(parts))
            self._short[element] = text if text is not None and len(text) <= _SHORT else None
        text = self._short[element]
        return text if text is not None and len(text) <= limit else None

    def _short_ancestors(self, element: etree._Element, limit: int) -> list[etree._Element]:
        """The element and its ancestors while their text stays within `limit` characters."""
        found = []
        for ancestor in itertools.chain((element,), element.iterancestors()):
            if self.text(ancestor, limit) is None:
                break
            found.append(ancestor)
        return found

    def _shown(self, element: etree._Element) -> bool:
        return not any(ancestor in self.skipped for ancestor in itertools.chain((element,), element.iterancestors()))

    def _skip_innermost(self, matched: list[etree._Element]) -> None:
        """Skip the innermost of the matched elements (an outer one would take the title with it)."""
        inner = set(matched)
        for element in matched:
            for ancestor in element.iterancestors():
                inner.discard(ancestor)
        self.skipped |= inner

    def _is_breadcrumb(self, element: etree._Element) -> bool:
        if element.tag not in ("div", "p", "span", "td", "li", "ul", "ol", "section", "font", "dl", "dd", "em"):
            return False
        text = self.text(element, 300)
        return bool(text and _BREADCRUMB.search(text)) and not _holds_table(element)

    def _is_tools(self, element: etree._Element) -> bool:
        text = self.text(element, 40)
        return bool(text and _TOOL_STRONG.search(text) and not _TOOL_ALL.sub("", text))

    @staticmethod
    def _junk_name(element: etree._Element) -> bool:
        words = _WORD_SPLIT.split(f"{element.get('id', '')} {element.get('class', '')}".lower().strip())
        return any(word in _JUNK_WORDS or any(part in word for part in _JUNK_PARTS) for word in words if word)

    def markers(self) -> list[etree._Element]:
        """The report's landmarks: tables holding no table, and section headings 一、…六、 outside them."""
        found = [table for table in self.root.iter("table") if not _holds_table(table) and self._shown(table)]
        for element in dict.fromkeys(self.found["heading"]):
            text = self.text(element, 40)
            if element.tag in _BLOCK and not any(child.tag in _BLOCK for child in element) and text and \
                    _SECTION.match(text) and self._shown(element) and not any(
                        ancestor.tag == "table" and not _holds_table(ancestor)
                        for ancestor in element.iterancestors()):
                found.append(element)
        return found

    def titles(self) -> list[etree._Element]:
        """Short, non-link elements whose text reads as the report's title (no sentence: no 。or ，)."""
        found = []
        for element in dict.fromkeys(self.found["title"]):
            if element.tag in ("a", "html", "body"):
                continue
            text = self.text(element, 100)
            if text and _TITLE.search(text) and not any(mark in text for mark in _NAV_MARKS + ("。", "，")) and \
                    self._shown(element) and not any(ancestor.tag == "a" for ancestor in element.iterancestors()):
                found.append(element)
        return found

    def content_root(self) -> etree._Element:
        """The deepest element holding ≥ 3/4 of the markers above the page's title: the first title-like
        element naming a year (else the first title-like one; else each marker, and the deepest wins)."""
        body = self.root.find("body")
        body = body if body is not None else self.root
        markers = self.markers()
        if not markers:
            return body
        held = Counter(ancestor for marker in markers
                       for ancestor in itertools.chain((marker,), marker.iterancestors()))
        need = math.ceil(0.75 * len(markers))
        titles = sorted(self.titles(), key=lambda element: (not _YEAR.search(self.text(element, 100) or ""),
                                                            element.sourceline or 0))
        best, best_depth = body, -1
        for start in titles[:1] or markers:
            for element in itertools.chain((start,), start.iterancestors()):
                if held[element] >= need:
                    depth = sum(1 for _ in element.iterancestors())
                    if depth > best_depth:
                        best, best_depth = element, depth
                    break
        return best


class _Writer:
    """Writes the visible content of an element as lines: blocks, <br>, and tables as tab rows."""

    def __init__(self, page: _Page, name: str):
        self.page = page
        self.name = name
        self.lines = Lines(collapse_spaces=True)

    def _where(self, element: etree._Element, path: str) -> Callable[[], dict]:
        return lambda: {"html_line": element.sourceline or 1, "path": path}

    def block(self, element: etree._Element, path: str | None = None) -> None:
        """Write an element's content; block children start and end lines of their own.

        Paths are counted here, child by child: lxml's getpath scans the siblings each time, which
        is quadratic on a page of many paragraphs."""
        path = path or self.page.tree.getpath(element)
        if element.text:
            self.lines.add(element.text, self._where(element, path))
        seen: dict[str, int] = {}
        for child in element:
            if isinstance(child.tag, str):
                seen[child.tag] = count = seen.get(child.tag, 0) + 1
                if child not in self.page.skipped:
                    self._child(child, f"{path}/{child.tag}[{count}]")
            if child.tail:
                self.lines.add(child.tail, self._where(element, path))

    def _child(self, child: etree._Element, path: str) -> None:
        tag = child.tag
        if tag == "br":
            self.lines.end()
        elif tag == "table":
            self.lines.end()
            self.table(child)
        elif tag == "pre":
            self.lines.end()
            for line in "".join(child.itertext()).split("\n"):
                self.lines.add(line, self._where(child, path))
                self.lines.end()
        elif tag in _BLOCK:
            self.lines.end()
            self.block(child, path)
            self.lines.end()
        else:
            self.block(child, path)

    def table(self, table: etree._Element) -> None:
        """A table of tables (or of one column) is layout: its cells are blocks; otherwise a grid."""
        rows = [[cell for cell in row if cell.tag in ("td", "th") and cell not in self.page.skipped]
                for row in self._rows(table)]
        if _holds_table(table) or all(len(cells) <= 1 for cells in rows):
            for cells in rows:
                for cell in cells:
                    self.block(cell)  # a cell is one of few: its path from lxml costs little
                    self.lines.end()
            return
        caption = table.find("caption")
        if caption is not None and caption not in self.page.skipped:
            self.block(caption)
            self.lines.end()
        number = self.page.table_number.get(table, 0)
        self.lines.blank()
        for r, row in enumerate(self._grid(rows, number)):
            if any(text for text, _ in row):
                self.lines.row(row)
        self.lines.blank()

    def _rows(self, table: etree._Element) -> list[etree._Element]:
        rows = []
        for child in table:
            if child.tag == "tr":
                rows.append(child)
            elif child.tag in ("thead", "tbody", "tfoot"):
                rows += [row for row in child if row.tag == "tr"]
        return [row for row in rows if row not in self.page.skipped]

    def _grid(self, rows: list[list[etree._Element]], number: int) -> list[list[tuple[str, dict | None]]]:
        """Expand rowspan/colspan: a merged cell's text in its first position, blanks in the rest."""
        if sum(len(cells) for cells in rows) > MAX_TABLE_CELLS:
            raise InputError(f"HTML table {number} has over {MAX_TABLE_CELLS:,} cells; not a report table",
                             self.name)
        placed: list[dict[int, tuple[str, dict | None]]] = [{} for _ in rows]
        area = 0
        for r, cells in enumerate(rows):
            column = 0
            for c, cell in enumerate(cells, 1):
                while column in placed[r]:
                    column += 1
                colspan = _span(cell.get("colspan"), _MAX_COLSPAN)
                rowspan = _span(cell.get("rowspan"), _MAX_ROWSPAN, zero_means=len(rows) - r)
                rowspan = min(rowspan, len(rows) - r)
                area += colspan * rowspan
                if area > MAX_TABLE_CELLS:
                    raise InputError(f"HTML table {number} spans over {MAX_TABLE_CELLS:,} cells; "
                                     "not a report table", self.name)
                where = {"html_line": cell.sourceline or 1, "path": f"table[{number}]/tr[{r + 1}]/{cell.tag}[{c}]"}
                placed[r][column] = (self._cell_text(cell), where)
                for dr in range(rowspan):
                    for dc in range(colspan):
                        placed[r + dr].setdefault(column + dc, ("", None))
                column += colspan
        width = max((max(row) + 1 for row in placed if row), default=0)
        return [[row.get(column, ("", None)) for column in range(width)] for row in placed]

    def _cell_text(self, cell: etree._Element) -> str:
        """A cell's text on one line: its lines (blocks, <br>) joined, whitespace collapsed."""
        broken = [""]

        def walk(element: etree._Element) -> None:
            if element.text:
                broken[-1] += element.text
            for child in element:
                if isinstance(child.tag, str) and child not in self.page.skipped:
                    if child.tag == "br":
                        broken.append("")
                    elif child.tag in _BLOCK:
                        broken.append("")
                        walk(child)
                        broken.append("")
                    else:
                        walk(child)
                if child.tail:
                    broken[-1] += child.tail

        walk(cell)
        return cell_join(piece for piece in map(collapse, broken) if piece)


def _span(value: str | None, cap: int, zero_means: int = 1) -> int:
    """A colspan/rowspan attribute as the browser reads it: leading digits, 0 → to the end, capped."""
    match = re.match(r"\s*(\d+)", value or "")
    if not match:
        return 1
    number = int(match.group(1)[:7])
    return min(cap, zero_means if number == 0 else number)
