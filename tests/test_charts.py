"""The figure factories build figures without Plotly's per-property validation (for speed);
here every factory's output goes through the validators, so a misspelt property fails."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from components import charts, steps
from components.trend import named_lines

FRAME = pd.DataFrame(
    {
        "unit": ["140702", "140721", "140722"],
        "name": ["榆次区", "榆社县", "左权县"],
        "received": [10, 0, 3],
        "rectified": [9, 0, 3],
        "fund_usage_rate": [0.5, float("nan"), 1.0],
        "day": [dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)],
    }
)

FACTORIES = {
    "empty": lambda: charts.empty_figure("无数据"),
    "bars": lambda: charts.bars(
        FRAME, "name", ["received", "rectified"], "zh", title="t", customdata="unit", yformat=",d"
    ),
    "bars_h": lambda: charts.bars(FRAME, "name", ["received"], "en", orientation="h", barmode="stack"),
    "lines": lambda: charts.lines(FRAME, "day", ["received", "rectified"], "zh", yformat=",d"),
    "donut": lambda: charts.donut(["A", "B"], [1, 2], "t"),
    "donut_ordered": lambda: charts.donut(["A", "B"], [1, 2], "t", colors=["#1a9850", "#8cc95c"]),
    "heatmap": lambda: charts.heatmap([[1, 0], [2, 3]], ["A", "B"], ["A", "B"], "t", "x", "y", "n"),
    "dots": lambda: charts.dots(
        FRAME, "name", ["fund_usage_rate"], "zh", customdata="unit", xformat=".0%", x_range=[0, 1]
    ),
    "bars_with_rate": lambda: charts.bars_with_rate(
        FRAME, "name", ["received"], "fund_usage_rate", "zh", customdata="unit", y_title="万元"
    ),
    "stacked": lambda: charts.stacked(
        ["社区", "县级"],
        [("≤5", [1, 2]), (">5", [0, 1])],
        "t",
        ["a", "b"],
        orientation="h",
        value_name="件",
        colors=charts.PALETTE,
    ),
    "named_lines": lambda: named_lines(["2024-01", "2024-02"], [(f"县{i}", [0.5, 0.6]) for i in range(11)], ".0%"),
    "trail": lambda: steps.trail(
        [dt.date(2024, 1, 1), dt.date(2024, 1, 5)],
        ["社区", "县级"],
        ["提醒函", "督办函"],
        ["社区", "乡镇", "县级"],
        "t",
    ),
}

# What pages give the factories beyond their data (`layout=`, `trace=`, `more=`): built into the
# one unvalidated figure, so they must pass the validators here too (a page's own are validated
# in tests/test_page_figures.py).
NOTE = {"text": "注", "showarrow": False, "x": 0, "y": 1, "xref": "paper", "yref": "paper", "font": {"size": 12}}
TOTALS = {
    "type": "scatter",
    "x": ["榆次区", "榆社县", "左权县"],
    "y": [10, 0, 3],
    "mode": "text",
    "showlegend": False,
    "hoverinfo": "skip",
    "customdata": [1, 0, 2],
    "texttemplate": "%{y:,}<br>超期 %{customdata:,}",
    "textposition": "top center",
    "cliponaxis": False,
}
FACTORIES |= {
    "bars_given": lambda: charts.bars(
        FRAME,
        "name",
        ["received", "rectified"],
        "zh",
        customdata="unit",
        layout={"margin": {"t": 20}, "yaxis": {"title": {"text": "件"}, "dtick": 1}, "annotations": [NOTE]},
        trace={"text": ["a", "b", "c"], "textposition": "outside", "cliponaxis": False, "marker": {"color": "#c23b3b"}},
        more=[TOTALS],
    ),
    "bars_h_given": lambda: charts.bars(
        FRAME,
        "name",
        ["received"],
        "en",
        orientation="h",
        layout={"yaxis": {"autorange": "reversed", "automargin": True}, "legend": {"traceorder": "normal"}},
        trace={"marker": {"color": ["#1f5fa8", "#d9822b", "#2e9e5b"]}, "customdata": FRAME["received"].to_numpy()},
    ),
    "lines_given": lambda: charts.lines(
        FRAME,
        "day",
        ["received", "rectified"],
        "zh",
        mode="lines+markers",
        dashed=["rectified"],
        layout={"showlegend": False, "xaxis": {"tickformat": "%Y-%m"}, "yaxis": {"rangemode": "tozero", "range": None}},
    ),
    "donut_given": lambda: charts.donut(
        ["A", "B"],
        [1, 2],
        "t",
        trace={"textinfo": "percent", "textposition": "inside", "marker": {"line": {"color": "white", "width": 1}}},
        layout={"showlegend": True, "annotations": [NOTE], "margin": {"t": 30}},
    ),
    "dots_given": lambda: charts.dots(
        FRAME, "name", ["fund_usage_rate"], "zh", xformat=".1%", layout={"xaxis": {"title": {"text": "率"}}}
    ),
    "bars_with_rate_given": lambda: charts.bars_with_rate(
        FRAME,
        "day",
        ["received", "rectified"],
        "fund_usage_rate",
        "zh",
        rate_tickformat=".0%",
        layout={"yaxis2": {"range": [0, 1.05]}, "margin": {"t": 20}, "xaxis": {"tickformat": "%Y-%m"}},
    ),
    "stacked_given": lambda: charts.stacked(
        ["榆次区", "榆社县", "左权县"],
        [("≤5", [4, 0, 1]), (">5", [6, 0, 2])],
        customdata=["140702", "140721", "140722"],
        layout={"showlegend": True, "margin": {"t": 44}, "yaxis": {"tickformat": ",d", "dtick": 1}},
        more=[TOTALS],
    ),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_factory_output_passes_plotly_validation(name):
    fig = FACTORIES[name]()
    validated = go.Figure(fig)  # raises ValueError on any invalid property or value
    assert len(validated.data) == len(fig["data"])
    # what the browser is sent is what the validated figure would send: nothing left for the
    # validators to add, drop or change (a None given is left out, the default template carried)
    assert json.loads(pio.to_json(fig)) == json.loads(pio.to_json(validated))
    assert validated.layout.font.family == charts.FONT
    # the legend sits at the figure's foot, in the height Plotly reserves for it: never at a
    # fraction of the plot's height below the plot, where upright category labels run under it
    legend = validated.layout.legend
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")


def test_many_named_lines_grow_the_figure_by_the_rows_their_legend_takes_on_a_phone():
    one, eleven = (named_lines(["2024-01"], [(f"县{i}", [0.5]) for i in range(n)], height=360) for n in (2, 11))
    assert one["layout"]["height"] == 360 and eleven["layout"]["height"] == 360 + 2 * 20


def test_nan_becomes_null_and_columns_become_lists():
    fig = charts.dots(FRAME, "name", ["fund_usage_rate"], "zh")
    assert fig["data"][0]["x"] == [0.5, None, 1.0]


def test_layout_merges_nested_settings():
    fig = charts.bars(FRAME, "name", ["received"], "zh", yformat=",d")
    assert fig["layout"]["yaxis"]["tickformat"] == ",d" and fig["layout"]["yaxis"]["gridcolor"] == "#eee"


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.bars(FRAME, "name", ["received"], "zh", layout={"margn": {"t": 20}}),
        lambda: charts.bars(FRAME, "name", ["received"], "zh", trace={"textpositon": "outside"}),
        lambda: charts.bars(FRAME, "name", ["received"], "zh", more=[{"type": "scatter", "mod": "text"}]),
        lambda: charts.lines(FRAME, "day", ["received"], "zh", layout={"yaxis": {"rangemod": "tozero"}}),
        lambda: charts.donut(["A", "B"], [1, 2], trace={"hole": "half"}),
        lambda: charts.bars_with_rate(
            FRAME, "name", ["received"], "fund_usage_rate", "zh", layout={"xaxis": {"typ": "category"}}
        ),
        lambda: charts.stacked(["a"], [("n", [1])], layout={"annotations": [{"txt": "x"}]}),
    ],
    ids=["layout", "trace", "more", "lines", "donut", "bars_with_rate", "stacked"],
)
def test_what_the_builder_is_given_is_not_validated_when_built_but_fails_the_validators(build):
    """The builder takes a page's extras unchecked (that is its speed): a misspelt one still
    builds, and fails when the figure is validated, as the tests above and tests/test_page_figures.py do."""
    fig = build()
    with pytest.raises(ValueError):
        go.Figure(fig)


def test_plain_json_figures_of_the_map_and_the_wall_display_pass_plotly_validation():
    from components.maps import county_figure, load_geojson
    from components.screen import dark_donut, dark_map

    geo = load_geojson("140700")
    for fig in (
        county_figure(geo, {"140702": 0.9}, "整改率", "整改率", value_format=".1%"),
        dark_map(geo, {"140702": 0.9, "140721": None}, "整改率", ".2%", "zh"),
        dark_map(geo, {"140702": 12.5}, "尚未追缴（万元）", ",.2f", "zh", higher_is_better=False),
        dark_donut(["A", "B"], [3, 4], "7 家"),
    ):
        validated = go.Figure(fig)  # raises on an invalid property
        assert len(validated.data) == len(fig["data"])
        assert fig["layout"]["template"] == charts.PLOTLY_TEMPLATE  # looks as the validated figures do


LINK = "<a href='https://evil.example/'>点我</a>"
MARKUP = pd.DataFrame(
    {
        "unit": ["1", "2"],
        "name": [LINK, "A&B物业<b>"],
        "received": [1, 2],
        "rectified": [1, 1],
        "fund_usage_rate": [0.5, 0.7],
    }
)


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.bars(MARKUP, "name", ["received"], "zh", customdata="unit"),
        lambda: charts.bars(MARKUP, "name", ["received"], "zh", orientation="h"),
        lambda: charts.dots(MARKUP, "name", ["fund_usage_rate"], "zh", customdata="unit"),
        lambda: charts.bars_with_rate(MARKUP, "name", ["received"], "fund_usage_rate", "zh", customdata="unit"),
        lambda: charts.donut(list(MARKUP["name"]), [1, 2]),
        lambda: charts.heatmap([[1, 2], [3, 4]], list(MARKUP["name"]), list(MARKUP["name"])),
        lambda: charts.stacked(list(MARKUP["name"]), [(LINK, [1, 2])], customdata=["1", "2"]),
        # text a page gives the builder (a trace's text, an extra trace) is escaped as the factory's own
        lambda: charts.bars(
            MARKUP, "name", ["received"], "zh", customdata="unit", trace={"text": list(MARKUP["name"])}
        ),
        lambda: charts.stacked(
            ["1", "2"],
            [("n", [1, 2])],
            customdata=["1", "2"],
            more=[{"type": "scatter", "x": list(MARKUP["name"]), "y": [1, 2], "mode": "text", "text": [LINK, "x"]}],
        ),
        lambda: steps.trail(
            [dt.date(2024, 1, 1), dt.date(2024, 1, 2)],
            ["社区", "县级"],
            [LINK, "督办函"],
            ["社区", "县级"],
            hover=[LINK, "x"],
        ),
    ],
    ids=[
        "bars",
        "bars_h",
        "dots",
        "bars_with_rate",
        "donut",
        "heatmap",
        "stacked",
        "bars_trace",
        "stacked_more",
        "trail",
    ],
)
def test_ledger_text_is_never_markup_in_a_chart(build):
    """Plotly renders `<a href>` in labels as a link: every text datum reaches it escaped, and
    the codes a click reads (customdata) are left as they are."""
    fig = build()
    text = str([{k: t.get(k) for k in ("x", "y", "text", "labels", "hovertext", "name")} for t in fig["data"]])
    text += str([fig["layout"].get(a, {}).get("categoryarray") for a in ("xaxis", "yaxis")])
    assert "<a " not in text and "<b>" not in text
    assert "&lt;a href=&#x27;" in text or "&lt;a href='https://evil.example/'&gt;点我&lt;/a&gt;" in text
    custom = [t.get("customdata") for t in fig["data"] if t.get("customdata") is not None]
    assert all(list(c) == ["1", "2"] for c in custom)


def test_the_wall_displays_donut_escapes_its_names_too():
    from components.screen import dark_donut

    fig = dark_donut([LINK, "B"], [1, 2], "2")
    assert fig["data"][0]["labels"][0].startswith("&lt;a href=")


def test_the_cards_sparkline_keeps_a_gap_a_gap_and_marks_the_latest_month():
    from dash_tree import spark

    from components.cards import sparkline
    from vocab.kpis import BY_KEY

    points = [(dt.date(2025, m, 1), v) for m, v in ((1, 0.5), (2, 0.25), (3, None), (4, 0.75), (5, 0.5))]
    drawn = sparkline(points, BY_KEY["rectification_rate"], "zh")
    pieces, dot = spark(drawn)
    # two pieces, the gap not bridged; the lowest value at the bottom, the highest at the top
    assert pieces == [[(0.0, 17.0), (25.0, 31.0)], [(75.0, 3.0), (100.0, 17.0)]]
    assert dot == (100.0, 17.0)  # the latest month marked
    assert "2025-03 无数据" in drawn.title and "2025-04 75.00%" in drawn.title  # its months on hover
    flat = sparkline([(dt.date(2025, m, 1), 0.9) for m in (1, 2)], BY_KEY["rectification_rate"], "zh")
    assert spark(flat)[0] == [[(0.0, 17.0), (100.0, 17.0)]]  # one value throughout: a line in the middle
    assert "kpi-spark-empty" in sparkline([(dt.date(2025, 1, 1), None)], BY_KEY["rectification_rate"], "zh").className


def test_what_a_page_gives_the_builder_is_what_updating_the_figure_afterwards_made():
    """`layout=`, `trace=` and `more=` (components/charts.py) build in one piece what
    `update_traces`, `add_trace` and `update_layout` made of a built figure, nested settings
    merged key by key as Plotly merges them."""
    layout = {"margin": {"t": 20}, "legend": {"y": -0.25}, "yaxis": {"tickformat": ",d", "title": {"text": "件"}}}
    trace = {"textposition": "outside", "marker": {"color": "#c23b3b"}, "cliponaxis": False}
    text = {
        "type": "scatter",
        "x": ["榆次区", "榆社县", "左权县"],
        "y": [10, 0, 3],
        "mode": "text",
        "text": ["a", "b", "c"],
    }
    given = charts.bars(FRAME, "name", ["received", "rectified"], "zh", layout=layout, trace=trace, more=[text])
    after = go.Figure(charts.bars(FRAME, "name", ["received", "rectified"], "zh"))
    after.update_traces(**trace)
    after.add_trace(text)
    after.update_layout(**layout)
    assert json.loads(pio.to_json(given)) == json.loads(pio.to_json(after))
    donut = charts.donut(["A", "B"], [1, 2], "t", trace={"textinfo": "percent"}, layout={"showlegend": True})
    assert donut["data"][0]["textinfo"] == "percent" and donut["layout"]["showlegend"] is True
