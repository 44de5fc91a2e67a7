"""Master data: communities, property-management companies, and the companies' red and black lists."""

from __future__ import annotations

from vocab.columns import (
    BOOL,
    COUNTY_ALIASES,
    DATE,
    DECIMAL,
    ENUM,
    ID,
    INT,
    NOTE,
    RATE,
    REGION,
    TEXT,
    USCC,
    C,
    Dataset,
)

FAMILY: list[Dataset] = []  # in the order etl/schema.py's DATASETS lists them


def _register(ds: Dataset) -> None:
    FAMILY.append(ds)


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
