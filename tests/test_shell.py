"""The shell (issue 18): the page open is marked in the navbar, and the navbar's links read at
WCAG AA contrast (4.5:1) on its background — computed from assets/app.css."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = re.sub(r"/\*.*?\*/", "", (Path(__file__).resolve().parent.parent / "assets" / "app.css").read_text(), flags=re.S)


def _rule(selector: str, prop: str) -> str:
    for found in re.finditer(r"([^{}]+)\{([^}]*)\}", CSS):
        if selector in [s.strip() for s in found.group(1).split(",")]:
            value = re.search(rf"(?:^|;)\s*{prop}\s*:\s*(#[0-9a-fA-F]{{6}})", found.group(2))
            if value:
                return value.group(1)
    raise AssertionError(f"no {prop} for {selector} in app.css")


def _luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(color[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_navbar_links_pass_wcag_aa():
    background = _rule(".navbar.shell-navbar", "background-color")
    for selector in (".shell-navbar .nav-link", ".shell-navbar .nav-link.active"):
        assert contrast(_rule(selector, "color"), background) >= 4.5, selector
    assert contrast("#9aaec8", background) < 4.5  # Bootstrap's dimmed link colour, as before: too faint


@pytest.mark.parametrize("path", ["/", "/funds", "/escalations"])
def test_the_page_open_is_marked(demo_wh, path):
    import app

    ids = [{"type": "shell-nav", "path": p} for p in ("/", "/rectification", "/funds", "/escalations", "/ratings")]
    with app.server.test_request_context():
        out = app.shell_texts("?region=140700", path + ("/" if path != "/" else ""), ids)
    classes = dict(zip([i["path"] for i in ids], out[2], strict=True))
    assert [p for p, c in classes.items() if "active" in c.split()] == [path]
    assert all(c.startswith("nav-link") for c in classes.values())


def test_a_region_is_found_by_its_name_or_its_pinyin():
    from components.shell import region_choices, spelled

    assert spelled("晋中市").split() == ["晋中市", "jzs", "jinzhongshi"]
    assert {"czs", "changzhishi"} <= set(spelled("长治市").split())  # the first character's other reading
    (option,) = region_choices([{"code": "140702", "name": "榆次区", "level": "county"}])
    assert option == {"label": "\u3000榆次区", "value": "140702", "search": "榆次区 ycq yuciqu"}


@pytest.mark.parametrize(
    "module, params",
    [
        ("overview", {"region": "140700"}),
        ("rectification", {"region": "140700"}),
        ("funds", {"region": "140700"}),
        ("ratings", {"region": "140700"}),
        ("escalations", {"region": "140700"}),
        ("county", {"region": "140702"}),
        ("audit", {}),
        ("inbox", {}),
    ],
)
def test_every_panel_shows_a_skeleton_of_its_kind_while_it_loads(leader_pages, module, params):
    """No dcc.Loading of a page is the bare spinner: each stands a skeleton (cards, a chart, a table,
    lines) where its panel is coming, in a holder that keeps the panel's room while it loads."""
    import importlib

    from dash import dcc

    from components.loading import SHAPES
    from tests.dash_tree import walk

    page = importlib.import_module(f"pages.{module}")
    loadings = [c for c in walk(page.layout(**params)) if isinstance(c, dcc.Loading)]
    assert loadings, module
    for c in loadings:
        spinner = c.custom_spinner
        assert spinner is not None and spinner.className.startswith("skeleton skeleton-"), (module, c.children)
        kind = spinner.className.split("skeleton-")[1]
        assert kind in SHAPES and c.parent_className == f"loading loading-{kind}"
        assert len(spinner.children) == SHAPES[kind]


def test_the_links_carry_the_period_the_page_shows(leader_pages, demo_wh, monkeypatch):
    """On the overview with no date in the URL (it shows 本年), the navbar's links carry 本年's
    dates: 整改进度 opens on the period the leader was looking at, not on all time."""
    import app

    monkeypatch.setattr(app, "warehouse", lambda: demo_wh)  # the shell's own reader name
    from metrics.facts import data_as_of
    from metrics.filters import EVERYTHING, Filter
    from metrics.periods import preset_range

    first, last = preset_range("year", data_as_of(demo_wh, Filter.from_query("140700"), EVERYTHING))
    ids = [{"type": "shell-nav", "path": p} for p in ("/", "/rectification")]
    hrefs = app.shell_texts("?region=140700", "/", ids)[0]
    assert all(f"from={first}" in h and f"to={last}" in h and "region=140700" in h for h in hrefs), hrefs
    hrefs = app.shell_texts("?region=140700", "/funds", ids)[0]  # a page without a default: as the URL says
    assert hrefs == ["/?region=140700", "/rectification?region=140700"]
    hrefs = app.shell_texts("?region=140700&from=2024-01-01&to=2024-12-31", "/", ids)[0]  # dates of its own: kept
    assert all("from=2024-01-01" in h and "to=2024-12-31" in h for h in hrefs)
