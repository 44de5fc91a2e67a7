"""The filter bar's period presets and calendars, through the shell's callback (app.sync_filter)
called directly on the demo warehouse, as the browser's request would call it."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict

from metrics.facts import data_as_of
from metrics.filters import EVERYTHING, Filter
from metrics.periods import preset_range


@contextmanager
def triggered(prop_id: str | None):
    """The callback context of a request whose changed input is `prop_id` (None: the first call)."""
    token = context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop_id, "value": None}] if prop_id else []))
    try:
        yield
    finally:
        context_value.reset(token)


@pytest.fixture
def app(leader_pages, demo_wh, monkeypatch):
    import app as app_module

    monkeypatch.setattr(app_module, "warehouse", lambda: demo_wh)  # the shell's own reader name
    return app_module


@pytest.fixture
def as_of(demo_wh) -> dt.date:
    return data_as_of(demo_wh, Filter.from_query("140700"), EVERYTHING)


def test_the_url_names_its_preset_and_the_calendars_open_at_the_data_month(app, as_of):
    first, last = preset_range("year", as_of)
    with triggered("url.search"):
        out = app.sync_filter(f"?region=140700&from={first}&to={last}", None, None, None, None, "/rectification")
    search, _, region, start, end, period, month_from, month_to = out
    assert (region, start, end, period) == ("140700", first.isoformat(), last.isoformat(), "year")
    assert month_from == month_to == as_of.isoformat()
    with triggered("url.search"):
        out = app.sync_filter("?region=140700&from=2024-03-05&to=2024-07-01", None, None, None, None, "/rectification")
    assert out[5] == "custom" and out[3:5] == ("2024-03-05", "2024-07-01")
    with triggered("url.search"):
        out = app.sync_filter("?region=140700", None, None, None, None, "/rectification")
    assert out[5] == "all" and out[3:5] == (None, None)


def test_a_preset_rewrites_both_dates_to_end_at_the_data_date(app, as_of):
    for key in ("month", "quarter", "year", "last12"):
        with triggered("shell-period.value"):
            out = app.sync_filter("?region=140700&lang=en", "140700", None, None, key, "/funds")
        first, last = preset_range(key, as_of)
        search = out[0]
        assert f"from={first}" in search and f"to={last}" in search and "lang=en" in search, (key, search)
        assert out[3:5] == (first.isoformat(), last.isoformat())  # the calendars show them at once
    with triggered("shell-period.value"):
        search = app.sync_filter("?region=140700&from=2024-01-01&to=2024-12-31", "140700", None, None, "all", "/")[0]
    assert "from=" not in search and "to=" not in search and "region=140700" in search
    with triggered("shell-period.value"):  # 自定义: the dates are the user's, nothing moves
        out = app.sync_filter("?region=140700&from=2024-01-01", "140700", None, None, "custom", "/")
    assert all(o is app.no_update for o in out)
    # no choice: the list emptied its value (a campaign of 晋中 chosen, then 晋城 picked, whose
    # campaigns are others); nothing moves, and no 400 for the browser
    with triggered("shell-period.value"):
        out = app.sync_filter("?region=140500&from=2025-05-01&to=2025-05-31", "140500", None, None, None, "/funds")
    assert all(o is app.no_update for o in out)


def test_the_overview_opens_on_this_year_and_the_bar_says_so(app, as_of):
    from pages._overview_headline import with_default_period

    first, last = preset_range("year", as_of)
    with triggered("url.search"):
        out = app.sync_filter("?region=140700", None, None, None, None, "/")
    assert out[3:6] == (first.isoformat(), last.isoformat(), "year")
    shown = with_default_period({"region": "140700"})  # what the page itself computes with
    assert (shown["from"], shown["to"]) == (first.isoformat(), last.isoformat())


@pytest.mark.parametrize("path, period", [("/", "year"), ("/inbox", "all")])
def test_a_county_officer_sent_to_his_county_gets_the_controls_of_that_view(app, demo_wh, monkeypatch, path, period):
    """A URL without his county (or with another) is rewritten to it, and the same answer sets the
    controls for it: his county chosen, the page's period named and its dates (they stayed blank)."""
    from metrics.filters import Scope

    monkeypatch.setattr(app.security, "current_scope", lambda: Scope(("140702",), personal_data=False))
    as_of = data_as_of(demo_wh, Filter.from_query("140702"), Scope(("140702",)))
    for search in ("", "?region=140700&lang=en"):
        with triggered("url.search"):
            out = app.sync_filter(search, None, None, None, None, path)
        url, options, region, start, end, chosen, month_from, month_to = out
        assert "region=140702" in url and region == "140702"
        values = [o["value"] for o in options]
        assert "140702" in values and all(v.startswith("140702") for v in values)  # his county and its townships
        assert chosen == period and month_from == month_to == as_of.isoformat()
        if period == "year":
            first, last = preset_range("year", as_of)
            assert (start, end) == (first.isoformat(), last.isoformat())
        else:
            assert start is end is None
