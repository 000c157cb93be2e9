"""Meta from real pages: crawler headers, agencies named only in the preamble, years from the period."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.convert import meta
from engine.convert.pipeline import convert, convert_text
from engine.convert.tables import Notes

CORPUS = Path(__file__).parent / "data" / "corpus"
SECTIONS = "一、总体情况\n本年度工作情况。\n二、主动公开政府信息情况\n见下表。\n"


def read(text: str) -> tuple[dict, list[str]]:
    notes = Notes()
    found = meta.read(text.split("\n"), 0, notes)
    return found, [note["code"] for note in notes.notes]


def region(found: dict) -> tuple:
    return tuple(found["region"][level] for level in ("province", "prefecture", "county"))


# (text, agency, year, (province, prefecture, county)): a dozen ways real pages name their agency.
VARIANTS = [
    pytest.param(  # a crawler's header; the whole body on one line after the 正文 mark
        "标题: 福州市鼓楼区人民政府2021年政府信息公开工作年度报告\n发布时间: 2022-01-20 09:30\n"
        "发布机构: 福州市鼓楼区人民政府办公室\n原文链接: https://www.gl.gov.cn/x.htm\n"
        "==================== 正文 ====================\n当前位置：首页>政务公开>年报 根据《条例》要求，编制本报告。"
        "一、总体情况 …",
        "福州市鼓楼区人民政府", 2021, ("福建省", "福州市", "鼓楼区"), id="crawler-header"),
    pytest.param(  # no 标题 in the header: the title stands inside the one-line body
        "发布时间: 2020-01-10 16:25\n发布机构: 平潭综合实验区国有资产管理局\n栏目: 部门文件\n"
        "==================== 正文 ====================\n当前位置： 首页政务公开 平潭综合实验区国有资产管理局2019年"
        "政府信息公开工作年度报告 时间：2020-01-10 根据《福建省政府信息公开办法》要求，编制完成本报告。" + "一" * 60,
        "平潭综合实验区国有资产管理局", 2019, ("福建省", None, None), id="crawler-inline-title"),
    pytest.param(  # a county government's report, compiled by its office, title without the agency
        "2021年政府信息公开工作年度报告\n本报告由安吉县人民政府办公室根据《条例》编制，全文包括总体情况等六个部分。\n"
        + SECTIONS, "安吉县人民政府", 2021, ("浙江省", "湖州市", "安吉县"), id="county-office-compiled"),
    pytest.param(  # a prefecture's department, named once in the preamble as 本机关
        "政府信息公开工作年度报告\n福州市市场监督管理局（以下简称本机关）根据《条例》编制本报告。"
        "统计期限自2022年1月1日起至2022年12月31日止。\n" + SECTIONS,
        "福州市市场监督管理局", 2022, ("福建省", "福州市", None), id="department-short-name-period-year"),
    pytest.param(  # a township: the county is named only in the body
        "城关镇2021年政府信息公开工作年度报告\n城关镇隶属河南省洛阳市嵩县，现将本镇政府信息公开工作情况报告如下。\n"
        + SECTIONS, "城关镇", 2021, ("河南省", "洛阳市", "嵩县"), id="town-county-in-body"),
    pytest.param(  # a street office whose district name is ambiguous until the text names the city
        "朝阳区望京街道办事处2022年政府信息公开工作年度报告\n根据《北京市政府信息公开规定》，北京市朝阳区望京街道"
        "办事处编制本报告。\n" + SECTIONS, "朝阳区望京街道办事处", 2022, ("北京市", None, "朝阳区"), id="street-ambiguous-district"),
    pytest.param(  # a development zone's 管委会: the prefecture from the zone's name
        "烟台经济技术开发区管理委员会2021年政府信息公开工作年度报告\n" + SECTIONS,
        "烟台经济技术开发区管理委员会", 2021, ("山东省", "烟台市", None), id="development-zone"),
    pytest.param(  # a province, 人民政府 kept as printed
        "浙江省人民政府2022年政府信息公开工作年度报告\n" + SECTIONS,
        "浙江省人民政府", 2022, ("浙江省", None, None), id="province-government"),
    pytest.param(  # the title names no agency; a sentence names the report and so the agency
        "政府信息公开工作年度报告\n现将济南市历下区人民政府2020年度政府信息公开工作年度报告公布如下。\n" + SECTIONS,
        "济南市历下区人民政府", 2020, ("山东省", "济南市", "历下区"), id="sentence-names-report"),
    pytest.param(  # the agency on its own line above the title
        "山东省商务厅\n2020年度政府信息公开工作报告\n" + SECTIONS,
        "山东省商务厅", 2020, ("山东省", None, None), id="agency-line-above"),
    pytest.param(  # 关于 and the agency after it
        "关于宁波市人民政府2021年度政府信息公开工作年度报告\n" + SECTIONS,
        "宁波市人民政府", 2021, ("浙江省", "宁波市", None), id="guanyu-title"),
    pytest.param(  # a 乡 report whose county the header's publisher names
        "标题: 大坪乡2020年政府信息公开工作年度报告\n发布时间: 2021-01-28\n发布机构: 湖南省怀化市沅陵县大坪乡人民政府\n"
        "==================== 正文 ====================\n根据《条例》要求编制本报告。" + "一" * 30,
        "大坪乡", 2020, ("湖南省", "怀化市", "沅陵县"), id="township-header-publisher"),
    pytest.param(  # nothing names the agency: null, never a guess from a cited document
        "2021年政府信息公开工作年度报告\n根据《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开"
        "工作年度报告格式〉的通知》要求编制本报告。\n" + SECTIONS, None, 2021, (None, None, None), id="no-agency"),
]


@pytest.mark.parametrize("text, agency, year, place", VARIANTS)
def test_meta_variants(text: str, agency: str | None, year: int, place: tuple) -> None:
    found, codes = read(text)
    assert (found["agency"], found["year"], region(found)) == (agency, year, place)
    if agency is None:
        assert "agency_not_found" in codes


def test_crawler_header_gives_title_and_date() -> None:
    found, codes = read(VARIANTS[0].values[0])
    assert found["title"] == "福州市鼓楼区人民政府2021年政府信息公开工作年度报告"
    assert found["published_on"] == "2022-01-20"
    assert "title_not_found" not in codes


def test_agency_from_the_body_says_so() -> None:
    _, codes = read(VARIANTS[2].values[0])
    assert "agency_from_text" in codes


def test_region_from_the_text_says_so() -> None:
    _, codes = read(VARIANTS[4].values[0])
    assert "region_from_text" in codes


def test_a_department_gets_no_county_from_the_text() -> None:
    """A city department's report that mentions a county keeps its county null."""
    found, _ = read("福州市商务局2021年政府信息公开工作年度报告\n我局赴福建省福州市平潭县调研。\n" + SECTIONS)
    assert region(found) == ("福建省", "福州市", None)


def test_a_province_body_gets_no_city_from_the_text() -> None:
    found, _ = read("黑龙江省商务厅2021年政府信息公开工作年度报告\n我厅赴黑龙江省哈尔滨市调研。\n" + SECTIONS)
    assert region(found) == ("黑龙江省", None, None)


def test_text_names_that_disagree_leave_the_level_null() -> None:
    found, _ = read("城关镇2021年政府信息公开工作年度报告\n学习河南省洛阳市嵩县和甘肃省兰州市永登县的经验。\n" + SECTIONS)
    assert region(found) == (None, None, None)


@pytest.mark.parametrize("stem", sorted(p.stem for p in (CORPUS / "golden").glob("*.json")))
def test_corpus_meta_matches_golden(stem: str) -> None:
    source = next(p for p in CORPUS.glob(f"{stem}.*") if p.suffix != ".json")
    document = convert(source.read_bytes(), source.name)
    golden = json.loads((CORPUS / "golden" / f"{stem}.json").read_text(encoding="utf-8"))["meta"]
    for key, value in golden.items():
        if key == "region":
            for level, name in value.items():
                assert document["meta"]["region"][level] == name, (stem, level)
        else:
            assert document["meta"][key] == value, (stem, key)


def test_crawler_page_is_a_report() -> None:
    text = (CORPUS / "105_pingtan_gzj_2019.txt").read_text(encoding="utf-8")
    headerless = "\n".join(line for line in text.split("\n") if not line.startswith("标题:"))
    document = convert_text(headerless, {"name": "x.txt", "format": "text", "sha256": "0" * 64})
    assert document["meta"]["agency"] == "平潭综合实验区国有资产管理局"
    assert document["meta"]["year"] == 2019
