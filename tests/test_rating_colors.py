"""Ordered ratings read from their colour (issue 18): on 评价 and the overview the star levels are
one blue, 5星 the darkest, and the credit grades run from A green to D red; on the wall the same
order, 5星 the brightest on the dark ground. Called as the pages call them, on the demo warehouse."""

from __future__ import annotations

import colorsys

import pytest

from components.theme import GRADE_COLORS, STAR_COLORS, STAR_COLORS_DARK
from metrics.db import one_version
from security.roles import Viewer

LEADER = Viewer("leader", "leader", None)


@pytest.fixture
def server(leader_pages):
    """The app's Flask server, its pages reading the demo warehouse (whatever imported the app first)."""
    import app

    return app.server


def _luminance(color: str) -> float:
    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_the_scales_are_ordered():
    assert [_luminance(STAR_COLORS[n]) for n in (5, 4, 3, 2, 1)] == sorted(_luminance(c) for c in STAR_COLORS.values())
    dark = [_luminance(STAR_COLORS_DARK[n]) for n in (5, 4, 3, 2, 1)]
    assert dark == sorted(dark, reverse=True)
    # A green, B yellow-green, C amber, D red: the hue runs from green down to red
    hues = [colorsys.rgb_to_hls(*(int(GRADE_COLORS[g][i : i + 2], 16) / 255 for i in (1, 3, 5)))[0] for g in "ABCD"]
    assert hues == sorted(hues, reverse=True) and hues[0] > 0.25 and hues[3] < 0.05


def test_the_ratings_page_and_the_wall_draw_ratings_in_their_order(server, demo_wh):
    from flask import g

    from components.i18n import label
    from metrics.filters import Filter
    from pages import _ratings_content as ratings
    from pages import overview, screen

    params = {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"}
    with server.test_request_context(), one_version():
        g.viewer = LEADER
        _, by_county, by_year, _ = ratings.stars_section(params)
        _, credit_by_year, _, _, _ = ratings.credit_section(params)
        wall = screen.screen_content(Filter.from_query("140700", None, None), "zh")[0]["figures"]
        star_pie, credit_pie = (fig["data"][0] for fig in overview.overview_mix({**params, "lang": "zh"}))
    stars = {label(f"stars_{n}", "zh"): c for n, c in STAR_COLORS.items()}
    for fig in (by_county, by_year):
        drawn = {t["name"]: t["marker"]["color"] for t in fig["data"]}
        assert drawn and all(stars[name] == color for name, color in drawn.items()), drawn
    grades = {label(f"credit_{g.lower()}", "zh"): c for g, c in GRADE_COLORS.items()}
    drawn = {t["name"]: t["marker"]["color"] for t in credit_by_year["data"]}
    assert drawn and all(grades[name] == color for name, color in drawn.items()), drawn

    # the overview's two donuts: 1星 … 5星 and A … D in their colours, none in the house palette's
    assert list(star_pie["labels"]) == [f"{n}星" for n in range(1, 6)]
    assert list(star_pie["marker"]["colors"]) == [STAR_COLORS[n] for n in range(1, 6)]
    assert list(credit_pie["labels"]) == list("ABCD")
    assert list(credit_pie["marker"]["colors"]) == [GRADE_COLORS[g] for g in "ABCD"]

    pie = wall["credit"]["data"][0]
    assert pie["marker"]["colors"] == [GRADE_COLORS[g] for g in pie["labels"]]
    pie = wall["stars"]["data"][0]
    dark = {label(f"stars_{n}", "zh"): c for n, c in STAR_COLORS_DARK.items()}
    assert pie["marker"]["colors"] == [dark[name] for name in pie["labels"]]
