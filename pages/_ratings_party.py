"""党建引领 on 评价 /ratings (pages/ratings.py lays it out): red owners' committees, party members on
the committees, party organisations in companies, by county, and the red committees' coverage month
by month. Definitions in metrics/party.py; the KPIs are the catalogue's."""

from __future__ import annotations

from dash import Input, Output, dcc

from components.charts import empty_figure
from components.i18n import label
from components.panel import Panels
from components.theme import GRAPH_CONFIG
from components.trend import named_lines
from metrics import kpis, party
from metrics.regions import region_names
from pages._rates_panel import UnitRates, chart_card, register, section
from pages._view import FIGURE, View, missing_warehouse, scope, warehouse

# registered as 评价's own: the guard lets a viewer call them when he may open 评价
panels = Panels("pages.ratings", "ratings")

PARTY = UnitRates(
    "party-unit",
    party.party_by_unit,
    ("red_committee_coverage", "committee_party_share", "company_party_coverage"),
    party.COUNTS,
)
draw, export = register(panels, PARTY)


def party_section(lang: str):
    """The section's layout: the panel by county, the coverage over time beside it."""
    trend = chart_card("party-trend", dcc.Graph(id="ratings-party-trend", config=GRAPH_CONFIG), lang)
    return section(panels, PARTY, "party_section", "party_note", lang, side=trend)


@panels.callback("ratings_party_trend", Output("ratings-party-trend", "figure"), Input(panels.store, "data"))
@missing_warehouse(FIGURE)
def party_trend(params):
    """Red committees over communities at each month's end, one line per county (the KPI's rate)."""
    view = View.of(params)
    wh = warehouse()
    months = party.red_committees_by_month(wh, view.f, scope())
    if months.empty:
        return empty_figure(label("no_data", view.lang), 360)
    months["rate"] = kpis.rate_of("red_committee_coverage", months)
    names = region_names(wh)
    wide = months.pivot(index="month", columns="unit", values="rate")
    series = [(names.get(u, u), list(wide[u])) for u in wide.columns]
    return named_lines([f"{m:%Y-%m}" for m in wide.index], series, yformat=".0%")
