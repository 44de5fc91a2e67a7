"""Early warnings (预警) drawn: a list per kind for a page (待办, 督办) and the wall's alarm strip
(大屏). They take what pages/_warnings.py made of metrics/warnings.py — per kind its label, its
count and its worst items as (text, link) — and query nothing."""

from __future__ import annotations

from dash import dcc, html

from components.i18n import fmt_count, label

# (kind, its label, how many, [(text, href or None)]) per kind
Group = tuple[str, str, int, list[tuple[str, str | None]]]


def warning_list(page: str, groups: list[Group], at_text: str, lang: str) -> html.Div:
    """The 预警 card's body: per kind its count and items (a link where there is a page for it)."""
    if not any(n for _, _, n, _ in groups):
        return html.Div([html.P(label("warnings_none", lang), className="text-muted mb-0"), _at(at_text)])
    blocks = []
    for kind, name, n, shown in groups:
        if not n:
            continue
        lines = [html.Li(dcc.Link(text, href=href) if href else text, className="small") for text, href in shown]
        if n > len(shown):
            lines.append(
                html.Li(label("warnings_more", lang).format(n=fmt_count(n - len(shown))), className="small text-muted")
            )
        blocks.append(
            html.Div(
                [
                    html.H6(
                        [name, html.Span(fmt_count(n), className="badge bg-warning text-dark ms-1")], className="mb-1"
                    ),
                    html.Ul(lines, className="attention-list mb-2"),
                ],
                id=f"{page}-warning-{kind}",
            )
        )
    return html.Div([*blocks, _at(at_text)])


def alarm_strip(groups: list[Group], lang: str) -> list:
    """The wall's alarm strip: per kind a count and its worst item, large enough for five metres."""
    cells = []
    for kind, name, n, shown in groups:
        cells.append(
            html.Div(
                [
                    html.Div(
                        [
                            html.Span(fmt_count(n), className="screen-alarm-count"),
                            html.Span(name, className="screen-alarm-name"),
                        ],
                        className="screen-alarm-head",
                    ),
                    html.Div(shown[0][0] if shown else label("warnings_none", lang), className="screen-alarm-item"),
                ],
                className="screen-alarm" + (" screen-alarm-on" if n else ""),
                id=f"screen-alarm-{kind}",
            )
        )
    return cells


def _at(text: str) -> html.Div:
    return html.Div(text, className="small text-muted")
