"""Reports in the pre-2019 format are recognised, said to be so, and never read into the current tables."""

from __future__ import annotations

from engine.convert.pipeline import convert
from engine.document.validation import validate

OLD_REPORT = """某某市商务局2015年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由某某市商务局编制。全文包括概述，主动公开政府信息的情况，依申请公开政府信息情况，政府信息公开的收费及减免情况，因政府信息公开申请提起行政复议、行政诉讼的情况，政府信息公开工作存在的主要问题及改进措施，其他需要报告的事项。本报告中所列数据的统计期限自2015年1月1日起至2015年12月31日止。

一、概述
2015年，我局认真贯彻落实《条例》，政府信息公开工作稳步推进。

二、主动公开政府信息的情况
2015年共主动公开政府信息120条。

三、依申请公开政府信息情况
（一）申请情况
指标\t单位\t数量
收到申请数\t件\t3
当面申请数\t件\t1
网络申请数\t件\t2
信函申请数\t件\t0
（二）申请答复情况
同意公开答复数\t件\t2
同意部分公开答复数\t件\t1
不同意公开答复数\t件\t0

四、政府信息公开的收费及减免情况
2015年未收取任何费用。

五、因政府信息公开申请提起行政复议、行政诉讼的情况
行政复议数\t件\t0
行政诉讼数\t件\t0

六、政府信息公开工作存在的主要问题及改进措施
信息公开的及时性有待提高。

七、其他需要报告的事项
无。
"""


def test_old_format_is_recognised_and_never_read_into_current_tables() -> None:
    document = convert(OLD_REPORT.encode("utf-8"), "old.txt")
    codes = [note["code"] for note in document["notes"]]
    assert "template_obsolete" in codes
    assert not {"template_undecided", "table_not_found", "row_not_found", "section_not_found"} & set(codes)
    assert document["template"] is None
    assert document["proactive"] is None and document["applications"] is None
    assert all(cell is None for row in document["disputes"].values() for cell in row.values())
    assert not any(p.startswith(("/proactive", "/applications", "/disputes")) for p in document["provenance"])
    assert (document["meta"]["agency"], document["meta"]["year"]) == ("某某市商务局", 2015)
    assert validate(document) == []


def test_a_current_report_is_never_taken_for_the_old_format() -> None:
    from pathlib import Path

    for seed in sorted((Path(__file__).parent / "data" / "seeds").glob("*.txt")):
        document = convert(seed.read_bytes(), seed.name)
        assert all(note["code"] != "template_obsolete" for note in document["notes"]), seed.name


def test_rules_say_the_report_is_in_the_old_format_and_it_cannot_grade_well() -> None:
    from engine.rules.catalog import installed_packs
    from engine.rules.evaluation import Checker
    from engine.scorecard.entry import check_report

    packs, _ = installed_packs()
    document = convert(OLD_REPORT.replace("2015年", "2020年").encode("utf-8"), "old.txt")
    entry = check_report(Checker([pack for pack in packs if pack.name == "national"]), document)
    s04 = next(r for r in entry["results"] if r["code"] == "S04")
    assert "旧格式" in s04["message"]
    assert entry["score"]["grade"] in (None, "中", "差")
