"""Loading skeletons: while a panel's callback runs, grey shapes of what is coming (cards, a chart,
a table, lines of text) stand where it will be drawn, at about its size, so that nothing jumps when
it arrives and the viewer sees at once that the page is working (not blank, then empty, then shifted)."""

from __future__ import annotations

from dash import dcc, html

from components.i18n import label

SHAPES = {
    "cards": 4,  # card outlines in a row
    "chart": 6,  # bars of a chart
    "table": 6,  # lines of a table
    "block": 3,  # lines of text
}


def skeleton(kind: str) -> html.Div:
    """The grey shapes of a kind of panel (SHAPES), shimmering (assets/app.css `.skeleton`)."""
    n = SHAPES[kind]
    return html.Div(
        [html.Div(className="skeleton-shape") for _ in range(n)],
        className=f"skeleton skeleton-{kind}",
        role="status",
        **{"aria-label": "加载中"},
    )


def loading(child, kind: str = "block", **kwargs) -> dcc.Loading:
    """`child` drawn by a callback, with the skeleton of its kind while the callback runs; the room
    a kind takes is kept while loading (`.loading-<kind>:has(.skeleton)` in assets/app.css)."""
    return dcc.Loading(
        child, custom_spinner=skeleton(kind), parent_className=f"loading loading-{kind}", delay_show=80, **kwargs
    )


def lazy(child, seen_id: str, kind: str = "chart") -> html.Div:
    """A panel below the fold, drawn when it comes near the screen: `seen_id` is a store that
    assets/lazy.js sets to true once the panel is within a screen's height of the viewport (or
    the page is printed); the panel's callback takes it as an input and draws nothing before
    (`not_seen`). The first screen of a page is then drawn without waiting for what is under it."""
    return lazy_section(loading(child, kind), seen_id)


def lazy_section(children, seen_id: str) -> html.Div:
    """`lazy` for a section of several panels (each with its own `loading`): one store, `seen_id`,
    which every callback of the section takes as an input."""
    return html.Div(
        [dcc.Store(id=seen_id, data=False), *(children if isinstance(children, list) else [children])],
        className="lazy-panel",
        **{"data-seen-store": seen_id},
    )


def graph_not_drawn(graph_id: str, lang: str, height: int = 360) -> dcc.Graph:
    """A lazy chart before it is drawn: a blank of its size saying it comes when scrolled to (an
    empty graph would show bare axes)."""
    from components.charts import empty_figure
    from components.theme import GRAPH_CONFIG

    return dcc.Graph(id=graph_id, figure=empty_figure(label("drawn_when_shown", lang), height), config=GRAPH_CONFIG)


def not_drawn(lang: str, kind: str = "table") -> html.Div:
    """What a lazy panel holds before it is drawn: a blank of about its kind's height (so that the
    panels under it are not all near the screen at once) saying it comes when scrolled to."""
    return html.Div(label("drawn_when_shown", lang), className=f"lazy-placeholder lazy-placeholder-{kind}")


def not_seen(seen) -> bool:
    """Whether a lazy panel's store says it has not come near the screen yet (its callback then
    raises PreventUpdate)."""
    return seen is not True
