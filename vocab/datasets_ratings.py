"""Ratings: communities' star ratings and companies' credit ratings."""

from __future__ import annotations

from vocab.columns import (
    COUNTY_ALIASES,
    DECIMAL,
    ENUM,
    ID,
    REGION,
    STARS,
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
