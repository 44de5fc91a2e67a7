"""The shell every page sits in: navigation bar, filter bar, footer (layout only)."""

from __future__ import annotations

import functools

import dash_bootstrap_components as dbc
from dash import dcc, html
from pypinyin import Style, lazy_pinyin, pinyin

from components.i18n import label
from vocab.periods import CHOICES, PRESETS


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
                # on a phone (under lg) the links, the search and the buttons fold behind ☰
                dbc.NavbarToggler(id="shell-toggler", n_clicks=0),
                dbc.Collapse(
                    [
                        dbc.Nav(links, className="me-auto", navbar=True),
                        html.Div(
                            [
                                search_box(),
                                html.Span(user, id="shell-user", className="navbar-text text-light small me-2"),
                                html.A(
                                    label("language"),
                                    href="?lang=en",
                                    id="shell-lang",
                                    className="btn btn-sm btn-outline-light",
                                ),
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
                            className="shell-tools d-flex align-items-center flex-wrap gap-1",
                        ),
                    ],
                    id="shell-collapse",
                    is_open=False,
                    navbar=True,
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        expand="lg",
        className="mb-2 shell-navbar",
    )


INDENT = {"city": "", "county": "\u3000", "township": "\u3000\u3000"}


@functools.lru_cache(maxsize=4096)
def spelled(name: str) -> str:
    """What a region is found by, beside its name: its pinyin, whole and by initials, lower case
    ("晋中市 jzs jinzhongshi"). The library reads a name in context; the first character, where
    place names most often differ from the common reading (长治 is chang, not zhang), is searched
    in each of its readings too."""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    if not syllables:
        return name
    firsts = dict.fromkeys([syllables[0], *pinyin(name[0], style=Style.NORMAL, heteronym=True)[0]])
    readings = [[first, *syllables[1:]] for first in firsts if first]
    words = ["".join(s[:1] for s in r) for r in readings] + ["".join(r) for r in readings]
    return " ".join(dict.fromkeys([name, *words]))


def region_choices(options: list[dict]) -> list[dict]:
    """The region picker's options (metrics.regions.region_options: code, name, level), indented by
    level; typing finds a region by its name or its pinyin, whole or by initials (晋中, jz, jinzhong)."""
    return [
        {"label": INDENT.get(o["level"], "") + o["name"], "value": o["code"], "search": spelled(o["name"])}
        for o in options
    ]


MONTH_FORMAT = {"zh": "YYYY年M月", "en": "MMMM YYYY"}


def period_options(lang: str, campaigns: list[tuple[str, str]] = ()) -> list[dict]:
    """The period presets (metrics/periods.py) in the filter bar's language, the view's campaign
    periods (choice, name) after the presets."""
    presets = [{"label": label(f"period_{key}", lang), "value": key} for key in PRESETS]
    named = [{"label": label("period_campaign", lang).format(name=name), "value": key} for key, name in campaigns]
    rest = [{"label": label(f"period_{key}", lang), "value": key} for key in CHOICES if key not in PRESETS]
    return presets + named + rest


def _date_picker(ident: str, key: str) -> dcc.DatePickerSingle:
    """A date of the period: the calendar in Chinese (month and weekday names from date-fns's zh-CN
    locale, assets/vendor; English on the English page), weeks from Monday; it opens at the data's
    last month (set by the shell)."""
    return dcc.DatePickerSingle(
        id=ident,
        display_format="YYYY-MM-DD",
        month_format=MONTH_FORMAT["zh"],
        placeholder=label(key),  # in Chinese from the first paint (the shell's callback sets the language's)
        clearable=True,
        first_day_of_week=1,
    )


def dropdown_labels(lang: str) -> dict:
    """The region picker's own words (its search box, its empty list) in the page's language."""
    return {
        "search": label("region_search", lang),
        "no_options_found": label("region_none_found", lang),
        "clear_search": label("clear", lang),
        "clear_selection": label("clear", lang),
    }


def _field(key: str, ident: str, control, **width) -> dbc.Col:
    """A label and its control, kept together when the bar wraps (a phone: one field a line)."""
    return dbc.Col(
        html.Div(
            [html.Label(label(key), id=f"{ident}-label", className="col-form-label me-2 text-nowrap"), control],
            className="d-flex align-items-center",
        ),
        xs=12,
        **width,
    )


def filter_bar() -> dbc.Row:
    region = dcc.Dropdown(
        id="shell-region",
        clearable=True,
        placeholder=label("all_regions"),
        className="shell-region",
        style={"flex": "1 1 auto", "minWidth": 0},
        labels=dropdown_labels("zh"),
    )
    period = dcc.Dropdown(
        id="shell-period", options=period_options("zh"), clearable=False, searchable=False, className="shell-period"
    )
    return dbc.Row(
        [
            _field("region", "shell-region", region, md=5, lg=4, xl=3),
            _field("period", "shell-period", period, sm="auto"),
            _field("from", "shell-from", _date_picker("shell-from", "from"), sm="auto"),
            _field("to", "shell-to", _date_picker("shell-to", "to"), sm="auto"),
            dbc.Col(html.Span(id="shell-as-of", className="text-muted small"), className="ms-auto text-end"),
            # 导出 PDF: the browser's print of the current view (assets/print.css lays it out on A4 landscape)
            dbc.Col(
                html.Button(label("print_pdf"), id="shell-print", className="btn btn-sm btn-outline-secondary"),
                width="auto",
                className="shell-print-col",
            ),
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
