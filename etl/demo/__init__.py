"""The demo data set: ledgers written the way clerks write them, telling the story of the
published reports (`shared/design/published-figures.md`).

`generate(out_dir)` writes the ledgers (XLSX with title rows and a 合计 row, CSV in
GB18030 or UTF-8 with BOM, amounts in 元 or 万元) and returns their paths in load
order; `build(warehouse)` generates them and loads them through the real ETL.

Everything is synthetic and deterministic: one `random.Random(SEED)`, fixed dates,
no iteration over sets, and XLSX files written with fixed timestamps, so that two runs
give byte-identical files. Every published figure comes out of the rows exactly; the
targets are the constants in the `FIGURES` block below.

>>> paths = generate(Path("data/demo"))
>>> result = build(Path("data/warehouse.duckdb"))
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from etl.normalize import uscc_check_digit  # the one definition the loader verifies

SEED = 20241229
TODAY = dt.date(2025, 11, 30)  # the demo's "today": ledgers run up to this day
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "data" / "demo"  # etl/demo/__init__.py: the project root is two up
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

# ---------------------------------------------------------------- names

PLACE_WORDS = (
    "锦绣",
    "阳光",
    "幸福",
    "和平",
    "建设",
    "康乐",
    "金桥",
    "翠苑",
    "御景",
    "滨河",
    "新城",
    "书香",
    "龙湖",
    "华府",
    "紫金",
    "东方",
    "润园",
    "怡和",
    "世纪",
    "盛世",
    "碧水",
    "汇通",
    "银河",
    "锦华",
    "明珠",
    "福地",
    "泰和",
    "祥和",
    "文苑",
    "嘉禾",
    "鑫源",
    "凤凰",
    "兴华",
    "丽景",
    "北辰",
    "朝阳",
    "颐和",
    "凯旋",
    "天骄",
    "铭城",
    "安泰",
    "长青",
    "玉兰",
    "丹桂",
    "清华",
    "绿洲",
    "蓝湾",
    "春晖",
    "金色",
    "水岸",
    "逸景",
    "馨园",
    "桂花",
    "正阳",
    "天元",
    "丰泽",
    "东湖",
    "西湖",
    "南湖",
    "香榭",
    "悦澜",
    "尚品",
    "昌盛",
    "迎宾",
    "广安",
    "顺城",
    "汇景",
    "华苑",
    "荣府",
    "云锦",
    "瑞丰",
    "博雅",
    "新天地",
    "青年",
    "园丁",
    "学府",
    "锦江",
    "宏福",
)
PLACE_SUFFIXES = (
    "花园",
    "小区",
    "家园",
    "苑",
    "名都",
    "华庭",
    "嘉园",
    "新村",
    "公寓",
    "雅居",
    "佳苑",
    "国际",
    "府",
    "花苑",
    "名邸",
    "世家",
    "城",
    "一期",
    "二期",
    "东区",
    "西区",
    "南区",
)
DORMITORIES = (
    "供电公司宿舍",
    "粮食局家属院",
    "建行宿舍",
    "工行宿舍",
    "农行宿舍",
    "煤运公司宿舍",
    "铁路宿舍",
    "化工厂家属院",
    "纺织厂小区",
    "医院家属院",
    "税务局宿舍",
    "教育局家属院",
    "水利局宿舍",
    "烟草公司宿舍",
    "邮政宿舍",
    "机械厂家属院",
    "电力宿舍",
    "供销社宿舍",
    "药材宿舍",
    "供储宿舍",
    "交通局宿舍",
    "人民银行宿舍",
    "广电宿舍",
    "公路段宿舍",
    "农机厂家属院",
    "棉麻公司宿舍",
    "自来水公司宿舍",
    "一中家属院",
    "二中家属院",
)
TRADE_WORDS = (
    "锦程",
    "恒信",
    "德润",
    "华瑞",
    "金泰",
    "鑫源",
    "宏达",
    "恒泰",
    "瑞祥",
    "安居",
    "和信",
    "泰和",
    "众诚",
    "佳美",
    "万家",
    "宜居",
    "盛和",
    "博远",
    "康宁",
    "诚信",
    "汇丰",
    "润泽",
    "鸿运",
    "福顺",
    "天成",
    "中正",
    "永安",
    "昌盛",
    "晋安",
    "晋润",
    "晋德",
    "晋源",
    "诚泰",
    "嘉禾",
    "丰泽",
    "远景",
    "家和",
    "睿达",
    "祥瑞",
    "鼎盛",
    "华宇",
    "宏图",
    "顺达",
    "伟业",
    "恒通",
    "隆泰",
    "金鼎",
    "益民",
    "惠民",
    "安康",
    "居安",
    "乐居",
    "怡家",
    "馨宇",
    "汇德",
    "长安",
    "鸿泰",
    "瑞和",
    "金辉",
    "蓝天",
    "宝泰",
    "新宇",
    "正和",
    "信达",
    "恒远",
    "厚德",
    "立信",
    "卓越",
    "明德",
    "华晋",
    "龙城",
    "泰安",
    "同心",
    "众和",
    "兴业",
    "广厦",
    "安泰",
    "瑞景",
    "恒基",
    "锦华",
)
COMPANY_KINDS = ("物业服务有限公司", "物业管理有限公司", "物业服务有限责任公司", "物业管理服务有限公司")

# ---------------------------------------------------------------- codes

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714 organisation code


def org_check_digit(body: str) -> str:
    """GB 11714: the 9th character of an organisation code (digits 0–9, letters A=10 … Z=35)."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, ORG_WEIGHTS, strict=False))
    c9 = 11 - total % 11
    return "X" if c9 == 10 else "0" if c9 == 11 else str(c9)


def make_uscc(rng: random.Random, area: str) -> str:
    """A company's code: 9 (market regulator) 1 (enterprise), 6-digit area, organisation code, check."""
    letters = "ABCDEFGHJKLMNPQRTUWXY"
    if rng.random() < 0.7:  # post-2015 registrations: MA + 6 characters
        body = "MA0" + "".join(rng.choice("0123456789" + letters) for _ in range(5))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = "91" + area[:6] + body + org_check_digit(body)
    return first17 + uscc_check_digit(first17)


# ---------------------------------------------------------------- helpers


def split_total(
    rng: random.Random,
    total: int,
    n: int,
    spread: float = 0.8,
    minimum: int | Sequence[int] = 1,
    weights: Sequence[float] | None = None,
) -> list[int]:
    """`n` positive integers summing to exactly `total` (largest-remainder rounding)."""
    mins = list(minimum) if isinstance(minimum, Sequence) else [minimum] * n
    rest = total - sum(mins)
    if rest < 0:
        raise ValueError(f"cannot split {total} into {n} parts of at least {mins}")
    w = list(weights) if weights is not None else [rng.lognormvariate(0, spread) for _ in range(n)]
    s = sum(w)
    raw = [rest * x / s for x in w]
    base = [int(x) for x in raw]
    order = sorted(range(n), key=lambda i: (base[i] - raw[i], i))
    for i in order[: rest - sum(base)]:
        base[i] += 1
    return [b + m for b, m in zip(base, mins, strict=False)]


def days_between(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def pick_dates(
    rng: random.Random,
    n: int,
    start: dt.date,
    end: dt.date,
    month_weight: Callable[[dt.date], float] | None = None,
    weekend: float = 0.35,
) -> list[dt.date]:
    """`n` dates in [start, end], fewer at weekends, shaped by `month_weight`; sorted."""
    days = days_between(start, end)
    weights = [(weekend if d.weekday() >= 5 else 1.0) * (month_weight(d) if month_weight else 1.0) for d in days]
    return sorted(rng.choices(days, weights=weights, k=n))


def workday_on_or_before(d: dt.date, floor: dt.date) -> dt.date:
    while d.weekday() >= 5 and d > floor:
        d -= dt.timedelta(days=1)
    return d


MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
)


def fake_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def yuan(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def yuan_grouped(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def wan(cents: int) -> float:
    """Cents -> 万元 as the number a clerk types (cents must be a multiple of 100 yuan)."""
    assert cents % 10000 == 0, cents
    return float(f"{cents // 1_000_000}.{cents // 10000 % 100:02d}")


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def slash_date(d: dt.date) -> str:
    return f"{d.year}/{d.month:02d}/{d.day:02d}"


# ---------------------------------------------------------------- writers


@dataclass
class Table:
    """One sheet as a clerk lays it out: optional title lines, a header, rows, a total, notes."""

    header: list[str]
    rows: list[list]
    title: str | None = None
    subtitle: str | None = None
    total: list | None = None
    notes: list[str] = field(default_factory=list)
    sheet: str = "Sheet1"
    widths: dict[int, float] = field(default_factory=dict)


def write_csv(path: Path, table: Table, encoding: str) -> Path:
    """A CSV as Excel or a platform export writes it (CRLF line ends)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, tables: list[Table]) -> Path:
    """A workbook with one table per sheet (openpyxl), byte-identical from run to run.

    openpyxl stamps the time of saving into docProps and the zip entries: the document
    times are set to XLSX_TIME, and the archive is rewritten with the constant ZIP_TIME."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold, title_font = Font(name="宋体", bold=True), Font(name="宋体", bold=True, size=16)
    for table in tables:
        ws = wb.create_sheet(table.sheet)
        if table.title:
            ws.append([table.title])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.header))
            ws.cell(1, 1).font, ws.cell(1, 1).alignment = title_font, Alignment(horizontal="center")
        if table.subtitle:
            ws.append([table.subtitle])
        ws.append(table.header)
        for cell in ws[ws.max_row]:
            cell.font = bold
        first_data = ws.max_row + 1
        for row in table.rows:
            ws.append(["是" if v is True else "否" if v is False else v for v in row])
        for row in ws.iter_rows(min_row=first_data):
            for cell in row:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
        if table.total:
            ws.append(table.total)
            for cell in ws[ws.max_row]:
                cell.font = bold
        for note in table.notes:
            ws.append([note])
        for i, width in table.widths.items():
            ws.column_dimensions[get_column_letter(i + 1)].width = width
    wb.properties.creator = "晋中市住房和城乡建设局"
    buffer = io.BytesIO()
    wb.save(buffer)  # stamps `modified` with the time of saving; replaced below
    wb.properties.created = wb.properties.modified = XLSX_TIME
    from openpyxl.xml.functions import tostring

    core = tostring(wb.properties.to_tree())
    path.write_bytes(_constant_zip(buffer.getvalue(), {"docProps/core.xml": core}))
    return path


def _constant_zip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same archive with every entry dated ZIP_TIME (and `replace`d entries), so equal
    content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            dst.writestr(fixed, replace.get(info.filename) or src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------- the world


@dataclass
class Company:
    code: str
    name: str
    unit: Unit
    status: str = "在营"
    exited_on: dt.date | None = None
    in_market: bool | None = None
    state_owned: bool = False


@dataclass
class Community:
    id: str
    name: str
    unit: Unit
    street: str
    households: int
    occupancy: float
    management: str
    company: Company | None = None
    committee: str = "未组建"
    committee_formed_on: dt.date | None = None
    fee: float | None = None
    managed_since: dt.date | None = None
    previous: str | None = None
    built: int = 2005
    former_company: Company | None = None  # the company before a change in 2025
    neighbourhood: str = ""  # the 社区 (residents' committee) it belongs to


@dataclass
class Case:
    id: str
    source: str
    category: str
    community: Community | None
    unit: Unit
    received: dt.date
    deadline: dt.date
    level: str
    status: str = "办理中"
    closed: dt.date | None = None
    description: str = ""
    phone: str | None = None
    company: Company | None = None
    community_id: str | None = None
    deadline_days: int | None = None  # 孝义 writes its deadlines as working days
    events: list[tuple] = field(default_factory=list)  # (date, action, to_level, organ, note)


SWEEP_CATEGORIES = {"设施维护": 35, "安全防范": 30, "质价不符": 12, "不履约": 10, "公共收益": 6, "其他": 7}
COMPLAINT_CATEGORIES = {
    "违规收费": 18,
    "设施维护": 25,
    "质价不符": 18,
    "装修保证金": 8,
    "安全防范": 10,
    "不履约": 10,
    "公共收益": 6,
    "其他": 5,
}
LEAD_CATEGORIES = {
    "违规收费": 25,
    "装修保证金": 15,
    "质价不符": 15,
    "公共收益": 12,
    "不履约": 13,
    "设施维护": 10,
    "安全防范": 5,
    "其他": 5,
}
LEAD_SOURCES = {"12345": 45, "督导检查": 25, "信访": 15, "审计": 10, "媒体": 5}
PROBLEMS = {
    "质价不符": (
        "物业服务内容与收费等级不符，保洁、绿化养护不到位",
        "楼道长期无人清扫，收费标准与服务等级不匹配",
        "秩序维护人员不足，门岗时常无人值守，仍按一级标准收费",
    ),
    "违规收费": (
        "物业企业擅自上调物业服务费，未公示收费依据",
        "停车管理费未经业主大会同意即开始收取",
        "代收水电费加价收取",
        "向业主收取电梯运行费未公示收支明细",
        "收取垃圾清运费、卫生费等未经核准的费用",
    ),
    "公共收益": (
        "电梯广告、公共停车位等公共收益未公示",
        "公共收益未按约定分配给业主，账目不清",
        "利用共有部位出租获利未经业主同意",
    ),
    "设施维护": (
        "电梯频繁故障停运，物业维修不及时",
        "单元门禁损坏长期未修",
        "地下管网堵塞，污水外溢",
        "楼道照明损坏，夜间出行不便",
        "屋面漏雨，物业未及时报修",
        "二次供水设施未按期清洗",
    ),
    "安全防范": (
        "消防通道被占用，消防设施缺失",
        "小区监控损坏，门岗无人值守",
        "电动车在楼道内充电，物业未劝阻",
        "消火栓无水，灭火器过期",
    ),
    "装修保证金": (
        "装修完毕后物业企业拒不退还装修保证金",
        "装修保证金收取标准过高且逾期不退",
        "以各种理由扣减业主装修保证金",
    ),
    "不履约": (
        "物业企业未按合同约定提供秩序维护服务",
        "前期物业服务合同到期后拒不撤场",
        "物业企业擅自减少保洁、绿化人员",
        "物业服务合同约定的维修项目长期未履行",
    ),
    "其他": ("业委会（物管会）换届选举程序存在争议", "物业撤场交接资料不全", "小区违规搭建未及时制止上报"),
}


class DemoWorld:
    """Master data and facts, generated in a fixed order from one random generator."""

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.companies: list[Company] = []
        self.company_names: set[str] = set()
        self.codes: set[str] = set()
        self.communities: list[Community] = []
        self.cases: list[Case] = []
        self.case_ids: set[str] = set()

    # ------------------------------------------------------------ companies

    def new_code(self, area: str) -> str:
        while True:
            code = make_uscc(self.rng, area)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def new_company(self, unit: Unit, name: str | None = None, **kw) -> Company:
        rng = self.rng
        while name is None or name in self.company_names:
            local = unit.name if unit.short == "开发区" else unit.short
            place = rng.choice(
                ("山西", "山西省", local + ("市" if unit.name.endswith("市") else ""), local, self.city_of(unit))
            )
            name = place + rng.choice(TRADE_WORDS) + rng.choice(COMPANY_KINDS)
        self.company_names.add(name)
        company = Company(self.new_code(unit.code), name, unit, **kw)
        self.companies.append(company)
        return company

    @staticmethod
    def city_of(unit: Unit) -> str:
        return {"1407": "晋中", "1405": "晋城", "1411": "孝义", "1401": "阳曲"}[unit.code[:4]]

    # ------------------------------------------------------------ communities

    def community_names(self, unit: Unit, n: int, fixed: Sequence[str] = ()) -> list[str]:
        rng, names, seen = self.rng, list(fixed), set(fixed)
        while len(names) < n:
            if rng.random() < 0.14:
                name = rng.choice(DORMITORIES)
            else:
                suffix = rng.choice(PLACE_SUFFIXES)
                name = (
                    rng.choice(PLACE_WORDS)
                    + suffix
                    + ("" if suffix.endswith(("小区", "区")) or rng.random() < 0.6 else "小区")
                )
            if name not in seen:
                seen.add(name)
                names.append(name)
        return names[:n]

    def add_communities(self, unit: Unit, managements: list[str], fixed: Sequence[str] = ()) -> list[Community]:
        rng = self.rng
        names = self.community_names(unit, len(managements), fixed)
        out = []
        for i, (name, mt) in enumerate(zip(names, managements, strict=False), start=1):
            dorm = name.endswith(("宿舍", "家属院"))
            households = int(min(3200, max(24, rng.lognormvariate(math.log(90 if dorm else 420), 0.7))))
            community = Community(
                id=f"XQ{unit.code}{i:04d}",
                name=name,
                unit=unit,
                street=rng.choice(unit.streets),
                households=households,
                occupancy=round(min(1.0, max(0.3, rng.gauss(0.86, 0.1))), 2),
                management=mt,
                built=rng.randint(1985, 2003) if dorm else rng.randint(1998, 2022),
            )
            out.append(community)
        self.communities.extend(out)
        return out

    def assign_companies(self, communities: list[Community], companies: list[Company]) -> None:
        """Each community with a company gets one, big companies serving many (Zipf)."""
        weights = [1 / (k + 1) ** 0.8 for k in range(len(companies))]
        for c in communities:
            if c.management == "专业物业企业":
                c.company = self.rng.choices(companies, weights=weights)[0]

    def committees(self, communities: list[Community], formed: int | None = None) -> None:
        """业委会/物管会: every community at least half occupied has one (晋中), or exactly `formed`."""
        rng = self.rng
        if formed is None:
            chosen = [c for c in communities if c.occupancy >= 0.5 or rng.random() < 0.5]
        else:
            chosen = rng.sample(communities, formed)
        ids = {c.id for c in chosen}
        for c in communities:
            if c.id in ids:
                c.committee = "业委会" if c.households >= 300 and rng.random() < 0.6 else "物管会"
                c.committee_formed_on = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 1420))
            else:
                c.committee = "未组建"

    # ------------------------------------------------------------ the generation

    def generate(self) -> None:
        self.gen_jinzhong_master()
        self.gen_jincheng_master()
        self.gen_xiaoyi_master()
        self.gen_yangqu_master()
        self.gen_company_lists()
        self.gen_jinzhong_cases()
        self.gen_xiaoyi_cases()
        self.gen_refunds()
        self.gen_arrears()
        self.gen_recoveries()
        self.gen_usages()
        self.gen_ledger()
        self.gen_star_ratings()
        self.gen_credit_ratings()
        self.tell_the_story()

    def gen_jinzhong_master(self) -> None:
        rng = self.rng
        self.jz_companies: dict[str, list[Company]] = {}
        self.jz_backstop: dict[str, Company] = {}
        for unit in JINZHONG:
            n = max(6, round(unit.communities / 4.2))
            self.jz_companies[unit.name] = [self.new_company(unit) for _ in range(n)]
            self.jz_backstop[unit.name] = self.new_company(
                unit,
                f"{self.city_of(unit) if unit.short == '开发区' else unit.short}城发物业服务有限公司",
                state_owned=True,
            )
        # companies already gone: cleared out (已清退) or deregistered (注销) in the campaign
        self.jz_gone = []
        for unit in JINZHONG[:8]:
            for status in ("已清退", "注销"):
                gone = self.new_company(
                    unit, status=status, exited_on=dt.date(2024, 3, 1) + dt.timedelta(days=rng.randint(0, 540))
                )
                self.jz_gone.append(gone)
        # 911 communities without property service at 2024-01-01, all covered during 2024
        shares = split_total(
            rng, JZ_NO_SERVICE_AT_START, len(JINZHONG), minimum=0, weights=[u.communities for u in JINZHONG]
        )
        self.jz_communities: list[Community] = []
        for unit, no_service in zip(JINZHONG, shares, strict=False):
            rest = unit.communities - no_service
            before = rng.choices(["专业物业企业", "社区(村)托管", "单位自管", "业主自管"], [74, 9, 11, 6], k=rest)
            after = rng.choices(
                ["政府兜底(国企兜底)", "社区(村)托管", "专业物业企业", "业主自管"], [35, 33, 25, 7], k=no_service
            )
            fixed = (
                ("太铁花园", "首创国际学园", "嘉和园", "良辰和山名邸", "新晋世家", "宜佳名都")
                if unit.code == "140702"
                else ()
            )
            communities = self.add_communities(unit, before + after, fixed)
            self.assign_companies(communities, self.jz_companies[unit.name])
            for c in communities[rest:]:
                c.previous = "无物业"
                c.managed_since = dt.date(2024, 1, 2) + dt.timedelta(days=rng.randint(0, 364))
                c.built = min(c.built, 2004)
                if c.management == "政府兜底(国企兜底)":
                    c.company = self.jz_backstop[unit.name]
            for c in communities[:rest]:
                if c.company and rng.random() < 0.3:  # the date the current company took over
                    c.managed_since = dt.date(max(c.built, 2008), 1, 1) + dt.timedelta(days=rng.randint(0, 5000))
                    c.managed_since = min(c.managed_since, dt.date(2023, 12, 31))
                    c.previous = "专业物业企业" if rng.random() < 0.7 else None
            self.committees(communities)
            for c in communities:
                if c.company:
                    c.fee = round(rng.uniform(0.35, 1.8), 2)
            self.jz_communities.extend(communities)
        # 太铁花园 (榆次) is an old railway estate with lifts: it keeps a professional company
        taitie = self.community("太铁花园")
        taitie.households, taitie.management, taitie.previous, taitie.managed_since = 1260, "专业物业企业", None, None
        taitie.company = self.jz_companies["榆次区"][0]
        taitie.built = 2009

    def community(self, name: str, unit_code: str = "140702") -> Community:
        return next(c for c in self.communities if c.name == name and c.unit.code == unit_code)

    def gen_jincheng_master(self) -> None:
        rng = self.rng
        self.jc_companies: list[Company] = []
        for unit in JINCHENG:
            n = round(unit.communities / 6.0)
            self.jc_companies.extend(self.new_company(unit) for _ in range(n))
        managements = [m for m, n in JC_MANAGEMENT.items() for _ in range(n)]
        rng.shuffle(managements)
        start = 0
        for unit in JINCHENG:
            chunk = managements[start : start + unit.communities]
            start += unit.communities
            communities = self.add_communities(unit, chunk)
            local = [c for c in self.jc_companies if c.unit is unit]
            self.assign_companies(communities, local + [c for c in self.jc_companies if c.unit is not unit][:3])
            self.committees(communities)
            for c in communities:
                if c.company:
                    c.fee = round(rng.uniform(0.4, 1.6), 2)

    def gen_xiaoyi_master(self) -> None:
        rng = self.rng
        market = [
            "孝义市留义物业服务有限公司",
            "孝义市嘉顺物业管理有限公司",
            "孝义市金龙物业服务有限公司",
            "山西胜溪湖物业服务有限公司",
            "孝义市德润物业服务有限公司",
            "孝义市安居物业管理有限公司",
        ]
        self.xy_companies = [self.new_company(XIAOYI, name, in_market=True) for name in market]
        self.xy_companies += [self.new_company(XIAOYI, in_market=False) for _ in range(XY_COMPANIES - XY_MARKET)]
        managements = rng.choices(
            ["专业物业企业", "社区(村)托管", "单位自管", "业主自管"], [62, 18, 12, 8], k=XIAOYI.communities
        )
        communities = self.add_communities(XIAOYI, managements)
        order = self.xy_companies[:]
        rng.shuffle(order)
        self.assign_companies(communities, order)
        neighbourhoods = (
            "府前社区",
            "建设社区",
            "振兴社区",
            "新义社区",
            "胜溪社区",
            "崇文社区",
            "中阳社区",
            "金龙社区",
            "乐安社区",
            "东许社区",
            "城西社区",
            "北关社区",
        )
        for c in communities:
            c.neighbourhood = rng.choice(neighbourhoods)
        self.committees(communities)
        self.xy_communities = communities

    def gen_yangqu_master(self) -> None:
        rng = self.rng
        quanchang = self.new_company(YANGQU, "阳曲县全昌物业管理有限公司", state_owned=True)
        others = [self.new_company(YANGQU) for _ in range(8)]
        managements = [m for m, n in YQ_MANAGEMENT.items() for _ in range(n)]
        rng.shuffle(managements)
        communities = self.add_communities(
            YANGQU, managements, ("工行宿舍", "阳兴小区", "供储宿舍", "丽阳小区", "药材宿舍", "城市假日")
        )
        self.assign_companies(communities, others)
        for c in communities:
            if c.management == "政府兜底(国企兜底)":
                c.company = quanchang
                c.previous = "无物业"
                c.managed_since = dt.date(2023, 5, 8) + dt.timedelta(days=rng.randint(0, 120))
                c.fee = 20.0  # 元/月·户 for old estates, written in the note
        self.committees(communities, YQ_COMMITTEES)
        self.yq_communities = communities

    # ------------------------------------------------------------ red and black lists

    def gen_company_lists(self) -> None:
        """Monthly 红榜/黑榜 in 晋中; two companies get three 黑榜 entries within twelve months."""
        rng = self.rng
        served: dict[str, list[Community]] = {}
        for c in self.jz_communities:
            if c.company and not c.company.state_owned:
                served.setdefault(c.company.code, []).append(c)
        serving = sorted((cs[0].company for cs in served.values()), key=lambda co: co.code)
        # repeat offenders: small companies whose communities had service before 2024
        small = [
            co
            for co in serving
            if len(served[co.code]) <= 2 and all(c.previous is None and c.name != "太铁花园" for c in served[co.code])
        ]
        repeat_x, repeat_y = small[0], small[1]
        repeat = {
            repeat_x.code: ("2024-05-10", "2024-09-10", "2025-02-10"),
            repeat_y.code: ("2024-11-08", "2025-03-10", "2025-08-11"),
        }
        black_reasons = (
            "物业服务不履约不到位，群众投诉集中",
            "违规收取装修保证金拒不退还",
            "擅自提高收费标准",
            "公共收益未公示",
            "整改期限内未完成整改",
            "消防安全隐患整改不力",
        )
        red_reasons = (
            "服务规范、群众满意度高",
            "主动退还违规收费",
            "星级评价五星",
            "应急抢险表现突出",
            "老旧小区接管服务成效明显",
        )
        self.lists: list[tuple] = []  # (company, date, list, reason)
        blacks_so_far: dict[str, int] = {}
        others = [co for co in serving if co.code not in repeat]
        month = dt.date(2024, 4, 1)
        while month <= dt.date(2025, 10, 1):
            day = workday_on_or_before(month.replace(day=10), month)
            reds = rng.sample(others, 5)
            for co in reds:
                self.lists.append((co, day, "红榜", rng.choice(red_reasons)))
            fixed = [
                (co, dt.date.fromisoformat(d))
                for co in (repeat_x, repeat_y)
                for d in repeat[co.code]
                if dt.date.fromisoformat(d).replace(day=1) == month
            ]
            pool = [co for co in others if blacks_so_far.get(co.code, 0) < 2 and co not in reds]
            chosen = [(co, day) for co in rng.sample(pool, 3 - len(fixed))]
            for co, listed in fixed + chosen:
                if co.code not in repeat:
                    blacks_so_far[co.code] = blacks_so_far.get(co.code, 0) + 1
                self.lists.append((co, listed, "黑榜", rng.choice(black_reasons)))
            month = (month + dt.timedelta(days=32)).replace(day=1)
        self.lists.sort(key=lambda r: (r[1], r[2], r[0].code))
        # the first repeat offender was cleared out after review; its communities changed company
        repeat_x.status, repeat_x.exited_on = "已清退", dt.date(2025, 4, 18)
        for c in served[repeat_x.code]:
            successor = next(co for co in self.jz_companies[c.unit.name] if co is not repeat_x)
            c.former_company, c.company = repeat_x, successor
            c.previous, c.managed_since = "专业物业企业", dt.date(2025, 5, 1)
        self.repeat_offenders = (repeat_x, repeat_y)

    # ------------------------------------------------------------ cases

    def new_case_id(self, prefix: str, d: dt.date) -> str:
        while True:
            case_id = f"{prefix}{d:%Y%m%d}{self.rng.randint(0, 9999):04d}"
            if case_id not in self.case_ids:
                self.case_ids.add(case_id)
                return case_id

    def pick_communities(self, pool: list[Community], k: int) -> list[Community]:
        return self.rng.choices(pool, weights=[math.sqrt(c.households) for c in pool], k=k)

    def describe(self, category: str, community: Community | None, source: str) -> str:
        text = self.rng.choice(PROBLEMS[category])
        where = f"{community.name}" if community else "该小区"
        if source in ("投诉举报", "12345", "信访"):
            return f"业主反映：{where}{text}。"
        if source == "排查":
            return f"排查发现：{where}{text}。"
        return f"{source}发现：{where}{text}。"

    def jz_cases(
        self,
        source_of: Callable[[], str],
        categories: dict[str, int],
        n: int,
        start: dt.date,
        end: dt.date,
        month_weight: Callable[[dt.date], float],
        prefix: str,
    ) -> list[Case]:
        rng = self.rng
        received = pick_dates(rng, n, start, end, month_weight)
        communities = self.pick_communities(self.jz_communities, n)
        cats = rng.choices(list(categories), weights=list(categories.values()), k=n)
        out = []
        for r, c, cat in zip(received, communities, cats, strict=False):
            source = source_of()
            if source == "排查":
                level = rng.choices(["县级", "乡镇(街道)"], [6, 4])[0]
                deadline = r + dt.timedelta(days=30)
            elif source in ("督导检查", "审计", "媒体"):
                level = rng.choices(["县级", "市级"], [8, 2])[0]
                deadline = r + dt.timedelta(days=30)
            else:
                level = rng.choices(["乡镇(街道)", "县级", "社区"], [5, 4, 1])[0]
                deadline = r + dt.timedelta(days=21)  # 15 working days
            company = c.former_company if c.former_company and r < c.managed_since else c.company
            case = Case(
                self.new_case_id(prefix, r),
                source,
                cat,
                c,
                c.unit,
                r,
                deadline,
                level,
                company=company,
                community_id=c.id,
                description=self.describe(cat, c, source),
            )
            if source in ("投诉举报", "12345", "信访"):
                case.phone = fake_mobile(rng)
            out.append(case)
        return out

    def close(
        self,
        cases: list[Case],
        median: float,
        by: dt.date | None = None,
        closed_by: int | None = None,
        stuck: float = 0.004,
    ) -> None:
        """Set closed dates: a lognormal duration with a long tail; with `by`, exactly
        `closed_by` of the cases are closed on or before `by`, the rest later or not yet."""
        rng = self.rng

        def duration() -> int:
            if rng.random() < 0.05:
                return int(rng.lognormvariate(math.log(median * 7), 0.6))
            return int(rng.lognormvariate(math.log(median), 0.8))

        late: set[int] = set()
        if by is not None:
            k = len(cases) - closed_by
            order = sorted(range(len(cases)), key=lambda i: (cases[i].received, i), reverse=True)
            recent = order[: max(k * 3, 1)]
            n_recent = round(k * 0.75)
            late.update(rng.sample(recent, n_recent))
            older = [i for i in order if i not in late]
            late.update(rng.sample(older, k - n_recent))
        for i, case in enumerate(cases):
            if by is not None and i in late:
                if rng.random() < 0.55:
                    closed = by + dt.timedelta(days=rng.randint(1, 45))
                    case.closed = closed if closed <= TODAY else None
                continue
            closed = case.received + dt.timedelta(days=duration())
            if by is not None and case.received <= by < closed:
                closed = case.received + dt.timedelta(days=rng.randint(0, (by - case.received).days))
            if by is None and (closed > TODAY or rng.random() < stuck):
                continue
            case.closed = closed
        for case in cases:
            if case.closed:
                case.status = "已整改" if case.source in ("排查", "督导检查") else "已办结"
            else:
                case.status = (
                    "待受理" if (TODAY - case.received).days <= 2 else rng.choices(["办理中", "退回重办"], [85, 15])[0]
                )

    def gen_jinzhong_cases(self) -> None:
        rng = self.rng

        def sweep_season(d: dt.date) -> float:
            if d.year == 2024:
                return (0.2, 0.2, 0.6, 1.5, 1.8, 1.6, 1.2, 1.0, 0.9, 0.8, 0.7, 0.5)[d.month - 1]
            return (0.6, 0.8, 2.2, 2.4, 1.6, 0.9, 0.7, 0.6, 0.5, 0.4, 0.4, 0.4)[d.month - 1]

        def complaint_season(d: dt.date) -> float:
            base = (1.1, 0.8, 0.9, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 1.0, 1.3, 1.4)[d.month - 1]
            return base * (1.25 if d >= dt.date(2024, 5, 1) else 1.0)

        def lead_season(d: dt.date) -> float:
            return 0.4 if d < dt.date(2024, 4, 1) else 1.0

        def lead_source() -> str:
            return rng.choices(list(LEAD_SOURCES), weights=list(LEAD_SOURCES.values()))[0]

        def sweep() -> str:
            return "排查"

        def complaint() -> str:
            return "投诉举报"

        day_after = Y2024_TO + dt.timedelta(days=1)
        # 排查: 511 in 2024, all rectified by 2024-12-29; 3,276 more to 2025-05-31, 3,258 rectified by then
        a = self.jz_cases(sweep, SWEEP_CATEGORIES, SWEEP_2024[0], Y2024_FROM, Y2024_TO, sweep_season, "PC")
        self.close(a, 12, Y2024_TO, SWEEP_2024[1])
        b = self.jz_cases(
            sweep, SWEEP_CATEGORIES, SWEEP_TO_MAY[0] - SWEEP_2024[0], day_after, CAMPAIGN_TO, sweep_season, "PC"
        )
        self.close(b, 12, CAMPAIGN_TO, SWEEP_TO_MAY[1] - SWEEP_2024[1])
        c = self.jz_cases(sweep, SWEEP_CATEGORIES, 620, CAMPAIGN_TO + dt.timedelta(days=1), TODAY, sweep_season, "PC")
        self.close(c, 12)
        self.sweeps = a + b + c
        # 线索: 738 in 2024, 733 rectified by 2024-12-29
        a = self.jz_cases(lead_source, LEAD_CATEGORIES, LEADS_2024[0], Y2024_FROM, Y2024_TO, lead_season, "XS")
        self.close(a, 10, Y2024_TO, LEADS_2024[1])
        b = self.jz_cases(lead_source, LEAD_CATEGORIES, 560, day_after, TODAY, lead_season, "XS")
        self.close(b, 10)
        self.leads = a + b
        # 投诉举报: 9,309 to 2025-05-31, 9,038 closed by then
        a = self.jz_cases(
            complaint, COMPLAINT_CATEGORIES, COMPLAINTS_TO_MAY[0], Y2024_FROM, CAMPAIGN_TO, complaint_season, "TS"
        )
        self.close(a, 6, CAMPAIGN_TO, COMPLAINTS_TO_MAY[1])
        b = self.jz_cases(
            complaint, COMPLAINT_CATEGORIES, 2900, CAMPAIGN_TO + dt.timedelta(days=1), TODAY, complaint_season, "TS"
        )
        self.close(b, 6)
        self.complaints = a + b
        jz = self.sweeps + self.leads + self.complaints
        # a few cases name a community or company the master files do not know (shown as 未匹配)
        for case, n in zip(rng.sample(self.complaints, 4), range(4), strict=False):
            case.community_id = f"XQ{case.unit.code}{9901 + n:04d}"
            case.description = case.description.replace(case.community.name, "新建安置小区")
        for case in rng.sample(self.leads, 2):
            case.company = Company(self.new_code(case.unit.code), "未备案物业企业", case.unit)
        for case in jz:
            self.escalate(case)
        self.special_trails(jz)
        self.cases.extend(jz)

    def organs(self, case: Case) -> dict[str, str]:
        unit, c = case.unit, case.community
        county = "晋中开发区管委会规划建设局" if unit.short == "开发区" else f"{unit.name}住房和城乡建设局"
        street = c.street if c else unit.streets[0]
        street = street + (
            "办事处" if street.endswith("街道") else "人民政府" if street.endswith(("镇", "乡")) else "管理办公室"
        )
        return {
            "县级": county,
            "乡镇(街道)": street,
            "市级": "晋中市住房和城乡建设局",
            "社区": (c.neighbourhood or c.street + c.name[:2] + "社区") + "居委会" if c else "社区居委会",
        }

    def escalate(self, case: Case) -> None:
        """The 督办 trail: 转办 on receipt, 提醒函/督办函/约谈/上交/通报 as a case runs late, 回访 after."""
        rng, org = self.rng, self.organs(case)
        ev = case.events
        end = case.closed or TODAY
        if case.source != "排查" or rng.random() < 0.4:
            if case.source in ("督导检查", "审计", "媒体"):
                ev.append((case.received, "转办", "县级", org["县级"], "市级专班交办，限期整改"))
                case.level = "县级" if case.level == "市级" else case.level
            else:
                to = case.level if case.level != "市级" else "县级"
                ev.append((case.received, "转办", to, org[to], None))
        over = (end - case.deadline).days
        steps = [
            (2, "提醒函", "县级", "逾期未办结，发提醒函"),
            (17, "督办函", "县级", "向属地政府下发督办函"),
            (35, "约谈", "县级", "约谈物业企业负责人及属地住建部门"),
            (60, "上交", "市级", "县级未能办结，上交市级工作专班"),
            (85, "通报", "市级", "全市通报"),
        ]
        for offset, action, to, note in steps:
            day = case.deadline + dt.timedelta(days=offset + rng.randint(0, 3))
            if over > offset + 3 and day <= end and day > case.received:
                ev.append((day, action, to, org[to], note))
                if action == "上交" and not case.closed:
                    case.level = "市级"
        if case.status == "退回重办":
            day = max((e[0] for e in ev), default=case.received) + dt.timedelta(days=rng.randint(1, 10))
            if day <= TODAY:
                ev.append((day, "回访", None, org["县级"], "回访不满意，退回重办"))
        if case.closed:
            p = 0.55 if case.source in ("投诉举报", "12345", "信访") else 0.3
            day = case.closed + dt.timedelta(days=rng.randint(1, 5))
            if day <= TODAY and rng.random() < p:
                ev.append((day, "回访", None, org["县级"], rng.choice(("满意", "满意", "基本满意", "不满意"))))

    def special_trails(self, cases: list[Case]) -> None:
        """A few trails go all the way: referral to 城管, 纪检 or 公安, and what followed."""
        rng = self.rng
        money = [
            c
            for c in cases
            if c.category in ("违规收费", "装修保证金", "公共收益", "不履约")
            and ((c.closed or TODAY) - c.received).days > 120
            and c.unit.code[:4] == "1407"
        ]
        money.sort(key=lambda c: c.id)
        chosen = rng.sample(money, min(9, len(money)))
        endings = [
            ("移送城管", "立案", "{county}城市管理局（综合行政执法局）", "城管部门立案，拟作出行政处罚"),
            ("移送纪检", "问责", "晋中市纪委监委驻市住建局纪检监察组", "对监管不力的相关人员问责"),
            ("移送公安", "立案", "晋中市公安局{short}分局", "涉嫌挪用，公安机关立案侦查"),
        ]
        for n, case in enumerate(chosen):
            refer, after, organ, note = endings[n % 3]
            organ = organ.format(
                county=case.unit.name if case.unit.short != "开发区" else "晋中开发区", short=case.unit.short
            )
            last = max(e[0] for e in case.events) if case.events else case.received
            end = case.closed or TODAY
            if (end - last).days < 12:
                continue
            d1 = last + dt.timedelta(days=rng.randint(3, max(3, (end - last).days // 3)))
            d2 = d1 + dt.timedelta(days=rng.randint(2, max(2, (end - d1).days // 2)))
            if d2 > end:
                continue
            if not any(e[1] == "通报" for e in case.events):
                d0 = d1 - dt.timedelta(days=1)
                if d0 > last:
                    case.events.append((d0, "通报", "市级", "晋中市住房和城乡建设局", "全市通报，限期整改"))
            case.events.append((d1, refer, None, organ, f"{case.category}问题线索{refer}"))
            case.events.append((d2, after, None, organ, note))
            if not case.closed:
                case.level = "市级"

    def gen_xiaoyi_cases(self) -> None:
        """孝义: 社区 → 乡镇(街道) → 市物业管理服务中心, three levels of dispute handling."""
        rng = self.rng
        n = 380
        received = pick_dates(rng, n, dt.date(2024, 1, 2), TODAY)
        communities = self.pick_communities(self.xy_communities, n)
        for r, c in zip(received, communities, strict=False):
            source = rng.choices(["投诉举报", "12345", "信访"], [60, 30, 10])[0]
            cat = rng.choices(list(COMPLAINT_CATEGORIES), weights=list(COMPLAINT_CATEGORIES.values()))[0]
            days = rng.choice((10, 15, 15, 20))
            case = Case(
                self.new_case_id("XY", r),
                source,
                cat,
                c,
                XIAOYI,
                r,
                r + dt.timedelta(days=days * 7 // 5),
                "社区",
                company=c.company,
                community_id=c.id,
                description=self.describe(cat, c, source),
                phone=fake_mobile(rng),
                deadline_days=days,
            )
            org = self.organs(case)
            org["县级"] = "孝义市物业管理服务中心"
            case.events.append((r, "转办", "社区", org["社区"], "物业服务大厅登记，分类转办社区一级调处"))
            day = r
            levels = rng.choices([1, 2, 3], [55, 30, 15])[0]
            for level, to in ((2, "乡镇(街道)"), (3, "县级")):
                if levels >= level:
                    day = day + dt.timedelta(days=rng.randint(3, 8))
                    if day > TODAY:
                        break
                    note = (
                        "社区无法调处，划转乡镇(街道)二级调处"
                        if to == "乡镇(街道)"
                        else "乡镇(街道)无法调处，由物业管理服务中心三级调处，牵头职能部门协商办理"
                    )
                    case.events.append((day, "上交", to, org[to], note))
                    case.level = to
            closed = day + dt.timedelta(days=int(rng.lognormvariate(math.log(5), 0.7)))
            if closed <= TODAY:
                case.closed, case.status = closed, "已办结"
                if closed + dt.timedelta(days=2) <= TODAY and rng.random() < 0.5:
                    case.events.append((closed + dt.timedelta(days=2), "回访", None, org[case.level], "满意"))
            else:
                case.status = "办理中"
            self.cases.append(case)

    # ------------------------------------------------------------ refunds

    def gen_refunds(self) -> None:
        rng = self.rng
        self.refunds: list[tuple] = []  # (company, unit, kind, cents, households, date)
        yuci = [u for u in JINZHONG if u.code in ("140702", "140702401")]
        pool = [co for u in yuci for co in self.jz_companies[u.name]]
        pool.sort(key=lambda co: co.code)
        deposit = rng.sample(pool, DEPOSIT_REFUND_COMPANIES)
        households_2024 = split_total(rng, REFUND_HOUSEHOLDS_2024, 2, weights=[29866, 10836])
        rows = []
        for co in deposit:
            for _ in range(rng.choice((1, 1, 2, 3))):
                rows.append((co, co.unit, "装修保证金"))
        self._refund_rows(rows, DEPOSIT_REFUND_CENTS, households_2024[0], dt.date(2024, 4, 15), Y2024_TO)
        rows = []
        taken = {co.code for co in deposit}
        for name, k in OTHER_REFUND_COMPANIES.items():
            unit = UNITS[name]
            local = sorted([co for co in self.jz_companies[name] if co.code not in taken], key=lambda co: co.code)
            for co in rng.sample(local, k):
                for kind in rng.sample(["水电费", "物业费", "电梯运行费", "卫生费"], rng.choice((1, 1, 2))):
                    rows.append((co, unit, kind))
        self._refund_rows(rows, OTHER_REFUND_CENTS, households_2024[1], dt.date(2024, 5, 6), Y2024_TO)
        # 2025 to the end of May: the cumulative total reaches 1.07 亿元 and 67,700 households
        cents_2025 = REFUND_CUMULATIVE_CENTS - DEPOSIT_REFUND_CENTS - OTHER_REFUND_CENTS
        rows = []
        for _ in range(88):
            unit = rng.choices(JINZHONG, weights=[u.communities for u in JINZHONG])[0]
            co = rng.choice(self.jz_companies[unit.name])
            kind = rng.choices(
                ["装修保证金", "物业费", "水电费", "电梯运行费", "卫生费", "其他"], [45, 20, 15, 8, 7, 5]
            )[0]
            rows.append((co, unit, kind))
        stranger = Company(self.new_code("140702"), "未备案物业企业", UNITS["榆次区"])  # not in the master file: 未匹配
        rows.append((stranger, UNITS["榆次区"], "装修保证金"))
        self._refund_rows(
            rows, cents_2025, REFUND_HOUSEHOLDS_CUMULATIVE - REFUND_HOUSEHOLDS_2024, dt.date(2025, 1, 6), CAMPAIGN_TO
        )
        # and the campaign goes on after the published figures
        rows = []
        for _ in range(36):
            unit = rng.choices(JINZHONG, weights=[u.communities for u in JINZHONG])[0]
            rows.append(
                (rng.choice(self.jz_companies[unit.name]), unit, rng.choice(["装修保证金", "物业费", "水电费", "其他"]))
            )
        self._refund_rows(rows, 8_126_553_19, 5_412, dt.date(2025, 6, 3), dt.date(2025, 10, 31))
        self.refunds.sort(key=lambda r: (r[5], r[1].code, r[0].code, r[2], r[3]))

    def _refund_rows(self, rows: list[tuple], cents: int, households: int, start: dt.date, end: dt.date) -> None:
        rng = self.rng
        per_household = {
            "装修保证金": 2400,
            "水电费": 260,
            "物业费": 420,
            "电梯运行费": 300,
            "卫生费": 120,
            "其他": 200,
        }
        weights = [rng.lognormvariate(0, 0.7) for _ in rows]
        hh = split_total(rng, households, len(rows), weights=weights)
        amount_weights = [
            h * per_household[kind] * rng.uniform(0.8, 1.25) for h, (_, _, kind) in zip(hh, rows, strict=False)
        ]
        amounts = split_total(rng, cents, len(rows), weights=amount_weights, minimum=50_000)
        dates = pick_dates(rng, len(rows), start, end, weekend=0.05)
        rng.shuffle(dates)
        for (co, unit, kind), a, h, d in zip(rows, amounts, hh, dates, strict=False):
            self.refunds.append((co, unit, kind, a, h, d))

    # ------------------------------------------------------------ maintenance fund

    def gen_arrears(self) -> None:
        rng = self.rng
        self.arrears: list[dict] = []
        developer_names: set[str] = set()
        units = [UNITS[name] for name in ARREARS_PROJECTS]
        weights = [
            rng.lognormvariate(0, 0.9) * (1.6 if u.name == "太谷区" else 1.0)
            for u, (p, _) in zip(units, ARREARS_PROJECTS.values(), strict=False)
            for _ in range(p)
        ]
        amounts = split_total(rng, ARREARS_CENTS // 10_000, len(weights), weights=weights, minimum=500)
        k = 0
        measures = (
            "下达催缴通知书",
            "约谈开发企业负责人",
            "移交城管部门行政处罚",
            "移送纪检监察机关",
            "公安机关介入协助追缴",
            "提起诉讼",
            "纳入信用惩戒",
        )
        for unit in units:
            projects, developers = ARREARS_PROJECTS[unit.name]
            devs = []
            while len(devs) < developers:
                name = (
                    rng.choice((unit.short, "晋中", "山西", "晋中市"))
                    + rng.choice(TRADE_WORDS)
                    + rng.choice(("房地产开发有限公司", "置业有限公司", "房地产开发有限责任公司"))
                )
                if name not in developer_names:
                    developer_names.add(name)
                    devs.append(name)
            owners = devs + [rng.choice(devs) for _ in range(projects - developers)]
            names = self.community_names(unit, projects)
            for i, (dev, name) in enumerate(zip(owners, names, strict=False), start=1):
                listed = (
                    dt.date(2024, 7, 1) + dt.timedelta(days=rng.randint(0, 150))
                    if rng.random() < 0.27
                    else dt.date(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 105))
                )
                self.arrears.append(
                    {
                        "id": f"WXZJ-{unit.code}-{i:03d}",
                        "project": name + ("项目" if rng.random() < 0.5 else ""),
                        "developer": dev,
                        "unit": unit,
                        "cents": amounts[k] * 10_000,
                        "listed": workday_on_or_before(listed, listed - dt.timedelta(days=3)),
                        "measure": "；".join(rng.sample(measures, rng.choice((1, 1, 2, 3)))),
                        "recovered": 0,
                    }
                )
                k += 1

    def gen_recoveries(self) -> None:
        rng = self.rng
        self.recoveries: list[tuple] = []  # (project, date, cents, channel)
        for (year, month), total in RECOVERIES_BY_MONTH.items():
            cents = int(total.replace(".", "")) * 10_000
            first = dt.date(year, month, 1)
            last = min((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), TODAY)
            n = max(3, round(int(total.split(".")[0]) / 75))
            parts = split_total(rng, cents, n, minimum=1_000_000)
            dates = pick_dates(rng, n, first, last, weekend=0.05)
            rng.shuffle(dates)
            if (year, month) == (2025, 5):
                channels = {"公安": 35, "纪检": 30, "催缴": 20, "行政处罚": 15}
            elif year == 2025:
                channels = {"催缴": 55, "行政处罚": 20, "纪检": 15, "诉讼": 10}
            else:
                channels = {"催缴": 80, "诉讼": 20}
            for cents_i, d in zip(sorted(parts, reverse=True), dates, strict=False):
                open_ = [a for a in self.arrears if a["listed"] <= d and a["cents"] - a["recovered"] >= cents_i]
                if not open_:
                    raise AssertionError(f"no project can take a recovery of {cents_i} on {d}")
                project = rng.choices(open_, weights=[a["cents"] - a["recovered"] for a in open_])[0]
                project["recovered"] += cents_i
                channel = rng.choices(list(channels), weights=list(channels.values()))[0]
                self.recoveries.append((project, d, cents_i, channel))
        self.recoveries.sort(key=lambda r: (r[1], r[0]["id"], r[2]))

    def gen_usages(self) -> None:
        rng = self.rng
        self.usages: list[dict] = []
        candidates = [c for c in self.jz_communities if c.built <= 2012 and c.management != "无物业"]
        candidates.sort(key=lambda c: c.id)
        purposes = {"电梯": 28, "屋面防水": 30, "外墙": 15, "消防": 10, "给排水": 12, "其他": 5}
        applied = pick_dates(rng, 118, dt.date(2022, 3, 1), dt.date(2025, 11, 10), weekend=0.02)
        taitie = self.community("太铁花园")
        for n, d in enumerate(applied, start=1):
            c = rng.choice(candidates)
            while c is taitie:
                c = rng.choice(candidates)
            purpose = rng.choices(list(purposes), weights=list(purposes.values()))[0]
            emergency = rng.random() < (0.05 if d.year < 2025 else 0.22)
            base = {"电梯": 260_000, "屋面防水": 120_000, "外墙": 180_000, "消防": 90_000, "给排水": 80_000}.get(
                purpose, 50_000
            )
            cents = int(base * rng.lognormvariate(0, 0.45)) * 100
            wait = rng.randint(2, 9) if emergency else int(rng.lognormvariate(math.log(55), 0.5))
            approved = d + dt.timedelta(days=wait)
            self.usages.append(
                {
                    "id": f"SQ{d.year}{n:04d}",
                    "community": c,
                    "community_id": c.id,
                    "unit": c.unit,
                    "purpose": purpose,
                    "emergency": emergency,
                    "cents": cents,
                    "applied": d,
                    "approved": approved if approved <= TODAY else None,
                }
            )
        # 太铁花园: the lift that stood still for months, repaired within ten days once the emergency use opened
        self.usages.append(
            {
                "id": "SQ20250119",
                "community": taitie,
                "community_id": taitie.id,
                "unit": taitie.unit,
                "purpose": "电梯",
                "emergency": True,
                "cents": 428_650_00,
                "applied": dt.date(2025, 4, 7),
                "approved": dt.date(2025, 4, 14),
            }
        )
        stranger = self.usages[len(self.usages) // 2]
        stranger["community_id"] = f"XQ{stranger['unit'].code}9950"  # not in the master file: 未匹配
        self.usages.sort(key=lambda u: (u["applied"], u["id"]))
        ids = [u["id"] for u in self.usages]
        assert len(ids) == len(set(ids))

    def gen_ledger(self) -> None:
        """归集与使用 by county and year, 2008–2025, in units of 100 yuan (万元 with two decimals)."""
        rng = self.rng
        years = list(range(2008, 2026))
        year_collect = {
            y: w
            for y, w in zip(
                years,
                (0.35, 0.45, 0.6, 0.75, 0.85, 1.0, 1.05, 1.0, 1.1, 1.25, 1.35, 1.4, 1.3, 1.25, 0.95, 0.8, 0.7, 0.55),
                strict=False,
            )
        }
        year_use = {
            y: w
            for y, w in zip(
                years,
                (0.01, 0.01, 0.02, 0.03, 0.04, 0.05, 0.08, 0.1, 0.14, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0, 1.3, 1.8, 2.4),
                strict=False,
            )
        }
        counties = [u for u in JINZHONG if u.short != "开发区"]
        size = {u.code: u.communities + (180 if u.code == "140702" else 0) for u in counties}
        cells = [(u, y) for u in counties for y in years]
        collected = split_total(
            rng,
            FUND_COLLECTED_CENTS // 100 // 100,
            len(cells),
            weights=[size[u.code] * year_collect[y] * rng.uniform(0.8, 1.2) for u, y in cells],
        )
        used_min = {}
        for usage in self.usages:
            if usage["approved"] and usage["unit"].short != "开发区":
                key = (usage["unit"].code, usage["approved"].year)
                used_min[key] = used_min.get(key, 0) + usage["cents"]
        usage_min = [-(-used_min.get((u.code, y), 0) // 10_000) for u, y in cells]  # in 100 yuan, rounded up
        used = split_total(
            rng,
            FUND_USED_CENTS // 100 // 100,
            len(cells),
            minimum=usage_min,
            weights=[size[u.code] * year_use[y] * rng.uniform(0.5, 1.5) for u, y in cells],
        )
        self.ledger = [(u, y, c * 10_000, s * 10_000) for (u, y), c, s in zip(cells, collected, used, strict=False)]

    # ------------------------------------------------------------ ratings

    def gen_star_ratings(self) -> None:
        rng = self.rng
        rated = [c for c in self.jz_communities if c.company or c.former_company]
        self.stars: list[tuple] = []  # (community_id, community, company, year, stars, score)
        year_cut = {2023: dt.date(2022, 12, 31), 2024: dt.date(2024, 9, 30), 2025: dt.date(2025, 9, 30)}
        counts = {2023: 690, 2024: JZ_STAR_RATED_2024, 2025: 1188}
        for year in (2023, 2024, 2025):
            eligible = []
            for c in rated:
                company = c.former_company if c.former_company and year < 2025 else c.company
                new = c.previous == "无物业" and c.managed_since and c.managed_since > year_cut[year]
                if company and not new and not (company.exited_on and company.exited_on.year < year):
                    eligible.append((c, company))
            chosen = rng.sample(eligible, counts[year])
            chosen.sort(key=lambda x: x[0].id)
            for c, company in chosen:
                stars = rng.choices([1, 2, 3, 4, 5], [7, 18, 40, 27, 8])[0]
                score = round(
                    rng.uniform(50, 60) if stars == 1 else rng.uniform(50 + 10 * stars - 10, 50 + 10 * stars), 1
                )
                self.stars.append((c.id, c, company, year, stars, min(score, 100.0)))
        c, company, _ = self.stars[-1][1], self.stars[-1][2], None
        self.stars.append((f"XQ{c.unit.code}9960", c, company, 2025, 3, 72.5))  # 未匹配 community

    def gen_credit_ratings(self) -> None:
        """晋城 信用评价: 2024 202 companies (A 32, B 77, C 92, D 1), 2023 for year-on-year movement."""
        rng = self.rng
        companies = sorted(self.jc_companies, key=lambda co: co.code)
        quality = {co.code: rng.gauss(0, 1) for co in companies}
        rated_2024 = rng.sample(companies, sum(JC_CREDIT[2024].values()))
        others = [co for co in companies if co not in rated_2024]
        rated_2023 = rng.sample(rated_2024, 175) + rng.sample(others, sum(JC_CREDIT[2023].values()) - 175)
        self.credit: list[tuple] = []
        bands = {"A": (90.0, 99.0), "B": (80.0, 89.9), "C": (60.0, 79.9), "D": (40.0, 59.9)}
        for year, rated in ((2023, rated_2023), (2024, rated_2024)):
            latent = {co.code: quality[co.code] + rng.gauss(0, 0.35) for co in rated}
            ranked = sorted(rated, key=lambda co: (-latent[co.code], co.code))
            start = 0
            for grade, n in JC_CREDIT[year].items():
                group = ranked[start : start + n]
                start += n
                lo, hi = bands[grade]
                for i, co in enumerate(group):
                    score = round(hi - (hi - lo) * (i + rng.random()) / max(n, 1), 1)
                    parts = [score * w for w in (0.2, 0.3, 0.25, 0.25)]
                    dims = [round(p * rng.uniform(0.95, 1.05), 1) for p in parts[:3]]
                    dims.append(round(score - sum(dims), 1))
                    self.credit.append((co, year, grade, score, *dims))
        self.credit.sort(key=lambda r: (r[1], r[0].code))

    # ------------------------------------------------------------ the story, told after the rest

    def tell_the_story(self) -> None:
        """Details that make the demo read like the real ledgers, each from a random generator of
        its own so that every published figure generated above stays as it is."""
        self.story_yangqu_2022()
        self.story_jinzhong_committees()
        self.story_cases_without_deadline()
        self.story_escalations_not_one_letter_each()
        self.story_jinzhong_credit()

    def story_yangqu_2022(self) -> None:
        """阳曲 (seed 003, early September 2022): of 131 communities only 29 had any service (the 29
        self-governed ones); the other 102 had none until the 红管家 campaign put them all under a
        company — 56 under the county's backstop company 全昌物业 (from 阳兴小区 in May), the
        rest under other companies — by the article's date. 109 红色业委会 formed in the campaign."""
        rng = random.Random(SEED + 2022)
        first = next(c for c in self.yq_communities if c.name == "阳兴小区")
        for c in self.yq_communities:
            if c.management in ("政府兜底(国企兜底)", "专业物业企业"):
                c.previous = "无物业"
                c.managed_since = dt.date(2022, 5, 16) + dt.timedelta(days=rng.randint(0, 105))  # to 2022-08-29
            if c.committee != "未组建":
                c.committee_formed_on = dt.date(2022, 4, 11) + dt.timedelta(days=rng.randint(0, 135))
        if first.management == "政府兜底(国企兜底)":
            first.managed_since = dt.date(2022, 5, 9)  # the first community 全昌物业 took over

    def story_jinzhong_committees(self) -> None:
        """晋中 formed an owners' committee in every community at least half occupied (seed 000);
        newer estates still filling up have none yet."""
        rng = random.Random(SEED + 3)
        young = sorted((c for c in self.jz_communities if c.built >= 2019 and c.households >= 120), key=lambda c: c.id)
        for c in rng.sample(young, min(len(young), 88)):
            c.occupancy = round(rng.uniform(0.18, 0.48), 2)
            c.committee, c.committee_formed_on = "未组建", None

    def story_cases_without_deadline(self) -> None:
        """Some 12345 and 媒体 leads were logged without a deadline of their own: the deadline rules
        (data/deadline_rules.csv: 5 and 10 working days) apply to them."""
        rng = random.Random(SEED + 14)
        self.no_deadline = {k.id for k in self.leads if k.source in ("12345", "媒体") and rng.random() < 0.3}

    def story_escalations_not_one_letter_each(self) -> None:
        """A reminder letter (提醒函) is not one per escalated case: cases handed down by the city's
        task force (督导检查, 审计, 媒体) that run late get a supervision letter (督办函) straight
        away, and a case sent back for redoing that runs late again gets a second reminder."""
        rng = random.Random(SEED + 15)
        for k in self.cases:
            reminders = [e for e in k.events if e[1] == "提醒函"]
            if not reminders:
                continue
            if k.source in ("督导检查", "审计", "媒体") and rng.random() < 0.6:
                k.events.remove(reminders[0])
                if not any(e[1] == "督办函" for e in k.events):
                    d, _, to, organ, _ = reminders[0]
                    k.events.append((d, "督办函", to, organ, "市级交办问题逾期，直接下发督办函"))
            elif k.status == "退回重办":
                back = max((e[0] for e in k.events if e[1] == "回访"), default=None)
                if back is not None:
                    day = back + dt.timedelta(days=rng.randint(5, 12))
                    if day <= TODAY:
                        d, _, to, organ, _ = reminders[0]
                        k.events.append((day, "提醒函", to, organ, "重办仍逾期，再次发提醒函"))

    def story_jinzhong_credit(self) -> None:
        """晋中's companies are credit-rated too (信用评价, 2023 and 2024): most of those serving
        communities take part; the two repeat 黑榜 offenders rate low."""
        rng = random.Random(SEED + 18)
        companies = sorted((co for cos in self.jz_companies.values() for co in cos), key=lambda co: co.code)
        low = {co.code for co in self.repeat_offenders}
        quality = {co.code: rng.gauss(0, 1) - (3.0 if co.code in low else 0.0) for co in companies}
        bands = {"A": (90.0, 99.0), "B": (80.0, 89.9), "C": (60.0, 79.9), "D": (40.0, 59.9)}
        shares = {"A": 0.17, "B": 0.39, "C": 0.40, "D": 0.04}
        self.jz_credit: list[tuple] = []
        for year in (2023, 2024):
            rated = [co for co in companies if rng.random() < 0.85 and not (co.exited_on and co.exited_on.year < year)]
            latent = {co.code: quality[co.code] + rng.gauss(0, 0.35) for co in rated}
            ranked = sorted(rated, key=lambda co: (-latent[co.code], co.code))
            counts = {g: round(len(ranked) * x) for g, x in shares.items()}
            counts["C"] = len(ranked) - counts["A"] - counts["B"] - counts["D"]
            start = 0
            for grade, n in counts.items():
                lo, hi = bands[grade]
                for i, co in enumerate(ranked[start : start + n]):
                    score = round(hi - (hi - lo) * (i + rng.random()) / max(n, 1), 1)
                    parts = [score * w for w in (0.2, 0.3, 0.25, 0.25)]
                    dims = [round(x * rng.uniform(0.95, 1.05), 1) for x in parts[:3]]
                    dims.append(round(score - sum(dims), 1))
                    self.jz_credit.append((co, year, grade, score, *dims))
                start += n
        self.jz_credit.sort(key=lambda r: (r[1], r[0].code))

    # ------------------------------------------------------------ files

    def files(self, out: Path) -> list[Path]:
        """Write every ledger; the paths in load order (master data first)."""
        return [
            self.write_companies(out / "01_物业服务企业名录.xlsx"),
            self.write_jz_communities(out / "02_晋中市住宅小区基础信息台账.xlsx"),
            self.write_communities_csv(out / "03_晋城市住宅小区台账.csv", JINCHENG, "gb18030"),
            self.write_communities_csv(out / "04_孝义市住宅小区台账.csv", (XIAOYI,), "utf-8-sig"),
            self.write_yq_communities(out / "05_阳曲县住宅小区台账.xlsx"),
            self.write_lists(out / "06_晋中市物业服务企业红黑榜.csv"),
            self.write_sweeps(out / "07_晋中市物业服务问题整改台账.xlsx"),
            self.write_complaints(out / "08_12345热线物业投诉举报工单.csv"),
            self.write_leads(out / "09_晋中市物业问题线索受理转办台账.csv"),
            self.write_xiaoyi_cases(out / "10_孝义市物业纠纷三级调处台账.xlsx"),
            self.write_events(out / "11_督办记录.csv"),
            self.write_refunds(out / "12_违规收费清退台账.xlsx"),
            self.write_arrears(out / "13_维修资金逾期未追缴台账.xlsx"),
            self.write_recoveries(out / "14_维修资金追缴到账明细.csv"),
            self.write_ledger(out / "15_维修资金归集使用情况.xlsx"),
            self.write_usages(out / "16_维修资金使用申请.csv"),
            self.write_stars(out / "17_物业服务项目星级评价.xlsx"),
            self.write_credit(out / "18_晋城市物业服务企业信用评价.csv"),
            self.write_jz_credit(out / "19_晋中市物业服务企业信用评价.xlsx"),
        ]

    def write_companies(self, path: Path) -> Path:
        header = ["序号", "企业名称", "统一社会信用代码", "注册地", "状态", "退出日期", "物业超市"]
        groups = (("晋中市", "1407"), ("晋城市", "1405"), ("孝义市、阳曲县", "1411", "1401"))
        tables = []
        for sheet, *prefixes in groups:
            companies = [co for co in self.companies if co.unit.code[:4] in prefixes]
            rows = [
                [
                    i,
                    co.name,
                    co.code,
                    co.unit.name,
                    co.status,
                    co.exited_on,
                    None if co.in_market is None else ("是" if co.in_market else "否"),
                ]
                for i, co in enumerate(companies, start=1)
            ]
            tables.append(
                Table(
                    header,
                    rows,
                    title=f"{sheet}物业服务企业名录",
                    sheet=sheet,
                    subtitle="填报单位：住房和城乡建设局（物业管理科）    填报日期：2025年11月30日",
                    notes=["注：状态分为在营、已清退、注销；物业超市一栏仅孝义市填写。"],
                    widths={1: 36, 2: 22, 3: 12},
                )
            )
        return write_xlsx(path, tables)

    def write_jz_communities(self, path: Path) -> Path:
        header = [
            "序号",
            "小区编号",
            "小区名称",
            "县(区、市)",
            "乡镇(街道)",
            "总户数",
            "入住率",
            "管理方式",
            "物业企业名称",
            "物业企业统一社会信用代码",
            "物业服务起始日期",
            "原管理方式",
            "业委会(物管会)",
            "组建日期",
            "收费标准（元/㎡·月）",
        ]
        rows = []
        for i, c in enumerate(self.jz_communities, start=1):
            rows.append(
                [
                    i,
                    c.id,
                    c.name,
                    c.unit.name,
                    c.street,
                    c.households,
                    f"{round(c.occupancy * 100)}%",
                    c.management,
                    c.company.name if c.company else None,
                    c.company.code if c.company else None,
                    c.managed_since,
                    c.previous,
                    c.committee,
                    c.committee_formed_on,
                    c.fee,
                ]
            )
        total = ["合计", f"{len(rows)}个小区", None, None, None, sum(c.households for c in self.jz_communities)]
        table = Table(
            header,
            rows,
            title="晋中市住宅小区基础信息台账",
            subtitle="填报单位：晋中市住房和城乡建设局    填报日期：2025年6月3日",
            total=total,
            notes=[
                "注：管理方式按专业物业企业、社区(村)托管、单位自管、业主自管、政府兜底(国企兜底)、无物业填写。",
                "说明：“物业服务起始日期”为现管理方式开始之日，2024年由无物业转为有物业服务的小区填写原管理方式。",
                "填表人：王某某    审核人：李某某    联系电话：0354-3000000",
            ],
            widths={2: 18, 8: 34, 9: 22},
        )
        return write_xlsx(path, [table])

    def write_communities_csv(self, path: Path, units: Sequence[Unit], encoding: str) -> Path:
        header = [
            "小区编号",
            "小区名称",
            "县区",
            "街道",
            "户数",
            "入住率",
            "物业管理模式",
            "统一社会信用代码",
            "业主组织",
            "组建日期",
            "收费标准(元/㎡·月)",
        ]
        codes = {u.code for u in units}
        rows = [
            [
                c.id,
                c.name,
                c.unit.name,
                c.street,
                c.households,
                f"{c.occupancy:.2f}",
                c.management,
                c.company.code if c.company else "",
                c.committee,
                c.committee_formed_on.isoformat() if c.committee_formed_on else "",
                c.fee if c.fee else "",
            ]
            for c in self.communities
            if c.unit.code in codes
        ]
        return write_csv(path, Table(header, rows), encoding)

    def write_yq_communities(self, path: Path) -> Path:
        header = [
            "小区编号",
            "小区名称",
            "县区",
            "乡镇(街道)",
            "户数",
            "管理方式",
            "物业企业名称",
            "物业企业统一社会信用代码",
            "物业服务起始日期",
            "原管理方式",
            "业委会(物管会)",
            "组建日期",
            "收费标准（元/月·户）",
        ]
        rows = [
            [
                c.id,
                c.name,
                c.unit.name,
                c.street,
                c.households,
                c.management,
                c.company.name if c.company else None,
                c.company.code if c.company else None,
                c.managed_since,
                c.previous,
                c.committee,
                c.committee_formed_on,
                c.fee,
            ]
            for c in self.yq_communities
        ]
        return write_xlsx(path, [Table(header, rows, sheet="阳曲县")])

    def write_lists(self, path: Path) -> Path:
        header = ["发布日期", "榜单", "企业名称", "统一社会信用代码", "县区", "事由"]
        rows = [[d.isoformat(), kind, co.name, co.code, co.unit.name, reason] for co, d, kind, reason in self.lists]
        return write_csv(path, Table(header, rows), "utf-8-sig")

    def write_sweeps(self, path: Path) -> Path:
        header = [
            "序号",
            "编号",
            "县(区、市)",
            "乡镇(街道)",
            "小区编号",
            "小区名称",
            "物业企业名称",
            "物业企业统一社会信用代码",
            "来源",
            "问题类别",
            "问题描述",
            "发现日期",
            "整改时限",
            "当前层级",
            "整改状态",
            "整改完成日期",
        ]
        rows = []
        for i, k in enumerate(self.sweeps, start=1):
            rows.append(
                [
                    i,
                    k.id,
                    k.unit.name,
                    k.community.street if k.community else None,
                    k.community_id,
                    k.community.name if k.community else None,
                    k.company.name if k.company else None,
                    k.company.code if k.company else None,
                    k.source,
                    k.category,
                    k.description,
                    k.received,
                    k.deadline,
                    k.level,
                    k.status,
                    k.closed,
                ]
            )
        total = [
            "合计",
            f"共{len(rows)}条",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            f"已整改{sum(1 for k in self.sweeps if k.closed)}条",
        ]
        table = Table(
            header,
            rows,
            title="晋中市物业服务问题整改台账",
            subtitle="填报单位：晋中市物业服务管理专项整治工作专班    填报日期：2025年11月30日",
            total=total,
            notes=["注：整改时限为整改期限届满之日；整改状态为已整改的须填写整改完成日期。"],
            widths={10: 48},
        )
        return write_xlsx(path, [table])

    def write_complaints(self, path: Path) -> Path:
        """The 12345 platform's export: GB18030, dates with times, deadlines as dates."""
        header = [
            "工单号",
            "来源",
            "县区",
            "街道",
            "小区编号",
            "统一社会信用代码",
            "问题类别",
            "问题内容",
            "受理日期",
            "办理时限",
            "层级",
            "办理状态",
            "办结日期",
            "来电号码",
        ]
        rng = random.Random(SEED + 8)
        rows = []
        for k in self.complaints:
            t = f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
            rows.append(
                [
                    k.id,
                    k.source,
                    k.unit.name,
                    k.community.street if k.community else "",
                    k.community_id or "",
                    k.company.code if k.company else "",
                    k.category,
                    k.description,
                    f"{slash_date(k.received)} {t}",
                    slash_date(k.deadline),
                    k.level,
                    k.status,
                    slash_date(k.closed) if k.closed else "",
                    k.phone,
                ]
            )
        return write_csv(path, Table(header, rows), "gb18030")

    def write_leads(self, path: Path) -> Path:
        header = [
            "线索编号",
            "线索来源",
            "县(区、市)",
            "乡镇(街道)",
            "小区编号",
            "物业企业统一社会信用代码",
            "问题类别",
            "主要问题",
            "受理日期",
            "办理时限",
            "当前层级",
            "状态",
            "办结日期",
            "联系电话",
        ]
        rows = [
            [
                k.id,
                k.source,
                k.unit.name,
                k.community.street if k.community else "",
                k.community_id or "",
                k.company.code if k.company else "",
                k.category,
                k.description,
                cn_date(k.received),
                "" if k.id in self.no_deadline else cn_date(k.deadline),
                k.level,
                k.status,
                cn_date(k.closed) if k.closed else "",
                k.phone or "",
            ]
            for k in self.leads
        ]
        return write_csv(path, Table(header, rows), "utf-8-sig")

    def write_xiaoyi_cases(self, path: Path) -> Path:
        header = [
            "序号",
            "编号",
            "来源",
            "县区",
            "乡镇(街道)",
            "小区编号",
            "统一社会信用代码",
            "问题类别",
            "问题描述",
            "登记日期",
            "办理时限",
            "办理层级",
            "状态",
            "办结日期",
            "联系电话",
        ]
        cases = [k for k in self.cases if k.unit is XIAOYI]
        rows = [
            [
                i,
                k.id,
                k.source,
                k.unit.name,
                k.community.street,
                k.community_id,
                k.company.code if k.company else None,
                k.category,
                k.description,
                k.received,
                f"{k.deadline_days}个工作日" if i % 3 else k.deadline_days,
                k.level,
                k.status,
                k.closed,
                k.phone,
            ]
            for i, k in enumerate(cases, start=1)
        ]
        table = Table(
            header,
            rows,
            title="孝义市物业纠纷三级调处台账",
            subtitle="填报单位：孝义市物业管理服务中心（投诉处理股）    填报日期：2025年11月30日",
            total=["合计", f"共{len(rows)}件"],
            notes=["注：社区一级调处、乡镇(街道)二级调处、物业管理服务中心三级调处；办理时限按工作日计。"],
        )
        return write_xlsx(path, [table])

    def write_events(self, path: Path) -> Path:
        header = ["编号", "日期", "措施", "移交层级", "承办单位", "备注"]
        rows, seen = [], set()
        for k in self.cases:
            for d, action, to, organ, note in sorted(k.events, key=lambda e: e[0]):
                key = (k.id, d, action)
                if key in seen:
                    continue
                seen.add(key)
                rows.append([k.id, d.isoformat(), action, to or "", organ or "", note or ""])
        return write_csv(path, Table(header, rows), "utf-8-sig")

    def write_refunds(self, path: Path) -> Path:
        header = ["序号", "企业名称", "统一社会信用代码", "县区", "清退类别", "清退金额（元）", "涉及户数", "清退日期"]
        rows = [
            [i, co.name, co.code, unit.name, kind, cents / 100, hh, d]
            for i, (co, unit, kind, cents, hh, d) in enumerate(self.refunds, start=1)
        ]
        total = ["合计", None, None, None, None, sum(r[3] for r in self.refunds) / 100, sum(r[4] for r in self.refunds)]
        table = Table(
            header,
            rows,
            title="晋中市物业服务企业违规收费清退台账",
            subtitle="填报单位：晋中市住房和城乡建设局    填报日期：2025年11月30日",
            total=total,
            notes=["注：清退类别包括装修保证金、水电费、物业费、电梯运行费、卫生费及其他。"],
            widths={1: 36, 2: 22},
        )
        return write_xlsx(path, [table])

    def write_arrears(self, path: Path) -> Path:
        header = [
            "序号",
            "项目编号",
            "项目名称",
            "房地产开发企业",
            "县(区、市)",
            "欠缴金额（万元）",
            "建账日期",
            "追缴措施",
        ]
        rows = [
            [
                i,
                a["id"],
                a["project"],
                a["developer"],
                a["unit"].name,
                wan(a["cents"]),
                f"{a['listed']:%Y.%m.%d}",
                a["measure"],
            ]
            for i, a in enumerate(self.arrears, start=1)
        ]
        total = [
            "合计",
            None,
            None,
            f"{len({a['developer'] for a in self.arrears})}家",
            "9个县(区、市)",
            wan(sum(a["cents"] for a in self.arrears)),
        ]
        table = Table(
            header,
            rows,
            title="晋中市住宅专项维修资金逾期未追缴清单",
            subtitle="填报单位：晋中市住房和城乡建设局、晋中市审计局    填报日期：2025年5月31日",
            total=total,
            notes=["注：金额单位为万元。"],
            widths={2: 22, 3: 34, 7: 40},
        )
        return write_xlsx(path, [table])

    def write_recoveries(self, path: Path) -> Path:
        header = ["项目编号", "项目名称", "到账日期", "追缴金额", "追缴方式"]
        rows = [
            [a["id"], a["project"], f"{d:%Y%m%d}", yuan_grouped(cents), channel]
            for a, d, cents, channel in self.recoveries
        ]
        return write_csv(path, Table(header, rows), "gb18030")

    def write_ledger(self, path: Path) -> Path:
        header = ["县(区、市)", "年度", "归集金额（万元）", "使用金额（万元）"]
        rows = [[u.name, f"{y}年", wan(c), wan(s)] for u, y, c, s in self.ledger]
        total = ["合计", "2008—2025年", wan(sum(r[2] for r in self.ledger)), wan(sum(r[3] for r in self.ledger))]
        table = Table(
            header,
            rows,
            title="晋中市住宅专项维修资金归集与使用情况（2008—2025年）",
            subtitle="填报单位：晋中市住房和城乡建设局    填报日期：2025年11月30日",
            total=total,
            notes=["注：2025年为截至11月底数据。"],
        )
        return write_xlsx(path, [table])

    def write_usages(self, path: Path) -> Path:
        header = ["申请编号", "小区编号", "小区名称", "县区", "用途", "应急使用", "拨付金额", "申请日期", "审核日期"]
        rows = [
            [
                u["id"],
                u["community_id"],
                u["community"].name,
                u["unit"].name,
                u["purpose"],
                "是" if u["emergency"] else "否",
                yuan(u["cents"]),
                u["applied"].isoformat(),
                u["approved"].isoformat() if u["approved"] else "",
            ]
            for u in self.usages
        ]
        return write_csv(path, Table(header, rows), "utf-8-sig")

    def write_stars(self, path: Path) -> Path:
        header = [
            "序号",
            "小区编号",
            "小区名称",
            "物业企业名称",
            "物业企业统一社会信用代码",
            "县区",
            "评价年度",
            "星级",
            "得分",
        ]
        spell = {
            1: ("★", "一星", "1星"),
            2: ("★★", "二星", "2星"),
            3: ("★★★", "三星", "3星"),
            4: ("★★★★", "四星", "4星"),
            5: ("★★★★★", "五星", "5星"),
        }
        rows = [
            [
                i,
                cid,
                c.name,
                co.name,
                co.code,
                c.unit.short if i % 4 == 0 else c.unit.name,
                f"{year}年度",
                spell[stars][i % 3],
                score,
            ]
            for i, (cid, c, co, year, stars, score) in enumerate(self.stars, start=1)
        ]
        for row, (_, c, *_rest) in zip(rows, self.stars, strict=False):
            if c.unit.short == "开发区":
                row[5] = c.unit.name
        table = Table(
            header,
            rows,
            title="晋中市物业服务项目星级评价结果（2023—2025年度）",
            subtitle="填报单位：晋中市物业管理协会    填报日期：2025年11月30日",
            notes=["注：星级评价按年度开展，分为一至五星。"],
        )
        return write_xlsx(path, [table])

    def write_credit(self, path: Path) -> Path:
        header = [
            "企业名称",
            "统一社会信用代码",
            "评价年度",
            "信用等级",
            "总分",
            "从业资格",
            "经营业绩",
            "社会信誉",
            "市场行为",
        ]
        rows = [
            [co.name, co.code, year, f"{grade}级", f"{score:.1f}", *(f"{d:.1f}" for d in dims)]
            for co, year, grade, score, *dims in self.credit
        ]
        return write_csv(path, Table(header, rows), "gb18030")

    def write_jz_credit(self, path: Path) -> Path:
        header = [
            "序号",
            "企业名称",
            "统一社会信用代码",
            "注册地",
            "评价年度",
            "信用等级",
            "总分",
            "从业资格",
            "经营业绩",
            "社会信誉",
            "市场行为",
        ]
        rows = [
            [i, co.name, co.code, co.unit.name, year, grade, score, *dims]
            for i, (co, year, grade, score, *dims) in enumerate(self.jz_credit, start=1)
        ]
        table = Table(
            header,
            rows,
            title="晋中市物业服务企业信用评价结果",
            subtitle="填报单位：晋中市住房和城乡建设局    填报日期：2025年3月20日",
            notes=["注：按从业资格、经营业绩、社会信誉、市场行为评为 A、B、C、D 四个等级。"],
        )
        return write_xlsx(path, [table])


# ---------------------------------------------------------------- entry points


class DemoLoadError(RuntimeError):
    """The ETL refused a demo file: the demo and the loader disagree."""


def generate(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Write the demo ledgers under `out_dir`; their paths in load order (master data first).

    >>> [p.name for p in generate(Path("/tmp/demo"))][:2]
    ['01_物业服务企业名录.xlsx', '02_晋中市住宅小区基础信息台账.xlsx']
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = DemoWorld(SEED)
    world.generate()
    return world.files(out_dir)


DEMO_WAREHOUSE = DEFAULT_OUT / "warehouse.duckdb"  # the demo's own warehouse; its access store lies beside it
DEMO_USER = "demo"  # loads.loaded_by of the demo's loads


class DemoRefused(Exception):
    """The warehouse (or the access store beside it) holds real data: the demo stays out."""


def refusal(warehouse: Path) -> str | None:
    """Why the demo may not be built into `warehouse`, or None: it holds loads other than the
    demo's, or its access store holds users other than the demo's. The demo's public users and
    screen token (`demo-admin`, `demo-screen`) in a real deployment would let anyone who read
    the README in as an administrator."""
    import duckdb

    from security.store import DEMO_USERS, store_path

    warehouse = Path(warehouse)
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as con:
            has_loads = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'loads'"
            ).fetchone()[0]
            real = (
                con.execute(
                    "SELECT count(*), min(file) FROM loads WHERE loaded_by IS DISTINCT FROM ?", [DEMO_USER]
                ).fetchone()
                if has_loads
                else (0, None)
            )
        if real[0]:
            return (
                f"仓库 {warehouse} 中已有非演示数据（{real[0]} 次载入，如“{real[1]}”），演示数据不能装入真实仓库。"
                f"演示数据使用单独的演示仓库：scripts/etl demo（默认 {DEMO_WAREHOUSE}）"
            )
    store = store_path(warehouse)
    if store.exists():
        import sqlite3

        demo_names = {name for name, _, _ in DEMO_USERS}
        with sqlite3.connect(store) as con:
            try:
                names = [r[0] for r in con.execute("SELECT name FROM users")]
            except sqlite3.Error:
                names = []
        others = sorted(set(names) - demo_names)
        if others:
            return (
                f"{store} 中已有真实用户（{'、'.join(others[:3])}），演示数据的公开账号和大屏令牌不能装入真实部署。"
                f"演示数据使用单独的演示仓库：scripts/etl demo（默认 {DEMO_WAREHOUSE}）"
            )
    return None


def build(warehouse: Path = DEMO_WAREHOUSE, out_dir: Path | None = None):
    """Generate the demo and load it through the real ETL into `warehouse`; the LoadResult.

    Raises DemoRefused when the warehouse holds real data (`refusal`), DemoLoadError when the
    ETL refuses a file."""
    from etl.pipeline import load_files

    why = refusal(Path(warehouse))
    if why:
        raise DemoRefused(why)

    paths = generate(Path(out_dir) if out_dir is not None else DEFAULT_OUT)
    result = load_files(paths, warehouse=warehouse, user=DEMO_USER)
    refused = [f for f in result.files if f.refused]
    if refused:
        raise DemoLoadError("；".join(f"{f.file}：{f.message}" for f in refused))
    from security.store import install_demo_users

    install_demo_users(warehouse)  # the demo's users (password demo-<name>) and screen token demo-screen
    return result
