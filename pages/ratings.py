"""评价 /ratings: star ratings of service projects, credit grades of companies and how they move,
companies graded D or exited, how communities are managed (coverage, 无物业 over time, owners'
committees), and the register of property companies with the vetted list (物业超市).

Every chart has the table of the rows behind it, exportable to Excel; a click on a county's bar
filters to that county.
"""

from __future__ import annotations

import datetime as dt

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components import query
from components.cards import kpi_card
from components.charts import GRAPH_CONFIG, bars, donut, empty_figure, heatmap, lines
from components.i18n import fmt_count, fmt_date, fmt_rate, label, lang_of
from components.tables import export_controls, grid, to_excel
from metrics import kpis, published
from metrics.access import current_scope, warehouse
from metrics.coverage import MANAGEMENT_COLUMNS, communities_by_unit, companies_by_unit, coverage_timeline, stock_date
from metrics.db import WarehouseMissing
from metrics.filters import Filter
from metrics.ratings import GRADES, credit_by_unit, credit_transitions, flagged_companies, star_by_unit
from metrics.regions import region_names

dash.register_page(__name__, path="/ratings", name="评价", order=30, label_key="ratings")

CARD_KPIS = ["service_coverage", "committee_coverage", "star_high_share", "credit_a_share"]
STAR_COLUMNS = [f"stars_{n}" for n in range(1, 6)]
GRADE_COLUMNS = [f"credit_{g.lower()}" for g in GRADES]
MT_COLUMNS = list(MANAGEMENT_COLUMNS)
COMMITTEE_COLUMNS = ["committee_owners", "committee_management", "committee_none"]
CLICKABLE = [
    "ratings-stars-county",
    "ratings-management-county",
    "ratings-committee-county",
    "ratings-companies-county",
]
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


# ---------------------------------------------------------------- layout


def _graph(graph_id: str, md: int = 6) -> dbc.Col:
    return dbc.Col(dcc.Loading(dcc.Graph(id=graph_id, config=GRAPH_CONFIG), type="dot"), md=md, className="mb-2")


def _table(key: str, lang: str) -> html.Div:
    return html.Div(
        [export_controls(f"ratings-{key}", lang), dcc.Loading(html.Div(id=f"ratings-{key}-table"), type="dot")],
        className="mb-3",
    )


def _stats(stats_id: str) -> dcc.Loading:
    return dcc.Loading(dbc.Row(id=stats_id, className="g-2 mb-2"), type="dot")


def _hint(lang: str) -> html.Div:
    return html.Div(label("ratings_click_hint", lang), className="text-muted small mb-1")


def layout(**params) -> html.Div:
    lang = lang_of(params.get("lang"))
    title = lambda key: html.H4(label(key, lang), className="section-title")  # noqa: E731
    return html.Div(
        [
            dcc.Store(id="ratings-query", data={k: v for k, v in params.items() if isinstance(v, str)}),
            title("kpis"),
            dcc.Loading(dbc.Row(id="ratings-cards", className="g-2 mb-3"), type="dot"),
            # star ratings of service projects
            title("ratings_stars"),
            _stats("ratings-stars-stats"),
            _hint(lang),
            dbc.Row([_graph("ratings-stars-county", 7), _graph("ratings-stars-year", 5)]),
            _table("stars", lang),
            # credit ratings of companies
            title("ratings_credit"),
            _stats("ratings-credit-stats"),
            dbc.Row([_graph("ratings-credit-year"), _graph("ratings-credit-moves")]),
            dbc.Row([dbc.Col(_table("credit", lang), lg=7), dbc.Col(_table("moves", lang), lg=5)]),
            html.H5([label("ratings_flagged", lang), html.Span(id="ratings-flagged-count")], className="mt-2"),
            html.Div(label("ratings_flagged_note", lang), className="text-muted small"),
            _table("flagged", lang),
            # communities: management type, coverage, owners' committees
            title("ratings_communities"),
            _stats("ratings-communities-stats"),
            dbc.Row([_graph("ratings-management", 5), dbc.Col(_table("management", lang), md=7)]),
            _hint(lang),
            dbc.Row([_graph("ratings-management-county"), _graph("ratings-committee-county")]),
            _table("counties", lang),
            # 无物业 and committees over time
            title("ratings_trend"),
            _stats("ratings-trend-stats"),
            dbc.Row([_graph("ratings-no-service"), _graph("ratings-committee-trend")]),
            _table("trend", lang),
            # the register of companies
            title("ratings_companies"),
            _stats("ratings-companies-stats"),
            _hint(lang),
            dbc.Row([_graph("ratings-companies-county"), dbc.Col(_table("companies", lang), md=6)]),
        ],
        id="ratings-page",
    )


# ---------------------------------------------------------------- helpers


def _filter(params: dict) -> Filter:
    return Filter.from_query(params.get("region"), params.get("from"), params.get("to"))


def _stat(stat_id: str, title: str, value: str, parts: str = "") -> dbc.Col:
    body = [html.Div(title, className="kpi-title"), html.Div(value, className="kpi-value")]
    if parts:
        body.append(html.Div(parts, className="kpi-parts"))
    return dbc.Col(
        html.Div(dbc.Card(dbc.CardBody(body), className="kpi-card kpi-none"), id=stat_id, className="h-100"),
        xs=6,
        md=4,
        xl=3,
    )


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


def _moves_title(y0: int, y1: int, lang: str) -> str:
    return f"{label('ratings_credit_moves', lang)} {y0}→{y1}{_paren(label('ratings_both_years', lang), lang)}"


def _grid(key: str, frame: pd.DataFrame, lang: str):
    if frame.empty:
        return html.P(label("no_data", lang), className="text-muted")
    _title, columns, formats = TABLES[key]
    table = grid(
        f"ratings-{key}-grid",
        _clean(frame),
        columns,
        lang,
        formats=formats,
        height=min(max(130 + 42 * len(frame), 220), 440),
    )
    wide = len(columns) > 9  # many columns: let them keep a readable width and scroll sideways
    for d in table.columnDefs:
        if d["field"] == "unit_name":
            d.update(minWidth=130, pinned="left" if wide else None)
        elif d["field"] == "management_type":
            d["minWidth"] = 230
        elif wide:
            d["minWidth"] = 120
    return table


def _empty(lang: str, missing: bool = False, height: int = 220):
    return empty_figure(label("no_warehouse" if missing else "no_data", lang), height)


def _missing_text(lang: str):
    return html.P(label("no_warehouse", lang), className="text-muted")


def _county_bars(frame: pd.DataFrame, ys: list[str], lang: str, title: str, barmode: str = "stack"):
    """Horizontal bars per county, in code order from the top (customdata: the unit code, so a click
    filters); series with nothing in them are left out."""
    ys = [y for y in ys if frame[y].sum() > 0] or ys[:1]
    data = frame.assign(click=[u if u != UNMATCHED else "" for u in frame["unit"]])
    fig = bars(
        data,
        "unit_name",
        ys,
        lang,
        title=title,
        customdata="click",
        barmode=barmode,
        orientation="h",
        height=max(320, 130 + 26 * len(frame) * (len(ys) if barmode == "group" else 1)),
    )
    fig.update_layout(yaxis_autorange="reversed", yaxis_automargin=True, legend_traceorder="normal")
    return fig


# ---------------------------------------------------------------- table rows (shared by screen and export)


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


# ---------------------------------------------------------------- callbacks


@callback(Output("ratings-cards", "children"), Input("ratings-query", "data"))
def ratings_cards(params):
    """The headline KPIs of the page, from the catalogue (metrics/kpis.py)."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    try:
        f = _filter(params)
        values = kpis.compute(warehouse(), CARD_KPIS, f, current_scope())
    except WarehouseMissing:
        return _missing_text(lang)
    notes = published.notes(values, f, current_scope())
    return [
        dbc.Col(kpi_card(values[k], lang, card_id=f"ratings-kpi-{k}", published=notes.get(k)), xs=6, xl=3)
        for k in CARD_KPIS
    ]


@callback(
    Output("ratings-stars-stats", "children"),
    Output("ratings-stars-county", "figure"),
    Output("ratings-stars-year", "figure"),
    Output("ratings-stars-table", "children"),
    Input("ratings-query", "data"),
)
def ratings_stars(params):
    """Star levels of service projects per county (latest rating year of the period) and per year."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    f = _filter(params)
    try:
        wh = warehouse()
        rows = _star_rows(star_by_unit(wh, f, current_scope()), wh, lang)
    except WarehouseMissing:
        return _missing_text(lang), _empty(lang, True), _empty(lang, True), None
    year = kpis.latest_year(rows["year"], f)  # the catalogue's "latest rating year"
    if year is None:
        return [], _empty(lang), _empty(lang), _grid("stars", rows, lang)
    latest = rows[rows["year"] == year].sort_values("unit")
    rated, high = int(latest["star_rated"].sum()), int(latest["star_high"].sum())
    before = rows[rows["year"] == year - 1]
    parts = f"{label('star_high', lang)} {fmt_count(high)}{_paren(fmt_rate(high / rated if rated else None), lang)}"
    if not before.empty:
        parts += f" · {_year(year - 1, lang)} {fmt_count(before['star_rated'].sum())}"
    stats = [
        _stat(
            "ratings-stat-star-rated",
            f"{label('star_rated', lang)}{_paren(_year(year, lang), lang)}",
            fmt_count(rated),
            parts,
        )
    ]
    stats += [
        _stat(
            f"ratings-stat-{c.replace('_', '-')}",
            f"{label(c, lang)}{_paren(_year(year, lang), lang)}",
            fmt_count(latest[c].sum()),
            f"{label('share', lang)} {fmt_rate(latest[c].sum() / rated)}",
        )
        for c in ("stars_5", "stars_4")
    ]
    by_county = _county_bars(
        latest, STAR_COLUMNS, lang, f"{label('ratings_stars_by_county', lang)}{_paren(_year(year, lang), lang)}"
    )
    by_year = rows.groupby("year", as_index=False)[STAR_COLUMNS].sum()
    by_year["year_name"] = [_year(y, lang) for y in by_year["year"]]
    fig_year = bars(
        by_year, "year_name", STAR_COLUMNS, lang, title=label("ratings_stars_by_year", lang), barmode="stack"
    )
    fig_year.update_xaxes(type="category")
    return stats, by_county, fig_year, _grid("stars", rows, lang)


@callback(
    Output("ratings-credit-stats", "children"),
    Output("ratings-credit-year", "figure"),
    Output("ratings-credit-moves", "figure"),
    Output("ratings-credit-table", "children"),
    Output("ratings-moves-table", "children"),
    Input("ratings-query", "data"),
)
def ratings_credit(params):
    """Credit grades by year and their movement from the year before."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    f, scope = _filter(params), current_scope()
    try:
        wh = warehouse()
        credit = _credit_rows(credit_by_unit(wh, f, scope), wh, lang)
        moves = credit_transitions(wh, f, scope)
    except WarehouseMissing:
        empty = _empty(lang, True)
        return _missing_text(lang), empty, empty, None, None
    year = kpis.latest_year(credit["year"], f)
    stats = []
    if year is not None:
        latest = credit[credit["year"] == year]
        grades = " · ".join(f"{g} {fmt_count(latest[c].sum())}" for g, c in zip(GRADES, GRADE_COLUMNS, strict=False))
        stats.append(
            _stat(
                "ratings-stat-credit-rated",
                f"{label('credit_rated', lang)}{_paren(_year(year, lang), lang)}",
                fmt_count(latest["credit_rated"].sum()),
                grades,
            )
        )
    if not moves.empty:
        by_move = moves.groupby("movement")["companies"].sum()
        parts = " · ".join(f"{label('move_' + m, lang)} {fmt_count(by_move.get(m, 0))}" for m in ("up", "same", "down"))
        title = _moves_title(int(moves["year_from"].iloc[0]), int(moves["year_to"].iloc[0]), lang)
        stats.append(_stat("ratings-stat-credit-moves", title, fmt_count(moves["companies"].sum()), parts))
    if credit.empty:
        fig_year = _empty(lang)
    else:
        by_year = credit.groupby("year", as_index=False)[GRADE_COLUMNS].sum()
        by_year["year_name"] = [_year(y, lang) for y in by_year["year"]]
        fig_year = bars(
            by_year, "year_name", GRADE_COLUMNS, lang, title=label("ratings_credit_by_year", lang), barmode="stack"
        )
        fig_year.update_xaxes(type="category")
    return (
        stats,
        fig_year,
        _moves_figure(moves, lang),
        _grid("credit", credit, lang),
        _grid("moves", _move_rows(moves, lang), lang),
    )


@callback(
    Output("ratings-flagged-count", "children"),
    Output("ratings-flagged-table", "children"),
    Input("ratings-query", "data"),
)
def ratings_flagged(params):
    """Companies graded D in the period, or cleared out or deregistered in it: the list."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    try:
        wh = warehouse()
        rows = _flagged_rows(flagged_companies(wh, _filter(params), current_scope()), wh, lang)
    except WarehouseMissing:
        return "", _missing_text(lang)
    table = _grid("flagged", rows, lang)
    if not rows.empty:  # names and codes are long: give them room
        for d in table.columnDefs:
            d["minWidth"] = {"company_name": 240, "company_code": 200}.get(d["field"], 110)
    return _paren(fmt_count(len(rows)), lang), table


def _moves_figure(moves: pd.DataFrame, lang: str):
    if moves.empty:
        return _empty(lang)
    y0, y1 = int(moves["year_from"].iloc[0]), int(moves["year_to"].iloc[0])
    matrix = moves.pivot_table(index="grade_from", columns="grade_to", values="companies", aggfunc="sum")
    matrix = matrix.reindex(index=list(GRADES), columns=list(GRADES)).fillna(0)
    return heatmap(
        matrix.values.tolist(),
        list(GRADES),
        list(GRADES),
        title=_moves_title(y0, y1, lang),
        x_title=f"{label('grade_to', lang)}{_paren(y1, lang)}",
        y_title=f"{label('grade_from', lang)}{_paren(y0, lang)}",
        value_name=label("companies", lang),
    )


@callback(
    Output("ratings-communities-stats", "children"),
    Output("ratings-management", "figure"),
    Output("ratings-management-table", "children"),
    Output("ratings-counties-table", "children"),
    Input("ratings-query", "data"),
)
def ratings_communities(params):
    """Communities at the period's end by management type and owners' organisation: figures and shares."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    f = _filter(params)
    try:
        wh = warehouse()
        rows = _community_rows(communities_by_unit(wh, f, current_scope()), wh, lang)
    except WarehouseMissing:
        return _missing_text(lang), _empty(lang, True), None, None
    if rows.empty:
        return [], _empty(lang), _grid("management", rows, lang), _grid("counties", rows, lang)
    suffix = _paren(fmt_date(stock_date(f)), lang) if f.end else ""
    total = int(rows["communities"].sum())
    sums = {
        c: int(rows[c].sum())
        for c in [*MT_COLUMNS, "with_company", "with_service", "no_service", *COMMITTEE_COLUMNS, "with_committee"]
    }
    service = kpis.value_of(kpis.BY_KEY["service_coverage"], rows)[0]
    committee = kpis.value_of(kpis.BY_KEY["committee_coverage"], rows)[0]
    stats = [
        _stat("ratings-stat-communities", label("communities", lang) + suffix, fmt_count(total)),
        _stat(
            "ratings-stat-with-service",
            label("with_service", lang),
            fmt_count(sums["with_service"]),
            f"{label('service_coverage', lang)} {fmt_rate(service)} · {label('no_service', lang)} "
            f"{fmt_count(sums['no_service'])}",
        ),
        _stat(
            "ratings-stat-with-company",
            label("with_company", lang),
            fmt_count(sums["with_company"]),
            " · ".join(f"{label(c, lang)} {fmt_count(sums[c])}" for c in ("mt_professional", "mt_backstop")),
        ),
        _stat(
            "ratings-stat-with-committee",
            label("with_committee", lang),
            f"{fmt_count(sums['with_committee'])} / {fmt_count(total)}",
            f"{label('committee_coverage', lang)} {fmt_rate(committee)} · "
            + " · ".join(f"{label(c, lang)} {fmt_count(sums[c])}" for c in COMMITTEE_COLUMNS),
        ),
    ]
    management = _management_rows(rows, lang)
    shown = management[management["communities"] > 0]
    fig = donut(
        shown["management_type"].tolist(),
        shown["communities"].tolist(),
        label("ratings_management", lang) + suffix,
        height=360,
    )
    return stats, fig, _grid("management", management, lang), _grid("counties", rows.sort_values("unit"), lang)


@callback(
    Output("ratings-management-county", "figure"),
    Output("ratings-committee-county", "figure"),
    Input("ratings-query", "data"),
)
def ratings_communities_by_county(params):
    """Per county: communities by management type, and by owners' organisation (the counties table's rows)."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    f = _filter(params)
    try:
        wh = warehouse()
        rows = _with_names(communities_by_unit(wh, f, current_scope()), wh, lang)
    except WarehouseMissing:
        return _empty(lang, True), _empty(lang, True)
    if rows.empty:
        return _empty(lang), _empty(lang)
    suffix = _paren(fmt_date(stock_date(f)), lang) if f.end else ""
    return (
        _county_bars(rows, MT_COLUMNS + ["mt_unknown"], lang, label("ratings_management_by_county", lang) + suffix),
        _county_bars(rows, COMMITTEE_COLUMNS, lang, label("ratings_committee_by_county", lang) + suffix),
    )


@callback(
    Output("ratings-trend-stats", "children"),
    Output("ratings-no-service", "figure"),
    Output("ratings-committee-trend", "figure"),
    Output("ratings-trend-table", "children"),
    Input("ratings-query", "data"),
)
def ratings_trend(params):
    """Communities without property service, and with an owners' committee, month by month."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    try:
        wh = warehouse()
        rows = _trend_rows(coverage_timeline(wh, _filter(params), current_scope()))
    except WarehouseMissing:
        empty = _empty(lang, True)
        return _missing_text(lang), empty, empty, None
    if rows.empty:
        empty = _empty(lang)
        return [], empty, empty, _grid("trend", rows, lang)
    first, last = rows.iloc[0], rows.iloc[-1]
    stats = [
        _stat(
            "ratings-stat-no-service",
            f"{label('no_service', lang)}{_paren(last['day'], lang)}",
            fmt_count(last["no_service"]),
            f"{label('ratings_at_start', lang)} {first['day']}{_colon(lang)}{fmt_count(first['no_service'])}",
        ),
        _stat(
            "ratings-stat-committee-trend",
            f"{label('with_committee', lang)}{_paren(last['day'], lang)}",
            fmt_count(last["with_committee"]),
            f"{label('ratings_at_start', lang)} {first['day']}{_colon(lang)}{fmt_count(first['with_committee'])}",
        ),
    ]
    fig_none = lines(
        rows, "day", ["no_service"], lang, title=label("ratings_no_service_trend", lang), mode="lines+markers"
    )
    fig_committee = lines(
        rows, "day", ["with_committee"], lang, title=label("ratings_committee_trend", lang), mode="lines+markers"
    )
    for fig, col in ((fig_none, "no_service"), (fig_committee, "with_committee")):
        # month ticks as numbers (no English month names in the Chinese view); whole-number counts
        fig.update_layout(
            showlegend=False,
            yaxis_rangemode="tozero",
            yaxis_tickformat=",d",
            xaxis_tickformat="%Y-%m",
            yaxis_range=[0, 5] if rows[col].max() < 5 else None,
        )
    return stats, fig_none, fig_committee, _grid("trend", rows, lang)


@callback(
    Output("ratings-companies-stats", "children"),
    Output("ratings-companies-county", "figure"),
    Output("ratings-companies-table", "children"),
    Input("ratings-query", "data"),
)
def ratings_companies(params):
    """Registered property companies per county, those exited, and those in the vetted list (物业超市)."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    try:
        wh = warehouse()
        raw = companies_by_unit(wh, _filter(params), current_scope())
    except WarehouseMissing:
        return _missing_text(lang), _empty(lang, True), None
    if raw.empty:
        return [], _empty(lang), _grid("companies", raw.assign(unit_name=[]), lang)
    rows = _company_rows(raw, wh, lang)
    known = int(raw["market_known"].sum())
    market = fmt_count(raw["in_market"].sum()) if known else label("ratings_not_recorded", lang)
    stats = [
        _stat(
            "ratings-stat-registered",
            label("registered", lang),
            fmt_count(raw["registered"].sum()),
            f"{label('operating', lang)} {fmt_count(raw['operating'].sum())} · {label('exited', lang)} "
            f"{fmt_count(raw['exited'].sum())}",
        ),
        _stat(
            "ratings-stat-in-market",
            label("in_market", lang),
            market,
            f"{label('registered', lang)} {fmt_count(raw['registered'].sum())}" if known else "",
        ),
    ]
    # registered beside vetted where the vetted list is kept; else registered as operating + exited
    ys, mode = (["registered", "in_market"], "group") if known else (["operating", "exited"], "stack")
    fig = _county_bars(
        raw.assign(unit_name=rows["unit_name"]), ys, lang, label("ratings_companies_by_county", lang), barmode=mode
    )
    return stats, fig, _grid("companies", rows, lang)


@callback(
    Output("url", "search", allow_duplicate=True),
    *[Input(graph_id, "clickData") for graph_id in CLICKABLE],
    State("url", "search"),
    prevent_initial_call=True,
)
def ratings_county_click(*args):
    """Clicking a county's bar filters the page (and the shared filter) to that county."""
    search = args[-1]
    click = ctx.triggered[0]["value"] if ctx.triggered else None
    if not click or not click.get("points"):
        return no_update
    code = click["points"][0].get("customdata")
    if isinstance(code, list):
        code = code[0] if code else None
    return query.with_params(search, region=code) if code else no_update


# ---------------------------------------------------------------- exports


def _table_frame(key: str, wh, f: Filter, lang: str) -> pd.DataFrame:
    scope = current_scope()
    if key == "stars":
        return _star_rows(star_by_unit(wh, f, scope), wh, lang)
    if key == "credit":
        return _credit_rows(credit_by_unit(wh, f, scope), wh, lang)
    if key == "moves":
        return _move_rows(credit_transitions(wh, f, scope), lang)
    if key == "flagged":
        return _flagged_rows(flagged_companies(wh, f, scope), wh, lang)
    if key in ("management", "counties"):
        rows = _community_rows(communities_by_unit(wh, f, scope), wh, lang)
        return _management_rows(rows, lang) if key == "management" else rows.sort_values("unit")
    if key == "trend":
        return _trend_rows(coverage_timeline(wh, f, scope))
    if key == "companies":
        return _company_rows(companies_by_unit(wh, f, scope), wh, lang)
    raise KeyError(key)


@callback(
    *[Output(f"ratings-{key}-download", "data") for key in TABLES],
    *[Input(f"ratings-{key}-export", "n_clicks") for key in TABLES],
    State("ratings-query", "data"),
    prevent_initial_call=True,
)
def ratings_export(*args):
    """The rows behind a chart as .xlsx, with the filters in the header lines."""
    params = args[-1] or {}
    key = (ctx.triggered_id or "").removeprefix("ratings-").removesuffix("-export")
    out = [no_update] * len(TABLES)
    if key not in TABLES:
        return out
    lang = lang_of(params.get("lang"))
    f = _filter(params)
    wh = warehouse()
    title_key, columns, formats = TABLES[key]
    frame = _clean(_table_frame(key, wh, f, lang))
    region = params.get("region")
    region_text = (
        f"{region_names(wh).get(region, region)}{_paren(region, lang)}" if region else label("all_regions", lang)
    )
    lines_ = [
        f"{label('region', lang)}：{region_text}",
        f"{label('from', lang)}：{params.get('from') or '—'}　{label('to', lang)}：{params.get('to') or '—'}",
    ]
    out[list(TABLES).index(key)] = dcc.send_bytes(
        to_excel(frame, columns, lang, label(title_key, lang), lines_, formats), f"ratings-{key}.xlsx"
    )
    return out
