"""Loading skeletons: while a panel's callback runs, grey shapes of what is coming (cards, a chart,
a table, lines of text) stand where it will be drawn, at about its size, so that nothing jumps when
it arrives and the viewer sees at once that the page is working (not blank, then empty, then shifted)."""

from __future__ import annotations

from dash import dcc, html

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
    return html.Div(
        [dcc.Store(id=seen_id, data=False), loading(child, kind)],
        className="lazy-panel",
        **{"data-seen-store": seen_id},
    )


def not_seen(seen) -> bool:
    """Whether a lazy panel's store says it has not come near the screen yet (its callback then
    raises PreventUpdate)."""
    return seen is not True
