"""Focused cases of the layouts issue 9 lists (small texts in the style real reports print them)."""

from __future__ import annotations

from engine.convert.labels import label_index
from engine.convert.pipeline import convert
from engine.convert.segment import resegment
from engine.templates import APPLICATIONS_2019

HEAD = "某某市某某局2019年政府信息公开工作年度报告\n一、总体情况\n本年度工作稳步推进。\n"
TAIL = "\n五、存在的主要问题及改进情况\n无。\n六、其他需要报告的事项\n无。\n"
ROWS_2019 = [
    ("一、本年新收政府信息公开申请数量", [3, 1, 0, 0, 0, 0, 4]),
    ("二、上年结转政府信息公开申请数量", [0, 0, 0, 0, 0, 0, 0]),
    ("（一）予以公开", [2, 1, 0, 0, 0, 0, 3]),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [0] * 7),
    ("1.属于国家秘密", [0] * 7), ("2.其他法律行政法规禁止公开", [0] * 7), ("3.危及“三安全一稳定”", [0] * 7),
    ("4.保护第三方合法权益", [0] * 7), ("5.属于三类内部事务信息", [0] * 7), ("6.属于四类过程性信息", [0] * 7),
    ("7.属于行政执法案卷", [0] * 7), ("8.属于行政查询事项", [0] * 7),
    ("1.本机关不掌握相关政府信息", [1, 0, 0, 0, 0, 0, 1]), ("2.没有现成信息需要另行制作", [0] * 7),
    ("3.补正后申请内容仍不明确", [0] * 7),
    ("1.信访举报投诉类申请", [0] * 7), ("2.重复申请", [0] * 7), ("3.要求提供公开出版物", [0] * 7),
    ("4.无正当理由大量反复申请", [0] * 7), ("5.要求行政机关确认或重新出具已获取信息", [0] * 7),
    ("（六）其他处理", [0] * 7), ("（七）总计", [3, 1, 0, 0, 0, 0, 4]), ("四、结转下年度继续办理", [0] * 7),
]
GROUPS = {"（一）予以公开": "三、本年度办理结果", "1.属于国家秘密": "（三）不予公开",
          "1.本机关不掌握相关政府信息": "（四）无法提供", "1.信访举报投诉类申请": "（五）不予处理"}


def report(table_three: str) -> dict:
    text = (HEAD + "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
            "规章\t0\t0\t0\n三、收到和处理政府信息公开申请情况\n" + table_three +
            "\n四、政府信息公开行政复议、行政诉讼情况\n" + "\t".join(["0"] * 15) + TAIL)
    return convert(text.encode(), "report.txt")


def table(render_row) -> str:
    lines = []
    for label, values in ROWS_2019:
        if label in GROUPS:
            lines.append(GROUPS[label])
        lines.append(render_row(label, values))
    return "\n".join(lines)


def assert_all_read(document: dict) -> None:
    applications = document["applications"]
    assert applications["new_received"] == {"natural_person": 3, "commercial": 1, "research": 0, "social_welfare": 0,
                                            "legal_service": 0, "other": 0, "total": 4}
    assert applications["results"]["unable"]["not_held"]["natural_person"] == 1
    assert applications["results"]["total"]["total"] == 4
    assert applications["carried_forward"]["total"] == 0


def test_pipe_terminated_rows_with_padding() -> None:
    text = table(lambda label, values: label + " | " + " | ".join(map(str, values)) + " | | |||")
    assert_all_read(report("申请人情况 | 自然人 | 法人或其他组织 | 总计 | |\n" + text))


def test_one_cell_per_line_ending_in_a_pipe_with_spacer_lines() -> None:
    def cells(label, values):
        return "\n".join([label + " |", "| |", *(f"{value} |" for value in values), "||"])
    assert_all_read(report(table(cells)))


def test_markdown_group_tables_with_generic_headers_and_a_stray_header_row() -> None:
    header = "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n| --- | --- | --- | --- | --- | --- | --- | --- |"
    lines = []
    for label, values in ROWS_2019:
        if label in GROUPS or label == "（六）其他处理":
            lines += [f"### {GROUPS.get(label, label)}", "", header]
        lines.append("| " + label + " | " + " | ".join(map(str, values)) + " |")
        if label == "（一）予以公开":
            lines.append("| 项目 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |")
    document = report("\n".join(lines))
    assert_all_read(document)
    assert document["applications"]["results"]["other"]["total"] == 0


def test_page_furniture_between_rows_is_not_a_row() -> None:
    rows = table(lambda label, values: label + " " + " ".join(map(str, values))).split("\n")
    rows[10:10] = ["— 3 —", "第 2 页 共 5 页"]
    assert_all_read(report("\n".join(rows)))


def test_a_value_only_row_is_placed_only_when_one_row_is_open_around_it() -> None:
    text = table(lambda label, values: label + "\t" + "\t".join(map(str, values)))
    one_open = text.replace("2.重复申请\t", "").replace("\n0\t0\t0\t0\t0\t0\t0\n3.要求", "\n0\t0\t0\t0\t0\t0\t0\n3.要求", 1)
    document = report(one_open)
    assert document["applications"]["results"]["not_processed"]["duplicate"]["total"] == 0
    assert any(note["code"] == "row_label_inferred" for note in document["notes"])
    two_open = text.replace("2.重复申请\t", "").replace("3.要求提供公开出版物\t0\t0\t0\t0\t0\t0\t0\n", "")
    document = report(two_open)
    assert set(document["applications"]["results"]["not_processed"]["duplicate"].values()) == {None}
    assert any(note["code"] == "values_unlabelled" for note in document["notes"])


def test_a_column_title_or_a_conflicting_number_never_names_a_row() -> None:
    index = label_index(APPLICATIONS_2019)
    assert index.match("总计", 20) is None  # the column 总计 is not （七）总计
    assert index.match("（七）总计", 20).item.label == "总计"
    assert index.match("五、结转下年度继续办理", 0) is None  # numbered as another row
    assert index.match("四、结转下年度继续办理", 0).item.label == "结转下年度继续办理"


def test_crawler_line_is_cut_before_anchors_but_not_in_prose() -> None:
    line = ("正文 对规章、规范性文件依法公开，行政处罚类103条。一、总体情况我局重视。二、主动公开政府信息情况"
            "第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章000规范性文件222"
            "三、收到和处理政府信息公开申请情况申请人情况自然人一、本年新收政府信息公开申请数量1000001"
            "二、上年结转政府信息公开申请数量0000000三、本年度办理结果（一）予以公开1000001" + "。" * 40)
    segmented = resegment(["标题: x", line])
    pieces = segmented.lines[1:]
    assert pieces[0].startswith("正文 对规章、规范性文件依法公开，行政处罚类103条。")  # prose is not cut
    assert "一、总体情况" in pieces and "规章000" in pieces and "规范性文件222" in pieces
    assert "一、本年新收政府信息公开申请数量1000001" in pieces and "三、本年度办理结果" in pieces
    where = pieces.index("规章000") + 2
    line_number, column = segmented.origin(where, 1)
    assert line_number == 2 and line[column - 1:].startswith("规章000")


def test_hybrid_block_headed_by_the_other_template_is_not_read_into_this_one() -> None:
    text = (HEAD + "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量\n"
            "规章\t1\t2\t3\n第二十条第（五）项\n信息内容\t本年处理决定数量\n行政许可\t5\n"
            "三、收到和处理政府信息公开申请情况\n（六）其他处理\t\n1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t"
            + "\t".join(["0"] * 7) + TAIL)
    document = convert(text.encode(), "hybrid.txt")
    assert document["template"] == "2021"
    assert document["proactive"]["rules"] == {"issued": None, "repealed": None, "in_force": None}
    assert document["proactive"]["licensing"] == {"decisions": 5}
    codes = {note["code"] for note in document["notes"]}
    assert {"template_mixed", "block_other_template"} <= codes
