"""The layout of 督办 /escalations (pages/escalations.py): counts, the ladder and the flow, the
open cases, actions, referrals and accountability, the watch lists, one case's trail."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components import query
from components.i18n import fmt_count, fmt_date, has_label, label
from components.loading import graph_not_drawn, lazy, lazy_section, loading, not_drawn
from components.panel import header
from components.tables import export_controls
from components.theme import GRAPH_CONFIG
from pages._escalations_issue import documents_card, issue_controls, issue_modal, trail_issue_button
from pages._escalations_ladder import ladder_row
from pages._escalations_mediation import mediation_section
from pages._escalations_rows import EscalationsView as View


def layout(**params) -> html.Div:
    params = {k: v for k, v in params.items() if isinstance(v, str)}
    view = View.of(params)
    lang = view.lang
    return html.Div(
        [
            dcc.Store(id="escalations-query", data=params),
            # the trail's own query: the page's, with the case open (from the address, or a click)
            dcc.Store(id="escalations-trail", data=params),
            html.Div(id="escalations-company", className="mb-2"),
            ladder_row(lang),
            html.Div(
                [
                    html.H4(label("esc_counts", lang), className="section-title me-2"),
                    html.Span(_period_text(view), className="small text-muted"),
                ],
                className="d-flex align-items-baseline",
            ),
            loading(dbc.Row(id="escalations-counts", className="g-2 mb-3"), "cards"),
            dbc.Row(
                [
                    dbc.Col(
                        _card(
                            [
                                html.H4(label("esc_ladder", lang), className="section-title"),
                                html.Div(label("esc_ladder_hint", lang), className="small text-muted"),
                                loading(dcc.Graph(id="escalations-ladder", config=GRAPH_CONFIG), "chart"),
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
                                loading(dcc.Graph(id="escalations-flow", config=GRAPH_CONFIG), "chart"),
                            ]
                        ),
                        lg=5,
                    ),
                ],
                className="g-3 mb-3",
            ),
            mediation_section(lang),
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
                            issue_controls(lang),
                            export_controls("escalations-open", lang),
                        ],
                        className="d-flex align-items-center flex-wrap",
                    ),
                    html.Div(_chips(view), id="escalations-chips"),
                    html.Div(id="escalations-open-line", className="fw-semibold"),
                    html.Div(id="escalations-open-note", className="small text-muted mb-1"),
                    loading(html.Div(id="escalations-open"), "table"),
                ],
                className="mb-3",
            ),
            documents_card(lang),
            # below the open cases: each section drawn when it comes near the screen (components/loading.lazy)
            _card(
                [
                    html.H4(label("esc_actions", lang), className="section-title"),
                    lazy(graph_not_drawn("escalations-actions", lang), "escalations-actions-seen"),
                ],
                className="mb-3",
            ),
            lazy_section(
                dbc.Row(
                    [
                        dbc.Col(
                            _card(
                                [
                                    header("esc_referrals", "escalations-referrals", lang),
                                    loading(
                                        [
                                            graph_not_drawn("escalations-referral-chart", lang),
                                            html.Div(id="escalations-referrals"),
                                        ],
                                        "block",
                                    ),
                                ]
                            ),
                            lg=7,
                        ),
                        dbc.Col(
                            _card(
                                [
                                    header("esc_accountability", "escalations-accountability", lang),
                                    loading(html.Div(not_drawn(lang), id="escalations-accountability"), "table"),
                                ]
                            ),
                            lg=5,
                        ),
                    ],
                    className="g-3 mb-3",
                ),
                "escalations-referrals-seen",
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
                    lazy_section(
                        dbc.Row(
                            [
                                _watch_list("companies", "esc_watch_companies", lang, xl=7),
                                _watch_list("counties", "esc_watch_counties", lang, xl=5),
                            ],
                            className="g-3",
                        ),
                        "escalations-watch-seen",
                    ),
                ],
                className="mb-3",
            ),
            dbc.Modal(
                [
                    dbc.ModalHeader(dbc.ModalTitle(id="escalations-timeline-title")),
                    dbc.ModalBody(loading(html.Div(id="escalations-timeline-body"), "block")),
                    dbc.ModalFooter(
                        [
                            trail_issue_button(lang),
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
            issue_modal(lang),
        ],
        id="escalations-page",
    )


def _watch_list(name: str, title: str, lang: str, xl: int) -> dbc.Col:
    """A watch list (`escalations-<name>`) under its title, with its export."""
    return dbc.Col(
        [
            header(title, f"escalations-{name}", lang, tag=html.H5, title_class="me-auto"),
            loading(html.Div(not_drawn(lang), id=f"escalations-{name}"), "block"),
        ],
        xl=xl,
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
    ("issued_in_app", "loop_issued_in_app"),
)


def _count_tiles(counts: dict, lang: str) -> list:
    """The leadership counts as tiles (escalation_counts, as on the overview)."""
    return [
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
