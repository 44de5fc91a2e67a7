"""The data contract in code: every dataset, its canonical columns and their Chinese aliases.

This is the one table of column names the ETL, the warehouse DDL, the tests and the
label table of the pages read. `shared/design/data-contract.md` is its prose form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds. Each kind has one normaliser (etl/normalize.py) and one SQL type.
TEXT = "text"  # free text, trimmed, full-width folded
NOTE = "note"  # free text kept as written (descriptions, notes)
ID = "id"  # an identifier written by the clerk (小区编号, 线索编号)
USCC = "uscc"  # 18-character unified social credit code, check digit verified
REGION = "region"  # a region name, short name or code, stored as its code
DATE = "date"
DEADLINE = "deadline"  # a date, or a number of working days after received_on
AMOUNT = "amount"  # money in 元/万元/亿元, stored in yuan
INT = "int"
YEAR = "year"
DECIMAL = "decimal"  # a score
RATE = "rate"  # a share: 85%, 0.85 or 85 -> 0.85
ENUM = "enum"
BOOL = "bool"
STARS = "stars"
PHONE = "phone"  # personal data: stored, masked by the metrics layer

SQL_TYPES = {
    TEXT: "VARCHAR",
    NOTE: "VARCHAR",
    ID: "VARCHAR",
    USCC: "VARCHAR",
    REGION: "VARCHAR",
    DATE: "DATE",
    DEADLINE: "DATE",
    AMOUNT: "DECIMAL(18,2)",
    INT: "INTEGER",
    YEAR: "INTEGER",
    DECIMAL: "DOUBLE",
    RATE: "DOUBLE",
    ENUM: "VARCHAR",
    BOOL: "BOOLEAN",
    STARS: "INTEGER",
    PHONE: "VARCHAR",
}

# Lineage columns every fact row carries.
LINEAGE = (
    ("_load_id", "INTEGER"),
    ("_source_file", "VARCHAR"),
    ("_sheet", "VARCHAR"),
    ("_source_row", "INTEGER"),
    ("_loaded_at", "TIMESTAMP"),
)


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # the Chinese name used in messages when the file's own header is unknown
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict)  # accepted spellings of a choice

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]

    @property
    def names(self) -> tuple[str, ...]:
        """Every header text that means this column (canonical name, label, aliases)."""
        return (self.name, self.label, *self.aliases)


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # a newer row with the same key replaces the older
    # A ledger with no id of its own (refunds, recoveries): (owner column, date column). A
    # file is then a new version of the rows of the same owners in the months it covers,
    # and replaces them whole; `key` only finds a row written twice within one file.
    ledger: tuple[str, str] | None = None

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def C(name, label, kind, *aliases, req=False, choices=(), synonyms=None):  # noqa: N802
    return Column(name, label, kind, req, tuple(aliases), tuple(choices), dict(synonyms or {}))


COUNTY_ALIASES = (
    "县区",
    "县(区、市)",
    "县(市、区)",
    "县(市区)",
    "县市区",
    "区县",
    "所属县区",
    "县区名称",
    "区域",
    "行政区划",
)
MANAGEMENT_TYPES = ("专业物业企业", "社区(村)托管", "单位自管", "业主自管", "政府兜底(国企兜底)", "无物业")
MANAGEMENT_SYNONYMS = {
    "专业物业": "专业物业企业",
    "物业企业": "专业物业企业",
    "社区托管": "社区(村)托管",
    "村托管": "社区(村)托管",
    "社区(村)代管": "社区(村)托管",
    "社区代管": "社区(村)托管",
    "政府兜底": "政府兜底(国企兜底)",
    "国企兜底": "政府兜底(国企兜底)",
    "政府(国企)兜底": "政府兜底(国企兜底)",
    "自管": "业主自管",
    "业主自治": "业主自管",
    "无": "无物业",
    "弃管": "无物业",
    "无物业管理": "无物业",
}

DATASETS: dict[str, Dataset] = {}


def _register(ds: Dataset) -> None:
    DATASETS[ds.name] = ds


_register(
    Dataset(
        "communities",
        "小区",
        (
            C("community_id", "小区编号", ID, "小区代码", req=True),
            C("name", "小区名称", TEXT, "小区(项目)名称", "项目名称", req=True),
            C("county", "县区", REGION, *COUNTY_ALIASES, req=True),
            C("street", "乡镇(街道)", TEXT, "街道", "乡镇", "街道(乡镇)", "所属街道"),
            C("households", "户数", INT, "总户数", "住户数"),
            C("occupancy_rate", "入住率", RATE),
            C(
                "management_type",
                "管理方式",
                ENUM,
                "物业管理模式",
                "管理模式",
                req=True,
                choices=MANAGEMENT_TYPES,
                synonyms=MANAGEMENT_SYNONYMS,
            ),
            C("company_code", "物业企业统一社会信用代码", USCC, "统一社会信用代码", "物业企业信用代码"),
            C(
                "committee",
                "业委会(物管会)",
                ENUM,
                "业主组织",
                "业委会",
                choices=("业委会", "物管会", "未组建"),
                synonyms={"业主委员会": "业委会", "物业管理委员会": "物管会", "无": "未组建", "未成立": "未组建"},
            ),
            C("committee_formed_on", "组建日期", DATE, "成立日期", "业委会组建日期"),
            C("fee_standard", "收费标准", DECIMAL, "物业费标准", "收费标准(元/月·户)", "收费标准(元/㎡·月)"),
            C("managed_since", "物业服务起始日期", DATE, "接管日期", "入驻日期"),
            C(
                "previous_management_type",
                "原管理方式",
                ENUM,
                "原物业管理模式",
                choices=MANAGEMENT_TYPES,
                synonyms=MANAGEMENT_SYNONYMS,
            ),
        ),
        key=("community_id",),
    )
)

_register(
    Dataset(
        "companies",
        "物业企业",
        (
            C("company_code", "统一社会信用代码", USCC, "企业统一社会信用代码", "信用代码", req=True),
            C("name", "企业名称", TEXT, "物业企业名称", "物业服务企业", "公司名称", req=True),
            C("county", "注册地", REGION, *COUNTY_ALIASES, "注册地县区"),
            C(
                "status",
                "状态",
                ENUM,
                "企业状态",
                "经营状态",
                choices=("在营", "已清退", "注销"),
                synonyms={"存续": "在营", "正常": "在营", "清退": "已清退", "已注销": "注销"},
            ),
            C("exited_on", "退出日期", DATE, "清退日期"),
            C("in_market_list", "物业超市", BOOL, "是否入驻物业超市", "入驻物业超市"),
        ),
        key=("company_code",),
    )
)

_register(
    Dataset(
        "company_lists",
        "红黑榜",
        (
            C("company_code", "统一社会信用代码", USCC, "企业统一社会信用代码", "信用代码", req=True),
            C("county", "县区", REGION, *COUNTY_ALIASES, req=True),
            C("listed_on", "发布日期", DATE, "上榜日期", req=True),
            C("list", "榜单", ENUM, "红黑榜", "榜单类型", req=True, choices=("红榜", "黑榜")),
            C("reason", "事由", NOTE, "上榜事由", "原因"),
        ),
        key=("company_code", "listed_on", "list"),
    )
)

CASE_SOURCES = ("排查", "投诉举报", "12345", "督导检查", "信访", "媒体", "审计")
CASE_CATEGORIES = ("质价不符", "违规收费", "公共收益", "设施维护", "安全防范", "装修保证金", "不履约", "其他")
LEVELS = ("社区", "乡镇(街道)", "县级", "市级")
LEVEL_SYNONYMS = {
    "街道": "乡镇(街道)",
    "乡镇": "乡镇(街道)",
    "县": "县级",
    "县区": "县级",
    "区级": "县级",
    "市": "市级",
}

_register(
    Dataset(
        "cases",
        "问题线索",
        (
            C("case_id", "编号", ID, "线索编号", "工单号", "问题编号", "案件编号", req=True),
            C(
                "source",
                "来源",
                ENUM,
                "问题来源",
                "线索来源",
                req=True,
                choices=CASE_SOURCES,
                synonyms={
                    "12345热线": "12345",
                    "投诉": "投诉举报",
                    "举报": "投诉举报",
                    "督查": "督导检查",
                    "自查": "排查",
                    "摸排": "排查",
                },
            ),
            C("category", "问题类别", ENUM, "类别", "问题类型", req=True, choices=CASE_CATEGORIES),
            C("county", "县区", REGION, *COUNTY_ALIASES, req=True),
            C("street", "乡镇(街道)", TEXT, "街道", "乡镇"),
            C("community_id", "小区编号", ID),
            C("company_code", "物业企业统一社会信用代码", USCC, "统一社会信用代码"),
            C("received_on", "受理日期", DATE, "发现日期", "登记日期", req=True),
            C("deadline", "整改时限", DEADLINE, "办理时限", "整改期限"),
            C("level", "当前层级", ENUM, "层级", "办理层级", choices=LEVELS, synonyms=LEVEL_SYNONYMS),
            C(
                "status",
                "状态",
                ENUM,
                "办理状态",
                "整改状态",
                req=True,
                choices=("待受理", "办理中", "已整改", "已办结", "退回重办"),
                synonyms={
                    "整改中": "办理中",
                    "未整改": "办理中",
                    "处理中": "办理中",
                    "已完成": "已整改",
                    "办结": "已办结",
                    "已处理": "已办结",
                    "重办": "退回重办",
                },
            ),
            C("closed_on", "办结日期", DATE, "整改完成日期", "完成日期"),
            C("refund_amount", "退还金额", AMOUNT, "退费金额"),
            C("refund_households", "涉及户数", INT, "退还户数"),
            C("description", "问题描述", NOTE, "问题内容", "主要问题"),
            C("reporter_phone", "联系电话", PHONE, "来电号码", "举报人电话"),
        ),
        key=("case_id",),
    )
)

CASE_ACTIONS = (
    "转办",
    "上交",
    "提醒函",
    "约谈",
    "督办函",
    "通报",
    "问责",
    "移送城管",
    "移送纪检",
    "移送公安",
    "立案",
    "回访",
)

_register(
    Dataset(
        "case_events",
        "督办记录",
        (
            C("case_id", "编号", ID, "线索编号", "工单号", "问题编号", req=True),
            C("happened_on", "日期", DATE, "督办日期", "措施日期", req=True),
            C(
                "action",
                "措施",
                ENUM,
                "督办措施",
                "处置措施",
                req=True,
                choices=CASE_ACTIONS,
                synonyms={
                    "发提醒函": "提醒函",
                    "发督办函": "督办函",
                    "约谈企业": "约谈",
                    "移交城管": "移送城管",
                    "移交纪检": "移送纪检",
                    "移交公安": "移送公安",
                },
            ),
            C("to_level", "移交层级", ENUM, "层级", choices=LEVELS, synonyms=LEVEL_SYNONYMS),
            C("organ", "承办单位", TEXT, "办理单位"),
            C("note", "备注", NOTE, "情况说明"),
        ),
        key=("case_id", "happened_on", "action"),
    )
)

_register(
    Dataset(
        "fund_arrears",
        "维修资金欠缴台账",
        (
            C("project_id", "项目编号", ID, req=True),
            C("project", "项目名称", TEXT, req=True),
            C("developer", "房地产开发企业", TEXT, "房企", "开发企业", "开发商", req=True),
            C("county", "县区", REGION, *COUNTY_ALIASES, req=True),
            C("amount_due", "欠缴金额", AMOUNT, "应追缴金额", "欠缴维修资金", req=True),
            C("listed_on", "建账日期", DATE, "列入日期", req=True),
            C("measure", "追缴措施", NOTE),
        ),
        key=("project_id",),
    )
)

_register(
    Dataset(
        "fund_recoveries",
        "维修资金追缴到账",
        (
            C("project_id", "项目编号", ID, req=True),
            C("recovered_on", "到账日期", DATE, "追缴日期", req=True),
            C("amount", "追缴金额", AMOUNT, "到账金额", req=True),
            C("channel", "方式", ENUM, "追缴方式", choices=("催缴", "行政处罚", "纪检", "公安", "诉讼")),
        ),
        key=("project_id", "recovered_on", "amount", "channel"),
        ledger=("project_id", "recovered_on"),
    )
)

_register(
    Dataset(
        "fund_ledger",
        "维修资金归集与使用",
        (
            C("county", "县区", REGION, *COUNTY_ALIASES, req=True),
            C("year", "年度", YEAR, "年份", req=True),
            C("collected", "归集金额", AMOUNT, "本期归集", "归集", "维修资金归集", req=True),
            C("used", "使用金额", AMOUNT, "本期使用", "使用", "维修资金使用", req=True),
        ),
        key=("county", "year"),
    )
)

_register(
    Dataset(
        "fund_usages",
        "维修资金使用申请",
        (
            C("application_id", "申请编号", ID, req=True),
            C("community_id", "小区编号", ID),
            C("county", "县区", REGION, *COUNTY_ALIASES, req=True),
            C(
                "purpose",
                "用途",
                ENUM,
                "使用用途",
                req=True,
                choices=("电梯", "屋面防水", "外墙", "消防", "给排水", "其他"),
                synonyms={
                    "电梯维修": "电梯",
                    "电梯更新": "电梯",
                    "防水": "屋面防水",
                    "屋面": "屋面防水",
                    "外墙维修": "外墙",
                    "消防设施": "消防",
                    "供排水": "给排水",
                },
            ),
            C("emergency", "应急使用", BOOL, "是否应急", req=True),
            C("amount", "拨付金额", AMOUNT, "使用金额", req=True),
            C("applied_on", "申请日期", DATE, req=True),
            C("approved_on", "审核日期", DATE, "批准日期"),
        ),
        key=("application_id",),
    )
)

_register(
    Dataset(
        "refunds",
        "违规收费清退",
        (
            C("company_code", "统一社会信用代码", USCC, "物业企业统一社会信用代码", "企业统一社会信用代码", req=True),
            C("county", "县区", REGION, *COUNTY_ALIASES, req=True),
            C(
                "kind",
                "类别",
                ENUM,
                "清退类别",
                "收费类别",
                req=True,
                choices=("装修保证金", "水电费", "物业费", "电梯运行费", "卫生费", "其他"),
            ),
            C("amount", "清退金额", AMOUNT, "退还金额", "金额", req=True),
            C("households", "涉及户数", INT, "户数"),
            C("refunded_on", "清退日期", DATE, "退还日期", req=True),
        ),
        key=("company_code", "county", "kind", "refunded_on", "amount"),
        ledger=("county", "refunded_on"),
    )
)

_register(
    Dataset(
        "star_ratings",
        "星级评价",
        (
            C("community_id", "小区编号", ID, req=True),
            C("company_code", "统一社会信用代码", USCC, "物业企业统一社会信用代码", req=True),
            C("county", "县区", REGION, *COUNTY_ALIASES),
            C("year", "年度", YEAR, "评价年度", req=True),
            C("stars", "星级", STARS, "评定星级", req=True),
            C("score", "得分", DECIMAL, "评分"),
        ),
        key=("community_id", "year"),
    )
)

_register(
    Dataset(
        "credit_ratings",
        "信用评价",
        (
            C("company_code", "统一社会信用代码", USCC, "企业统一社会信用代码", req=True),
            C("year", "年度", YEAR, "评价年度", req=True),
            C(
                "grade",
                "信用等级",
                ENUM,
                "等级",
                "评定等级",
                req=True,
                choices=("A", "B", "C", "D"),
                synonyms={"A级": "A", "B级": "B", "C级": "C", "D级": "D"},
            ),
            C("score", "得分", DECIMAL, "信用得分", "总分"),
            C("qualification", "从业资格", DECIMAL),
            C("performance", "经营业绩", DECIMAL),
            C("reputation", "社会信誉", DECIMAL),
            C("conduct", "市场行为", DECIMAL),
        ),
        key=("company_code", "year"),
    )
)
