"""物业监管看板: the Dash app — shell (navigation, filter bar in the URL), pages, server.

`python app.py` serves on http://127.0.0.1:8050 (HOST, PORT and WAREHOUSE override) and
builds the demo warehouse first when there is none or another version of the code built it;
it serves with waitress. Every page and callback needs a login (security/web.py). In
production: `gunicorn app:server`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

import settings
from components import query
from components.i18n import fmt_date, label, lang_of
from components.shell import (
    MONTH_FORMAT,
    dropdown_labels,
    filter_bar,
    navbar,
    period_options,
    region_choices,
    search_results,
)
from metrics import app_trail, periods, serving
from metrics.access import warehouse
from metrics.db import WarehouseMissing
from metrics.facts import data_as_of
from metrics.filters import Filter
from metrics.regions import region_options
from metrics.search import find, too_short
from pages._profile import search_href
from security import web as security
from security.roles import SCREEN, may_open
from workflow.register import trail_source

# compress: responses gzip/brotli-compressed when the browser asks (Dash's own option, flask-compress)
app = Dash(
    __name__,
    use_pages=True,
    title="物业监管看板",
    suppress_callback_exceptions=True,
    update_title=None,
    compress=True,
)
server = app.server
security.install(app)  # login, sessions, the access guard, security headers (security/web.py)
serving.install(server)  # one published version per request and per view (metrics/serving.py)
app_trail.install(trail_source)  # documents issued and answered in the app join the ledger's trail (workflow/)


def shell() -> html.Div:
    viewer = security.current_viewer()
    pages = [p for p in dash.page_registry.values() if p.get("order", 0) < 100 and may_open(p, viewer)]
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            navbar(pages, viewer.name if viewer else "", security.csrf_token() if viewer else ""),
            dbc.Container([filter_bar(), dash.page_container], fluid=True),
        ]
    )


app.layout = shell


# ☰ on a phone: open and close the navbar's links; a move to another page closes them
app.clientside_callback(
    """(clicks, path, open) => window.dash_clientside.callback_context.triggered.some(
        t => t.prop_id === 'shell-toggler.n_clicks') ? !open : false""",
    Output("shell-collapse", "is_open"),
    Input("shell-toggler", "n_clicks"),
    Input("url", "pathname"),
    State("shell-collapse", "is_open"),
    prevent_initial_call=True,
)


# 导出 PDF: the browser prints the view as it stands (its filter, 数据截至 and every row of its
# grids: assets/print.css), which the reader saves as PDF from the print dialog
app.clientside_callback(
    "(clicks) => { if (clicks) { (window.kanbanPrint || window.print)(); } return window.dash_clientside.no_update; }",
    Output("shell-print", "title"),
    Input("shell-print", "n_clicks"),
    prevent_initial_call=True,
)


def _page_at(path: str | None) -> dict | None:
    """The registered page at a path (a trailing slash aside), or None."""
    here = (path or "/").rstrip("/") or "/"
    return next((p for p in dash.page_registry.values() if p["relative_path"] == here), None)


def _page_name(path: str, lang: str) -> str:
    page = _page_at(path)
    if page is None:
        return path
    return label(page["label_key"], lang) if page.get("label_key") else page["name"]


@app.callback(
    Output("url", "search"),
    Output("shell-region", "options"),
    Output("shell-region", "value"),
    Output("shell-from", "date"),
    Output("shell-to", "date"),
    Output("shell-period", "value"),
    Output("shell-from", "initial_visible_month"),
    Output("shell-to", "initial_visible_month"),
    Input("url", "search"),
    Input("shell-region", "value"),
    Input("shell-from", "date"),
    Input("shell-to", "date"),
    Input("shell-period", "value"),
    State("url", "pathname"),
)
def sync_filter(search, region, start, end, period, pathname):
    """The URL is the filter's state: it sets the controls (the region choices with them, so
    a value never arrives before its option; the period's preset; the calendars open at the
    data's last month), and the controls rewrite it. A preset sets both dates, ending at 数据截至."""
    home = _home_region()  # a county officer's county: the start, and what an empty or foreign region becomes
    keep = (no_update,) * 3
    if ctx.triggered_id in (None, "url"):
        params = query.parse(search)
        rewritten = no_update
        if home and not security.current_scope().allows(params.get("region") or ""):
            # his county in the URL, and the controls set as for any URL (the period's preset too)
            rewritten = query.with_params(search, region=home)
            params = query.parse(rewritten)
        as_of = _as_of(params.get("region"))
        start, end = params.get("from"), params.get("to")
        asked = Filter.from_query(None, start, end)
        chosen = periods.preset_of(asked.start, asked.end, as_of, params.get("region"), security.current_scope())
        shown = _default_dates(pathname, params.get("region"), as_of)
        if chosen == periods.ALL and shown:  # the page's own default period (the overview: 本年)
            chosen, start, end = shown
        month = as_of.isoformat() if as_of else None
        return rewritten, _region_choices(), params.get("region"), start, end, chosen, month, month
    if ctx.triggered_id == "shell-period":
        # 自定义 changes nothing; nor does no choice (the list emptied its value: the region's
        # campaigns are other than the one chosen), which would otherwise end in a 400
        if period is None or period == periods.CUSTOM:
            return (no_update,) * 8
        as_of = _as_of(query.parse(search).get("region"))
        first = last = None
        if period != periods.ALL and as_of is not None:
            first, last = (d.isoformat() for d in periods.preset_range(period, as_of))
        new = query.with_params(search, from_=first, to=last)
        # the dates too: the URL this callback writes does not call it again
        return (new if new != (search or "") else no_update), no_update, no_update, first, last, *keep
    value = no_update
    if home and not region:
        region = value = home
    new = query.with_params(search, region=region, from_=start, to=end)
    return (new if new != (search or "") else no_update), no_update, value, *keep, *keep[:2]


def _as_of(region: str | None) -> dt.date | None:
    """数据截至 of the viewer's region within his scope, or None without a warehouse."""
    try:
        return data_as_of(warehouse(), Filter.from_query(region), security.current_scope())
    except WarehouseMissing:
        return None


def _default_dates(pathname: str | None, region: str | None, as_of: dt.date | None = None):
    """The period a page opens on when the URL names no date (`default_period` in its
    dash.register_page), ending at 数据截至 (`as_of`, else the region's: asked only for such a
    page): (preset, first day, last day), or None (the whole period)."""
    page = _page_at(pathname)
    preset = page.get("default_period") if page else None
    as_of = as_of or (_as_of(region) if preset else None)
    if not (preset and as_of):
        return None
    first, last = periods.preset_range(preset, as_of)
    return preset, first.isoformat(), last.isoformat()


def _home_region() -> str | None:
    """The one region of a viewer whose scope is one region (a county officer), else None."""
    regions = security.current_scope().regions
    return regions[0] if regions and len(regions) == 1 else None


def _region_choices() -> list[dict]:
    try:
        options = region_options(warehouse(), security.current_scope())
    except WarehouseMissing:
        return []
    return region_choices(options)


@app.callback(
    Output({"type": "shell-nav", "path": ALL}, "href"),
    Output({"type": "shell-nav", "path": ALL}, "children"),
    Output({"type": "shell-nav", "path": ALL}, "className"),
    Output("shell-lang", "href"),
    Output("shell-lang", "children"),
    Output("shell-brand", "children"),
    Output("shell-region-label", "children"),
    Output("shell-period-label", "children"),
    Output("shell-period", "options"),
    Output("shell-from", "month_format"),
    Output("shell-to", "month_format"),
    Output("shell-from-label", "children"),
    Output("shell-to-label", "children"),
    Output("shell-region", "placeholder"),
    Output("shell-region", "labels"),
    Output("shell-from", "placeholder"),
    Output("shell-to", "placeholder"),
    Output("shell-search", "placeholder"),
    Output("shell-logout", "children"),
    Output("shell-logout-form", "action"),
    Output("shell-print", "children"),
    Input("url", "search"),
    Input("url", "pathname"),
    State({"type": "shell-nav", "path": ALL}, "id"),
)
def shell_texts(search, pathname, nav_ids):
    """Links keep the shared filter when moving between pages; texts follow the language; the
    page open is marked in the navbar."""
    lang = lang_of(query.parse(search).get("lang"))
    shared = query.shared(search)
    if not (shared.get("from") or shared.get("to")):
        # the page shows its default period (the overview: 本年); the links carry what is shown
        shown = _default_dates(pathname, shared.get("region"))
        if shown:
            shared = {**shared, "from": shown[1], "to": shown[2]}
    keep = query.build(shared)
    hrefs = [i["path"] + keep for i in nav_ids]
    names = [_page_name(i["path"], lang) for i in nav_ids]
    here = (pathname or "/").rstrip("/") or "/"
    classes = ["nav-link active" if i["path"] == here else "nav-link" for i in nav_ids]
    other = "zh" if lang == "en" else "en"
    lang_href = (pathname or "/") + query.with_params(search, lang=None if other == "zh" else other)
    return (
        hrefs,
        names,
        classes,
        lang_href,
        label("language", lang),
        label("app_title", lang),
        label("region", lang),
        label("period", lang),
        period_options(lang, periods.campaign_choices(shared.get("region"), security.current_scope())),
        MONTH_FORMAT[lang],
        MONTH_FORMAT[lang],
        label("from", lang),
        label("to", lang),
        label("all_regions", lang),
        dropdown_labels(lang),
        label("from", lang),
        label("to", lang),
        label("search_placeholder", lang),
        label("logout", lang),
        "/logout" + ("?lang=en" if lang == "en" else ""),
        label("print_pdf", lang),
    )


@app.callback(Output("shell-as-of", "children"), Input("url", "search"))
def shell_as_of(search):
    """数据截至: the latest date in the data, on every page."""
    lang = lang_of(query.parse(search).get("lang"))
    try:
        params = query.parse(search)
        # the viewer's region within his scope: a county officer's 数据截至 is his county's
        as_of = data_as_of(warehouse(), Filter.from_query(params.get("region")), security.current_scope())
    except WarehouseMissing:
        return label("no_warehouse", lang)
    return f"{label('data_as_of', lang)}{'：' if lang == 'zh' else ': '}{fmt_date(as_of)}"


@app.callback(
    Output("shell-search-results", "children"),
    Input("shell-search", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def shell_search(text, search):
    """The navbar's search: what the text names within the viewer's scope, as links."""
    lang = lang_of(query.parse(search).get("lang"))
    if not (text or "").strip():
        return []
    if too_short(text):
        return search_results(None, lang, "search_short")
    found = _found(text, search)
    return search_results(found, lang) if found else search_results(None, lang, "search_none")


@app.callback(
    Output("url", "href"),
    Output("shell-search", "value"),
    Input("shell-search", "n_submit"),
    State("shell-search", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def shell_search_enter(_n, text, search):
    """Enter opens the first result and empties the box (a click on a result empties it in the
    browser: assets/links.js)."""
    found = _found(text, search)
    return (found[0]["href"], "") if found else (no_update, no_update)


def _found(text, search) -> list[dict]:
    """The search's results with the link each opens (none for a wall display's session)."""
    viewer = security.current_viewer()
    if viewer is None or viewer.role == SCREEN:
        return []
    lang = lang_of(query.parse(search).get("lang"))
    try:
        rows = find(warehouse(), text, security.current_scope())
    except WarehouseMissing:
        return []
    params = query.parse(search)
    out = []
    for r in rows.to_dict("records"):
        detail = r["detail"]
        if r["kind"] == "developer":
            detail = label("search_projects", lang).format(n=detail)
        out.append({**r, "detail": detail, "href": search_href(r["kind"], r["key"], r["county"], params)})
    return out


def ensure_demo() -> None:
    """Build the demo warehouse when none exists (only when serving the demo: `DEMO=1`, set by
    scripts/run.sh), and rebuild one that another version of the code built (etl.demo.current):
    its figures would be an older generator's or loader's, not what this code computes. The
    rebuild is made beside it and replaces it in one rename; never beside real users (demo.refusal)."""
    from etl import demo

    wh = warehouse()
    if wh.version is None:
        print(f"No warehouse at {wh.path}: building the demo data set …", flush=True)
        demo.build(wh.path)  # with the demo's users and token; refuses beside real users (demo.refusal)
        return
    why = demo.refusal(wh.path)
    if why:
        print(why, flush=True)  # real data: the demo stays out, and the warehouse as it is
        return
    if not demo.current(wh.path):
        print(f"The demo warehouse {wh.path} was built by another version of the code: rebuilding it …", flush=True)
        demo.rebuild(wh.path)


# Last, once the layout and every callback are defined: Dash's first-request set-up, done
# now, so that the first request of a fresh process is answered like any other.
security.complete_setup(app)


def refuse_open_real_deployment() -> None:
    """A real deployment is not served while the demo's public credentials would open it."""
    from security.store import open_to_the_public

    refusal = open_to_the_public(warehouse().path)
    if refusal:
        sys.exit(refusal)


if __name__ == "__main__":
    os.umask(0o077)  # the warehouse, the access store and its -wal/-shm: readable by the owner only
    if settings.get("DEMO"):  # scripts/run.sh: the demo, in its own warehouse; a real deployment never
        ensure_demo()
    else:
        refuse_open_real_deployment()
    security.serve(app, host=settings.get("HOST"), port=settings.get("PORT"))
