"""The shell every page sits in: navigation bar, filter bar, footer (layout only)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.i18n import label
from vocab.periods import CHOICES


def navbar(pages: list[dict], user: str = "", csrf: str = "") -> dbc.Navbar:
    """`csrf`: the session's CSRF token, which the sign-out form posts (a GET cannot sign out)."""
    links = [
        dbc.NavItem(
            dcc.Link(
                page["name"],
                href=page["relative_path"],
                className="nav-link",
                id={"type": "shell-nav", "path": page["relative_path"]},
            )
        )
        for page in pages
    ]
    return dbc.Navbar(
        dbc.Container(
            [
                html.Span(label("app_title"), className="navbar-brand fw-bold", id="shell-brand"),
                dbc.Nav(links, className="me-auto", navbar=True),
                search_box(),
                html.Span(user, id="shell-user", className="navbar-text text-light small me-2"),
                html.A(label("language"), href="?lang=en", id="shell-lang", className="btn btn-sm btn-outline-light"),
                html.Form(
                    [
                        dcc.Input(type="hidden", name="csrf_token", value=csrf, id="shell-logout-csrf"),
                        html.Button(
                            label("logout"),
                            type="submit",
                            id="shell-logout",
                            className="btn btn-sm btn-outline-light ms-2",
                        ),
                    ],
                    method="post",
                    action="/logout",
                    id="shell-logout-form",
                    className="d-inline m-0",
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="mb-2 shell-navbar",
    )


MONTH_FORMAT = {"zh": "YYYY年M月", "en": "MMMM YYYY"}


def period_options(lang: str) -> list[dict]:
    """The period presets (metrics/periods.py) in the filter bar's language."""
    return [{"label": label(f"period_{key}", lang), "value": key} for key in CHOICES]


def _date_picker(ident: str) -> dcc.DatePickerSingle:
    """A date of the period: the calendar's header in Chinese (month and weekday names follow the
    browser's language), weeks from Monday; it opens at the data's last month (set by the shell)."""
    return dcc.DatePickerSingle(
        id=ident, display_format="YYYY-MM-DD", month_format=MONTH_FORMAT["zh"], clearable=True, first_day_of_week=1
    )


def filter_bar() -> dbc.Row:
    return dbc.Row(
        [
            dbc.Col(html.Label(label("region"), id="shell-region-label", className="col-form-label"), width="auto"),
            dbc.Col(
                dcc.Dropdown(
                    id="shell-region", clearable=True, placeholder=label("all_regions"), style={"minWidth": "16rem"}
                ),
                width=3,
            ),
            dbc.Col(html.Label(label("period"), id="shell-period-label", className="col-form-label"), width="auto"),
            dbc.Col(
                dcc.Dropdown(
                    id="shell-period",
                    options=period_options("zh"),
                    clearable=False,
                    searchable=False,
                    style={"minWidth": "8rem"},
                ),
                width="auto",
            ),
            dbc.Col(html.Label(label("from"), id="shell-from-label", className="col-form-label"), width="auto"),
            dbc.Col(_date_picker("shell-from"), width="auto"),
            dbc.Col(html.Label(label("to"), id="shell-to-label", className="col-form-label"), width="auto"),
            dbc.Col(_date_picker("shell-to"), width="auto"),
            dbc.Col(html.Span(id="shell-as-of", className="text-muted small"), className="ms-auto text-end"),
        ],
        className="g-2 align-items-center mb-3 shell-filter",
    )


def search_box() -> html.Div:
    """The navbar's search: results appear under the box as the viewer types; a click on one,
    or Enter for the first, opens it (app.py's shell_search callbacks)."""
    return html.Div(
        [
            dcc.Input(
                id="shell-search",
                type="search",
                placeholder=label("search_placeholder"),
                debounce=0.3,
                autoComplete="off",
                className="form-control form-control-sm",
                n_submit=0,
            ),
            html.Div(id="shell-search-results", className="shell-search-results"),
        ],
        className="shell-search position-relative me-2 my-1",
    )


def search_results(items: list[dict] | None, lang: str, note: str | None = None) -> list:
    """The results as links (`kind`, `name`, `detail`, `unit_name`, `href` each), or a grey
    sentence (`note`: a label key) when there are none to show."""
    if note:
        return [html.Div(label(note, lang), className="shell-search-note")]
    return [
        dcc.Link(
            [
                html.Span(label(f"search_kind.{i['kind']}", lang), className=f"shell-search-kind kind-{i['kind']}"),
                html.Span(i["name"], className="shell-search-name"),
                html.Span(
                    " · ".join(str(x) for x in (i.get("detail"), i.get("unit_name")) if x),
                    className="shell-search-detail",
                ),
            ],
            href=i["href"],
            className="shell-search-item",
        )
        for i in items or []
    ]
