"""Party building (党建引领): the party side of owners' committees (红色业委会) and of property
companies (物业企业党组织, 红色物业), as the counties' 党建 ledgers report them."""

from __future__ import annotations

from vocab.columns import BOOL, COUNTY_ALIASES, DATE, ENUM, ID, INT, NOTE, REGION, USCC, C, Dataset

FAMILY: list[Dataset] = []  # in the order etl/schema.py's DATASETS lists them


def _register(ds: Dataset) -> None:
    FAMILY.append(ds)


# How a company's party work is organised: an organisation of its own or shared with others
# (党组织覆盖), or only an instructor sent by the industry's party committee (党的工作覆盖).
PARTY_ORGS = ("党委", "党总支", "党支部", "联合党支部", "党建指导员", "未建立")
PARTY_ORGANISATIONS = PARTY_ORGS[:4]  # those that are an organisation (党组织)

_register(
    Dataset(
        "committee_party",
        "业委会党建情况",
        (
            C("community_id", "小区编号", ID, "小区代码", req=True),
            C("county", "县区", REGION, *COUNTY_ALIASES, req=True),
            C(
                "members",
                "业委会成员数",
                INT,
                "业委会(物管会)成员数",
                "成员人数",
                "委员人数",
                "业委会委员人数",
                "成员数",
            ),
            C("party_members", "其中党员数", INT, "党员人数", "党员数", "其中党员", "党员委员数", "其中:党员"),
            C("red", "红色业委会", BOOL, "是否红色业委会", "红色业委会(物管会)", "是否红色业委会(物管会)", req=True),
            C("red_since", "认定日期", DATE, "红色业委会认定日期", "命名日期", "挂牌日期"),
            C("note", "备注", NOTE, "情况说明"),
        ),
        key=("community_id",),
    )
)

_register(
    Dataset(
        "company_party",
        "物业企业党建情况",
        (
            C("company_code", "统一社会信用代码", USCC, "企业统一社会信用代码", "信用代码", req=True),
            C("county", "县区", REGION, *COUNTY_ALIASES, "注册地", req=True),
            C("party_members", "党员人数", INT, "党员数", "在职党员人数"),
            C(
                "party_org",
                "党组织形式",
                ENUM,
                "党组织",
                "党组织类型",
                "党组织建设情况",
                req=True,
                choices=PARTY_ORGS,
                synonyms={
                    "独立党支部": "党支部",
                    "支部": "党支部",
                    "联合支部": "联合党支部",
                    "联建党支部": "联合党支部",
                    "党总支部": "党总支",
                    "选派党建指导员": "党建指导员",
                    "党建工作指导员": "党建指导员",
                    "指导员": "党建指导员",
                    "无": "未建立",
                    "未成立": "未建立",
                    "未组建": "未建立",
                },
            ),
            C("party_org_formed_on", "党组织成立日期", DATE, "成立日期", "组建日期"),
            C("red", "红色物业", BOOL, "是否红色物业", "红色物业企业", "是否红色物业企业", req=True),
            C("red_since", "认定日期", DATE, "红色物业认定日期", "命名日期", "挂牌日期"),
            C("note", "备注", NOTE, "情况说明"),
        ),
        key=("company_code",),
    )
)
