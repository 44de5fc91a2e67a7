"""三级调处 on 督办 /escalations (pages/_escalations_layout.py lays it out): where disputes are settled
— 社区, 乡镇(街道), the county's centre — by county, with 矛盾不上交率; per level the cases settled
and the working days spent there; the rate month by month. Definitions in metrics/mediation.py."""

from __future__ import annotations

from dataclasses import replace

import dash_bootstrap_components as dbc
from dash import Input, Output, html
from dash.exceptions import PreventUpdate

from components.charts import empty_figure
from components.i18n import label
from components.loading import graph_not_drawn, loading, not_drawn, not_seen
from components.panel import Panels, Sheet, Size, table
from components.trend import named_lines
from metrics import kpis, mediation
from pages._rates_panel import TABLE, UnitRates, header_lines, register, section
from pages._view import FIGURE, TEXT, View, missing_warehouse, scope, warehouse

# registered as 督办's own: the guard lets a viewer call them when he may open 督办
panels = Panels("pages.escalations", "escalations")

MEDIATION = UnitRates(
    "mediation-unit",
    mediation.by_unit,
    ("settled_below_county_rate",),
    (
        "settled",
        "settled_community",
        "settled_street",
        "settled_county",
        "settled_city",
        "settled_below_county",
    ),
)
SEEN = "escalations-mediation-seen"  # the section is drawn when it comes near the screen
draw, export = register(panels, MEDIATION, seen=SEEN)
LEVEL_COLUMNS = ["level_name", "settled", "share", "stays", "avg_workdays"]
LEVEL_FORMATS = {"settled": "count", "share": "rate", "stays": "count"}


def mediation_section(lang: str):
    """The section's layout: the panel by county; per level and by month beside it."""
    side = dbc.Card(
        dbc.CardBody(
            [
                panels.header("mediation-level", "mediation-level", lang),
                loading(html.Div(not_drawn(lang), id="escalations-mediation-level-table"), "table"),
                html.H5(label("mediation-month", lang), className="mt-3 small fw-semibold"),
                loading(graph_not_drawn("escalations-mediation-month", lang, 260), "chart"),
            ]
        ),
        className="h-100",
    )
    return section(panels, MEDIATION, "mediation_section", "mediation_note", lang, side=side, seen=SEEN)


def level_rows(view: View):
    frame = mediation.by_level(warehouse(), view.f, scope())
    return frame.assign(
        level_name=[label(f"level.{lv}", view.lang) for lv in frame["level"]],
        avg_workdays=frame["avg_workdays"].round(1),
    )


@panels.callback(
    "escalations_mediation_levels",
    Output("escalations-mediation-level-table", "children"),
    Output("escalations-mediation-month", "figure"),
    Input(panels.store, "data"),
    Input(SEEN, "data"),
    prevent_initial_call=True,  # nothing asked before the section is seen
)
@missing_warehouse(TEXT, FIGURE)
def mediation_levels(params, seen=True):
    """Per level: settled there, its share, working days there; the rate month by month (once the
    section has come near the screen)."""
    if not_seen(seen):
        raise PreventUpdate
    view = View.of(params)
    levels = level_rows(view)
    how = replace(TABLE, formats=LEVEL_FORMATS, widths={"level_name": 110})
    grid = table("escalations-mediation-level-grid", levels, LEVEL_COLUMNS, view.lang, how, Size(150, 240, 320))
    months = mediation.by_month(warehouse(), view.f, scope())
    if months.empty:
        return grid, empty_figure(label("no_data", view.lang), 260)
    rate = kpis.rate_of("settled_below_county_rate", months)
    name = label("settled_below_county_rate", view.lang)
    return grid, named_lines([f"{m:%Y-%m}" for m in months["month"]], [(name, list(rate))], ".0%", height=260)


def level_sheet(params) -> Sheet:
    view = View.of(params)
    title = label("mediation-level", view.lang)
    return Sheet(level_rows(view), LEVEL_COLUMNS, view.lang, title, header_lines(view), LEVEL_FORMATS)


export_levels = panels.export("mediation-level", level_sheet)
