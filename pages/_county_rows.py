"""The rows of 县区概况 /county (pages/county.py) as its tables show them and its exports write
them, and the view of its URL. Definitions live in metrics/county_profile.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from components.i18n import fmt_date, fmt_value, has_label, label
from metrics import county_profile as cp
from metrics.filters import Filter
from metrics.regions import region_names
from pages._profile import dates, yes_no
from pages._view import View, scope, warehouse
from vocab.kpis import BY_KEY

COMMUNITY_COLUMNS = [
    "community_name",
    "street",
    "overdue_cases",
    "open_cases",
    "received_sweep",
    "received_leads",
    "received_complaints",
    "rate_complaints",
]
COMPANY_COLUMNS = ["company_name", "unit_name", "esc_escalations", "esc_overdue_12m", "black_lists", "red_lists"]
OPEN_COLUMNS = [
    "case_id",
    "community_name",
    "category",
    "level",
    "received_on",
    "deadline",
    "days_at_level",
    "esc_overdue",
    "workdays_overdue",
]
ARREARS_COLUMNS = [
    "project",
    "developer",
    "funds_listed_on",
    "arrears_listed",
    "arrears_recovered_to_date",
    "arrears_outstanding",
    "measure",
]
STANDING_COLUMNS = ["kpi_name", "county_value", "standing_rank", "city_median", "city_q1", "city_q3"]
TREND_COLUMNS = ["month", "kpi_name", "county_value", "city_median"]
FORMATS = {
    **{
        c: "count"
        for c in (
            "overdue_cases",
            "open_cases",
            "received_sweep",
            "received_leads",
            "received_complaints",
            "esc_escalations",
            "esc_overdue_12m",
            "black_lists",
            "red_lists",
            "days_at_level",
            "workdays_overdue",
        )
    },
    "rate_complaints": "rate",
    **{c: "amount" for c in ("arrears_listed", "arrears_recovered_to_date", "arrears_outstanding")},
}


@dataclass(frozen=True)
class CountyView(View):
    """The shared filter, whose region is the county (a township-level unit: its county), and the
    arrears list's `developer` or `project`."""

    county: str | None = None
    developer: str | None = None
    project: str | None = None

    path = "/county"

    @classmethod
    def read(cls, params: dict, f: Filter) -> dict:
        region = f.region or ""
        county = region[:6] if cp.is_county(region[:6]) else None
        return {
            "county": county,
            "developer": str(params.get("developer") or "").strip()[:100] or None,
            "project": str(params.get("project") or "").strip()[:64] or None,
        }

    @property
    def period(self) -> Filter:
        """The viewer's period over the county (and its township-level units)."""
        return Filter(region=self.county, start=self.f.start, end=self.f.end)


class Rows(NamedTuple):
    frame: pd.DataFrame
    columns: list[str]
    title: str  # a label key
    total: int | None = None


def county_name(view: CountyView) -> str:
    return region_names(warehouse()).get(view.county, view.county or "")


def text_rows(frame: pd.DataFrame, columns: list[str], lang: str) -> pd.DataFrame:
    """A KPI per row: its name, and the figures of `columns` as text in the KPI's own unit."""

    def shown(key, value):
        known = value is not None and value == value
        return fmt_value(BY_KEY[key].kind, value, lang) if known else label("no_value", lang)

    out = frame.copy()
    out["kpi_name"] = [label(k, lang) for k in out["kpi"]]
    for c in columns:
        out[c] = [shown(k, v) for k, v in zip(out["kpi"], out[c], strict=True)]
    return out


def standing_rows(view: CountyView) -> Rows:
    """The standing as the screen shows it (numbers in each KPI's unit), for the export."""
    place = cp.standing(warehouse(), view.period, view.county, scope())
    frame = place.rename(columns={"value": "county_value", "median": "city_median", "q1": "city_q1", "q3": "city_q3"})
    frame["standing_rank"] = [
        f"{int(r)} / {int(n)}" if r is not None and r == r else label("no_value", view.lang)
        for r, n in zip(frame["rank"], frame["ranked"], strict=True)
    ]
    return Rows(
        text_rows(frame, ["county_value", "city_median", "city_q1", "city_q3"], view.lang),
        STANDING_COLUMNS,
        "profile_standing",
    )


def standing_place(view: CountyView) -> pd.DataFrame:
    """The standing as numbers (components.profile.standing_table formats them)."""
    return cp.standing(warehouse(), view.period, view.county, scope())


def trend_rows(view: CountyView) -> Rows:
    frame = cp.trend(warehouse(), view.period, view.county, scope())
    frame = frame.rename(columns={"value": "county_value", "median": "city_median"})
    frame["kpi_name"] = [label(k, view.lang) for k in frame["kpi"]]
    return Rows(frame, TREND_COLUMNS, "profile_trend")


def community_rows(view: CountyView) -> Rows:
    frame = cp.worst_communities(warehouse(), view.period, view.county, scope())
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    return Rows(frame, COMMUNITY_COLUMNS, "profile_worst_communities", total)


def company_rows(view: CountyView) -> Rows:
    frame = cp.worst_companies(warehouse(), view.period, view.county, scope())
    frame = frame.rename(columns={"escalations": "esc_escalations", "overdue_cases": "esc_overdue_12m"})
    if len(frame):
        frame["company_name"] = frame["company_name"].fillna(label("unmatched", view.lang))
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    return Rows(frame, COMPANY_COLUMNS, "profile_worst_companies", total)


def open_rows(view: CountyView) -> Rows:
    frame = cp.open_cases(warehouse(), view.period, view.county, scope())
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    if len(frame):
        frame["esc_overdue"] = yes_no(frame["overdue"], view.lang)
        for col in ("received_on", "deadline"):
            frame[col] = dates(frame[col])
        frame["level"] = [label(f"level.{v}", view.lang) if has_label(f"level.{v}") else v for v in frame["level"]]
    return Rows(frame, OPEN_COLUMNS, "profile_open_cases", total)


def arrears_rows(view: CountyView) -> Rows:
    frame, total = cp.arrears_projects(
        warehouse(), view.period, view.county, scope(), developer=view.developer, project=view.project
    )
    frame = frame.rename(columns={"listed_on": "funds_listed_on"})  # 建账日期, as on the funds page
    return Rows(frame, ARREARS_COLUMNS, "profile_arrears", total)


def header_lines(view: CountyView) -> list[str]:
    lang = view.lang
    return [
        f"{label('region', lang)}：{county_name(view)}",
        f"{label('from', lang)}：{fmt_date(view.f.start)}　{label('to', lang)}：{fmt_date(view.f.end)}",
    ]


TABLES = {
    "standing": standing_rows,
    "trend": trend_rows,
    "communities": community_rows,
    "companies": company_rows,
    "open": open_rows,
    "arrears": arrears_rows,
}
