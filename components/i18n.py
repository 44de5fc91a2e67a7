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
    # --- 评价 /ratings (pages/ratings.py, metrics/ratings.py, metrics/coverage.py) ---
    "ratings_stars": ("服务项目星级评价", "Star ratings of service projects"),
    "ratings_stars_by_county": ("各县区服务项目星级", "Star ratings by county"),
    "ratings_stars_by_year": ("历年服务项目星级", "Star ratings by year"),
    "ratings_credit": ("物业企业信用评价", "Credit ratings of property companies"),
    "ratings_credit_by_year": ("历年企业信用等级", "Credit grades by year"),
    "ratings_credit_moves": ("信用等级变动", "Grade movements"),
    "ratings_both_years": ("两年均参评企业", "companies rated in both years"),
    "ratings_flagged": ("D 级及退出企业", "Companies graded D or exited"),
    "ratings_flagged_note": ("期内评为 D 级，或期内清退、注销的企业", "Graded D in the period, or cleared out or deregistered in it"),
    "ratings_communities": ("小区物业管理", "How communities are managed"),
    "ratings_management": ("小区管理方式", "Management type"),
    "ratings_management_by_county": ("各县区小区管理方式", "Management type by county"),
    "ratings_committee_by_county": ("各县区业委会（物管会）组建", "Owners' committees by county"),
    "ratings_trend": ("无物业小区与业委会（物管会）变化", "No property service and owners' committees over time"),
    "ratings_no_service_trend": ("无物业小区数（月末）", "Communities without property service (month-end)"),
    "ratings_committee_trend": ("已组建业委会（物管会）小区数（月末）", "Communities with an owners' committee (month-end)"),
    "ratings_companies": ("物业企业登记", "Registered property companies"),
    "ratings_companies_by_county": ("各县区登记物业企业", "Registered property companies by county"),
    "ratings_click_hint": ("点击县区柱形可筛选该县区", "Click a county's bar to filter to it"),
    "ratings_at_start": ("期初", "At start"),
    "ratings_no_moves": ("没有连续两年参评的企业", "No company was rated in both years"),
    "ratings_not_recorded": ("未登记", "Not recorded"),
    "ratings_year_suffix": ("年", ""),
    "stars_1": ("一星", "1 star"),
    "stars_2": ("二星", "2 stars"),
    "stars_3": ("三星", "3 stars"),
    "stars_4": ("四星", "4 stars"),
    "stars_5": ("五星", "5 stars"),
    "grade_from": ("上年等级", "Previous year's grade"),
    "grade_to": ("本年等级", "This year's grade"),
    "year_from": ("上一年度", "Previous year"),
    "year_to": ("本年度", "This year"),
    "movement": ("变动", "Movement"),
    "move_up": ("升级", "Up"),
    "move_same": ("持平", "Unchanged"),
    "move_down": ("降级", "Down"),
    "companies": ("企业数", "Companies"),
    "company_name": ("企业名称", "Company"),
    "d_year": ("评为 D 级年度", "Year graded D"),
    "latest_grade": ("最近信用等级", "Latest grade"),
    "latest_grade_year": ("最近评价年度", "Latest rating year"),
    "company_status.在营": ("在营", "Operating"),
    "company_status.已清退": ("已清退", "Cleared out"),
    "company_status.注销": ("注销", "Deregistered"),
    "share": ("占比", "Share"),
    "mt_professional": ("专业物业企业", "Professional property company"),
    "mt_community": ("社区(村)托管", "Community (village) trusteeship"),
    "mt_employer": ("单位自管", "Managed by the employer"),
    "mt_owners": ("业主自管", "Self-managed by owners"),
    "mt_backstop": ("政府兜底(国企兜底)", "Government backstop (state company)"),
    "mt_none": ("无物业", "No property service"),
    "mt_unknown": ("不详", "Unknown"),
    "with_company": ("物业企业服务", "Served by a property company"),
    "committee_owners": ("业委会", "Owners' committee"),
    "committee_management": ("物管会", "Management committee"),
    "committee_none": ("未组建", "None formed"),
    "committee_status": ("业主组织", "Owners' organisation"),
    "registered": ("登记企业", "Registered companies"),
    "operating": ("在营", "Operating"),
    "exited": ("已清退/注销", "Exited"),
    "in_market": ("入驻物业超市", "In the vetted list"),
    "day": ("日期", "Date"),
    # --- end 评价 ---
    # --- 整改进度 /rectification (pages/rectification.py, metrics/cases.py) ---
    "case_group": ("问题类型", "Case group"),
    "group_all": ("全部问题", "All cases"),
    "rect_rate": ("整改（办结）率", "Rectified/closed rate"),
    "rate_sweep": ("排查整改率", "Sweep: rectification rate"),
    "rate_leads": ("线索整改率", "Leads: rectification rate"),
    "rate_complaints": ("投诉办结率", "Complaints: close rate"),
    "rect_summary": ("分类整改情况", "Rectification by case group"),
    "rect_cumulative": ("累计受理与整改（办结）", "Cumulative received and rectified/closed"),
    "rect_day": ("截至日期", "As of"),
    "cumulative_received": ("累计受理", "Cumulative received"),
    "cumulative_rectified": ("累计整改（办结）", "Cumulative rectified/closed"),
    "rect_county_rates": ("各县区问题整改率与投诉办结率", "Rectification and complaint close rates by county"),
    "rect_breakdowns": ("问题分布", "Cases by status, source, category and level"),
    "rect_dimension": ("维度", "Dimension"),
    "rect_value": ("分类", "Value"),
    "rect_by_status": ("按期末状态", "By status at period end"),
    "rect_by_source": ("按来源", "By source"),
    "rect_by_category": ("按问题类别", "By category"),
    "rect_by_level": ("按当前层级", "By level"),
    "rect_ageing": ("未办结问题已办理时长", "How long open cases have been open"),
    "rect_age": ("已办理工作日", "Working days open"),
    "rect_within_deadline": ("未超期", "Within deadline"),
    "rect_past_deadline": ("已超期", "Past deadline"),
    "rect_no_deadline": ("无整改时限", "No deadline"),
    "rect_age_unknown": ("日期超出日历", "Outside the calendar"),
    "rect_age_bucket": ("已办理时长", "Time open"),
    "rect_open_cases": ("未办结问题清单", "Open cases"),
    "rect_drilldown": ("逐级查看：县区 → 小区 → 问题", "Drill-down: county → community → case"),
    "rect_drill_hint": ("点击一行查看下一级；链接可直接分享", "Click a row to open the next level; the link reproduces the view"),
    "rect_cases_note": ("期内受理的问题；联系电话不在本页显示", "Cases received in the period; phone numbers are not shown here"),
    "all_units": ("全部县区", "All counties"),
    "community_name": ("小区", "Community"),
    "rect_cases": ("问题清单", "Cases"),
    "rect_total": ("合计", "Total"),
    "rect_resolved": ("已整改/办结", "Resolved"),
    "rect_rate_short": ("整改（办结）率", "Rate"),
    "status_at_end": ("期末状态", "Status at period end"),
    "workdays": ("办理用时（工作日）", "Working days taken"),
    "rect_overdue": ("超期", "Past deadline"),
    "rect_yes": ("是", "Yes"),
    "rect_no": ("否", "No"),
    "tab_chart": ("图表", "Chart"),
    "tab_table": ("数据表", "Table"),
    "status.待受理": ("待受理", "Awaiting acceptance"),
    "status.办理中": ("办理中", "In progress"),
    "status.已整改": ("已整改", "Rectified"),
    "status.已办结": ("已办结", "Closed"),
    "status.退回重办": ("退回重办", "Returned for redo"),
    "status.closed_after_end": ("期末后办结", "Closed after period end"),
    "source.排查": ("排查", "Sweep"),
    "source.投诉举报": ("投诉举报", "Complaint"),
    "source.12345": ("12345热线", "12345 hotline"),
    "source.督导检查": ("督导检查", "Inspection"),
    "source.信访": ("信访", "Petition"),
    "source.媒体": ("媒体", "Media"),
    "source.审计": ("审计", "Audit"),
    "category.质价不符": ("质价不符", "Service below price"),
    "category.违规收费": ("违规收费", "Illegal fees"),
    "category.公共收益": ("公共收益", "Common revenue"),
    "category.设施维护": ("设施维护", "Facility upkeep"),
    "category.安全防范": ("安全防范", "Safety and security"),
    "category.装修保证金": ("装修保证金", "Renovation deposit"),
    "category.不履约": ("不履约", "Breach of contract"),
    "category.其他": ("其他", "Other"),
    "level.社区": ("社区", "Community"),
    "level.乡镇(街道)": ("乡镇(街道)", "Township/street"),
    "level.县级": ("县级", "County"),
    "level.市级": ("市级", "City"),
    "level.not_filled": ("未填写", "Not filled"),
    # --- end 整改进度 ---
    # --- 维修资金 /funds (pages/funds.py, metrics/funds.py) ---
    "funds_arrears": ("维修资金欠缴与追缴", "Maintenance fund arrears and recovery"),
    "funds_arrears_listed_line": ("逾期未追缴维修资金建账", "Overdue fund arrears listed"),
    "funds_n_counties": ("个县（市、区）", "counties"),
    "funds_n_developers": ("家开发企业", "developers"),
    "funds_n_projects": ("个项目", "projects"),
    "funds_arrears_by_unit": ("各县区欠缴建账、追缴与尚未追缴", "Arrears listed, recovered and outstanding by county"),
    "funds_arrears_by_developer": ("开发企业欠缴（尚未追缴最多的 15 家）", "Arrears by developer (15 largest outstanding)"),
    "funds_arrears_projects": ("欠缴项目清单", "Projects in arrears"),
    "funds_recoveries_by_month": ("每月追缴到账（按追缴方式）", "Recoveries by month and channel"),
    "funds_recoveries_by_channel": ("追缴到账方式构成", "Recoveries by channel"),
    "funds_ledger": ("维修资金归集与使用", "Fund collection and use"),
    "funds_ledger_by_unit": ("各县区归集、使用与使用率", "Collected, used and usage rate by county"),
    "funds_ledger_by_year": ("历年归集、使用与使用率", "Collected, used and usage rate by year"),
    "funds_usages": ("维修资金使用审核", "Fund usage approvals"),
    "funds_approval_times": ("使用申请审核用时（应急与一般）", "Days to approval, emergency and ordinary uses"),
    "funds_emergency_list": ("应急使用清单", "Emergency uses"),
    "funds_emergency_line": ("应急使用 {n} 件，{k} 件在 {d} 天内审核", "{n} emergency uses, {k} approved within {d} days"),
    "funds_refunds": ("违规收费清退", "Illegal fees refunded"),
    "funds_refunds_by_kind": ("按清退类别", "Refunds by kind"),
    "funds_refunds_by_unit": ("各县区清退金额（按类别）", "Refunds by county and kind"),
    "funds_refunds_by_company": ("清退企业（金额最多的 15 家）", "Refunding companies (15 largest)"),
    "funds_refund_line_deposit": ("清退装修保证金 {amount}（{n} 家企业，{units}）",
                                  "Renovation deposits refunded: {amount} ({n} companies, {units})"),
    "funds_refund_line_other": ("清退其他类别（{kinds}）{amount}（{n} 家企业，{units}）",
                                "Other kinds refunded ({kinds}): {amount} ({n} companies, {units})"),
    "funds_refund_line_households": ("涉及 {n} 户", "{n} households concerned"),
    "funds_click_hint": ("点击县区柱形可筛选该县区", "Click a county's bar to filter to it"),
    "funds_top_note": ("列出前 {shown} 行（共 {total} 行）；导出 Excel 含全部", "Showing {shown} of {total} rows; the Excel export has all"),
    "funds_period_all": ("全部时段", "All periods"),
    "funds_unit_names": ("县（市、区）", "Counties"),
    "funds_kind": ("清退类别", "Fee kind"),
    "funds_kinds": ("清退类别", "Fee kinds"),
    "funds_companies": ("清退企业数", "Companies"),
    "funds_developers": ("开发企业数", "Developers"),
    "funds_channel": ("追缴方式", "Channel"),
    "funds_recoveries": ("到账笔数", "Recoveries"),
    "funds_month": ("月份", "Month"),
    "funds_days": ("审核用时（天）", "Days to approval"),
    "funds_days_bucket": ("审核用时", "Time to approval"),
    "funds_days_unit": ("天", "d"),
    "funds_pending": ("未审核", "Pending"),
    "funds_emergency": ("应急使用", "Emergency use"),
    "funds_ordinary": ("一般使用", "Ordinary use"),
    "funds_applications": ("申请件数", "Applications"),
    "funds_usage_amount": ("拨付金额", "Amount granted"),
    "funds_total": ("合计", "Total"),
    "funds_subtotal_deposit": ("装修保证金小计", "Subtotal: renovation deposits"),
    "funds_subtotal_other": ("其他类别小计", "Subtotal: other kinds"),
    "funds_tab_chart": ("图表", "Chart"),
    "funds_amount_unit": ("金额单位：元", "Amounts in yuan"),
    "funds_listed_on": ("建账日期", "Listed on"),
    "funds_tab_table": ("数据表", "Table"),
    "funds_share": ("占比", "Share"),
    "funds_community_name": ("小区名称", "Community"),
    "funds_company_name": ("企业名称", "Company"),
    "channel.催缴": ("催缴", "Payment demand"),
    "channel.行政处罚": ("行政处罚", "Administrative penalty"),
    "channel.纪检": ("纪检", "Discipline inspection"),
    "channel.公安": ("公安", "Police"),
    "channel.诉讼": ("诉讼", "Litigation"),
    "channel.not_filled": ("未填写", "Not recorded"),
    "kind.装修保证金": ("装修保证金", "Renovation deposit"),
    "kind.水电费": ("水电费", "Water and power"),
    "kind.物业费": ("物业费", "Property fee"),
    "kind.电梯运行费": ("电梯运行费", "Lift running fee"),
    "kind.卫生费": ("卫生费", "Sanitation fee"),
    "kind.其他": ("其他", "Other"),
    "purpose.电梯": ("电梯", "Lift"),
    "purpose.屋面防水": ("屋面防水", "Roof waterproofing"),
    "purpose.外墙": ("外墙", "External walls"),
    "purpose.消防": ("消防", "Fire safety"),
    "purpose.给排水": ("给排水", "Water supply and drainage"),
    "purpose.其他": ("其他", "Other"),
    # --- end 维修资金 ---
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
    """Yuan as a Chinese reader expects: 亿元 from 1 亿, else 万元; two decimals (English: millions)."""
    if yuan is None or (isinstance(yuan, float) and math.isnan(yuan)):
        return "—"
    if lang == "en":  # an English reader counts in millions
        return f"{yuan / 1e6:,.2f} M yuan" if abs(yuan) >= 1e6 else f"{yuan:,.0f} yuan"
    if abs(yuan) >= 1e8:
        return f"{yuan / 1e8:,.2f} 亿元"
    return f"{yuan / 1e4:,.2f} 万元"


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
