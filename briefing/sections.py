"""The briefing's later sections: 四、维修资金追缴 (the period's recovery, the stock at its end, and
the campaign's months of recovery), 五、物业服务覆盖和评价, and 六、需要关注 (the overview's four
lists of metrics/attention.py, a few items each), each from the metrics layer in the viewer's scope."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from briefing import phrasing as say
from briefing.model import Notes, Section
from briefing.period import Period
from metrics import kpis, published, targets
from metrics.attention import overdue_high, second_black_list, slipping, stalled
from metrics.db import Warehouse
from metrics.filters import Filter, Scope
from metrics.funds import recoveries_by_month

ATTENTION_ITEMS = 6  # at most this many lines under 需要关注


def campaign_months(wh: Warehouse, f: Filter, scope: Scope, first: dt.date) -> list[tuple[dt.date, float]]:
    """The recovery of each month from the campaign's first month to the period's end (yuan), as the
    funds page counts it (metrics/funds.recoveries_by_month, whose months sum to 追缴到账)."""
    start = first.replace(day=1)
    rows = recoveries_by_month(wh, Filter(f.region, start, f.end), scope)
    by_month: dict[dt.date, float] = {}
    for month, amount in zip(rows["month"], rows["amount"], strict=True):
        day = pd.Timestamp(month).date()
        by_month[day] = by_month.get(day, 0.0) + float(amount)
    out, month = [], start
    while month <= f.end:
        out.append((month, by_month.get(month, 0.0)))
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def funds_section(wh, f: Filter, scope: Scope, period: Period, first: dt.date | None, values, notes: Notes) -> Section:
    section = Section("四、维修资金追缴")
    recovered, listed = values["arrears_recovered"], values["arrears_outstanding"]
    rate = values["arrears_recovery_rate"]
    year = Filter(f.region, dt.date(f.end.year, 1, 1), f.end)
    ytd = kpis.compute(wh, ["arrears_recovered", "arrears_listed"], year, scope, with_previous=False)
    differs = published.notes(ytd, year, scope)
    ytd_mark = (
        say.kpi_note(notes, "arrears_recovered", differs["arrears_recovered"], "（今年以来）")
        if "arrears_recovered" in differs
        else say.kpi_note(notes, "arrears_recovered")
    )
    months = campaign_months(wh, f, scope, first) if first else []
    text = (
        f"本期追缴到账{say.value('arrears_recovered', recovered.value)}{say.kpi_note(notes, 'arrears_recovered')}"
        f"{say.compared(recovered, period.previous_word)}。"
        f"今年以来（1月1日至{f.end.month}月{f.end.day}日）累计追缴到账{say.amount(ytd['arrears_recovered'].value)}{ytd_mark}。"
        f"截至{period.end_word}，已建账欠缴{say.amount(ytd['arrears_listed'].value)}{say.kpi_note(notes, 'arrears_listed')}，"
        f"尚未追缴{say.value('arrears_outstanding', listed.value)}{say.kpi_note(notes, 'arrears_outstanding')}，"
        f"累计追缴率{say.rate(rate.value)}{say.kpi_note(notes, 'arrears_recovery_rate')}"
        f"{say.compared(rate, period.previous_word)}。"
    )
    section.paragraphs.append(text)
    if months:
        best = max(months, key=lambda m: m[1])
        section.paragraphs.append(
            f"专项整治开展以来（{first.year}年{first.month}月起）共{len(months)}个月，逐月追缴到账情况见图；"
            f"其中{best[0].year}年{best[0].month}月追缴最多，为{say.amount(best[1])}。"
        )
        from briefing.charts import campaign_chart

        section.charts.append(campaign_chart(months))
    section.notes = notes.take()
    return section


def ratings_section(period: Period, values, notes: Notes) -> Section:
    section = Section("五、物业服务覆盖和评价")
    parts = [
        f"{values[k].kpi.zh}{say.value(k, values[k].value)}{say.kpi_note(notes, k)}"
        f"{say.compared(values[k], period.previous_word)}"
        for k in ("service_coverage", "committee_coverage", "star_high_share", "credit_a_share")
    ]
    section.paragraphs.append(f"截至{period.end_word}，" + "；".join(parts) + "。")
    section.notes = notes.take()
    return section


def attention_section(wh: Warehouse, f: Filter, scope: Scope, period: Period) -> Section:
    """六、需要关注: the overview's lists (metrics/attention.py), the worst few of each."""
    section = Section("六、需要关注")
    rows, _ = targets.current()
    rules, _ = targets.current_rules()
    items: list[str] = []
    for r in slipping(wh, f, scope, rows).head(3).itertuples():
        kpi = kpis.BY_KEY[r.kpi]
        items.append(
            f"{r.unit_name}{kpi.zh}由{period.previous_word}{say.value(r.kpi, r.previous)}变为"
            f"{say.value(r.kpi, r.value)}，{say.change(r.kpi, r.value, r.previous)}，超出允许的变动幅度。"
        )
    city_level = overdue_high(wh, f, scope)
    city_level = city_level[city_level["level"] == "市级"].head(3)
    if len(city_level):
        listed = "、".join(f"{r.unit_name}{r.cases}件" for r in city_level.itertuples())
        items.append(f"市级督办问题超期未办结：{listed}，请督促尽快办结。")
    rule = rules.get("arrears_stalled_months")
    if rule is not None:
        for r in stalled(wh, f, scope, rule.value).head(2).itertuples():
            items.append(
                f"{r.unit_name}有{r.projects}个欠缴项目连续{rule.value}个月无追缴到账，尚欠{say.amount(r.arrears_outstanding)}"
                f"（最大为{r.project}，{say.amount(r.project_outstanding)}）。"
            )
    for r in second_black_list(wh, f, scope).head(2).itertuples():
        items.append(f"{r.company_name}（{r.unit_name}）近12个月{r.black_lists}次列入黑榜，请启动退出机制审查。")
    items = items[:ATTENTION_ITEMS]
    if items:
        section.paragraphs += [f"{n}．{text}" for n, text in enumerate(items, start=1)]
    else:
        section.paragraphs.append("本期无需要特别关注的事项。")
    return section
