"""The one label table (canonical name -> 中文 / English) and number formats.

Every chart axis, legend, table header and export column goes through `label()`, so no
raw column name reaches the screen. Amounts are shown as a Chinese reader expects
(万元, 亿元), rates with two decimals.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Optional

from etl.schema import DATASETS
from metrics.kpis import CATALOGUE

LANGS = ("zh", "en")

# UI words and the columns of facts, scorecards and drill-downs.
_LABELS: dict[str, tuple[str, str]] = {
    "app_title": ("物业监管看板", "Property Supervision Dashboard"),
    "overview": ("总览", "Overview"),
    "rectification": ("整改进度", "Rectification"),
    "funds": ("维修资金", "Funds"),
    "ratings": ("评价", "Ratings"),
    "escalations": ("督办", "Escalations"),
    "data": ("数据状态", "Data status"),
    "region": ("区域", "Region"),
    "from": ("开始日期", "From"),
    "to": ("结束日期", "To"),
    "all_regions": ("山西省（全部）", "Shanxi (all)"),
    "data_as_of": ("数据截至", "Data as of"),
    "no_data": ("所选范围内没有数据", "No data in the selected range"),
    "no_warehouse": ("还没有数据：请先加载台账（python -m etl load）或生成演示数据（python -m etl demo）",
                     "No data yet: load ledgers (python -m etl load) or build the demo (python -m etl demo)"),
    "loading": ("正在计算…", "Computing…"),
    "export": ("导出 Excel", "Export to Excel"),
    "previous_period": ("较上期", "vs previous period"),
    "unit": ("区划代码", "Region code"),
    "unit_name": ("县（市、区）", "County"),
    "stars": ("星级", "Stars"),
    "grade": ("信用等级", "Credit grade"),
    "star_distribution": ("服务项目星级分布", "Star rating of service projects"),
    "credit_distribution": ("企业信用等级分布", "Credit grades of companies"),
    "kpis": ("核心指标", "Key figures"),
    "map_metric": ("地图指标", "Map metric"),
    "rank": ("排名", "Rank"),
    "numerator": ("分子", "Numerator"),
    "denominator": ("分母", "Denominator"),
    "unmatched": ("未匹配", "Unmatched"),
    "scorecard": ("县区评分表", "County scorecard"),
    "map": ("县区地图", "County map"),
    "language": ("English", "中文"),
    "received": ("受理", "Received"),
    "rectified": ("已整改/办结", "Rectified/closed"),
    "rate": ("比率", "Rate"),
    "count": ("数量", "Count"),
    "amount": ("金额", "Amount"),
    "month": ("月份", "Month"),
    "year": ("年度", "Year"),
    "sweep": ("排查问题", "Sweep problems"),
    "leads": ("线索", "Leads"),
    "complaints": ("投诉举报", "Complaints"),
    "open_cases": ("未办结", "Open cases"),
    "overdue_cases": ("超期未办结", "Overdue open cases"),
    "received_main": ("受理（排查+线索）", "Received (sweep + leads)"),
    "rectified_main": ("已整改（排查+线索）", "Rectified (sweep + leads)"),
    "received_sweep": ("排查发现", "Sweep: found"),
    "rectified_sweep": ("排查已整改", "Sweep: rectified"),
    "received_leads": ("线索受理", "Leads: received"),
    "rectified_leads": ("线索已整改", "Leads: rectified"),
    "received_complaints": ("投诉受理", "Complaints: received"),
    "rectified_complaints": ("投诉办结", "Complaints: closed"),
    "communities": ("小区数", "Communities"),
    "with_service": ("有物业服务", "With property service"),
    "no_service": ("无物业", "No property service"),
    "with_committee": ("已组建业委会（物管会）", "With owners' committee"),
    "star_rated": ("参评项目", "Projects rated"),
    "star_high": ("四星及以上", "4–5 stars"),
    "credit_rated": ("参评企业", "Companies rated"),
    "credit_a": ("A 级", "Grade A"),
    "credit_b": ("B 级", "Grade B"),
    "credit_c": ("C 级", "Grade C"),
    "credit_d": ("D 级", "Grade D"),
    "arrears_listed": ("欠缴建账", "Arrears listed"),
    "arrears_recovered": ("期内追缴到账", "Recovered in period"),
    "arrears_recovered_to_date": ("累计追缴到账", "Recovered to date"),
    "arrears_outstanding": ("尚未追缴", "Outstanding"),
    "arrears_projects": ("欠缴项目数", "Projects in arrears"),
    "fund_collected": ("归集金额", "Collected"),
    "fund_used": ("使用金额", "Used"),
    "refund_amount": ("清退金额", "Refunded"),
    "refund_households": ("涉及户数", "Households"),
    "refund_rows": ("清退笔数", "Refunds"),
}

for _kpi in CATALOGUE:
    _LABELS.setdefault(_kpi.key, (_kpi.zh, _kpi.en))

# The contract's columns: Chinese from etl/schema.py; English from the canonical name.
_EN_OVERRIDES = {"county": "County", "name": "Name", "company_code": "Credit code", "community_id": "Community ID",
                 "case_id": "Case ID", "reporter_phone": "Phone", "closed_on": "Closed on",
                 "received_on": "Received on", "management_type": "Management type"}
for _ds in DATASETS.values():
    for _col in _ds.columns:
        _LABELS.setdefault(_col.name, (_col.label, _EN_OVERRIDES.get(_col.name, _col.name.replace("_", " ").capitalize())))


def lang_of(value: object) -> str:
    if isinstance(value, list):
        value = value[-1] if value else None
    return "en" if value == "en" else "zh"


def label(key: str, lang: str = "zh") -> str:
    """The reader's name of a column or UI word; an unknown key is a bug, so it raises."""
    zh, en = _LABELS[key]
    return en if lang == "en" else zh


def has_label(key: str) -> bool:
    return key in _LABELS


def fmt_amount(yuan: Optional[float], lang: str = "zh") -> str:
    """Yuan as a Chinese reader expects: 亿元 from 1 亿, else 万元; two decimals."""
    if yuan is None or (isinstance(yuan, float) and math.isnan(yuan)):
        return "—"
    if abs(yuan) >= 1e8:
        return f"{yuan / 1e8:,.2f} 亿元" if lang == "zh" else f"{yuan / 1e8:,.2f} hundred million yuan"
    return f"{yuan / 1e4:,.2f} 万元" if lang == "zh" else f"{yuan / 1e4:,.2f} ten-thousand yuan"


def fmt_rate(rate: Optional[float]) -> str:
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "—"
    return f"{rate * 100:.2f}%"


def fmt_count(n: Optional[float]) -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "—"
    return f"{int(round(n)):,}"


def fmt_value(kind: str, value: Optional[float], lang: str = "zh") -> str:
    return {"rate": fmt_rate, "count": fmt_count}.get(kind, lambda v: fmt_amount(v, lang))(value)


def fmt_date(d: Optional[dt.date]) -> str:
    return d.isoformat() if d else "—"
