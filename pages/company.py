"""企业档案 /company/<credit code>: a property company — who it is, its cases in the period
(received, rectified; open and overdue now), its credit grades and its projects' stars over
the years, its 红榜/黑榜 entries, its refunds of illegal fees, its open cases (each opening its
trail) and the communities it serves (each opening its profile).

A county officer sees a company registered in his county or with a case or list entry there,
and of it only what lies in his county; another company answers with the app's 'no
permission' page. The period of the filter bar applies (the region does not: a company's
record is its own). Definitions live in metrics/company_profile.py.
"""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, dcc, html

from components import profile, query
from components.charts import bars, empty_figure
from components.i18n import fmt_count, fmt_date, label
from components.loading import loading
from components.panel import Panels
from components.theme import GRADE_COLORS, NO_DATA_COLOR, STAR_COLORS, merge
from metrics import company_profile as co
from metrics import county_profile as cp
from pages._profile import EntityView, county_href, dates, list_table, opened, register_exports, register_lists, yes_no
from pages._view import FIGURE, JOBS, TEXT, missing_warehouse, scope, warehouse

dash.register_page(
    __name__, path="/company", path_template="/company/<code>", name="企业档案", order=110, label_key="company_profile"
)

panels = Panels(__name__, "company", jobs=JOBS)
FORMATS = {
    "refund_amount": "amount",
    "refund_households": "count",
    "households": "count",
    "days_at_level": "count",
    "workdays_overdue": "count",
}
COLUMNS = {
    "credit": ["year", "grade", "score", "qualification", "performance", "reputation", "conduct"],
    "stars": ["year", *[f"stars_{n}" for n in range(1, 6)], "star_rated", "star_high"],
    "lists": ["listed_on", "list", "unit_name", "reason"],
    "refunds": ["refunded_on", "unit_name", "kind", "refund_amount", "refund_households"],
    "open": ["case_id", "community_name", "category", "level", "received_on", "days_at_level", "esc_overdue"],
    "communities": [
        "community_name",
        "unit_name",
        "street",
        "households",
        "management_type",
        "profile_star_year",
        "stars",
    ],
}
TITLES = {
    "credit": "profile_credit",
    "stars": "profile_stars",
    "lists": "profile_lists",
    "refunds": "profile_refunds",
    "open": "profile_company_open",
    "communities": "profile_communities",
}


class CompanyView(EntityView):
    upper = True  # credit codes are written in capitals


# ---------------------------------------------------------------- layout


def layout(code: str | None = None, **params) -> html.Div:
    view = CompanyView.of_path(code, params)
    lang = view.lang
    row, instead = opened(view, co.access, co.header)
    if row is None:
        return instead
    known = isinstance(row["company_name"], str)
    sub = " · ".join(
        str(x)
        for x in (
            view.code,
            row["unit_name"] if known else label("profile_unknown_company", lang),
            row["company_status"] if known else None,
            label("in_market_list", lang) if known and row["in_market_list"] is True else None,
            f"{label('exited_on', lang)} {fmt_date(row['exited_on'])}"
            if known and pd.notna(row["exited_on"])
            else None,
        )
        if x
    )
    links = [("profile_esc_link", "/escalations" + _esc_query(view))]
    if known and cp.is_county(str(row["county"] or "")[:6]):
        links.append(("county_profile", county_href(str(row["county"])[:6], view.params)))
    card = lambda name, **o: panels.card(name, TITLES[name], lang, class_name="h-100", **o)  # noqa: E731
    return html.Div(
        [
            dcc.Store(id="company-query", data=view.params),
            profile.title(row["company_name"] if known else view.code, lang, "company-title", links, sub),
            loading(html.Div(id="company-tiles"), "cards"),
            dbc.Row([dbc.Col(card("credit"), lg=6), dbc.Col(card("stars"), lg=6)], className="g-3 mb-3"),
            dbc.Row(
                [dbc.Col(card("lists", tabs=False), lg=6), dbc.Col(card("refunds", tabs=False), lg=6)],
                className="g-3 mb-3",
            ),
            html.Div(card("open", tabs=False), className="mb-3"),
            html.Div(card("communities", tabs=False), className="mb-4"),
        ],
        id="company-page",
    )


def _esc_query(view: CompanyView) -> str:
    """The shared filter and the company: the 督办 page's lists of its cases."""
    return query.build({**{k: v for k, v in view.params.items() if k in query.SHARED}, "company": view.code})


# ---------------------------------------------------------------- rows


def _rows(view: CompanyView, name: str) -> pd.DataFrame:
    wh, viewer, lang = warehouse(), scope(), view.lang
    if name == "credit":
        return co.credit(wh, view.code, viewer)
    if name == "stars":
        return co.stars(wh, view.code, viewer)
    if name == "lists":
        return co.lists(wh, view.code, viewer)
    if name == "refunds":
        return co.refunds(wh, view.period, view.code, viewer)
    if name == "communities":
        return co.communities(wh, view.code, viewer).rename(columns={"star_year": "profile_star_year"})
    frame = co.open_cases(wh, view.period, view.code, viewer)
    if len(frame):
        frame["esc_overdue"] = yes_no(frame["overdue"], lang)
        frame["received_on"] = dates(frame["received_on"])
    return frame


def _total(view: CompanyView, name: str, frame: pd.DataFrame) -> int | None:
    return int(frame["total"].iloc[0]) if name == "open" and len(frame) else None


# ---------------------------------------------------------------- callbacks


@missing_warehouse(TEXT)
def company_tiles(params):
    """Cases received, rectified, open and overdue; the latest credit grade; communities served."""
    view = CompanyView.of(params)
    wh, viewer, lang = warehouse(), scope(), view.lang
    counts = co.case_counts(wh, view.period, view.code, viewer)
    credit = co.credit(wh, view.code, viewer)
    head = co.header(wh, view.code, viewer)
    grade = f"{credit['grade'].iloc[-1]}（{int(credit['year'].iloc[-1])}）" if len(credit) else label("no_value", lang)
    served = int(head["communities_served"].iloc[0]) if len(head) else 0
    return profile.tiles(
        [
            ("profile_cases_received", fmt_count(counts["received"])),
            ("profile_cases_rectified", fmt_count(counts["rectified"])),
            ("open_cases", fmt_count(counts["open_cases"])),
            ("overdue_cases", fmt_count(counts["overdue_cases"])),
            ("profile_latest_grade", grade),
            ("profile_communities_served", fmt_count(served)),
        ],
        lang,
        "company-tiles-row",
    )


YEARS = {"xaxis": {"type": "category"}}  # years as written, not 2023.5


def _credit_figure(frame: pd.DataFrame, lang: str):
    """Its credit score by year, each bar labelled and coloured with its grade."""
    shown = frame.assign(year=frame["year"].astype(str), score=frame["score"].astype(float))
    return bars(
        shown,
        "year",
        ["score"],
        lang,
        None,  # the card's title says what it is
        height=300,
        trace={
            "text": [f"{g} · {s:g}" for g, s in zip(frame["grade"], shown["score"], strict=True)],
            "textposition": "outside",
            "marker": {"color": [GRADE_COLORS.get(g, NO_DATA_COLOR) for g in frame["grade"]]},
        },
        layout=YEARS,
    )


def _stars_figure(frame: pd.DataFrame, lang: str):
    """Its projects' star ratings by year, stacked by star level (5星 at the bottom, darkest)."""
    shown = frame.assign(year=frame["year"].astype(str))
    levels = [f"stars_{n}" for n in range(5, 0, -1)]
    colors = {f"stars_{n}": STAR_COLORS[n] for n in range(1, 6)}
    layout = merge(YEARS, {"yaxis": {"dtick": 1}}) if frame["star_rated"].max() <= 10 else YEARS
    return bars(shown, "year", levels, lang, None, barmode="stack", height=300, colors=colors, layout=layout)


def _chart(name: str, draw):
    @missing_warehouse(FIGURE, TEXT)
    def chart(params):
        view = CompanyView.of(params)
        frame = _rows(view, name)
        if frame.empty:
            figure = empty_figure(label("no_data", view.lang), 300)
        else:
            figure = draw(frame, view.lang)
        return figure, _table(view, name, frame)

    chart.__doc__ = draw.__doc__
    return chart


def _table(view: CompanyView, name: str, frame: pd.DataFrame):
    return list_table(f"company-{name}-grid", frame, COLUMNS[name], view.lang, FORMATS, _total(view, name, frame))


def _list_table(view: CompanyView, name: str):
    return _table(view, name, _rows(view, name))


store = Input(panels.store, "data")
panels.callback("company_tiles", Output("company-tiles", "children"), store)(company_tiles)
company_credit = panels.draw("credit", _chart("credit", _credit_figure))
company_stars = panels.draw("stars", _chart("stars", _stars_figure))
register_lists(panels, CompanyView, ("lists", "refunds", "open", "communities"), _list_table)
register_exports(panels, CompanyView, _rows, COLUMNS, TITLES, FORMATS, "company_code")


# ---------------------------------------------------------------- exports (file company-<name>.xlsx)
