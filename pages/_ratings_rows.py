"""The rows of 评价 /ratings (pages/ratings.py), as its tables show them and its exports write
them. Definitions live in metrics/ratings.py and metrics/coverage.py."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from components.i18n import label
from metrics import kpis
from metrics.coverage import MANAGEMENT_COLUMNS, communities_by_unit, companies_by_unit, coverage_timeline
from metrics.filters import Filter
from metrics.ratings import GRADES, credit_by_unit, credit_transitions, flagged_companies, star_by_unit
from metrics.regions import region_names
from pages._view import View, scope

STAR_COLUMNS = [f"stars_{n}" for n in range(1, 6)]


GRADE_COLUMNS = [f"credit_{g.lower()}" for g in GRADES]


MT_COLUMNS = list(MANAGEMENT_COLUMNS)


COMMITTEE_COLUMNS = ["committee_owners", "committee_management", "committee_none"]


UNMATCHED = "未匹配"


# the tables behind the charts: key -> (title label, columns, formats); each has an Excel export
TABLES = {
    "stars": (
        "ratings_stars",
        ["unit_name", "year", *STAR_COLUMNS, "star_rated", "star_high", "star_high_share"],
        {**{c: "count" for c in STAR_COLUMNS + ["star_rated", "star_high"]}, "star_high_share": "rate"},
    ),
    "credit": (
        "ratings_credit",
        ["unit_name", "year", *GRADE_COLUMNS, "credit_rated", "credit_a_share"],
        {**{c: "count" for c in GRADE_COLUMNS + ["credit_rated"]}, "credit_a_share": "rate"},
    ),
    "moves": (
        "ratings_credit_moves",
        ["year_from", "grade_from", "year_to", "grade_to", "movement", "companies"],
        {"companies": "count"},
    ),
    "flagged": (
        "ratings_flagged",
        [
            "company_name",
            "company_code",
            "unit_name",
            "status",
            "exited_on",
            "d_year",
            "latest_grade",
            "latest_grade_year",
        ],
        {},
    ),
    "management": (
        "ratings_management",
        ["management_type", "communities", "share"],
        {"communities": "count", "share": "rate"},
    ),
    "counties": (
        "ratings_management_by_county",
        [
            "unit_name",
            "communities",
            *MT_COLUMNS,
            "with_company",
            "service_coverage",
            *COMMITTEE_COLUMNS,
            "with_committee",
            "committee_coverage",
        ],
        {
            **{c: "count" for c in ["communities", *MT_COLUMNS, "with_company", *COMMITTEE_COLUMNS, "with_committee"]},
            "service_coverage": "rate",
            "committee_coverage": "rate",
        },
    ),
    "trend": (
        "ratings_trend",
        ["day", "communities", "no_service", "with_service", "with_committee"],
        {c: "count" for c in ["communities", "no_service", "with_service", "with_committee"]},
    ),
    "companies": (
        "ratings_companies",
        ["unit_name", "registered", "operating", "exited", "in_market"],
        {c: "count" for c in ["registered", "operating", "exited", "in_market"]},
    ),
}


def _year(year, lang: str) -> str:
    return f"{int(year)}{label('ratings_year_suffix', lang)}"


def _with_names(frame: pd.DataFrame, wh, lang: str) -> pd.DataFrame:
    """Adds `unit_name` (the region's name; 未匹配 for rows naming no known region), unique per unit."""
    names = region_names(wh)
    frame = frame.copy()
    frame["unit_name"] = [label("unmatched", lang) if u == UNMATCHED else names.get(u, u) for u in frame["unit"]]
    dup = frame.drop_duplicates("unit")["unit_name"].duplicated(keep=False)
    if dup.any():  # two units of the same name (城区 of two cities): add the code
        clash = set(frame.drop_duplicates("unit")["unit_name"][dup])
        frame["unit_name"] = [
            f"{n}{_paren(u, lang)}" if n in clash else n
            for n, u in zip(frame["unit_name"], frame["unit"], strict=False)
        ]
    return frame


def _kpi_column(frame: pd.DataFrame, key: str) -> pd.Series:
    """A rate KPI per row, from the catalogue's own numerator and denominator."""
    return kpis.rate_of(key, frame)


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows a grid and a JSON response can carry: dates as ISO text, missing values as None."""
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif out[col].dtype == object:
            out[col] = [v.isoformat() if isinstance(v, dt.date) else v for v in out[col]]
    return out.astype(object).where(out.notna(), None)


def _paren(text: object, lang: str) -> str:
    """A parenthesised aside in the reader's typography: （2024年） or (2024)."""
    return f"（{text}）" if lang == "zh" else f" ({text})"


def _colon(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def _star_rows(frame: pd.DataFrame, wh, lang: str) -> pd.DataFrame:
    rows = _with_names(frame, wh, lang)
    rows["star_high_share"] = _kpi_column(rows, "star_high_share")
    return rows


def _credit_rows(frame: pd.DataFrame, wh, lang: str) -> pd.DataFrame:
    rows = _with_names(frame, wh, lang)
    rows["credit_a_share"] = _kpi_column(rows, "credit_a_share")
    return rows


def _move_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    rows = frame.copy()
    rows["movement"] = [label(f"move_{m}", lang) for m in rows["movement"]]
    return rows


def _flagged_rows(frame: pd.DataFrame, wh, lang: str) -> pd.DataFrame:
    rows = _with_names(frame, wh, lang)
    rows["status"] = [label(f"company_status.{s}", lang) if isinstance(s, str) else None for s in rows["status"]]
    rows["company_name"] = rows["company_name"].where(rows["company_name"].notna(), label("unmatched", lang))
    return rows


def _community_rows(frame: pd.DataFrame, wh, lang: str) -> pd.DataFrame:
    rows = _with_names(frame, wh, lang)
    rows["service_coverage"] = _kpi_column(rows, "service_coverage")
    rows["committee_coverage"] = _kpi_column(rows, "committee_coverage")
    return rows


def _management_rows(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per management type: communities and their share of all communities."""
    total = int(frame["communities"].sum())
    cols = MT_COLUMNS + (["mt_unknown"] if frame["mt_unknown"].sum() else [])
    counts = [int(frame[c].sum()) for c in cols]
    return pd.DataFrame(
        {
            "key": cols,
            "management_type": [label(c, lang) for c in cols],
            "communities": counts,
            "share": [n / total if total else None for n in counts],
        }
    )


def _company_rows(frame: pd.DataFrame, wh, lang: str) -> pd.DataFrame:
    rows = _with_names(frame, wh, lang)
    # the vetted-list flag is not kept everywhere: where no company carries it, say so rather than 0
    rows["in_market"] = rows["in_market"].astype(object).where(rows["market_known"] > 0, None)
    return rows


def _trend_rows(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame.copy()
    rows["day"] = pd.to_datetime(rows["day"]).dt.strftime("%Y-%m-%d")
    return rows


def _table_frame(key: str, wh, f: Filter, lang: str) -> pd.DataFrame:
    viewer = scope()
    if key == "stars":
        return _star_rows(star_by_unit(wh, f, viewer), wh, lang)
    if key == "credit":
        return _credit_rows(credit_by_unit(wh, f, viewer), wh, lang)
    if key == "moves":
        return _move_rows(credit_transitions(wh, f, viewer), lang)
    if key == "flagged":
        return _flagged_rows(flagged_companies(wh, f, viewer), wh, lang)
    if key in ("management", "counties"):
        rows = _community_rows(communities_by_unit(wh, f, viewer), wh, lang)
        return _management_rows(rows, lang) if key == "management" else rows.sort_values("unit")
    if key == "trend":
        return _trend_rows(coverage_timeline(wh, f, viewer))
    if key == "companies":
        return _company_rows(companies_by_unit(wh, f, viewer), wh, lang)
    raise KeyError(key)


def _header_lines(view: View, wh) -> list[str]:
    """The filters as an export's header lines."""
    lang, params, region = view.lang, view.params, view.params.get("region")
    region_text = (
        f"{region_names(wh).get(region, region)}{_paren(region, lang)}" if region else label("all_regions", lang)
    )
    return [
        f"{label('region', lang)}：{region_text}",
        f"{label('from', lang)}：{params.get('from') or '—'}　{label('to', lang)}：{params.get('to') or '—'}",
    ]
