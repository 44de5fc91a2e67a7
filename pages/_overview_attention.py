"""需要关注 on the overview: four short lists from metrics/attention.py, each item a link to the
page, with the filter, that shows what it says (the unit as the region, the same period)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from components import query
from components.cards import difference
from components.i18n import fmt_value, label
from metrics import attention, kpis, targets
from metrics.filters import Filter
from pages._view import scope, warehouse

SHOWN = 5  # items per list; the rest behind a link to the page
# The page that shows a KPI's rows, by the facts it is computed from.
DETAIL = {
    "case_facts": "/rectification",
    "refund_facts": "/funds",
    "arrears_facts": "/funds",
    "ledger_facts": "/funds",
    "community_facts": "/ratings",
    "rating_facts": "/ratings",
    "credit_facts": "/ratings",
    "party_facts": "/ratings",
    "hotline_facts": "/rectification",
    "mediation_facts": "/escalations",
}


def _href(params: dict, path: str, **changes) -> str:
    """A page with the shared filter (region, period, language) and some parameters changed."""
    return path + query.build({**query.shared(query.build(params)), **changes})


def detail_path(key: str) -> tuple[str, dict]:
    """The page, and its own parameters, that show a KPI's rows: overdue cases on the 督办 list."""
    if key == "overdue_cases":
        return "/escalations", {"overdue": "1"}
    return DETAIL[kpis.BY_KEY[key].facts], {}


def attention_panel(params: dict, f: Filter, lang: str) -> html.Div:
    """The four lists for a view (the viewer's scope), each item a dcc.Link."""
    wh, viewer = warehouse(), scope()
    rows, _ = targets.current()
    rules, problem = targets.current_rules()
    stalled_rule = rules.get("arrears_stalled_months")
    sections = [
        _slipping(attention.slipping(wh, f, viewer, rows), params, lang),
        _overdue(attention.overdue_high(wh, f, viewer), params, lang),
        _stalled(attention.stalled(wh, f, viewer, stalled_rule.value), params, lang, stalled_rule.value)
        if stalled_rule is not None
        else _section("attention-stalled", label("attention_stalled", lang).format(months="—"), [], lang, None),
        _black(attention.second_black_list(wh, f, viewer), params, lang),
    ]
    body = [dbc.Row([dbc.Col(s, md=6) for s in sections], className="g-3")]
    if problem:
        body.append(html.P(problem, className="text-danger small mb-0"))
    return html.Div(body, className="attention card card-body")


def _section(
    section_id: str, title: str, items: list, lang: str, more: tuple[int, str] | None, badge: str | None = None
) -> html.Div:
    """A titled list: its items (links), or 暂无; and, when there are more, a link to them all.
    The badge counts the items (or says `badge`)."""
    badge = badge or (str(len(items) + (more[0] if more else 0)) if items else None)
    count = html.Span(badge, className="badge bg-danger ms-1") if badge else None
    lines = [html.Li(i) for i in items] or [html.Li(label("attention_none", lang), className="text-muted")]
    parts = [html.H6([title, count]), html.Ul(lines, className="attention-list")]
    if more:
        parts.append(dcc.Link(label("attention_more", lang).format(n=more[0]), href=more[1], className="small"))
    return html.Div(parts, id=section_id)


def _cut(items: list, href: str) -> tuple[list, tuple[int, str] | None]:
    return items[:SHOWN], ((len(items) - SHOWN, href) if len(items) > SHOWN else None)


def _slipping(frame, params: dict, lang: str) -> html.Div:
    items = []
    for r in frame.itertuples(index=False):
        kpi = kpis.BY_KEY[r.kpi]
        path, own = detail_path(r.kpi)
        text = label("attention_slip_item", lang).format(
            unit=r.unit_name,
            kpi=label(r.kpi, lang),
            before=fmt_value(kpi.kind, r.previous, lang),
            now=fmt_value(kpi.kind, r.value, lang),
            change=difference(kpi.kind, r.change, lang),
            slip=difference(kpi.kind, r.slip, lang).lstrip("+"),
        )
        items.append(dcc.Link(text, href=_href(params, path, region=r.unit, **own)))
    # every one (no page lists them all): the thresholds keep the list short
    return _section("attention-slipping", label("attention_slipping", lang), items, lang, None)


def _overdue(frame, params: dict, lang: str) -> html.Div:
    items = []
    for r in frame.itertuples(index=False):
        unit = r.unit_name if isinstance(r.unit_name, str) else label("unmatched_unit", lang)
        level = label(f"level.{r.level}", lang)
        text = label("attention_overdue_item", lang).format(
            unit=unit, level=level if lang == "zh" else level.lower(), n=r.cases
        )
        items.append(dcc.Link(text, href=_href(params, "/escalations", region=r.unit, level=r.level, overdue="1")))
    totals = frame.groupby("level", sort=False)["cases"].sum() if len(frame) else {}
    shown, more = _cut(items, _href(params, "/escalations", overdue="1"))
    total = f"{int(frame['cases'].sum()):,}" if len(frame) else None  # cases, not the county lines
    section = _section("attention-overdue", label("attention_overdue", lang), shown, lang, more, total)
    # the totals by level, each a link to that level's list
    links = [
        dcc.Link(
            label("attention_overdue_total", lang).format(level=label(f"level.{level}", lang), n=f"{int(n):,}"),
            href=_href(params, "/escalations", level=level, overdue="1"),
            className="me-3 small",
        )
        for level, n in (totals.items() if len(frame) else [])
    ]
    if links:
        section.children.insert(1, html.Div(links, className="mb-1"))
    return section


def _stalled(frame, params: dict, lang: str, months: int) -> html.Div:
    items = []
    for r in frame.itertuples(index=False):
        text = label("attention_stalled_item", lang).format(
            unit=r.unit_name,
            n=r.projects,
            amount=fmt_value("amount", r.arrears_outstanding, lang),
            project=r.project,
            top=fmt_value("amount", r.project_outstanding, lang),
        )
        items.append(dcc.Link(text, href=_href(params, "/funds", region=r.unit)))
    shown, more = _cut(items, _href(params, "/funds"))
    return _section("attention-stalled", label("attention_stalled", lang).format(months=months), shown, lang, more)


def _black(frame, params: dict, lang: str) -> html.Div:
    items = []
    for r in frame.itertuples(index=False):
        unit = r.unit_name if isinstance(r.unit_name, str) else label("unmatched_unit", lang)
        company = r.company_name if isinstance(r.company_name, str) else r.company_code
        text = label("attention_black_item", lang).format(
            company=company, unit=unit, n=r.black_lists, dates=r.black_dates
        )
        if r.exit_review:
            text += label("attention_exit_review", lang)
        items.append(dcc.Link(text, href=_href(params, "/escalations", company=r.company_code)))
    shown, more = _cut(items, _href(params, "/escalations"))
    return _section("attention-black", label("attention_black", lang), shown, lang, more)
