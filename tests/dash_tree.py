"""Reading what a page callback returns, as the browser would show it: the Dash component
tree's text, the component with an id, a figure's traces. For the direct page tests that
call a page's callbacks on the demo warehouse instead of driving a browser."""

from __future__ import annotations

from collections.abc import Iterator

import plotly.graph_objects as go


def walk(component) -> Iterator:
    """Every component in a tree (a list of trees too), depth first."""
    if isinstance(component, (list, tuple)):
        for c in component:
            yield from walk(c)
        return
    if component is None or isinstance(component, (str, int, float)):
        return
    yield component
    yield from walk(getattr(component, "children", None))


def text(component) -> str:
    """The text a component tree shows, its strings joined."""
    if isinstance(component, str):
        return component
    if isinstance(component, (int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(text(c) for c in component)
    if component is None:
        return ""
    return text(getattr(component, "children", None))


def by_id(component, id_: str):
    """The component with this id in a tree (AssertionError when there is none)."""
    found = [c for c in walk(component) if getattr(c, "id", None) == id_]
    assert found, f"no component #{id_}"
    return found[0]


def by_class(component, class_name: str) -> list:
    return [c for c in walk(component) if class_name in (getattr(c, "className", None) or "").split()]


def card_value(cards, card_id: str) -> str:
    """The value a KPI card shows (its `.kpi-value`)."""
    (value,) = by_class(by_id(cards, card_id), "kpi-value")
    return text(value)


def figure(fig: dict) -> go.Figure:
    """A page's figure (Plotly's JSON as plain dicts, components/theme.make_figure) as a
    go.Figure to read by attribute; building it puts it through Plotly's validators."""
    return go.Figure(fig)


def traces(fig: dict) -> list[dict]:
    """name, x, y, text of every trace, as lists."""
    return [
        {
            "name": t.name,
            "x": list(t.x) if t.x is not None else [],
            "y": list(t.y) if t.y is not None else [],
            "text": list(t.text) if t.text is not None and not isinstance(t.text, str) else t.text,
        }
        for t in figure(fig).data
    ]


def spark(component) -> tuple[list[list[tuple[float, float]]], tuple[float, float]]:
    """A card's sparkline as drawn (components/cards.py spark_svg): its line's pieces (a gap in the
    months breaks it), each a list of (x, y) points in the drawing's units (y grows downwards),
    and the dot on the last month."""
    import re
    from urllib.parse import unquote

    (img,) = [c for c in walk(component) if "kpi-spark-img" in (getattr(c, "className", None) or "")]
    svg = unquote(img.src.split(",", 1)[1])
    line = re.search(r'class="line" d="([^"]*)"', svg).group(1)
    pieces = [
        [tuple(float(n) for n in point.split(",")) for point in piece.split("L")] for piece in line.split("M") if piece
    ]
    dot = re.search(r'class="last" d="M([^l]*)l0,0"', svg).group(1)
    return pieces, tuple(float(n) for n in dot.split(","))
