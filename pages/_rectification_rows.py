"""The rows of 整改进度 /rectification (pages/rectification.py), as its tables show them and its
exports write them, and the view of its URL. Definitions live in metrics/cases.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from components.i18n import fmt_date, has_label, label
from metrics import cases
from metrics.filters import Filter
from metrics.regions import region_names
from pages._profile import case_href
from pages._view import View, scope, warehouse

GROUP_COUNTS = [f"{k}_{g}" for g in cases.GROUPS for k in ("received", "rectified", "rate")]


UNIT_COLUMNS = ["unit_name", *GROUP_COUNTS, "open_cases", "overdue_cases"]


COMMUNITY_COLUMNS = ["community_name", "street", *GROUP_COUNTS, "open_cases", "overdue_cases"]


CASE_COLUMNS = [
    "case_id",
    "received_on",
    "source",
    "category",
    "status_at_end",
    "closed_on",
    "deadline",
    "workdays",
    "rect_overdue",
    "level",
    "street",
    "description",
]  # never reporter_phone: a leadership page


COUNTY_COLUMNS = [
    "unit_name",
    "received_main",
    "rectified_main",
    "rectification_rate",
    "received_complaints",
    "rectified_complaints",
    "complaint_close_rate",
]


SUMMARY_COLUMNS = ["case_group", "received", "rectified", "rect_rate"]


CUMULATIVE_COLUMNS = ["rect_day", "received", "rectified", "cumulative_received", "cumulative_rectified"]


BREAKDOWN_COLUMNS = ["rect_dimension", "rect_value", "received", "rectified", "rect_rate"]


AGEING_COLUMNS = ["rect_age_bucket", "open_cases", "rect_within_deadline", "overdue_cases", "rect_no_deadline"]


FORMATS = {
    c: "rate" for c in ("rect_rate", "rectification_rate", "complaint_close_rate", *[f"rate_{g}" for g in cases.GROUPS])
}

FORMATS.update(
    {
        c: "count"
        for c in (
            "received",
            "rectified",
            "cumulative_received",
            "cumulative_rectified",
            "open_cases",
            "overdue_cases",
            "rect_within_deadline",
            "rect_no_deadline",
            "workdays",
            "received_main",
            "rectified_main",
            *[f"{k}_{g}" for g in cases.GROUPS for k in ("received", "rectified")],
        )
    }
)

GROUP_KPI = {"sweep": "rectification_rate", "leads": "rectification_rate", "complaints": "complaint_close_rate"}


DIMENSION_TITLES = {
    "status": "rect_by_status",
    "source": "rect_by_source",
    "category": "rect_by_category",
    "level": "rect_by_level",
}


@dataclass(frozen=True)
class RectificationView(View):
    """The shared filter and this page's own: `group`, `unit` (a reporting unit's code), `community`."""

    group: str | None = None
    unit: str | None = None
    community: str | None = None

    path = "/rectification"

    @classmethod
    def read(cls, params: dict, f: Filter) -> dict:
        group = params.get("group") if params.get("group") in cases.GROUPS else None
        unit = str(params.get("unit") or "")
        unit = unit if unit.isdigit() and len(unit) in (6, 9) and cases.unit_in_region(unit, f) else None
        community = str(params.get("community") or "")[:64] or None
        return {"group": group, "unit": unit, "community": community if unit else None}


class Rows(NamedTuple):
    """The rows behind a chart, as a table shows them and an export writes them."""

    frame: pd.DataFrame
    columns: list[str]
    title: str  # a label key
    total: dict | None = None
    notes: tuple[str, ...] = ()  # more header lines for the export
    at: dt.date | None = None  # the stock date, for stock figures
    export_columns: list[str] | None = None  # when the export says more than the screen


def _names(dimension: str, values: pd.Series, lang: str) -> pd.Series:
    """Enumerated values (状态, 来源, 类别, 层级) in the reader's language; unknown values as written."""
    names = {
        v: label(f"{dimension}.{v}", lang) if has_label(f"{dimension}.{v}") else v for v in values.dropna().unique()
    }
    return values.map(names)


def _case_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A case list for the screen and the export: names for codes, dates as text, 是/否."""
    out = frame.copy()
    for col in ("source", "category", "level"):
        out[col] = _names(col, out[col], lang)
    out["status_at_end"] = _names("status", out["status_at_end"], lang)
    out["community_name"] = out["community_name"].fillna(label("unmatched", lang))
    for col in ("received_on", "deadline", "closed_on"):
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
    out["rect_overdue"] = out["overdue"].map({True: label("rect_yes", lang), False: label("rect_no", lang)})
    return out.astype(object).where(out.notna(), None)


def _summary_rows(view: RectificationView) -> Rows:
    frame = cases.group_summary(cases.unit_table(warehouse(), view.f, scope()))
    frame = frame.rename(columns={"rate": "rect_rate"})
    frame["case_group"] = [label(g, view.lang) for g in frame["case_group"]]
    return Rows(frame, SUMMARY_COLUMNS, "rect_summary")


def _county_rows(view: RectificationView) -> Rows:
    units = cases.unit_table(warehouse(), view.f, scope())
    return Rows(units, COUNTY_COLUMNS, "rect_county_rates", _total(units, "unit_name", view.lang))


def _cumulative_rows(view: RectificationView) -> Rows:
    frame = cases.cumulative(warehouse(), view.f, scope(), view.group).rename(columns={"day": "rect_day"})
    return Rows(frame, CUMULATIVE_COLUMNS, "rect_cumulative")


def _breakdown_rows(view: RectificationView, dimensions: tuple[str, ...] = cases.DIMENSIONS) -> Rows:
    frame = cases.breakdowns(warehouse(), view.f, scope(), view.group, dimensions)
    frame["rect_value"] = frame["value"]
    for dim in dimensions:
        rows = frame["dimension"] == dim
        frame.loc[rows, "rect_value"] = _names(dim, frame.loc[rows, "value"], view.lang)
    frame["rect_dimension"] = frame["dimension"].map({d: label(t, view.lang) for d, t in DIMENSION_TITLES.items()})
    return Rows(frame.rename(columns={"rate": "rect_rate"}), BREAKDOWN_COLUMNS, "rect_breakdowns")


def _bucket_names(frame: pd.DataFrame, lang: str) -> list[str]:
    names = []
    for b in frame["bucket"]:
        if b < 0:
            names.append(label("rect_age_unknown", lang))
            continue
        lo, hi = cases.AGE_BUCKETS[b]
        names.append(f"≤{hi}" if lo == 0 else f"{lo}–{hi}" if hi is not None else f"≥{lo}")
    return names


def _ageing_rows(view: RectificationView) -> Rows:
    frame, at = cases.ageing(warehouse(), view.f, scope(), view.group)
    frame["rect_age_bucket"] = _bucket_names(frame, view.lang)
    frame = frame.rename(columns={"within_deadline": "rect_within_deadline", "no_deadline": "rect_no_deadline"})
    total = {**{c: int(frame[c].sum()) for c in AGEING_COLUMNS[1:]}, "rect_age_bucket": label("rect_total", view.lang)}
    return Rows(frame, AGEING_COLUMNS, "rect_ageing", total, (f"{label('data_as_of', view.lang)}：{fmt_date(at)}",), at)


def _drill_rows(view: RectificationView) -> Rows:
    """The drill-down level the URL asks for (rows carry `drill_key`: what a click opens)."""
    wh, viewer, lang = warehouse(), scope(), view.lang
    if view.unit and view.community:
        frame = _case_rows(cases.case_list(wh, view.f, viewer, view.unit, view.community, view.group), lang)
        frame["drill_key"] = "case:" + frame["case_id"].astype(str)
        frame["case_href"] = [case_href(c) for c in frame["case_id"].astype(str)]  # its trail on 督办
        return Rows(frame, CASE_COLUMNS, "rect_cases", None, _drill_notes(view))
    if view.unit:
        frame = cases.community_table(wh, view.f, viewer, view.unit)
        # a community the warehouse does not know: 未匹配, with the ID the ledger wrote
        unmatched = label("unmatched", lang)
        frame["community_name"] = frame["community_name"].fillna(
            _with_id(unmatched, frame["community_id"].fillna("—"), lang)
        )
        frame["drill_key"] = "community:" + frame["key"]
        return Rows(
            frame,
            COMMUNITY_COLUMNS,
            "community_name",
            _total(frame, "community_name", lang),
            _drill_notes(view),
            export_columns=["community_name", "community_id", *COMMUNITY_COLUMNS[1:]],
        )
    frame = cases.unit_table(wh, view.f, viewer)
    frame["drill_key"] = "unit:" + frame["unit"]
    return Rows(frame, UNIT_COLUMNS, "rect_drilldown", _total(frame, "unit_name", lang))


def _drill_notes(view: RectificationView) -> tuple[str, ...]:
    notes = [f"{label('unit_name', view.lang)}：{_unit_name(view.unit)}"]
    if view.community:
        notes.append(f"{label('community_id', view.lang)}：{view.community}")
    return tuple(notes)


def _unit_name(unit: str | None) -> str:
    return region_names(warehouse()).get(unit, unit) if unit else ""


def _total(frame: pd.DataFrame, name_column: str, lang: str) -> dict | None:
    return {**cases.totals(frame), name_column: label("rect_total", lang)} if len(frame) else None


def _header_lines(view: RectificationView, notes: tuple[str, ...] = ()) -> list[str]:
    lang = view.lang
    region = _unit_name(view.f.region) if view.f.region else label("all_regions", lang)
    return [
        f"{label('region', lang)}：{region}",
        f"{label('from', lang)}：{fmt_date(view.f.start)}　{label('to', lang)}：{fmt_date(view.f.end)}",
        f"{label('case_group', lang)}：{label(view.group or 'group_all', lang)}",
        *notes,
    ]


TABLES = {
    "summary": _summary_rows,
    "county": _county_rows,
    "cumulative": _cumulative_rows,
    "breakdowns": _breakdown_rows,
    "ageing": _ageing_rows,
    "drill": _drill_rows,
}


def _community_name(view: RectificationView, frame: pd.DataFrame, lang: str) -> str:
    if view.community == cases.NO_COMMUNITY:
        return label("unmatched", lang)
    if frame.empty:
        return view.community
    name = frame["community_name"].iloc[0]
    return _with_id(name, view.community, lang) if name == label("unmatched", lang) else name


def _with_id(name, community_id, lang: str):
    """未匹配（XQ…） / Unmatched (XQ…): a name with the ID the ledger wrote."""
    return name + "（" + community_id + "）" if lang == "zh" else name + " (" + community_id + ")"
