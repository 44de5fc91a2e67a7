"""小区档案 /community/<community id>: a residential community — its register entry (households,
occupancy, management and its company, owners' committee, fee standard), its cases in the
period (received and rectified per source group, open and overdue at its end) and the list of
them (each opening its trail), its star ratings over the years and the maintenance-fund usages
applied for in it.

A county officer sees the communities of his county; another answers with the app's 'no
permission' page. The period of the filter bar applies. Definitions live in
metrics/community_profile.py.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, dcc, html

from components import profile
from components.charts import bars, empty_figure
from components.i18n import fmt_count, fmt_date, fmt_rate, label
from components.loading import loading
from components.panel import Panels
from components.theme import NO_DATA_COLOR, STAR_COLORS
from metrics import cases, county_profile
from metrics import community_profile as cm
from pages._profile import (
    EntityView,
    company_href,
    county_href,
    list_table,
    opened,
    register_exports,
    register_lists,
    yes_no,
)
from pages._rectification_rows import CASE_COLUMNS, _case_rows
from pages._view import FIGURE, JOBS, TEXT, missing_warehouse, scope, warehouse

dash.register_page(
    __name__,
    path="/community",
    path_template="/community/<code>",
    name="小区档案",
    order=111,
    label_key="community_profile",
)

panels = Panels(__name__, "community", jobs=JOBS)
FORMATS = {"amount": "amount", "approval_days": "count", "score": "count", "workdays": "count"}
COLUMNS = {
    "stars": ["year", "stars", "score", "company_name"],
    "cases": CASE_COLUMNS,  # as the rectification drill-down lists them
    "usages": ["application_id", "purpose", "emergency", "amount", "applied_on", "approved_on", "approval_days"],
}
TITLES = {"stars": "profile_star_history", "cases": "profile_community_cases", "usages": "profile_usages"}


class CommunityView(EntityView):
    pass


# ---------------------------------------------------------------- layout


def layout(code: str | None = None, **params) -> html.Div:
    view = CommunityView.of_path(code, params)
    lang = view.lang
    row, instead = opened(view, cm.access, cm.header)
    if row is None:
        return instead
    county = str(row["county"] or "")
    links = [("county_profile", county_href(county[:6], view.params))] if county_profile.is_county(county[:6]) else []
    sub = " · ".join(str(x) for x in (view.code, row["unit_name"], row["street"]) if isinstance(x, str) and x)
    card = lambda name, **o: panels.card(name, TITLES[name], lang, class_name="h-100 mb-3", **o)  # noqa: E731
    return html.Div(
        [
            dcc.Store(id="community-query", data=view.params),
            profile.title(row["community_name"], lang, "community-title", links, sub),
            html.Div(
                html.Div(
                    [html.H4(label("profile_facts", lang), className="section-title"), _facts(row, view)],
                    className="card-body",
                ),
                className="card mb-3",
            ),
            loading(html.Div(id="community-tiles"), "block"),
            card("cases", tabs=False),
            dbc.Row([dbc.Col(card("stars"), lg=5), dbc.Col(card("usages", tabs=False), lg=7)], className="g-3"),
        ],
        id="community-page",
    )


def _facts(row, view: CommunityView):
    lang = view.lang

    def day(value):
        return fmt_date(pd.Timestamp(value).date()) if pd.notna(value) else None

    company = None
    if isinstance(row["company_code"], str):
        name = row["company_name"] if isinstance(row["company_name"], str) else row["company_code"]
        company = dcc.Link(name, href=company_href(row["company_code"], view.params), id="community-company-link")
    management = row["management_type"]
    if pd.notna(row["managed_since"]):
        management = (
            f"{management}（{day(row['managed_since'])} 起）"
            if lang == "zh"
            else f"{management} (since {day(row['managed_since'])})"
        )
    committee = row["committee"]
    if isinstance(committee, str) and pd.notna(row["committee_formed_on"]):
        committee = f"{committee}（{day(row['committee_formed_on'])}）"
    return profile.facts(
        [
            ("households", fmt_count(row["households"]) if pd.notna(row["households"]) else None),
            ("occupancy_rate", fmt_rate(row["occupancy_rate"]) if pd.notna(row["occupancy_rate"]) else None),
            ("management_type", management),
            ("previous_management_type", row["previous_management_type"]),
            ("company_name", company),
            ("committee", committee),
            ("fee_standard", row["fee_standard"]),
            ("managed_since", day(row["managed_since"])),
        ],
        lang,
        "community-facts",
    )


# ---------------------------------------------------------------- rows and callbacks


def _rows(view: CommunityView, name: str) -> pd.DataFrame:
    wh, viewer = warehouse(), scope()
    if name == "stars":
        return cm.stars(wh, view.code, viewer)
    if name == "usages":
        frame = cm.usages(wh, view.period, view.code, viewer)
        if len(frame):
            frame["emergency"] = yes_no(frame["emergency"], view.lang)
        return frame
    frame = cm.case_list(wh, view.period, view.code, viewer)
    return _case_rows(frame, view.lang) if len(frame) else frame


@missing_warehouse(TEXT)
def community_tiles(params):
    """Cases received per source group in the period and rectified; open and overdue at its end."""
    view = CommunityView.of(params)
    counts = cm.case_counts(warehouse(), view.period, view.code, scope())
    received = sum(counts[f"received_{g}"] for g in cases.GROUPS)
    rectified = sum(counts[f"rectified_{g}"] for g in cases.GROUPS)
    return profile.tiles(
        [
            ("received_sweep", fmt_count(counts["received_sweep"])),
            ("received_leads", fmt_count(counts["received_leads"])),
            ("received_complaints", fmt_count(counts["received_complaints"])),
            ("profile_cases_rectified", f"{fmt_count(rectified)} / {fmt_count(received)}"),
            ("open_cases", fmt_count(counts["open_cases"])),
            ("overdue_cases", fmt_count(counts["overdue_cases"])),
        ],
        view.lang,
        "community-tiles-row",
    )


@missing_warehouse(FIGURE, TEXT)
def community_stars(params):
    """Its star rating by year, coloured by the star scale."""
    view = CommunityView.of(params)
    frame = _rows(view, "stars")
    table_ = list_table("community-stars-grid", frame, COLUMNS["stars"], view.lang, FORMATS)
    if frame.empty:
        return empty_figure(label("no_data", view.lang), 280), table_
    shown = frame.assign(year=frame["year"].astype(str))
    fig = bars(
        shown,
        "year",
        ["stars"],
        view.lang,
        None,
        height=280,
        trace={"marker": {"color": [STAR_COLORS.get(int(s), NO_DATA_COLOR) for s in frame["stars"]]}},
        layout={"yaxis": {"range": [0, 5.5], "dtick": 1}, "xaxis": {"type": "category"}},
    )
    return fig, table_


def _list_table(view: CommunityView, name: str):
    return list_table(f"community-{name}-grid", _rows(view, name), COLUMNS[name], view.lang, FORMATS)


store = Input(panels.store, "data")
panels.callback("community_tiles", Output("community-tiles", "children"), store)(community_tiles)
panels.draw("stars", community_stars)
register_lists(panels, CommunityView, ("cases", "usages"), _list_table)
register_exports(panels, CommunityView, _rows, COLUMNS, TITLES, FORMATS, "community_id")
