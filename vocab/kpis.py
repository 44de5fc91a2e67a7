"""The KPI catalogue as data: every headline figure defined once, by the facts of
metrics/facts.py it is computed from (by name), its numerator (and, for a rate, denominator),
its kind, its labels and its direction. metrics/kpis.py computes it; labels, cards, tables and
the scorecard read it from here, so no layer above needs the warehouse to name a KPI.

Direction: every KPI says whether higher is better (`higher_is_better`); ranks, traffic lights,
sort orders and the wall's medals follow it. The choices that are not obvious: refunds (amount,
households) are what the campaign returned to owners — more is better; arrears listed and
outstanding and overdue cases are debts and backlogs — less is better; arrears recovered, the
usage rate and every coverage or share are outcomes — more is better.

Targets and traffic-light thresholds are not here: they are data an admin changes
(data/kpi_targets.csv, read and checked by metrics/targets.py into `Bounds`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kpi:
    key: str
    zh: str
    en: str
    kind: str  # "rate" (num/den), "count" or "amount" (yuan)
    facts: str  # the function of metrics/facts.py that gives its per-unit facts
    numerator: str
    denominator: str | None = None
    higher_is_better: bool = True
    definition: str = ""
    parts: str = "count"  # how numerator and denominator read: "count" or "amount"


CATALOGUE: tuple[Kpi, ...] = (
    Kpi(
        "rectification_rate",
        "问题整改率",
        "Rectification rate",
        "rate",
        "case_facts",
        "rectified_main",
        "received_main",
        definition="排查问题与线索中，期内受理且在期末前已整改或办结的比例。",
    ),
    Kpi(
        "complaint_close_rate",
        "投诉办结率",
        "Complaint close rate",
        "rate",
        "case_facts",
        "rectified_complaints",
        "received_complaints",
        definition="期内受理的投诉举报中，在期末前已办结的比例。",
    ),
    Kpi(
        "overdue_cases",
        "超期未办结",
        "Overdue open cases",
        "count",
        "case_facts",
        "overdue_cases",
        higher_is_better=False,
        definition="截至期末仍未整改、且已过整改时限的问题数；越少越好。",
    ),
    Kpi(
        "refund_amount",
        "违规收费清退金额",
        "Illegal fees refunded",
        "amount",
        "refund_facts",
        "refund_amount",
        definition="期内清退的违规收费金额（元）；退还业主越多越好。",
    ),
    Kpi(
        "refund_households",
        "清退涉及户数",
        "Households refunded",
        "count",
        "refund_facts",
        "refund_households",
        definition="期内违规收费清退涉及的户数；越多越好。",
    ),
    Kpi(
        "arrears_listed",
        "维修资金欠缴建账",
        "Fund arrears listed",
        "amount",
        "arrears_facts",
        "arrears_listed",
        higher_is_better=False,
        definition="截至期末已建账的开发企业欠缴维修资金（元）；欠缴越少越好。",
    ),
    Kpi(
        "arrears_recovered",
        "期内追缴到账",
        "Arrears recovered",
        "amount",
        "arrears_facts",
        "arrears_recovered",
        definition="期内追缴到账的欠缴维修资金（元）。",
    ),
    Kpi(
        "arrears_outstanding",
        "尚未追缴",
        "Arrears outstanding",
        "amount",
        "arrears_facts",
        "arrears_outstanding",
        higher_is_better=False,
        definition="截至期末，各项目已建账欠缴额减去其累计追缴到账额（多缴的项目计 0）之和（元）；越少越好。",
    ),
    Kpi(
        "arrears_suspended",
        "挂账欠缴",
        "Arrears set aside (挂账)",
        "amount",
        "arrears_facts",
        "arrears_suspended",
        higher_is_better=False,
        definition="截至期末，欠缴台账处理状态为“挂账”（无法追缴，挂账日期在期末前）的项目尚未追缴额之和（元）；仍计入尚未追缴，越少越好。",
    ),
    Kpi(
        "arrears_recovery_rate",
        "欠缴追缴率",
        "Arrears recovery rate",
        "rate",
        "arrears_facts",
        "arrears_recovered_to_date",
        "arrears_listed",
        definition="截至期末累计追缴到账额占已建账欠缴额的比例。",
        parts="amount",
    ),
    Kpi(
        "fund_usage_rate",
        "维修资金使用率",
        "Fund usage rate",
        "rate",
        "ledger_facts",
        "fund_used",
        "fund_collected",
        definition="期内各年度维修资金使用额占归集额的比例。",
        parts="amount",
    ),
    Kpi(
        "service_coverage",
        "物业服务覆盖率",
        "Property service coverage",
        "rate",
        "community_facts",
        "with_service",
        "communities",
        definition="截至期末有物业服务（非“无物业”）的小区占全部小区的比例。",
    ),
    Kpi(
        "committee_coverage",
        "业委会（物管会）组建率",
        "Owners' committee coverage",
        "rate",
        "community_facts",
        "with_committee",
        "communities",
        definition="截至期末已组建业委会或物管会的小区占全部小区的比例。",
    ),
    Kpi(
        "star_high_share",
        "四星及以上项目占比",
        "Share of 4–5 star projects",
        "rate",
        "rating_facts",
        "star_high",
        "star_rated",
        definition="期内最近一个评价年度，四星及以上服务项目占参评项目的比例。",
    ),
    Kpi(
        "credit_a_share",
        "A 级企业占比",
        "Share of A-grade companies",
        "rate",
        "credit_facts",
        "credit_a",
        "credit_rated",
        definition="期内最近一个评价年度，信用等级为 A 的企业占参评企业的比例。",
    ),
    Kpi(
        "credit_action_rate",
        "信用奖惩落实率",
        "Credit actions carried out",
        "rate",
        "credit_action_facts",
        "credit_actions_done",
        "credit_actions_due",
        definition=(
            "期内各评价年度，按当时有效的信用评价规则（data/credit_rules.csv）应采取的奖惩措施"
            "（A 级表彰、招投标加分，C 级重点监管，D 级约谈、限制招投标，12 个月内三次上黑榜启动退出评估）中，"
            "信用奖惩措施台账记为“已落实”的比例；台账未登记的按未落实计。"
        ),
    ),
    Kpi(
        "red_committee_coverage",
        "红色业委会覆盖率",
        "Red owners' committee coverage",
        "rate",
        "party_facts",
        "red_committees",
        "communities",
        definition="截至期末已认定的红色业委会（物管会）占全部小区的比例（未报送党建台账的县区为无数据）。",
    ),
    Kpi(
        "committee_party_share",
        "业委会党员占比",
        "Party members on owners' committees",
        "rate",
        "party_facts",
        "committee_party_members",
        "committee_members",
        definition="业委会（物管会）成员中党员所占比例，按党建台账现报人数计；原则上不少于 50%。",
    ),
    Kpi(
        "company_party_coverage",
        "物业企业党组织覆盖率",
        "Property companies with a party organisation",
        "rate",
        "party_facts",
        "companies_party_org",
        "companies_active",
        definition="截至期末在营物业企业中，已单独或联合建立党组织（党委、党总支、党支部、联合党支部）的比例；"
        "仅选派党建指导员的不计入。",
    ),
    Kpi(
        "hotline_response_rate",
        "12345 响应率",
        "12345 response rate",
        "rate",
        "hotline_facts",
        "hotline_responded_in_time",
        "hotline_received",
        definition="期内受理的 12345 及投诉举报工单中，受理后 1 个工作日内响应（签收）的比例（台账未报响应日期的县区为无数据）。",
    ),
    Kpi(
        "hotline_resolution_rate",
        "12345 解决率",
        "12345 resolution rate",
        "rate",
        "hotline_facts",
        "hotline_resolved",
        "hotline_visited",
        definition="期内受理的 12345 及投诉举报工单中，回访成功（满意、基本满意、不满意）的工单里群众认为“已解决”的比例；"
        "联系不上的不计。",
    ),
    Kpi(
        "hotline_satisfaction_rate",
        "12345 满意率",
        "12345 satisfaction rate",
        "rate",
        "hotline_facts",
        "hotline_satisfied",
        "hotline_visited",
        definition="期内受理的 12345 及投诉举报工单中，回访成功的工单里评价“满意”或“基本满意”的比例。",
    ),
    Kpi(
        "settled_below_county_rate",
        "矛盾不上交率",
        "Disputes settled below the county",
        "rate",
        "mediation_facts",
        "settled_below_county",
        "settled",
        definition="期内办结的问题中，在社区（一级调处）或乡镇(街道)（二级调处）办结、未上交县级的比例。",
    ),
    Kpi(
        "reporting_on_time_rate",
        "按时报送率",
        "Reports on time",
        "rate",
        "reporting_facts",
        "reports_on_time",
        "reports_due",
        definition=(
            "报送日历（data/reporting_calendar.csv）规定各县（市、区）应报的台账中，截止日落在期内且截至数据截至日已到期的各期，"
            "在截止日当天或之前首次载入该县该期台账数据的比例；逾期报送和未报送的都不算按时。"
        ),
    ),
)

BY_KEY = {k.key: k for k in CATALOGUE}


@dataclass(frozen=True)
class KpiValue:
    kpi: Kpi
    value: float | None
    numerator: float
    denominator: float | None
    previous: float | None = None  # the value in the previous period, when there is one
    year_ago: float | None = None  # the value in the same period a year earlier, when there is one

    @property
    def change(self) -> float | None:
        """Against the previous period: None when either side has no value (never a made-up 0)."""
        return _difference(self.value, self.previous)

    @property
    def change_year(self) -> float | None:
        """Against the same period a year earlier (同比), likewise."""
        return _difference(self.value, self.year_ago)


def _difference(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or now != now or before != before:
        return None
    return now - before


@dataclass(frozen=True)
class Bounds:
    """A KPI's target and traffic-light thresholds in force for a view (metrics/targets.py reads
    them from data/kpi_targets.csv, the admin's file). Values in the KPI's own unit: a rate as a
    fraction, a count, an amount in yuan; `slip` is how much worse than the previous period a
    county may get before the overview lists it under 需要关注 (a rate's in fraction points)."""

    kpi: str
    region: str  # "" for every region, else the city or county code the row is for
    valid_from: str  # ISO date the row takes effect
    target: float | None = None
    green: float | None = None  # at least this is green (at most, if lower is better)
    amber: float | None = None  # at least this is amber (at most, if lower is better); else red
    slip: float | None = None
    set_by: str = ""
    note: str = ""
    row: int = 0  # its line in the file, for messages


def light(kpi: Kpi, value: float | None, bounds: Bounds | None) -> str:
    """Traffic light of a value under the thresholds in force: green, amber, red, or none when
    there is no value or no thresholds for the KPI."""
    if value is None or value != value or bounds is None or bounds.green is None or bounds.amber is None:
        return "none"
    if kpi.higher_is_better:
        return "green" if value >= bounds.green - 1e-12 else "amber" if value >= bounds.amber - 1e-12 else "red"
    return "green" if value <= bounds.green + 1e-12 else "amber" if value <= bounds.amber + 1e-12 else "red"


def met(kpi: Kpi, value: float | None, target: float | None) -> bool | None:
    """Whether a value meets its target by the KPI's direction; None without either."""
    if value is None or value != value or target is None:
        return None
    return value >= target - 1e-12 if kpi.higher_is_better else value <= target + 1e-12
