"""The text converter against the hand-read golden files, odd layouts, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compare_golden import compare
from engine.convert.pipeline import convert
from engine.errors import InputError

DATA = Path(__file__).parent / "data"
SEEDS = sorted((DATA / "seeds").glob("*.txt"))


def convert_text(text: str, name: str = "report.txt", encoding: str = "utf-8") -> dict:
    return convert(text.encode(encoding), name)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem[:3])
def test_seed_matches_golden(seed: Path) -> None:
    golden = json.loads((DATA / "golden" / f"{seed.stem}.json").read_text(encoding="utf-8"))
    checked, wrong = compare(golden, convert(seed.read_bytes(), seed.name))
    assert wrong == [], f"matched {checked - len(wrong)}/{checked}"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda path: path.stem[:3])
def test_conversion_is_deterministic(seed: Path) -> None:
    first = json.dumps(convert(seed.read_bytes(), seed.name), ensure_ascii=False)
    second = json.dumps(convert(seed.read_bytes(), seed.name), ensure_ascii=False)
    assert first == second


def test_provenance_points_at_the_printed_cell() -> None:
    seed = DATA / "seeds" / "000_c277f382703343a1.txt"
    document = convert(seed.read_bytes(), seed.name)
    lines = document["text"].split("\n")
    where = document["provenance"]["/proactive/procurement/amount_wan_yuan"]
    assert where["raw"] == "3601. 21885 万元"
    assert lines[where["line"] - 1][where["column"] - 1:].startswith("3601. 21885")
    assert document["proactive"]["procurement"]["amount_wan_yuan"] == 3601.21885


def test_too_few_cells_gives_nulls_and_a_note_never_shifted_values() -> None:
    seed = DATA / "seeds" / "002_1869ea635e2008ab.txt"
    document = convert(seed.read_bytes(), seed.name)
    assert document["proactive"]["fees"] == {"prior_items": None, "change": None}
    notes = [note for note in document["notes"] if note["pointer"] == "/proactive/fees"]
    assert notes and notes[0]["code"] == "cells_count_mismatch" and notes[0]["line"] == 119


def test_row_missing_a_cell_in_tab_layout_is_not_read() -> None:
    text = (DATA / "seeds" / "000_c277f382703343a1.txt").read_text(encoding="utf-8")
    broken = text.replace("一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t0\t0\t5",
                          "一、本年新收政府信息公开申请数量\t5\t0\t0\t0\t5")
    document = convert_text(broken)
    assert set(document["applications"]["new_received"].values()) == {None}
    assert any(note["pointer"] == "/applications/new_received" for note in document["notes"])
    assert document["applications"]["carried_over"]["total"] == 0


def test_spec_layout_variants_read_the_same_values() -> None:
    text = (DATA / "seeds" / "000_c277f382703343a1.txt").read_text(encoding="utf-8")
    variant = (text.replace("规范性文件\t3\t3\t33", "规 范 性 文 件\t３\t３\t３３")
               .replace("行政许可\t10\t+9\t12", "行政许可\t10\t＋9\t12"))
    document = convert_text(variant)
    assert document["proactive"]["normative_documents"] == {"made": 3, "published": 3, "in_force": 33}
    assert document["proactive"]["licensing"] == {"prior_items": 10, "change": 9, "decisions": 12}


def test_units_in_cells() -> None:
    text = (DATA / "seeds" / "000_c277f382703343a1.txt").read_text(encoding="utf-8")
    document = convert_text(text.replace("3601. 21885 万元", "251000元"))
    assert document["proactive"]["procurement"]["amount_wan_yuan"] == 25.1
    assert any(note["code"] == "unit_converted" for note in document["notes"])


def test_fused_digits_split_only_when_unique() -> None:
    text = (DATA / "seeds" / "000_c277f382703343a1.txt").read_text(encoding="utf-8")
    document = convert_text(text.replace("规章\t0\t0\t0", "规章000").replace("规范性文件\t3\t3\t33", "规范性文件3333"))
    assert document["proactive"]["rules"] == {"made": 0, "published": 0, "in_force": 0}
    # 3333 splits as 3/3/33, 3/33/3 or 33/3/3: refused.
    assert document["proactive"]["normative_documents"] == {"made": None, "published": None, "in_force": None}
    assert any(note["pointer"] == "/proactive/normative_documents" for note in document["notes"])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le"])
def test_encodings(encoding: str) -> None:
    seed = DATA / "seeds" / "004_87fcc03de9584bf1.txt"
    text = seed.read_text(encoding="utf-8")
    document = convert(text.encode(encoding), seed.name)
    assert document["meta"]["agency"] == "黑龙江省人民政府外事办公室"
    assert document["applications"]["new_received"]["total"] == 0


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"   \n\n", "empty file"),
    (bytes(range(256)) * 8, "binary"),
    ("今天天气很好，我们去公园散步。".encode(), "not a 政府信息公开工作年度报告"),
    (b"\xff\xfe\x00\xd8\x00\xd8", "utf-16"),
])
def test_bad_input_is_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as caught:
        convert(data, "bad.txt")
    assert message in str(caught.value)
    assert str(caught.value).startswith("bad.txt")
    assert "\n" not in str(caught.value)


def test_truncated_report_gives_nulls_and_notes() -> None:
    text = (DATA / "seeds" / "001_f4a6caea939a39e3.txt").read_text(encoding="utf-8")
    truncated = text[: text.index("三、收到和处理政府信息公开情况")]
    document = convert_text(truncated)
    assert [section["number"] for section in document["sections"]] == [1, 2]
    assert document["proactive"]["normative_documents"]["in_force"] == 46
    assert document["applications"]["new_received"]["total"] is None
    codes = {(note["code"], note["pointer"]) for note in document["notes"]}
    assert ("table_not_found", "/applications") in codes
    assert ("table_not_found", "/disputes") in codes
    assert sum(1 for note in document["notes"] if note["code"] == "section_not_found") == 4


def test_table_rows_are_never_sections() -> None:
    seed = DATA / "seeds" / "002_1869ea635e2008ab.txt"
    document = convert(seed.read_bytes(), seed.name)
    headings = [section["heading"] for section in document["sections"]]
    assert "三、本年度办理结果" not in headings and "四、结转下年度继续办理" not in headings
    assert [section["number"] for section in document["sections"]] == [1, 2, 3, 4, 5, 6]


def test_published_on_and_meta() -> None:
    seed = DATA / "seeds" / "002_1869ea635e2008ab.txt"
    meta = convert(seed.read_bytes(), seed.name)["meta"]
    assert meta["published_on"] == "2021-01-20"
    assert meta["agency"] == "双鸭山市商务局" and meta["year"] == 2020
    assert meta["source"]["format"] == "text" and len(meta["source"]["sha256"]) == 64


def test_a_non_number_among_a_rows_values_voids_the_row() -> None:
    text = (DATA / "seeds" / "000_c277f382703343a1.txt").read_text(encoding="utf-8")
    # With tab padding the count would fit if "1 234" were skipped: it must not be.
    document = convert_text(text.replace("规范性文件\t3\t3\t33", "规范性文件\t1 234\t3\t33\t"))
    assert document["proactive"]["normative_documents"] == {"made": None, "published": None, "in_force": None}


@pytest.mark.parametrize("title, agency, year", [
    ("2021年某某市商务局政府信息公开工作年度报告", "某某市商务局", 2021),
    ("某某县人民政府关于2022年度政府信息公开工作年度报告", "某某县人民政府", 2022),
    ("**某某市统计局 2021 年度政府信息公开工作报告**", "某某市统计局", 2021),
])
def test_agency_and_year_from_title(title: str, agency: str, year: int) -> None:
    text = (DATA / "seeds" / "004_87fcc03de9584bf1.txt").read_text(encoding="utf-8")
    document = convert_text(text.replace("黑龙江省人民政府外事办公室 2020 年政府信息公开工作年度报告", title))
    assert (document["meta"]["agency"], document["meta"]["year"]) == (agency, year)


def test_portal_navigation_is_not_the_title() -> None:
    text = (DATA / "seeds" / "004_87fcc03de9584bf1.txt").read_text(encoding="utf-8")
    page = "首页 > 政务公开 > 政府信息公开年报\n[bookmark: _GoBack]\n----------\n" + text
    meta = convert_text(page)["meta"]
    assert meta["agency"] == "黑龙江省人民政府外事办公室"
    assert meta["title"].endswith("2020 年政府信息公开工作年度报告")
