"""The two national report templates (2019 and 2021) as data: sections, tables, rows and cells.

Everything that knows the template's shape (the converter, the JSON Schemas, the rule type checker,
the test renderers) reads it from here, so the shape is written down once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEMPLATES = ("2019", "2021")

SECTION_TITLES = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Cell:
    """One cell of a template row: its key in the document, its printed column title, its kind."""

    key: str
    title: str
    kind: str = "count"  # count (integer >= 0), signed (本年增/减), amount (万元, a number)


@dataclass(frozen=True)
class Row:
    """A table row: where it lives in the document, the label the template prints, its cells."""

    path: tuple[str, ...]
    enum: str  # the row's own numbering as the template prints it: 一、 （一） 1.
    label: str
    cells: tuple[Cell, ...]
    aliases: tuple[str, ...] = ()
    title: str = ""  # Chinese title for the schema when the label is long or numbered

    @property
    def pointer(self) -> str:
        return "/" + "/".join(self.path)


@dataclass(frozen=True)
class Group:
    """A heading inside a table that spans rows (三、本年度办理结果, （三）不予公开) and holds no cells."""

    path: tuple[str, ...]
    enum: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    """One of the three tables: its document key and its items (groups and rows) in printed order."""

    key: str
    title: str
    items: tuple[Row | Group, ...]
    headers: tuple[str, ...] = field(default=())  # header words that only this template prints

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(item for item in self.items if isinstance(item, Row))


@dataclass(frozen=True)
class Template:
    """A national template: its name and its three tables."""

    name: str
    proactive: Table
    applications: Table
    disputes: Table

    @property
    def tables(self) -> tuple[Table, ...]:
        return (self.proactive, self.applications, self.disputes)

    def cells(self):
        """Yield (table, row, cell, pointer) for every cell of the template, in printed order."""
        for table in self.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield table, row, cell, f"/{table.key}{row.pointer}/{cell.key}"


def _cells(*spec: tuple[str, str] | tuple[str, str, str]) -> tuple[Cell, ...]:
    return tuple(Cell(*item) for item in spec)


_DOCS_2019 = _cells(("made", "本年新制作数量"), ("published", "本年新公开数量"), ("in_force", "对外公开总数量"))
_ITEMS_2019 = _cells(("prior_items", "上一年项目数量"), ("change", "本年增/减", "signed"), ("decisions", "处理决定数量"))
_DOCS_2021 = _cells(("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数"))
_DECISIONS_2021 = _cells(("decisions", "本年处理决定数量"),)

PROACTIVE_2019 = Table(
    "proactive",
    "主动公开政府信息情况",
    (
        Row(("rules",), "", "规章", _DOCS_2019),
        Row(("normative_documents",), "", "规范性文件", _DOCS_2019, aliases=("行政规范性文件",)),
        Row(("licensing",), "", "行政许可", _ITEMS_2019),
        Row(("other_services",), "", "其他对外管理服务事项", _ITEMS_2019),
        Row(("penalty",), "", "行政处罚", _ITEMS_2019),
        Row(("coercion",), "", "行政强制", _ITEMS_2019),
        Row(("fees",), "", "行政事业性收费", _ITEMS_2019[:2]),
        Row(("procurement",), "", "政府集中采购",
            _cells(("projects", "采购项目数量"), ("amount_wan_yuan", "采购总金额（万元）", "amount"))),
    ),
    headers=("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减",
             "采购项目数量", "采购总金额", "其他对外管理服务事项", "政府集中采购"),
)

PROACTIVE_2021 = Table(
    "proactive",
    "主动公开政府信息情况",
    (
        Row(("rules",), "", "规章", _DOCS_2021),
        Row(("normative_documents",), "", "行政规范性文件", _DOCS_2021, aliases=("规范性文件",)),
        Row(("licensing",), "", "行政许可", _DECISIONS_2021),
        Row(("penalty",), "", "行政处罚", _DECISIONS_2021),
        Row(("coercion",), "", "行政强制", _DECISIONS_2021),
        Row(("fees",), "", "行政事业性收费",
            _cells(("amount_wan_yuan", "本年收费金额（单位：万元）", "amount"),)),
    ),
    headers=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额"),
)

APPLICANTS = _cells(
    ("natural_person", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social_welfare", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other", "其他"),
    ("total", "总计"),
)
APPLICANT_ALIASES = {"social_welfare": ("社会组织",)}


def _app(path: tuple[str, ...], enum: str, label: str, *aliases: str, title: str = "") -> Row:
    return Row(path, enum, label, APPLICANTS, aliases=aliases, title=title)


_R = ("results",)
_HEAD = (
    _app(("new_received",), "一、", "本年新收政府信息公开申请数量"),
    _app(("carried_over",), "二、", "上年结转政府信息公开申请数量"),
    Group(_R, "三、", "本年度办理结果"),
    _app(_R + ("granted",), "（一）", "予以公开"),
    _app(_R + ("partially_granted",), "（二）", "部分公开（区分处理的，只计这一情形，不计其他情形）", "部分公开",
         title="部分公开"),
    Group(_R + ("denied",), "（三）", "不予公开"),
    _app(_R + ("denied", "state_secret"), "1.", "属于国家秘密"),
    _app(_R + ("denied", "prohibited_by_law"), "2.", "其他法律行政法规禁止公开"),
    _app(_R + ("denied", "security_stability"), "3.", "危及“三安全一稳定”", "危机“三安全一稳定”"),
    _app(_R + ("denied", "third_party_rights"), "4.", "保护第三方合法权益"),
    _app(_R + ("denied", "internal_affairs"), "5.", "属于三类内部事务信息"),
    _app(_R + ("denied", "process_info"), "6.", "属于四类过程性信息"),
    _app(_R + ("denied", "enforcement_files"), "7.", "属于行政执法案卷"),
    _app(_R + ("denied", "query_matters"), "8.", "属于行政查询事项"),
    Group(_R + ("unable",), "（四）", "无法提供"),
    _app(_R + ("unable", "not_held"), "1.", "本机关不掌握相关政府信息"),
    _app(_R + ("unable", "needs_creation"), "2.", "没有现成信息需要另行制作"),
    _app(_R + ("unable", "still_unclear"), "3.", "补正后申请内容仍不明确"),
    Group(_R + ("not_processed",), "（五）", "不予处理"),
    _app(_R + ("not_processed", "petition"), "1.", "信访举报投诉类申请"),
    _app(_R + ("not_processed", "duplicate"), "2.", "重复申请"),
    _app(_R + ("not_processed", "publications"), "3.", "要求提供公开出版物"),
    _app(_R + ("not_processed", "excessive"), "4.", "无正当理由大量反复申请"),
    _app(_R + ("not_processed", "confirmation"), "5.", "要求行政机关确认或重新出具已获取信息"),
)
_TAIL = (
    _app(_R + ("total",), "（七）", "总计"),
    _app(("carried_forward",), "四、", "结转下年度继续办理"),
)

APPLICATIONS_2019 = Table(
    "applications",
    "收到和处理政府信息公开申请情况",
    _HEAD + (_app(_R + ("other",), "（六）", "其他处理"),) + _TAIL,
)

APPLICATIONS_2021 = Table(
    "applications",
    "收到和处理政府信息公开申请情况",
    _HEAD
    + (
        Group(_R + ("other",), "（六）", "其他处理"),
        _app(_R + ("other", "overdue_correction"), "1.",
             "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "逾期不补正",
             title="逾期不补正"),
        _app(_R + ("other", "unpaid_fee"), "2.",
             "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "逾期未缴费",
             title="逾期未缴费"),
        _app(_R + ("other", "other"), "3.", "其他"),
    )
    + _TAIL,
    headers=("逾期不补正", "逾期未按收费通知要求缴纳费用"),
)

# The rows both templates print alike (table 三 but （六）): read even when no template can be decided.
APPLICATIONS_COMMON = Table("applications", "收到和处理政府信息公开申请情况", _HEAD + _TAIL)

OUTCOMES = _cells(
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)

DISPUTES = Table(
    "disputes",
    "政府信息公开行政复议、行政诉讼情况",
    (
        Row(("review",), "", "行政复议", OUTCOMES),
        Row(("litigation_direct",), "", "未经复议直接起诉", OUTCOMES),
        Row(("litigation_after_review",), "", "复议后起诉", OUTCOMES),
    ),
)

TEMPLATE_2019 = Template("2019", PROACTIVE_2019, APPLICATIONS_2019, DISPUTES)
TEMPLATE_2021 = Template("2021", PROACTIVE_2021, APPLICATIONS_2021, DISPUTES)
BY_NAME = {"2019": TEMPLATE_2019, "2021": TEMPLATE_2021}


def template(name: str) -> Template:
    """Return the template called `name` ("2019" or "2021")."""
    return BY_NAME[name]
