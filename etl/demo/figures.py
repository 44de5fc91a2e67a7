"""The demo's published figures (../shared/design/published-figures.md) and its regions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

SEED = 20241229
TODAY = dt.date(2025, 11, 30)  # the demo's "today": ledgers run up to this day
ZIP_TIME = (2025, 6, 3, 9, 0, 0)  # every XLSX entry carries this time
XLSX_TIME = dt.datetime(2025, 6, 3, 9, 0, 0)  # docProps created/modified

# ---------------------------------------------------------------- FIGURES (published-figures.md)

Y2024_FROM, Y2024_TO = dt.date(2024, 1, 1), dt.date(2024, 12, 29)  # seed 000: to 2024-12-29
CAMPAIGN_TO = dt.date(2025, 5, 31)  # seed 001: to 2025-05-31

SWEEP_2024 = (511, 511)  # 排查 found / rectified, 2024-01-01..2024-12-29
SWEEP_TO_MAY = (3787, 3769)  # 排查, 2024-01-01..2025-05-31 (includes 2024's 511)
LEADS_2024 = (738, 733)  # 线索 received / rectified, 2024-01-01..2024-12-29
COMPLAINTS_TO_MAY = (9309, 9038)  # 投诉举报 received / closed, 2024-01-01..2025-05-31
JZ_COMMUNITIES = 1952
JZ_NO_SERVICE_AT_START = 911  # 无物业 at 2024-01-01, 0 at 2024-12-31
JZ_STAR_RATED_2024 = 1051

DEPOSIT_REFUND_CENTS = 72_377_400_00  # 7,237.74 万元 by 50 companies in 榆次区 and 晋中开发区
DEPOSIT_REFUND_COMPANIES = 50
OTHER_REFUND_CENTS = 3_714_700_00  # 371.47 万元 by 26 companies
OTHER_REFUND_COMPANIES = {"晋中开发区": 6, "寿阳县": 4, "介休市": 6, "平遥县": 5, "太谷区": 3, "榆社县": 2}
REFUND_HOUSEHOLDS_2024 = 40_702
REFUND_CUMULATIVE_CENTS = 107_026_618_46  # 1.07 亿元, 2024-01-01..2025-05-31
REFUND_HOUSEHOLDS_CUMULATIVE = 67_700

ARREARS_CENTS = 347_016_800_00  # 3.47 亿元
ARREARS_PROJECTS = {  # 9 counties, 151 projects, 106 developers: (projects, developers)
    "榆次区": (45, 30),
    "太谷区": (28, 20),
    "介休市": (18, 13),
    "平遥县": (14, 10),
    "灵石县": (12, 9),
    "祁县": (10, 7),
    "寿阳县": (9, 7),
    "昔阳县": (8, 5),
    "榆社县": (7, 5),
}
# 追缴到账 by month, in 万元 with two decimals: 2025-01..05 sums to 9,969 万元, May is 2,732.96 万元.
RECOVERIES_BY_MONTH = {
    (2024, 8): "180.50",
    (2024, 9): "236.80",
    (2024, 10): "310.25",
    (2024, 11): "402.60",
    (2024, 12): "515.35",
    (2025, 1): "1512.30",
    (2025, 2): "1286.45",
    (2025, 3): "2071.80",
    (2025, 4): "2365.49",
    (2025, 5): "2732.96",
    (2025, 6): "1420.18",
    (2025, 7): "980.66",
    (2025, 8): "760.40",
    (2025, 9): "655.12",
    (2025, 10): "540.90",
    (2025, 11): "310.25",
}
FUND_COLLECTED_CENTS = 3_609_046_800_00  # 36.09 亿元 collected 2008–2025
FUND_USED_CENTS = 120_204_400_00  # 1.2 亿元 used -> 3.33 %

JC_MANAGEMENT = {"专业物业企业": 762, "社区(村)托管": 335, "单位自管": 256, "业主自管": 210}  # 晋城 1,563
JC_CREDIT = {2024: {"A": 32, "B": 77, "C": 92, "D": 1}, 2023: {"A": 26, "B": 71, "C": 86, "D": 3}}
YQ_MANAGEMENT = {"政府兜底(国企兜底)": 56, "专业物业企业": 46, "业主自管": 29}  # 阳曲 131
YQ_COMMITTEES = 109
XY_COMPANIES, XY_MARKET = 70, 6

# ---------------------------------------------------------------- regions


@dataclass(frozen=True)
class Unit:
    """A reporting unit as the files write it (name), with its code and streets."""

    code: str
    name: str
    short: str
    communities: int
    streets: tuple[str, ...]


JINZHONG = (
    Unit(
        "140702",
        "榆次区",
        "榆次",
        600,
        ("锦纶街道", "北关街道", "西关街道", "南关街道", "新华街道", "安宁街道", "路西街道", "晋华街道", "新建街道"),
    ),
    Unit("140702401", "晋中开发区", "开发区", 180, ("汇通片区", "大学城片区", "乌金山镇", "东阳镇")),
    Unit("140703", "太谷区", "太谷", 150, ("明星镇", "侯城乡", "胡村镇")),
    Unit("140721", "榆社县", "榆社", 52, ("箕城镇",)),
    Unit("140722", "左权县", "左权", 60, ("辽阳镇",)),
    Unit("140723", "和顺县", "和顺", 55, ("义兴镇",)),
    Unit("140724", "昔阳县", "昔阳", 86, ("乐平镇",)),
    Unit("140725", "寿阳县", "寿阳", 88, ("朝阳镇",)),
    Unit("140727", "祁县", "祁县", 110, ("昭馀镇",)),
    Unit("140728", "平遥县", "平遥", 180, ("古陶镇", "中都乡")),
    Unit("140729", "灵石县", "灵石", 116, ("翠峰镇", "静升镇")),
    Unit("140781", "介休市", "介休", 275, ("北关街道", "西关街道", "东南街道", "西南街道", "北坛街道")),
)
JINCHENG = (  # written with the city's name in front: 城区 alone is ambiguous in Shanxi
    Unit(
        "140502",
        "晋城市城区",
        "城区",
        640,
        ("东街街道", "西街街道", "南街街道", "北街街道", "矿区街道", "钟家庄街道", "西上庄街道", "北石店镇"),
    ),
    Unit("140521", "沁水县", "沁水", 95, ("龙港镇",)),
    Unit("140522", "阳城县", "阳城", 210, ("凤城镇",)),
    Unit("140524", "陵川县", "陵川", 108, ("崇文镇",)),
    Unit("140525", "泽州县", "泽州", 250, ("南村镇", "金村镇", "巴公镇")),
    Unit("140581", "高平市", "高平", 260, ("东城街道", "南城街道", "北城街道", "米山镇")),
)
XIAOYI = Unit(
    "141181", "孝义市", "孝义", 236, ("新义街道", "中阳楼街道", "振兴街道", "胜溪湖街道", "崇文街道", "兑镇镇")
)
YANGQU = Unit("140122", "阳曲县", "阳曲", 131, ("黄寨镇",))
UNITS = {u.name: u for u in (*JINZHONG, *JINCHENG, XIAOYI, YANGQU)}
ARREARS_FREE = ("左权县", "和顺县")  # the two 晋中 counties without overdue arrears
