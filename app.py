"""物业监管看板: the Dash app — shell (navigation, filter bar in the URL), pages, server.

`python app.py [--demo]` serves with waitress on http://127.0.0.1:8050 (HOST and PORT override)
one of two things, never a mix (`deployment()`):

- the real deployment: $WAREHOUSE, or data/warehouse.duckdb with data/access.sqlite beside it,
  as soon as either is set or exists (the first `scripts/etl users add` makes the store). It is
  never given the demo; it is refused while the demo's public credentials would open it;
- the demo: data/demo/warehouse.duckdb and data/demo/access.sqlite, built on first start, with
  `--demo`, or on a fresh machine where no real deployment is set up yet.

Every page and callback needs a login (security/web.py). In production: `gunicorn app:server`
(always the real deployment: $WAREHOUSE or data/warehouse.duckdb).
"""

from __future__ import annotations

import sys
from pathlib import Path

from core import settings
from core.private import restrict_umask


def deployment(argv: list[str]) -> tuple[Path, bool]:
    """(the warehouse to serve, whether it is the demo) for `python app.py [--demo]`."""
    from etl.demo import DEMO_WAREHOUSE
    from security.store import store_path

    if "--demo" in argv:  # WAREHOUSE may name another demo warehouse (the tests' copies)
        return (settings.get("WAREHOUSE") if settings.given("WAREHOUSE") else DEMO_WAREHOUSE), True
    real = settings.get("WAREHOUSE")
    if settings.given("WAREHOUSE") or real.exists() or store_path(real).exists():
        return real, False
    return DEMO_WAREHOUSE, True


if __name__ == "__main__":
    restrict_umask()  # the warehouse, the access store and the session key: readable by their owner only
    SERVED, DEMO = deployment(sys.argv[1:])
    settings.put("WAREHOUSE", SERVED)  # before anything opens the warehouse or its store

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from components import query
from components.i18n import fmt_date, label, lang_of
from components.shell import filter_bar, navbar
from metrics import serving
from metrics.access import current_scope, warehouse
from metrics.db import WarehouseMissing
from metrics.facts import data_as_of
from metrics.regions import region_options
from security import web as security
from security.roles import may_open

app = Dash(__name__, use_pages=True, title="物业监管看板", suppress_callback_exceptions=True,
           update_title=None)
server = app.server
security.install(app)  # login, sessions, the access guard, security headers (security/web.py)
serving.install(server)  # one published version per request and per view (metrics/serving.py)


def shell() -> html.Div:
    viewer = security.current_viewer()
    pages = [p for p in dash.page_registry.values() if p.get("order", 0) < 100 and may_open(p, viewer)]
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            navbar(pages, viewer.name if viewer else ""),
            dbc.Container([filter_bar(), dash.page_container], fluid=True),
        ]
    )


app.layout = shell


def _page_name(path: str, lang: str) -> str:
    for page in dash.page_registry.values():
        if page["relative_path"] == path:
            return label(page.get("label_key", page["name"]), lang) if page.get("label_key") else page["name"]
    return path


@app.callback(
    Output("url", "search"),
    Output("shell-region", "options"),
    Output("shell-region", "value"),
    Output("shell-from", "date"),
    Output("shell-to", "date"),
    Input("url", "search"),
    Input("shell-region", "value"),
    Input("shell-from", "date"),
    Input("shell-to", "date"),
)
def sync_filter(search, region, start, end):
    """The URL is the filter's state: it sets the controls (the region choices with them, so
    a value never arrives before its option), and the controls rewrite it."""
    home = _home_region()  # a county officer's county: the start, and what an empty or foreign region becomes
    if ctx.triggered_id in (None, "url"):
        params = query.parse(search)
        if home and not current_scope().allows(params.get("region") or ""):
            return query.with_params(search, region=home), _region_choices(), home, params.get("from"), params.get("to")
        return no_update, _region_choices(), params.get("region"), params.get("from"), params.get("to")
    value = no_update
    if home and not region:
        region = value = home
    new = query.with_params(search, region=region, from_=start, to=end)
    return (new if new != (search or "") else no_update), no_update, value, no_update, no_update


def _home_region() -> str | None:
    """The one region of a viewer whose scope is one region (a county officer), else None."""
    regions = current_scope().regions
    return regions[0] if regions and len(regions) == 1 else None


def _region_choices() -> list[dict]:
    try:
        options = region_options(warehouse(), current_scope())
    except WarehouseMissing:
        return []
    indent = {"city": "", "county": "\u3000", "township": "\u3000\u3000"}
    return [{"label": indent.get(o["level"], "") + o["name"], "value": o["code"]} for o in options]


@app.callback(
    Output({"type": "shell-nav", "path": ALL}, "href"),
    Output({"type": "shell-nav", "path": ALL}, "children"),
    Output("shell-lang", "href"),
    Output("shell-lang", "children"),
    Output("shell-brand", "children"),
    Output("shell-region-label", "children"),
    Output("shell-from-label", "children"),
    Output("shell-to-label", "children"),
    Output("shell-region", "placeholder"),
    Output("shell-from", "placeholder"),
    Output("shell-to", "placeholder"),
    Output("shell-logout", "children"),
    Output("shell-logout", "href"),
    Input("url", "search"),
    State("url", "pathname"),
    State({"type": "shell-nav", "path": ALL}, "id"),
)
def shell_texts(search, pathname, nav_ids):
    """Links keep the shared filter when moving between pages; texts follow the language."""
    lang = lang_of(query.parse(search).get("lang"))
    keep = query.build(query.shared(search))
    hrefs = [i["path"] + keep for i in nav_ids]
    names = [_page_name(i["path"], lang) for i in nav_ids]
    other = "zh" if lang == "en" else "en"
    lang_href = (pathname or "/") + query.with_params(search, lang=None if other == "zh" else other)
    return (hrefs, names, lang_href, label("language", lang), label("app_title", lang), label("region", lang),
            label("from", lang), label("to", lang), label("all_regions", lang), label("from", lang), label("to", lang),
            label("logout", lang), "/logout" + ("?lang=en" if lang == "en" else ""))


@app.callback(Output("shell-as-of", "children"), Input("url", "search"))
def shell_as_of(search):
    """数据截至: the latest date in the data, on every page."""
    lang = lang_of(query.parse(search).get("lang"))
    try:
        as_of = data_as_of(warehouse())
    except WarehouseMissing:
        return label("no_warehouse", lang)
    return f"{label('data_as_of', lang)}{'：' if lang == 'zh' else ': '}{fmt_date(as_of)}"


def ensure_demo() -> None:
    """Build the demo warehouse when none exists; never touch one that holds anything."""
    wh = warehouse()
    if wh.version is None:
        from etl import demo

        print(f"No warehouse at {wh.path}: building the demo data set …", flush=True)
        demo.build(wh.path)  # with the demo's users and screen token (security.store.install_demo_users)


def check_real_deployment() -> None:
    """Refuse to serve a real deployment that the demo's public credentials would open (a store
    set up by an older version, whose first start built the demo into data/); warn when its
    warehouse holds the demo's rows."""
    from security.store import demo_credentials, store_path

    path = warehouse().path
    open_to_all = demo_credentials(path)
    if open_to_all:
        sys.exit(f"拒绝启动：正式部署的访问库 {store_path(path)} 中仍有演示账号或令牌，密码公开，任何人都能登录："
                 f"{'、'.join(open_to_all)}。请停用或改密（scripts/etl users disable 用户名 / users passwd 用户名），"
                 f"吊销令牌（scripts/etl tokens list，tokens revoke 编号）后再启动；只想看演示请运行 "
                 f"bash scripts/run.sh --demo。")
    try:
        (demo_loads,), = warehouse().rows("SELECT count(*) FROM loads WHERE loaded_by = 'demo'")
    except WarehouseMissing:
        return
    if demo_loads:
        print(f"注意：仓库 {path} 中有演示数据（{demo_loads} 次演示加载），看板的数字包含虚构的数据；"
              f"请用正式台账重建仓库。", file=sys.stderr, flush=True)


# Last, once the layout and every callback are defined: Dash's first-request set-up, done
# now, so that the first request of a fresh process is answered like any other.
security.complete_setup(app)

if __name__ == "__main__":
    if DEMO:
        ensure_demo()
        print(f"演示数据（{SERVED}）：账号 leader / demo-leader 等，见 README。"
              f"正式部署请按 README“正式部署”一节操作。", flush=True)
    else:
        check_real_deployment()
        print(f"正式部署：{SERVED}" + ("" if SERVED.exists() else "（还没有数据：请用数据上传页或 scripts/etl load 加载台账）"),
              flush=True)
    security.serve(app, host=settings.get("HOST"), port=settings.get("PORT"))
