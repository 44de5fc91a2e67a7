"""Ratings: communities' star ratings and companies' credit ratings."""

from __future__ import annotations

from vocab.columns import (
    COUNTY_ALIASES,
    DATE,
    DECIMAL,
    ENUM,
    ID,
    NOTE,
    REGION,
    STARS,
    TEXT,
    USCC,
    YEAR,
    C,
    Dataset,
)

FAMILY: list[Dataset] = []  # in the order etl/schema.py's DATASETS lists them


def _register(ds: Dataset) -> None:
    FAMILY.append(ds)


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

# What a credit grade (or a run of 黑榜 listings) triggers (信用评价结果运用): the actions the
# rules of data/credit_rules.csv name, and what a clerk writes for each.
CREDIT_ACTIONS = ("表彰", "招投标加分", "重点监管", "约谈", "限制招投标", "退出评估")
ACTION_SPELLINGS = {
    "通报表彰": "表彰",
    "表扬": "表彰",
    "招标加分": "招投标加分",
    "投标加分": "招投标加分",
    "招投标中加分": "招投标加分",
    "强化监督检查": "重点监管",
    "列入重点监管": "重点监管",
    "重点监管对象": "重点监管",
    "约谈负责人": "约谈",
    "约谈提醒": "约谈",
    "限制投标": "限制招投标",
    "限制参与招投标": "限制招投标",
    "招投标限制": "限制招投标",
    "退出机制评估": "退出评估",
    "启动退出评估": "退出评估",
    "退出审查": "退出评估",
}
ACTION_STATUSES = ("已落实", "落实中", "未落实")  # 已落实 is done; the others are not

_register(
    Dataset(
        "credit_actions",
        "信用奖惩措施",
        (
            C("company_code", "统一社会信用代码", USCC, "企业统一社会信用代码", "信用代码", req=True),
            C("year", "依据年度", YEAR, "评价年度", "年度", req=True),
            C(
                "action",
                "措施",
                ENUM,
                "奖惩措施",
                "措施类型",
                "结果运用",
                req=True,
                choices=CREDIT_ACTIONS,
                synonyms=ACTION_SPELLINGS,
            ),
            C("decided_on", "实施日期", DATE, "决定日期", "采取日期", req=True),
            C(
                "status",
                "落实情况",
                ENUM,
                "办理状态",
                "状态",
                req=True,
                choices=ACTION_STATUSES,
                synonyms={
                    "已完成": "已落实",
                    "已执行": "已落实",
                    "完成": "已落实",
                    "办理中": "落实中",
                    "进行中": "落实中",
                    "未完成": "未落实",
                    "未执行": "未落实",
                },
            ),
            C("result", "处理结果", NOTE, "结果", "备注"),
            C("document", "文号", TEXT, "文件编号", "决定文号"),
        ),
        key=("company_code", "year", "action"),
    )
)
