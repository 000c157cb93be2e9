"""Sections known by their titles, tables found by their content (issue 9, layout 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.convert.pipeline import convert_text
from engine.convert.sections import find_sections
from engine.document.validation import validate

SEEDS = Path(__file__).parent / "data" / "seeds"
SOURCE = {"name": "x.txt", "format": "text", "sha256": "0" * 64}
NUMERALS = "一二三四五六"
TABLES = ("proactive", "applications", "disputes")


def parts(text: str) -> tuple[list[str], dict[int, list[str]]]:
    """The lines before the first section, and each section's lines (heading first) by number."""
    lines = text.split("\n")
    found = convert_text(text, SOURCE)["sections"]
    head = lines[:found[0]["line"] - 1]
    return head, {s["number"]: lines[s["line"] - 1:s["end_line"]] for s in found}


def renumber(heading: str, numeral: str) -> str:
    """The heading with its numeral replaced (markup around it kept)."""
    for old in NUMERALS:
        if f"{old}、" in heading:
            return heading.replace(f"{old}、", f"{numeral}、", 1)
    raise AssertionError(heading)


@pytest.mark.parametrize("seed", ["001_f4a6caea939a39e3.txt", "002_1869ea635e2008ab.txt"])
def test_narrative_numbered_its_own_way_then_tables_from_one_again(seed: str) -> None:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    clean = convert_text(text, SOURCE)
    head, by_number = parts(text)
    # 一 总体情况, 二 存在的主要问题…, 三 其他需要报告的事项, then the tables' parts as 一, 二, 三
    order = [(1, "一"), (5, "二"), (6, "三"), (2, "一"), (3, "二"), (4, "三")]
    lines = list(head)
    for number, numeral in order:
        body = by_number[number]
        lines += [renumber(body[0], numeral), *body[1:]]
    document = convert_text("\n".join(lines), SOURCE)
    for key in TABLES:
        assert document[key] == clean[key], key
    found = {s["number"]: s for s in document["sections"]}
    assert set(found) == {1, 2, 3, 4, 5, 6}
    assert {n: s.get("printed") for n, s in found.items() if s.get("printed")} == {2: 1, 3: 2, 4: 3, 5: 2, 6: 3}
    assert sum(1 for note in document["notes"] if note["code"] == "section_renumbered") == 5
    assert validate(document) == []


def test_a_template_title_with_another_numeral_is_that_section() -> None:
    lines = ["一、总体情况", "本年度……", "二、工作亮点", "……", "一、主动公开政府信息情况", "见下表",
             "二、收到和处理政府信息公开申请情况", "见下表", "三、政府信息公开行政复议、行政诉讼情况", "见下表",
             "四、存在的主要问题及改进情况", "……", "五、其他需要报告的事项", "无"]
    found = [(s["number"], s.get("printed")) for s in find_sections(lines)]
    assert found == [(1, None), (2, 1), (3, 2), (4, 3), (5, 4), (6, 5)]


def test_table_rows_numbered_like_sections_are_still_not_sections() -> None:
    lines = ["一、总体情况", "……", "三、收到和处理政府信息公开申请情况", "三、本年度办理结果",
             "四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0", "四、政府信息公开行政复议、行政诉讼情况"]
    found = [(s["number"], s["line"]) for s in find_sections(lines)]
    assert found == [(1, 1), (3, 3), (4, 6)]


def test_headings_split_from_a_one_line_body() -> None:
    """After the segmenter has put each template heading on a line of its own (part A), sections are found."""
    lines = ["平潭综合实验区某某局2019年政府信息公开工作年度报告 根据《条例》要求，编制完成本报告。",
             "一、总体情况2019年，我局高度重视政府信息公开工作。", "二、主动公开政府信息情况 第二十条第（一）项",
             "三、收到和处理政府信息公开申请情况 （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
             "四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼",
             "五、存在的主要问题及改进情况 一是…… 六、其他需要报告的事项 无。"]
    found = [s["number"] for s in find_sections(lines)]
    assert found[:5] == [1, 2, 3, 4, 5]


def test_tables_in_an_appendix_are_found_by_their_words() -> None:
    """Section 二 is narrative; the tables stand after section 六 under headings of their own."""
    text = (SEEDS / "001_f4a6caea939a39e3.txt").read_text(encoding="utf-8")
    clean = convert_text(text, SOURCE)
    head, by_number = parts(text)
    lines = list(head)
    for number in (1, 2, 3, 4, 5, 6):
        lines += [by_number[number][0], "本部分情况见附表。"]
    lines.append("附表")
    for number in (2, 3, 4):
        lines += by_number[number][1:]
    document = convert_text("\n".join(lines), SOURCE)
    for key in TABLES:
        assert document[key] == clean[key], key
