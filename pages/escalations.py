"""督办 /escalations: the cases that are not moving, for discipline-inspection supervisors
(纪检监察, 驻局纪检监察组).

The ladder of open cases by level (社区 → 乡镇(街道) → 县级 → 市级) and how long each has sat
there in working days; handling level by level; the open cases, those past their deadline
first; escalation actions by month and kind; referrals (城管, 纪检, 公安) with their outcome;
accountability (问责); watch lists of companies and counties over the last twelve months;
and one case's trail (督办轨迹) in a dialog. Every list exports to Excel with its filters.

URL parameters besides the shared filter: `level` (the open-case list shows that level),
`overdue=1` (only cases past their deadline), `company` (a company's credit code: every
list shows that company's cases), `case` (a case ID: its trail opens). A link therefore
reproduces a view. Definitions live in metrics/escalations.py.
"""

from __future__ import annotations

import json
from typing import NamedTuple

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import Input, Output, State, callback, dcc, html, no_update

from components import query
from components.charts import GRAPH_CONFIG, PALETTE, bars, empty_figure, stacked, trail
from components.i18n import fmt_count, fmt_date, has_label, label, lang_of
from components.tables import export_controls, grid, grid_locale, to_excel
from metrics import escalations as esc
from metrics.access import current_scope, warehouse
from metrics.db import WarehouseMissing
from metrics.filters import Filter, Scope
from metrics.regions import region_names
from security import audit

dash.register_page(__name__, path="/escalations", name="督办", order=40, label_key="escalations")

PATH = "/escalations"
LEVEL_CHOICES = (*esc.LEVELS, esc.NOT_FILLED)
OPEN_SHOWN = 1000  # rows of the open-case list on screen (the export has all)
WATCH_SHOWN = 200  # rows of each watch list on screen (the export has all)
# The leadership counts shown as tiles: (key of escalation_counts, label key).
COUNT_TILES = (
    ("reminder", "action.提醒函"),
    ("supervision", "action.督办函"),
    ("interview", "action.约谈"),
    ("上交", "action.上交"),
    ("通报", "action.通报"),
    ("referral", "esc_referral"),
    ("accountability", "action.问责"),
    ("escalated_cases", "escalated_cases"),
)
BUCKET_COLORS = ["#9ecae1", "#4292c6", "#d9a02b", "#e6550d", "#a50f15", "#8c8c8c"]
OUTCOME_COLORS = {"立案": PALETTE[0], "问责": PALETTE[3], esc.PENDING: "#bbbbbb"}


class View(NamedTuple):
    """What the URL asks of this page (a NamedTuple: Dash imports pages outside sys.modules,
    where a dataclass cannot resolve its annotations)."""

    params: dict
    lang: str
    f: Filter
    level: str | None
    overdue: bool
    company: str | None
    case: str | None

    @classmethod
    def of(cls, params: dict | None) -> View:
        params = {k: v for k, v in (params or {}).items() if isinstance(v, str)}
        f = Filter.from_query(params.get("region"), params.get("from"), params.get("to"))
        level = params.get("level") if params.get("level") in LEVEL_CHOICES else None
        company = str(params.get("company") or "").strip().upper()
        company = company if len(company) == 18 and company.isalnum() else None
        case = str(params.get("case") or "").strip()[:64] or None
        return cls(params, lang_of(params.get("lang")), f, level, params.get("overdue") == "1", company, case)

    def href(self, path: str = PATH, **changes) -> str:
        return path + query.build({**self.params, **changes})


def page_scope() -> Scope:
    """The viewer's scope: regions and personal data (reporter_phone unmasked) by role — the
    discipline-inspection supervisors who call complainants back see phones; others masked."""
    return current_scope()


def _audit_phones(what: str, view: View, phones) -> None:
    """A `personal_data_view` audit record when the viewer's scope shows phones unmasked and
    some were sent (the open-case list, a case's header, their exports)."""
    shown = sum(1 for p in phones if isinstance(p, str) and p)
    if shown and page_scope().personal_data:
        params = {k: v for k, v in view.params.items() if k != "lang"}
        audit.record(
            "personal_data_view",
            f"{what}: {shown} phone(s); filter: " + json.dumps(params, ensure_ascii=False, sort_keys=True),
        )


# ---------------------------------------------------------------- layout


def layout(**params) -> html.Div:
    params = {k: v for k, v in params.items() if isinstance(v, str)}
    view = View.of(params)
    lang = view.lang
    return html.Div(
        [
            dcc.Store(id="escalations-query", data=params),
            html.Div(id="escalations-company", className="mb-2"),
            html.Div(
                [
                    html.H4(label("esc_counts", lang), className="section-title me-2"),
                    html.Span(_period_text(view), className="small text-muted"),
                ],
                className="d-flex align-items-baseline",
            ),
            dcc.Loading(dbc.Row(id="escalations-counts", className="g-2 mb-3"), type="dot"),
            dbc.Row(
                [
                    dbc.Col(
                        _card(
                            [
                                html.H4(label("esc_ladder", lang), className="section-title"),
                                html.Div(label("esc_ladder_hint", lang), className="small text-muted"),
                                dcc.Loading(dcc.Graph(id="escalations-ladder", config=GRAPH_CONFIG), type="dot"),
                            ]
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        _card(
                            [
                                html.H4(label("esc_flow", lang), className="section-title"),
                                html.Div(id="escalations-flow-path", className="fw-semibold"),
                                html.Div(label("esc_flow_note", lang), className="small text-muted"),
                                dcc.Loading(dcc.Graph(id="escalations-flow", config=GRAPH_CONFIG), type="dot"),
                            ]
                        ),
                        lg=5,
                    ),
                ],
                className="g-3 mb-3",
            ),
            _card(
                [
                    html.Div(
                        [
                            html.H4(id="escalations-open-title", className="section-title me-auto"),
                            dbc.RadioItems(
                                id="escalations-overdue",
                                value="1" if view.overdue else "all",
                                options=[
                                    {"label": label("esc_all_open", lang), "value": "all"},
                                    {"label": label("esc_overdue_only", lang), "value": "1"},
                                ],
                                className="btn-group me-3",
                                inputClassName="btn-check",
                                labelClassName="btn btn-sm btn-outline-primary",
                                labelCheckedClassName="active",
                            ),
                            export_controls("escalations-open", lang),
                        ],
                        className="d-flex align-items-center flex-wrap",
                    ),
                    html.Div(_chips(view), id="escalations-chips"),
                    html.Div(id="escalations-open-line", className="fw-semibold"),
                    html.Div(id="escalations-open-note", className="small text-muted mb-1"),
                    dcc.Loading(html.Div(id="escalations-open"), type="dot"),
                ],
                className="mb-3",
            ),
            _card(
                [
                    html.H4(label("esc_actions", lang), className="section-title"),
                    dcc.Loading(dcc.Graph(id="escalations-actions", config=GRAPH_CONFIG), type="dot"),
                ],
                className="mb-3",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _card(
                            [
                                html.Div(
                                    [
                                        html.H4(label("esc_referrals", lang), className="section-title me-auto"),
                                        export_controls("escalations-referrals", lang),
                                    ],
                                    className="d-flex align-items-center",
                                ),
                                dcc.Loading(
                                    [
                                        dcc.Graph(id="escalations-referral-chart", config=GRAPH_CONFIG),
                                        html.Div(id="escalations-referrals"),
                                    ],
                                    type="dot",
                                ),
                            ]
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        _card(
                            [
                                html.Div(
                                    [
                                        html.H4(label("esc_accountability", lang), className="section-title me-auto"),
                                        export_controls("escalations-accountability", lang),
                                    ],
                                    className="d-flex align-items-center",
                                ),
                                dcc.Loading(html.Div(id="escalations-accountability"), type="dot"),
                            ]
                        ),
                        lg=5,
                    ),
                ],
                className="g-3 mb-3",
            ),
            _card(
                [
                    html.Div(
                        [
                            html.H4(label("esc_watch", lang), className="section-title me-2"),
                            html.Span(id="escalations-watch-window", className="small text-muted"),
                        ],
                        className="d-flex align-items-baseline",
                    ),
                    html.Div(label("esc_watch_note", lang), className="small text-muted mb-2"),
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    html.Div(
                                        [
                                            html.H5(label("esc_watch_companies", lang), className="me-auto"),
                                            export_controls("escalations-companies", lang),
                                        ],
                                        className="d-flex align-items-center",
                                    ),
                                    dcc.Loading(html.Div(id="escalations-companies"), type="dot"),
                                ],
                                xl=7,
                            ),
                            dbc.Col(
                                [
                                    html.Div(
                                        [
                                            html.H5(label("esc_watch_counties", lang), className="me-auto"),
                                            export_controls("escalations-counties", lang),
                                        ],
                                        className="d-flex align-items-center",
                                    ),
                                    dcc.Loading(html.Div(id="escalations-counties"), type="dot"),
                                ],
                                xl=5,
                            ),
                        ],
                        className="g-3",
                    ),
                ],
                className="mb-3",
            ),
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle(id="escalations-timeline-title")),
                    dbc.ModalBody(dcc.Loading(html.Div(id="escalations-timeline-body"), type="dot")),
                    dbc.ModalFooter(
                        [
                            export_controls("escalations-timeline", lang),
                            html.Button(
                                label("esc_close", lang),
                                id="escalations-timeline-close",
                                className="btn btn-sm btn-secondary",
                            ),
                        ]
                    ),
                ],
                id="escalations-timeline",
                is_open=bool(view.case),
                size="xl",
                scrollable=True,
            ),
        ],
        id="escalations-page",
    )


def _card(children, className: str = "h-100") -> dbc.Card:
    return dbc.Card(dbc.CardBody(children), className=className)


def _period_text(view: View) -> str:
    f = view.f
    if not (f.start or f.end):
        return label("esc_period_all", view.lang)
    return f"{fmt_date(f.start) if f.start else '…'} — {fmt_date(f.end) if f.end else '…'}"


def _chips(view: View) -> list:
    """The page's own filters (level, company) with a link that clears each."""
    lang, out = view.lang, []
    if view.level:
        out.append(
            html.Span(
                [
                    label("esc_level", lang).format(level=label(f"level.{view.level}", lang)),
                    " ",
                    dcc.Link(
                        label("esc_clear", lang), href=view.href(level=None, case=None), id="escalations-clear-level"
                    ),
                ],
                className="badge bg-light text-dark border me-2",
            )
        )
    if view.company:
        out.append(
            html.Span(
                [
                    label("esc_company", lang).format(name=view.company),
                    " ",
                    dcc.Link(
                        label("esc_clear", lang),
                        href=view.href(company=None, case=None),
                        id="escalations-clear-company",
                    ),
                ],
                className="badge bg-light text-dark border me-2",
            )
        )
    return out


# ---------------------------------------------------------------- rows (shared by screen and export)


class Rows(NamedTuple):
    frame: pd.DataFrame  # display values, one column per label key
    columns: list  # the columns shown and exported, in order
    title: str  # label key
    key: str | None = None  # the column a click reads (kept in rowData, not shown)
    notes: tuple = ()  # extra header lines of the export
    total: int | None = None  # rows before a display limit


FORMATS = {
    c: "count"
    for c in (
        "days_at_level",
        "workdays_overdue",
        "esc_escalations",
        "workdays_to_outcome",
        "escalated_cases",
        "reminders",
        "supervisions",
        "interviews",
        "referrals",
        "accountabilities",
        "esc_overdue_12m",
        "black_lists",
        "red_lists",
        "exit_review_companies",
        "workdays_since_previous",
        "days_since_previous",
    )
}
WIDTHS = {
    "rank": 80,
    "action": 150,
    "to_level": 115,
    "level_after": 115,
    "referral": 110,
    "case_id": 165,
    "category": 110,
    "level": 105,
    "status": 100,
    "last_escalation": 110,
    "unit_name": 110,
    "community_name": 130,
    "company_name": 220,
    "organ": 230,
    "note": 260,
    "description": 320,
    "black_dates": 200,
    "reporter_phone": 125,
    "received_on": 110,
    "deadline": 110,
    "at_level_since": 110,
    "happened_on": 120,
    "referred_on": 110,
    "outcome_on": 110,
    "company_code": 180,
}


def _dates(frame: pd.DataFrame, *cols: str) -> None:
    for c in cols:
        values = pd.to_datetime(frame[c])
        frame[c] = values.dt.strftime("%Y-%m-%d").where(values.notna(), None)


def _named(frame: pd.DataFrame, col: str, prefix: str, lang: str) -> None:
    """Values of an enumerated column in the reader's words (level.社区 → Community)."""
    frame[col] = frame[col].map(
        lambda v: label(f"{prefix}.{v}", lang) if isinstance(v, str) and has_label(f"{prefix}.{v}") else v
    )


def _yes_no(frame: pd.DataFrame, col: str, lang: str) -> None:
    frame[col] = frame[col].map({True: label("esc_yes", lang), False: label("esc_no", lang)})


def _unmatched(frame: pd.DataFrame, col: str, lang: str) -> None:
    frame[col] = frame[col].where(frame[col].notna(), label("unmatched", lang))


OPEN_COLUMNS = [
    "case_id",
    "unit_name",
    "community_name",
    "company_name",
    "source",
    "category",
    "level",
    "at_level_since",
    "days_at_level",
    "deadline",
    "esc_overdue",
    "workdays_overdue",
    "esc_escalations",
    "last_escalation",
    "status",
    "received_on",
    "reporter_phone",
]


def _open_rows(view: View, limit: int | None = OPEN_SHOWN) -> Rows:
    lang = view.lang
    frame = esc.open_cases(
        warehouse(),
        view.f,
        page_scope(),
        level=view.level,
        overdue_only=view.overdue,
        company=view.company,
        limit=limit,
    )
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    _dates(frame, "at_level_since", "deadline", "received_on")
    frame["deadline"] = [
        d + label("esc_rule_deadline", lang) if d and b == "rule" else d
        for d, b in zip(frame["deadline"], frame["deadline_basis"], strict=True)
    ]
    for col, prefix in (
        ("source", "source"),
        ("category", "category"),
        ("level", "level"),
        ("status", "status"),
        ("last_escalation", "action"),
    ):
        _named(frame, col, prefix, lang)
    _yes_no(frame, "overdue", lang)
    for col in ("community_name", "company_name"):
        _unmatched(frame, col, lang)
    frame = frame.rename(columns={"overdue": "esc_overdue", "escalations": "esc_escalations"})
    return Rows(frame, OPEN_COLUMNS, "esc_open_list", key="case_id", notes=_open_notes(view), total=total)


def _open_notes(view: View) -> tuple:
    lang = view.lang
    notes = [label("esc_as_of", lang).format(date=fmt_date(esc.watch_window(warehouse(), view.f, current_scope())[1]))]
    if view.level:
        notes.append(label("esc_level", lang).format(level=label(f"level.{view.level}", lang)))
    if view.overdue:
        notes.append(label("esc_overdue_only", lang))
    return tuple(notes)


REFERRAL_COLUMNS = [
    "referred_on",
    "referral",
    "organ",
    "outcome",
    "outcome_on",
    "workdays_to_outcome",
    "case_id",
    "unit_name",
    "company_name",
    "category",
    "case_closed",
]


def _referral_rows(view: View, frame: pd.DataFrame | None = None) -> Rows:
    lang = view.lang
    if frame is None:
        frame = esc.referrals(warehouse(), view.f, page_scope(), company=view.company)
    frame = frame.copy()
    _dates(frame, "referred_on", "outcome_on")
    for col, prefix in (("referral", "action"), ("outcome", "outcome"), ("category", "category")):
        _named(frame, col, prefix, lang)
    _yes_no(frame, "case_closed", lang)
    _unmatched(frame, "company_name", lang)
    return Rows(frame, REFERRAL_COLUMNS, "esc_referrals", key="case_id")


ACCOUNTABILITY_COLUMNS = ["happened_on", "case_id", "unit_name", "company_name", "organ", "note"]


def _accountability_rows(view: View) -> Rows:
    frame = esc.accountability(warehouse(), view.f, page_scope(), company=view.company)
    _dates(frame, "happened_on")
    _unmatched(frame, "company_name", view.lang)
    return Rows(frame, ACCOUNTABILITY_COLUMNS, "esc_accountability", key="case_id")


COMPANY_COLUMNS = [
    "rank",
    "company_name",
    "unit_name",
    "exit_review",
    "black_lists",
    "black_dates",
    "esc_escalations",
    "escalated_cases",
    "reminders",
    "supervisions",
    "interviews",
    "referrals",
    "accountabilities",
    "esc_overdue_12m",
    "red_lists",
    "company_status",
    "company_code",
]


def _company_rows(view: View, limit: int | None = None) -> Rows:
    lang = view.lang
    wh = warehouse()
    frame = esc.company_watch(wh, view.f, page_scope(), limit)
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    _yes_no(frame, "exit_review", lang)
    _named(frame, "company_status", "company_status", lang)
    _unmatched(frame, "company_name", lang)
    frame = frame.rename(columns={"escalations": "esc_escalations", "overdue_cases": "esc_overdue_12m"})
    return Rows(
        frame, COMPANY_COLUMNS, "esc_watch_companies", key="company_code", notes=(_window_text(view),), total=total
    )


COUNTY_COLUMNS = [
    "rank",
    "unit_name",
    "esc_escalations",
    "escalated_cases",
    "reminders",
    "supervisions",
    "interviews",
    "referrals",
    "accountabilities",
    "esc_overdue_12m",
    "black_lists",
    "exit_review_companies",
]


def _county_rows(view: View, limit: int | None = None) -> Rows:
    frame = esc.county_watch(warehouse(), view.f, page_scope(), limit)
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    frame = frame.rename(columns={"escalations": "esc_escalations", "overdue_cases": "esc_overdue_12m"})
    return Rows(frame, COUNTY_COLUMNS, "esc_watch_counties", key="county", notes=(_window_text(view),), total=total)


TIMELINE_COLUMNS = [
    "happened_on",
    "action",
    "to_level",
    "organ",
    "note",
    "level_after",
    "workdays_since_previous",
    "days_since_previous",
]


def _timeline_rows(view: View, frame: pd.DataFrame | None = None) -> Rows:
    lang = view.lang
    if frame is None:
        frame = esc.case_timeline(warehouse(), view.case or "", page_scope())
    frame = frame.copy()
    _dates(frame, "happened_on")
    _named(frame, "action", "action", lang)
    for col in ("to_level", "level_after"):
        _named(frame, col, "level", lang)
    return Rows(frame, TIMELINE_COLUMNS, "esc_timeline", notes=(f"{label('case_id', lang)}：{view.case}",))


LISTS = {
    "open": _open_rows,
    "referrals": _referral_rows,
    "accountability": _accountability_rows,
    "companies": _company_rows,
    "counties": _county_rows,
    "timeline": _timeline_rows,
}


def _window_text(view: View) -> str:
    first, last = esc.watch_window(warehouse(), view.f, current_scope())
    return label("esc_watch_window", view.lang).format(first=fmt_date(first), last=fmt_date(last))


def _grid(grid_id: str, rows: Rows, lang: str, max_height: int = 480, clickable: bool = False):
    frame, columns = rows.frame, rows.columns
    if frame.empty:
        return html.P(label("no_data", lang), className="text-muted")
    shown = columns + ([rows.key] if rows.key and rows.key not in columns else [])
    g = grid(
        grid_id,
        frame,
        columns,
        lang,
        formats=FORMATS,
        height=min(150 + 42 * len(frame), max_height),
        row_data=frame[shown].astype(object).where(frame[shown].notna(), None).to_dict("records"),
    )
    if rows.key:
        g.getRowId = f"params.data['{rows.key}']"
    for d in g.columnDefs:
        d["minWidth"] = WIDTHS.get(d["field"], 100)
        if d["field"] in ("description", "note", "organ", "black_dates", "company_name", "community_name", "action"):
            d["tooltipField"] = d["field"]
    first = g.columnDefs[0]
    first.update(pinned="left", flex=0, width=WIDTHS.get(first["field"], 110))
    g.dashGridOptions = {
        **g.dashGridOptions,
        "suppressColumnVirtualisation": True,
        "localeText": grid_locale(lang),
        "tooltipShowDelay": 300,
    }
    if clickable:
        g.rowStyle = {"cursor": "pointer"}
    return g


def _message(key: str, lang: str) -> html.P:
    return html.P(label(key, lang), className="text-muted")


# ---------------------------------------------------------------- callbacks: content


@callback(
    Output("escalations-counts", "children"),
    Output("escalations-actions", "figure"),
    Input("escalations-query", "data"),
)
def escalations_counts(params):
    """The leadership counts of the period (escalation_counts, as on the overview) and the actions by month."""
    view = View.of(params)
    lang = view.lang
    try:
        wh = warehouse()
        counts = esc.escalation_counts(wh, view.f, page_scope(), company=view.company)
        months = esc.actions_by_month(wh, view.f, page_scope(), company=view.company)
    except WarehouseMissing:
        return _message("no_warehouse", lang), empty_figure(label("no_warehouse", lang))
    tiles = [
        dbc.Col(
            html.Div(
                dbc.Card(
                    dbc.CardBody(
                        [
                            html.Div(label(name, lang), className="kpi-title"),
                            html.Div(fmt_count(counts[key]), className="kpi-value"),
                        ]
                    ),
                    className="kpi-card kpi-none",
                ),
                id=f"escalations-count-{key}",
                className="h-100",
            ),
            xs=6,
            md=3,
            xl=True,
        )
        for key, name in COUNT_TILES
    ]
    return tiles, _actions_figure(months, lang)


def _actions_figure(months: pd.DataFrame, lang: str):
    if months.empty:
        return empty_figure(label("no_data", lang))
    wide = months.pivot_table(index="month", columns="action", values="events", aggfunc="sum", fill_value=0)
    kinds = [a for a in esc.ESCALATIONS if a in wide.columns]
    categories = [d.strftime("%Y-%m") for d in pd.to_datetime(wide.index)]
    fig = stacked(
        categories,
        [(label(f"action.{a}", lang), wide[a].tolist()) for a in kinds],
        value_name=label("esc_events", lang),
        colors=PALETTE,
        height=340,
    )
    fig.update_layout(margin={"t": 20}, legend={"y": -0.25}, showlegend=True, yaxis={"tickformat": ",d"})
    return fig


@callback(
    Output("escalations-ladder", "figure"),
    Output("escalations-flow", "figure"),
    Output("escalations-flow-path", "children"),
    Output("escalations-open-line", "children"),
    Input("escalations-query", "data"),
)
def escalations_ladder(params):
    """The ladder of open cases (level × working days at it) and handling level by level."""
    view = View.of(params)
    lang = view.lang
    try:
        wh = warehouse()
        ladder = esc.ladder(wh, view.f, page_scope(), company=view.company)
        flow = esc.level_flow(wh, view.f, page_scope(), company=view.company)
    except WarehouseMissing:
        empty = empty_figure(label("no_warehouse", lang))
        return empty, empty, None, label("no_warehouse", lang)
    except esc.DeadlineRulesError as exc:  # the rules file is data a clerk edits: say what is wrong in it
        return empty_figure(str(exc)), no_update, None, str(exc)
    line = label("esc_open_line", lang).format(
        open=fmt_count(ladder["open_cases"].sum()), overdue=fmt_count(ladder["overdue_cases"].sum())
    )
    return _ladder_figure(ladder, lang), _flow_figure(flow, lang), _flow_path(flow, lang), line


def _bucket_name(i: int, lang: str) -> str:
    if i < 0:
        return label("esc_days_unknown", lang)
    lo, hi = esc.AGE_BUCKETS[i]
    if hi is None:
        return label("esc_days_over", lang).format(lo=lo - 1)
    if lo == 0:
        return label("esc_days_within", lang).format(hi=hi)
    return label("esc_days_range", lang).format(lo=lo, hi=hi)


def _ladder_figure(ladder: pd.DataFrame, lang: str):
    if ladder.empty:
        return empty_figure(label("no_data", lang))
    wide = ladder.pivot_table(index="level", columns="bucket", values="open_cases", aggfunc="sum", fill_value=0)
    levels = [lv for lv in LEVEL_CHOICES if lv in wide.index]
    wide = wide.loc[levels]
    buckets = sorted(wide.columns, key=lambda b: (b < 0, b))
    overdue = ladder.groupby("level")["overdue_cases"].sum()
    names = [label(f"level.{lv}", lang) for lv in levels]
    series = [(_bucket_name(b, lang), wide[b].tolist()) for b in buckets]
    colors = [BUCKET_COLORS[b] if b >= 0 else BUCKET_COLORS[-1] for b in buckets]
    fig = stacked(names, series, customdata=levels, value_name=label("open_cases", lang), colors=colors, height=360)
    totals = wide.sum(axis=1)
    fig.add_scatter(
        x=names,
        y=totals.tolist(),
        mode="text",
        showlegend=False,
        hoverinfo="skip",
        text=[
            f"{fmt_count(t)}（{label('overdue_cases', lang)} {fmt_count(overdue.get(lv, 0))}）"
            if lang == "zh"
            else f"{fmt_count(t)} ({fmt_count(overdue.get(lv, 0))} overdue)"
            for lv, t in zip(levels, totals, strict=True)
        ],
        textposition="top center",
        cliponaxis=False,
    )
    fig.update_layout(
        margin={"t": 30},
        legend={"y": -0.2},
        showlegend=True,
        yaxis={
            "title": {"text": label("open_cases", lang)},
            "tickformat": ",d",
            "dtick": 1 if totals.max() < 8 else None,
        },
    )
    return fig


def _level_name(row, lang: str) -> str:
    """A level as the reader knows it: the one body that handles it when only one does."""
    if isinstance(row.organ, str) and row.organ:
        return row.organ if row.level in ("县级", "市级") else label(f"level.{row.level}", lang)
    return label(f"level.{row.level}", lang)


def _flow_path(flow: pd.DataFrame, lang: str):
    if flow.empty:
        return None
    steps = [_level_name(r, lang) for r in flow.itertuples()]
    return [
        html.Span(label("esc_flow_path", lang) + ("：" if lang == "zh" else ": "), className="text-muted"),
        html.Span(" → ".join(steps), id="escalations-flow-levels"),
    ]


def _flow_figure(flow: pd.DataFrame, lang: str):
    if flow.empty:
        return empty_figure(label("no_data", lang), 330)
    names = {lv: label(f"level.{lv}", lang) for lv in flow["level"]}
    fig = bars(flow, "level", ["moved_in", "resolved_here"], lang, x_names=names, height=330)
    fig.update_layout(margin={"t": 20}, xaxis={"type": "category"}, yaxis={"tickformat": ",d"})
    return fig


@callback(
    Output("escalations-open-title", "children"),
    Output("escalations-open-note", "children"),
    Output("escalations-open", "children"),
    Input("escalations-query", "data"),
)
def escalations_open(params):
    """The open cases at the as-of date (a level, past deadline only, a company, as the URL says)."""
    view = View.of(params)
    lang = view.lang
    try:
        rows = _open_rows(view)
        at = esc.watch_window(warehouse(), view.f, current_scope())[1]
    except WarehouseMissing:
        return label("esc_open_cases", lang).format(date="—"), None, _message("no_warehouse", lang)
    except esc.DeadlineRulesError as exc:
        return label("esc_open_list", lang), None, html.P(str(exc), className="text-danger")
    _audit_phones("escalations open-case list", view, rows.frame["reporter_phone"])
    notes = [label("esc_list_note", lang), "；" if lang == "zh" else "; ", label("esc_phone_note", lang)]
    if rows.total and rows.total > len(rows.frame):
        notes += [
            "；" if lang == "zh" else "; ",
            label("esc_top_note", lang).format(shown=fmt_count(len(rows.frame)), total=fmt_count(rows.total)),
        ]
    return (
        label("esc_open_cases", lang).format(date=fmt_date(at)),
        notes,
        _grid("escalations-open-grid", rows, lang, max_height=520, clickable=True),
    )


@callback(
    Output("escalations-referral-chart", "figure"),
    Output("escalations-referrals", "children"),
    Output("escalations-accountability", "children"),
    Input("escalations-query", "data"),
)
def escalations_referrals(params):
    """Referrals by receiving organ with their outcome, and accountability, in the period."""
    view = View.of(params)
    lang = view.lang
    try:
        referred = esc.referrals(warehouse(), view.f, page_scope(), company=view.company)
        summary = esc.referral_summary(referred)
        rows = _referral_rows(view, referred)
        accountable = _accountability_rows(view)
    except WarehouseMissing:
        return empty_figure(label("no_warehouse", lang)), None, _message("no_warehouse", lang)
    referral_grid = _grid("escalations-referrals-grid", rows, lang, 360, clickable=True) if len(rows.frame) else None
    return (
        _referral_figure(summary, lang),
        referral_grid,
        _grid("escalations-accountability-grid", accountable, lang, 420, clickable=True),
    )


def _referral_figure(summary: pd.DataFrame, lang: str):
    if summary.empty:
        return empty_figure(label("no_data", lang), 220)
    wide = summary.pivot_table(index="organ", columns="outcome", values="referrals", aggfunc="sum", fill_value=0)
    organs = list(wide.index)
    outcomes = [o for o in (*esc.OUTCOMES, esc.PENDING) if o in wide.columns]
    fig = stacked(
        organs,
        [(label(f"outcome.{o}", lang), wide[o].tolist()) for o in outcomes],
        orientation="h",
        value_name=label("referrals", lang),
        colors=[OUTCOME_COLORS[o] for o in outcomes],
        height=140 + 34 * len(organs),
    )
    fig.update_layout(
        margin={"t": 10, "l": 10},
        xaxis={"tickformat": ",d", "dtick": 1 if wide.values.max() < 8 else None},
        legend={"y": -0.3 if len(organs) < 4 else -0.15},
    )
    return fig


# Two callbacks, so that the two watch lists are computed side by side.
@callback(
    Output("escalations-companies", "children"),
    Output("escalations-watch-window", "children"),
    Input("escalations-query", "data"),
)
def escalations_watch(params):
    """The companies' watch list over the twelve months to the as-of date (it moves with the period's end)."""
    view = View.of(params)
    lang = view.lang
    try:
        companies = _company_rows(view, WATCH_SHOWN)
        window = _window_text(view)
    except WarehouseMissing:
        return _message("no_warehouse", lang), None
    except esc.DeadlineRulesError as exc:
        return html.P(str(exc), className="text-danger"), None
    company_grid = _grid("escalations-companies-grid", companies, lang, 460, clickable=True)
    if not isinstance(company_grid, html.P):  # the exit mechanism's cases stand out
        company_grid.rowClassRules = {"light-red": f"params.data.exit_review == '{label('esc_yes', lang)}'"}
    return _with_top_note(company_grid, companies, lang), window


@callback(Output("escalations-counties", "children"), Input("escalations-query", "data"))
def escalations_watch_counties(params):
    """The counties' watch list over the same twelve months."""
    view = View.of(params)
    lang = view.lang
    try:
        counties = _county_rows(view, WATCH_SHOWN)
    except WarehouseMissing:
        return None
    except esc.DeadlineRulesError as exc:
        return html.P(str(exc), className="text-danger")
    return _with_top_note(_grid("escalations-counties-grid", counties, lang, 460, clickable=True), counties, lang)


def _with_top_note(grid_, rows: Rows, lang: str):
    """A list cut at its first rows on screen says so (the export has them all)."""
    if not rows.total or rows.total <= len(rows.frame):
        return grid_
    note = label("esc_top_note", lang).format(shown=fmt_count(len(rows.frame)), total=fmt_count(rows.total))
    return html.Div([grid_, html.P(note, className="text-muted small mt-1")])


@callback(
    Output("escalations-company", "children"),
    Input("escalations-query", "data"),
)
def escalations_company(params):
    """With `company`: who it is, and its 黑榜 entries in the last twelve months (the exit mechanism's test)."""
    view = View.of(params)
    if not view.company:
        return None
    lang = view.lang
    try:
        rows = esc.company_lists_of(warehouse(), view.f, page_scope(), view.company)
    except WarehouseMissing:
        return None
    name = rows["company_name"].dropna().iloc[0] if rows["company_name"].notna().any() else view.company
    black = rows[rows["list"] == "黑榜"]
    dates = "、".join(pd.to_datetime(black["listed_on"]).dt.strftime("%Y-%m-%d"))
    n = len(black)
    if n >= esc.EXIT_REVIEW_BLACK_LISTS:
        line, cls = label("esc_exit_line", lang).format(n=n, dates=dates), "alert alert-danger py-2 mb-0"
    else:
        line = label("esc_black_line", lang).format(n=n) + (f"（{dates}）" if n else "")
        cls = "alert alert-secondary py-2 mb-0"
    return html.Div(
        [
            html.Strong(f"{name}（{view.company}）" if lang == "zh" else f"{name} ({view.company})"),
            html.Span(" · " + line, id="escalations-company-line"),
        ],
        className=cls,
    )


@callback(
    Output("escalations-timeline-title", "children"),
    Output("escalations-timeline-body", "children"),
    Input("escalations-query", "data"),
)
def escalations_timeline(params):
    """One case's trail: who acted, the level it moved to, the days between steps; links to the
    case's county and community (整改进度) and to its company's escalations."""
    view = View.of(params)
    lang = view.lang
    if not view.case:
        return None, None
    try:
        wh = warehouse()
        head = esc.case_header(wh, view.case, page_scope())
        events = esc.case_timeline(wh, view.case, page_scope())
    except WarehouseMissing:
        return label("esc_timeline", lang), _message("no_warehouse", lang)
    except esc.DeadlineRulesError as exc:
        return label("esc_timeline", lang), html.P(str(exc), className="text-danger")
    title = (
        f"{label('esc_timeline', lang)}：{view.case}" if lang == "zh" else f"{label('esc_timeline', lang)}: {view.case}"
    )
    if head.empty:
        return title, _message("esc_case_not_found", lang)
    case = head.iloc[0]
    _audit_phones(f"escalations case {view.case}", view, [case["reporter_phone"]])
    body = [
        _case_facts(view, case),
        dcc.Graph(id="escalations-timeline-chart", config=GRAPH_CONFIG, figure=_trail_figure(case, events, lang)),
    ]
    rows = _timeline_rows(view, events)
    body.append(
        _grid("escalations-timeline-grid", rows, lang, 420) if not events.empty else _message("esc_no_events", lang)
    )
    return title, body


def _case_facts(view: View, case) -> html.Div:
    lang = view.lang

    def value(v):
        return "—" if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT else v

    def day(v):
        return fmt_date(pd.Timestamp(v).date()) if value(v) != "—" else "—"

    shared = {k: view.params.get(k) for k in ("from", "to", "lang")}
    county = case["county"]
    unit_href = "/rectification" + query.build({**shared, "region": county, "unit": county})
    links = [
        dcc.Link(
            value(case["unit_name"]) if value(case["unit_name"]) != "—" else county,
            href=unit_href,
            id="escalations-timeline-county",
        )
    ]
    if value(case["community_id"]) != "—":
        name = case["community_name"] if value(case["community_name"]) != "—" else label("unmatched", lang)
        links += [
            " › ",
            dcc.Link(
                name,
                href="/rectification"
                + query.build({**shared, "region": county, "unit": county, "community": case["community_id"]}),
                id="escalations-timeline-community",
            ),
        ]
    company = []
    if value(case["company_code"]) != "—":
        name = case["company_name"] if value(case["company_name"]) != "—" else label("unmatched", lang)
        company = [
            dcc.Link(
                name,
                href=view.href(company=case["company_code"], case=None, level=None),
                id="escalations-timeline-company",
            ),
            html.Span(f"（{case['company_code']}）", className="text-muted small"),
        ]
    deadline = day(case["deadline"]) + (label("esc_rule_deadline", lang) if case["deadline_basis"] == "rule" else "")
    items = [
        (
            "source",
            label(f"source.{case['source']}", lang) if has_label(f"source.{case['source']}") else case["source"],
        ),
        (
            "category",
            label(f"category.{case['category']}", lang)
            if has_label(f"category.{case['category']}")
            else case["category"],
        ),
        (
            "status",
            label(f"status.{case['status']}", lang) if has_label(f"status.{case['status']}") else case["status"],
        ),
        (
            "level",
            label(f"level.{case['level']}", lang) if has_label(f"level.{case['level']}") else value(case["level"]),
        ),
        ("received_on", day(case["received_on"])),
        ("deadline", deadline),
        ("closed_on", day(case["closed_on"])),
        ("esc_overdue", label("esc_yes" if case["overdue"] else "esc_no", lang)),
        ("reporter_phone", value(case["reporter_phone"])),
    ]
    facts = [
        html.Div(
            [
                html.Span(label(k, lang) + ("：" if lang == "zh" else ": "), className="text-muted"),
                html.Span(str(v), id=f"escalations-timeline-{k.replace('_', '-')}"),
            ],
            className="me-4 mb-1",
        )
        for k, v in items
    ]
    where = html.Div(
        [
            html.Span(label("unit_name", lang) + ("：" if lang == "zh" else ": "), className="text-muted"),
            *links,
            html.Span("　"),
            *(
                [html.Span(label("company_name", lang) + ("：" if lang == "zh" else ": "), className="text-muted")]
                + company
                if company
                else []
            ),
        ],
        className="mb-1",
    )
    return html.Div(
        [
            where,
            html.Div(facts, className="d-flex flex-wrap"),
            html.Div(value(case["description"]), className="small mt-1"),
        ],
        className="mb-2",
    )


def _trail_figure(case, events: pd.DataFrame, lang: str):
    """The level the case sat at from receipt through each step (and its closing)."""
    sep = "：" if lang == "zh" else ": "
    after = [lv if isinstance(lv, str) else None for lv in events["level_after"]]
    first = after[0] if after and after[0] else case["level"] if isinstance(case["level"], str) else esc.NOT_FILLED
    levels = [first, *[lv or first for lv in after]]
    dates = [case["received_on"], *events["happened_on"]]
    kinds = [label("esc_received_step", lang), *[label(f"action.{a}", lang) for a in events["action"]]]
    hover = [
        kinds[0],
        *[f"{k}{sep}{o}" if isinstance(o, str) else k for k, o in zip(kinds[1:], events["organ"], strict=True)],
    ]
    if len(events) and pd.Timestamp(events["happened_on"].iloc[0]) == pd.Timestamp(case["received_on"]):
        # dispatched on the day it was received: one point, not two on top of each other
        dates, levels, kinds = dates[1:], levels[1:], kinds[1:]
        hover = [f"{hover[0]} · {hover[1]}", *hover[2:]]
    if case["done"]:
        dates.append(case["closed_on"])
        levels.append(levels[-1])
        kinds.append(label("esc_closed_step", lang))
        hover.append(kinds[-1])
    order = [label(f"level.{lv}", lang) for lv in LEVEL_CHOICES if lv != esc.NOT_FILLED or esc.NOT_FILLED in levels]
    return trail(
        list(pd.to_datetime(dates)),
        [label(f"level.{lv}", lang) for lv in levels],
        kinds,
        order,
        title=label("esc_timeline_chart", lang),
        hover=hover,
    )


# ---------------------------------------------------------------- callbacks: navigation


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("escalations-ladder", "clickData"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_ladder_click(click, search):
    """Clicking a level's bar lists that level's open cases."""
    if not click or not click.get("points"):
        return no_update
    level = click["points"][0].get("customdata")
    level = level[0] if isinstance(level, list) and level else level
    return query.with_params(search, level=level, case=None) if level in LEVEL_CHOICES else no_update


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("escalations-overdue", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_overdue(value, search):
    new = query.with_params(search, overdue="1" if value == "1" else None)
    return new if new != (search or "") else no_update


def _register_case_click(grid_id: str) -> None:
    @callback(
        Output("url", "search", allow_duplicate=True),
        Input(grid_id, "cellClicked"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def open_case(cell, search):
        case = str((cell or {}).get("rowId") or "")
        return query.with_params(search, case=case) if case else no_update

    open_case.__name__ = f"{grid_id.replace('-', '_')}_click"


for _grid_id in ("escalations-open-grid", "escalations-referrals-grid", "escalations-accountability-grid"):
    _register_case_click(_grid_id)


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("escalations-companies-grid", "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_company_click(cell, search):
    """A company in the watch list: every list shows that company's cases."""
    code = str((cell or {}).get("rowId") or "")
    return query.with_params(search, company=code, case=None, level=None) if code else no_update


@callback(
    Output("url", "search", allow_duplicate=True),
    Input("escalations-counties-grid", "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_county_click(cell, search):
    """A county in the watch list filters the page to it."""
    code = str((cell or {}).get("rowId") or "")
    return query.with_params(search, region=code, case=None, level=None) if code.isdigit() else no_update


@callback(
    Output("url", "search", allow_duplicate=True),
    Output("escalations-timeline", "is_open"),
    Input("escalations-timeline-close", "n_clicks"),
    Input("escalations-timeline", "is_open"),
    State("url", "search"),
    prevent_initial_call=True,
)
def escalations_timeline_close(_n, is_open, search):
    """Closing the trail drops `case` from the URL."""
    if dash.ctx.triggered_id == "escalations-timeline" and is_open:
        return no_update, no_update
    new = query.with_params(search, case=None)
    return (new if new != (search or "") else no_update), False


# ---------------------------------------------------------------- callbacks: exports


def _header_lines(view: View, rows: Rows) -> list[str]:
    lang = view.lang
    region = view.f.region
    name = region_names(warehouse()).get(region, region) if region else label("all_regions", lang)
    lines = [
        f"{label('region', lang)}：{name}" + (f"（{region}）" if region else ""),
        f"{label('from', lang)}：{view.params.get('from') or '—'}　{label('to', lang)}：{view.params.get('to') or '—'}",
    ]
    if view.company:
        lines.append(label("esc_company", lang).format(name=view.company))
    return lines + list(rows.notes)


def _register_export(name: str) -> None:
    @callback(
        Output(f"escalations-{name}-download", "data"),
        Input(f"escalations-{name}-export", "n_clicks"),
        State("escalations-query", "data"),
        prevent_initial_call=True,
    )
    def export(_n, params):
        view = View.of(params)
        rows = _open_rows(view, limit=None) if name == "open" else LISTS[name](view)
        if name == "open":
            _audit_phones("escalations open-case export", view, rows.frame["reporter_phone"])
        data = to_excel(
            rows.frame, rows.columns, view.lang, label(rows.title, view.lang), _header_lines(view, rows), FORMATS
        )
        return dcc.send_bytes(data, f"escalations-{name}.xlsx")

    export.__name__ = f"escalations_export_{name}"


for _name in LISTS:
    _register_export(_name)
