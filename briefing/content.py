"""What a briefing says, from the metrics layer, in the viewer's scope: the recipient (a user of
the app) is the viewer, so a county officer's briefing is read with his county's scope and a
leader's with his; nothing here reads a phone number or draws a figure's values of its own —
every number is the catalogue's (metrics/kpis.py), the scorecard's, the 需要关注 lists' or the
督办 counts', worded by briefing/phrasing.py.

Sections, as a city's task force writes its weekly or monthly 简报: 一、总体情况 (the period's
figures against the previous period and a year earlier, and the campaign's to date);
二、县（市、区）排名 (best and worst, and the counties without data; a county officer: where his
county stands against the city's median); 三、超期和督办; 四、维修资金追缴 (with the campaign's
months); 五、物业服务覆盖和评价; 六、需要关注.
"""

from __future__ import annotations

import datetime as dt

from briefing import phrasing as say
from briefing.model import Briefing, BriefingError, Notes, Section, Table
from briefing.period import Period
from briefing.sections import attention_section, funds_section, ratings_section
from components.i18n import amount_unit, fmt_value, label
from metrics import campaigns, facts, kpis, published, scorecard
from metrics.attention import overdue_high
from metrics.db import Warehouse
from metrics.escalations import escalation_counts
from metrics.filters import Filter, Scope
from metrics.regions import region_names
from security.roles import Viewer
from vocab.workflow import BODY

HEADLINE = [
    "rectification_rate",
    "complaint_close_rate",
    "overdue_cases",
    "refund_amount",
    "refund_households",
    "arrears_recovered",
    "arrears_outstanding",
    "arrears_recovery_rate",
    "service_coverage",
    "committee_coverage",
    "star_high_share",
    "credit_a_share",
]
CUMULATIVE = ["rectification_rate", "complaint_close_rate", "refund_amount", "refund_households"]
SHOWN = 3  # counties named among the best and among the worst


def campaign_start(region: str | None, scope: Scope, day: dt.date) -> dt.date | None:
    """The first day of the campaign in force for the briefing's region at `day` (data/campaigns.csv,
    metrics/campaigns.py: the one definition of a campaign); None when no campaign concerns it."""
    return campaigns.first_day(region, scope, day)


def region_of(viewer: Viewer, region: str | None) -> str | None:
    """The region a recipient's briefing covers: a county officer's own county, whatever was asked
    (asking for another is refused); else the region asked for, within the scope (None: all)."""
    if viewer.role == "county":
        if region and region != viewer.county:
            raise BriefingError(f"县区用户 {viewer.name} 的简报只含本县（{viewer.county}），不能生成 {region} 的简报")
        return viewer.county
    if region and not viewer.scope.allows(region):
        raise BriefingError(f"用户 {viewer.name} 无权查看 {region} 的数据")
    return region or None


def build(wh: Warehouse, viewer: Viewer, period: Period, region: str | None, issued_on: dt.date) -> Briefing:
    """The briefing of `period` for `viewer` over `region` (see `region_of`), dated `issued_on`."""
    region = region_of(viewer, region)
    scope = viewer.scope
    names = region_names(wh)
    place = names.get(region, region) if region else "全省"
    city = names.get(region[:4] + "00", "") if region else ""
    f = Filter(region, period.start, period.end)
    as_of = facts.data_as_of(wh, Filter(region), scope)
    notes = Notes()
    values = kpis.compute(wh, HEADLINE, f, scope, with_year_ago=True)
    marks = {k: say.kpi_note(notes, k, c) for k, c in published.notes(values, f, scope).items()}
    sections = [
        _overview(wh, f, scope, period, place, values, marks, notes),
        _ranking(wh, f, scope, period, place, city, notes),
        _overdue(wh, f, scope, period, place, notes),
        funds_section(wh, f, scope, period, campaign_start(region, scope, f.end), values, notes),
        ratings_section(period, values, notes),
        attention_section(wh, f, scope, period),
    ]
    return Briefing(
        title=f"{place}物业服务管理专项整治工作简报",
        issue=f"{period.title}（{period.span}）",
        body=BODY.format(city=city or place) if region else BODY.format(city="山西省"),
        issued_on=issued_on,
        recipient=viewer.name,
        recipient_line=f"送：{viewer.name}（{label('role.' + viewer.role)}）",
        region=region,
        region_name=place,
        period=period,
        data_as_of=as_of,
        scope_line=f"统计范围：{place}　统计期间：{say.day(period.start)}至{say.day(period.end)}　"
        f"数据截至：{say.day(as_of)}",
        sections=tuple(sections),
    )


def _sentence(v: kpis.KpiValue, mark: str, period: Period) -> str:
    return f"{v.kpi.zh}{say.value(v.kpi.key, v.value)}{mark}{say.compared(v, period.previous_word)}"


def _overview(wh, f, scope, period, place, values, marks, notes) -> Section:
    section = Section("一、总体情况")

    def mark(key: str) -> str:
        return marks.get(key) or say.kpi_note(notes, key)

    rect, comp, over = values["rectification_rate"], values["complaint_close_rate"], values["overdue_cases"]
    refund, households = values["refund_amount"], values["refund_households"]
    section.paragraphs.append(
        f"{period.title}，{place}新受理排查问题和线索{say.count(rect.denominator, '个')}，"
        f"已整改{say.count(rect.numerator, '个')}，{_sentence(rect, mark('rectification_rate'), period)}。"
        f"受理投诉举报{say.count(comp.denominator, '件')}，已办结{say.count(comp.numerator, '件')}，"
        f"{_sentence(comp, mark('complaint_close_rate'), period)}。"
        f"截至{period.end_word}，{_sentence(over, mark('overdue_cases'), period)}。"
    )
    section.paragraphs.append(
        f"本期{_sentence(refund, mark('refund_amount'), period)}；"
        f"{_sentence(households, mark('refund_households'), period)}。"
    )
    since = _since(wh, f, scope, place, notes)
    if since:
        section.paragraphs.append(since)
    unit = amount_unit([values[k].value for k in HEADLINE if values[k].kpi.kind == "amount"])
    rows = []
    for key in HEADLINE:
        v = values[key]
        shown = [fmt_value(v.kpi.kind, x, "zh", unit) for x in (v.value, v.previous, v.year_ago)]
        moved = [say.change(key, v.value, x) or "—" for x in (v.previous, v.year_ago)]
        rows.append((v.kpi.zh, shown[0], shown[1], moved[0], shown[2], moved[1]))
    section.tables.append(
        Table(
            "表1　主要指标",
            ("指标", "本期", period.previous_word, "环比", "去年同期", "同比"),
            tuple(rows),
            (26, 17, 17, 24, 17, 24),
            unit=f"金额单位：{unit}；“无数据”为该期台账未覆盖或无记录",
        )
    )
    section.notes = notes.take()
    return section


def _since(wh: Warehouse, f: Filter, scope: Scope, place: str, notes: Notes) -> str:
    """专项整治以来累计: the campaign's figures to the period's end, with the published figures of the
    same view beside them (the reports quote these)."""
    first = campaign_start(f.region, scope, f.end)
    if first is None or first >= f.start:
        return ""
    to_date = Filter(f.region, first, f.end)
    values = kpis.compute(wh, CUMULATIVE, to_date, scope, with_previous=False)
    differs = published.notes(values, to_date, scope)

    def shown(key: str) -> str:
        mark = say.kpi_note(notes, key, differs[key], "（累计）") if key in differs else say.kpi_note(notes, key)
        return f"{say.value(key, values[key].value)}{mark}"

    rect, comp = values["rectification_rate"], values["complaint_close_rate"]
    return (
        f"专项整治以来（{say.day(first)}至{say.day(f.end)}），{place}累计受理排查问题和线索"
        f"{say.count(rect.denominator, '个')}，已整改{say.count(rect.numerator, '个')}，整改率{shown('rectification_rate')}；"
        f"累计受理投诉举报{say.count(comp.denominator, '件')}，办结{say.count(comp.numerator, '件')}，"
        f"办结率{shown('complaint_close_rate')}；累计清退违规收费{shown('refund_amount')}，"
        f"涉及{shown('refund_households')}。"
    )


def _ranking(wh, f, scope, period, place, city, notes) -> Section:
    section = Section("二、县（市、区）排名")
    county = scorecard.own_county(scope)
    if county:
        return _standing(wh, f, county, place, city, section, notes)
    table = scorecard.county_scorecard(wh, f, scope)
    ranked = table[table["rank"].notna()]
    silent = table[table["rank"].isna()]
    mark = say.kpi_note(notes, "rectification_rate") + say.kpi_note(notes, "complaint_close_rate")
    best = [(r.unit_name, say.rate(r.rectification_rate)) for r in ranked.head(SHOWN).itertuples()]
    worst = [(r.unit_name, say.rate(r.rectification_rate)) for r in ranked.tail(SHOWN).iloc[::-1].itertuples()]
    text = f"按问题整改率（相同时按投诉办结率）{mark}排名，{place}参与排名的{len(ranked)}个县（市、区）中，"
    if len(ranked) > SHOWN:
        text += f"前{SHOWN}位是{say.names(best)}；后{SHOWN}位是{say.names(worst)}。"
    elif len(ranked):
        text += f"依次是{say.names(best)}。"
    else:
        text = f"{place}本期没有可排名的县（市、区）。"
    if len(silent):
        text += f"{'、'.join(silent['unit_name'])}本期无数据（未报送台账或无受理记录），未参与排名。"
    section.paragraphs.append(text)
    rows = tuple(
        (
            "—" if r.rank is None else str(r.rank),
            r.unit_name,
            say.rate(r.rectification_rate),
            say.rate(r.complaint_close_rate),
            say.count(r.overdue_cases),
            say.amount(r.refund_amount, "万元").replace("万元", ""),
        )
        for r in table.itertuples()
    )
    section.tables.append(
        Table(
            "表2　县（市、区）排名",
            ("排名", "县（市、区）", "问题整改率", "投诉办结率", "超期未办结（件）", "清退金额（万元）"),
            rows,
            (10, 24, 18, 18, 20, 22),
        )
    )
    from briefing.charts import ranking_chart

    section.charts.append(ranking_chart(ranked))
    section.notes = notes.take()
    return section


def _standing(wh, f, county, place, city, section: Section, notes: Notes) -> Section:
    """A county officer's ranking: his county's rank and the city's median, never another county's name."""
    table = scorecard.standing(wh, f, county)
    rows, said = [], []
    for r in table.itertuples():
        key = r.kpi
        rank = f"第{r.rank}位／{r.ranked}" if r.rank is not None else "未排名"
        rows.append((kpis.BY_KEY[key].zh, say.value(key, r.value), rank, say.value(key, r.median)))
        if key in ("rectification_rate", "complaint_close_rate") and r.rank is not None:
            said.append(
                f"{kpis.BY_KEY[key].zh}{say.value(key, r.value)}{say.kpi_note(notes, key)}，"
                f"在{city}{r.ranked}个县（市、区）中列第{r.rank}位，全市中位数{say.value(key, r.median)}"
            )
    section.paragraphs.append(f"{place}" + ("；".join(said) if said else "本期无可排名的指标") + "。")
    section.tables.append(
        Table(f"表2　{place}在{city}的位次", ("指标", place, "全市位次", "全市中位数"), tuple(rows), (34, 22, 22, 22))
    )
    from briefing.charts import standing_chart

    section.charts.append(standing_chart(table, place))
    section.notes = notes.take()
    return section


def _overdue(wh, f, scope, period, place, notes) -> Section:
    section = Section("三、超期和督办")
    high = overdue_high(wh, f, scope)
    mark = say.kpi_note(notes, "overdue_cases")
    parts = []
    for level in ("市级", "县级"):
        rows = high[high["level"] == level]
        if len(rows):
            listed = "、".join(f"{r.unit_name}{r.cases}件" for r in rows.itertuples())
            parts.append(f"{level}督办超期未办结{say.count(rows['cases'].sum(), '件')}（{listed}）")
        else:
            parts.append(f"{level}督办无超期未办结问题")
    section.paragraphs.append(f"截至{period.end_word}，{place}" + "；".join(parts) + f"{mark}。")
    counts = escalation_counts(wh, f, scope)
    section.paragraphs.append(
        f"{period.title}，{place}约谈{counts['interview']}次，下发提醒函{counts['reminder']}件、"
        f"督办函{counts['supervision']}件，问责{counts['accountability']}起，移送有关部门{counts['referral']}件，"
        f"共督办问题{say.count(counts['escalated_cases'], '件')}。"
    )
    if len(high):
        section.tables.append(
            Table(
                "表3　县级及以上督办超期未办结",
                ("督办层级", "县（市、区）", "超期未办结（件）"),
                tuple((r.level, r.unit_name, str(r.cases)) for r in high.itertuples()),
                (30, 40, 30),
            )
        )
    section.notes = notes.take()
    return section
