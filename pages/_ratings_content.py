"""What the sections of 评价 /ratings (pages/ratings.py) show, from the rows of
pages/_ratings_rows.py: the figures and shares above each section, its charts and its tables."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from components.charts import bars, donut, empty_figure, heatmap, lines
from components.i18n import fmt_count, fmt_date, fmt_rate, label, lang_of
from components.panel import Size, Table, table
from components.theme import GRADE_COLORS, STAR_COLORS
from metrics import kpis
from metrics.coverage import communities_by_unit, companies_by_unit, coverage_timeline, stock_date
from metrics.filters import Filter
from metrics.ratings import GRADES, credit_by_unit, credit_transitions, flagged_companies, star_by_unit
from pages._ratings_rows import (
    COMMITTEE_COLUMNS,
    GRADE_COLUMNS,
    MT_COLUMNS,
    STAR_COLUMNS,
    TABLES,
    UNMATCHED,
    _colon,
    _community_rows,
    _company_rows,
    _credit_rows,
    _flagged_rows,
    _management_rows,
    _move_rows,
    _paren,
    _star_rows,
    _trend_rows,
    _year,
)
from pages._view import scope, warehouse


def _grid(key: str, frame: pd.DataFrame, lang: str, widths: dict[str, int] | None = None, default_width=None):
    _title, columns, formats = TABLES[key]
    wide = len(columns) > 9  # many columns: let them keep a readable width and scroll sideways
    defs = {c: {"minWidth": 120} for c in columns} if wide else {}
    defs |= {"unit_name": {"minWidth": 130, "pinned": "left" if wide else None}, "management_type": {"minWidth": 230}}
    how = Table(formats=formats, column_defs=defs, widths=widths or {}, default_width=default_width)
    return table(f"ratings-{key}-grid", frame, columns, lang, how, Size(130, 220, 440))


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


def _moves_title(y0: int, y1: int, lang: str) -> str:
    return f"{label('ratings_credit_moves', lang)} {y0}→{y1}{_paren(label('ratings_both_years', lang), lang)}"


def _empty(lang: str, missing: bool = False, height: int = 220):
    return empty_figure(label("no_warehouse" if missing else "no_data", lang), height)


# the columns of ordered ratings and their colours (5星 darkest; A to D from good to bad)
COLUMN_COLORS = {f"stars_{n}": c for n, c in STAR_COLORS.items()} | {
    f"credit_{g.lower()}": c for g, c in GRADE_COLORS.items()
}


def _county_bars(frame: pd.DataFrame, ys: list[str], lang: str, title: str, barmode: str = "stack"):
    """Horizontal bars per county, in code order from the top (customdata: the unit code, so a click
    filters); series with nothing in them are left out."""
    ys = [y for y in ys if frame[y].sum() > 0] or ys[:1]
    data = frame.assign(click=[u if u != UNMATCHED else "" for u in frame["unit"]])
    return bars(
        data,
        "unit_name",
        ys,
        lang,
        title=title,
        customdata="click",
        barmode=barmode,
        orientation="h",
        height=max(320, 130 + 26 * len(frame) * (len(ys) if barmode == "group" else 1)),
        colors=COLUMN_COLORS,
        layout={"yaxis": {"autorange": "reversed", "automargin": True}, "legend": {"traceorder": "normal"}},
    )


def stars_section(params):
    """Star levels of service projects per county (latest rating year of the period) and per year."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    f = _filter(params)
    wh = warehouse()
    rows = _star_rows(star_by_unit(wh, f, scope()), wh, lang)
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
    return stats, by_county, _by_year(rows, STAR_COLUMNS, "ratings_stars_by_year", lang), _grid("stars", rows, lang)


def _by_year(rows: pd.DataFrame, columns: list[str], title: str, lang: str):
    """Stacked bars of `columns` summed per year (star levels, credit grades), years as written."""
    by_year = rows.groupby("year", as_index=False)[columns].sum()
    by_year["year_name"] = [_year(y, lang) for y in by_year["year"]]
    return bars(
        by_year,
        "year_name",
        columns,
        lang,
        title=label(title, lang),
        barmode="stack",
        colors=COLUMN_COLORS,
        layout={"xaxis": {"type": "category"}},
    )


def credit_section(params):
    """Credit grades by year and their movement from the year before."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    f, viewer = _filter(params), scope()
    wh = warehouse()
    credit = _credit_rows(credit_by_unit(wh, f, viewer), wh, lang)
    moves = credit_transitions(wh, f, viewer)
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
    fig_year = _empty(lang) if credit.empty else _by_year(credit, GRADE_COLUMNS, "ratings_credit_by_year", lang)
    return (
        stats,
        fig_year,
        _moves_figure(moves, lang),
        _grid("credit", credit, lang),
        _grid("moves", _move_rows(moves, lang), lang),
    )


def flagged_section(params):
    """Companies graded D in the period, or cleared out or deregistered in it: the list."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    wh = warehouse()
    rows = _flagged_rows(flagged_companies(wh, _filter(params), scope()), wh, lang)
    # names and codes are long: give them room (a table of more than ROW_CAP rows comes with its note)
    table = _grid("flagged", rows, lang, widths={"company_name": 240, "company_code": 200}, default_width=110)
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


def _communities(params) -> tuple[str, Filter, pd.DataFrame, str]:
    """The reader's language, the filter, the communities per unit at the period's end (with
    the coverage KPIs), and the stock date as a title's suffix."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    f = _filter(params)
    wh = warehouse()
    rows = _community_rows(communities_by_unit(wh, f, scope()), wh, lang)
    return lang, f, rows, _paren(fmt_date(stock_date(f)), lang) if f.end else ""


def communities_section(params):
    """Communities at the period's end by management type and owners' organisation: figures and shares."""
    lang, f, rows, suffix = _communities(params)
    if rows.empty:
        return [], _empty(lang), _grid("management", rows, lang), _grid("counties", rows, lang)
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


def communities_by_county_section(params):
    """Per county: communities by management type, and by owners' organisation (the counties table's rows)."""
    lang, _f, rows, suffix = _communities(params)
    if rows.empty:
        return _empty(lang), _empty(lang)
    return (
        _county_bars(rows, MT_COLUMNS + ["mt_unknown"], lang, label("ratings_management_by_county", lang) + suffix),
        _county_bars(rows, COMMITTEE_COLUMNS, lang, label("ratings_committee_by_county", lang) + suffix),
    )


def trend_section(params):
    """Communities without property service, and with an owners' committee, month by month."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    wh = warehouse()
    rows = _trend_rows(coverage_timeline(wh, _filter(params), scope()))
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

    def trend(col: str, title: str):
        # month ticks as numbers (no English month names in the Chinese view); whole-number counts
        yaxis = {"rangemode": "tozero", "tickformat": ",d", **({"range": [0, 5]} if rows[col].max() < 5 else {})}
        layout = {"showlegend": False, "yaxis": yaxis, "xaxis": {"tickformat": "%Y-%m"}}
        return lines(rows, "day", [col], lang, title=label(title, lang), mode="lines+markers", layout=layout)

    fig_none = trend("no_service", "ratings_no_service_trend")
    fig_committee = trend("with_committee", "ratings_committee_trend")
    return stats, fig_none, fig_committee, _grid("trend", rows, lang)


def companies_section(params):
    """Registered property companies per county, those exited, and those in the vetted list (物业超市)."""
    params = params or {}
    lang = lang_of(params.get("lang"))
    wh = warehouse()
    raw = companies_by_unit(wh, _filter(params), scope())
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
