"""The maintenance fund (arrears, recoveries, collection and use, usage applications) and refunds of illegal fees."""

from __future__ import annotations

from vocab.columns import (
    AMOUNT,
    BOOL,
    COUNTY_ALIASES,
    DATE,
    ENUM,
    ID,
    INT,
    NOTE,
    REGION,
    TEXT,
    USCC,
    YEAR,
    C,
    Dataset,
)

ARREARS_STATUSES = ("追缴中", "已追缴", "挂账")  # 挂账: set aside as unrecoverable, still owed
FAMILY: list[Dataset] = []  # in the order etl/schema.py's DATASETS lists them


def _register(ds: Dataset) -> None:
    FAMILY.append(ds)


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
            # 挂账: arrears that cannot be recovered (the developer bankrupt, deregistered, not found)
            # are set aside in the ledger, still owed, no longer chased month by month
            C(
                "status",
                "处理状态",
                ENUM,
                "追缴状态",
                "欠缴状态",
                "处置状态",
                choices=ARREARS_STATUSES,
                synonyms={
                    "挂账处理": "挂账",
                    "挂账管理": "挂账",
                    "已挂账": "挂账",
                    "核销挂账": "挂账",
                    "暂缓追缴": "挂账",
                    "无法追缴": "挂账",
                    "正在追缴": "追缴中",
                    "追缴": "追缴中",
                    "已缴清": "已追缴",
                    "已结清": "已追缴",
                    "追缴完毕": "已追缴",
                },
            ),
            C("suspended_on", "挂账日期", DATE, "挂账时间"),
            C("suspended_reason", "挂账原因", NOTE, "无法追缴原因"),
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
