"""Published figures (data/published_figures.csv) against the demo's rows: where a report's
figure differs from what the rows give, the card, the rectification page's group card and the
wall tile carry a note a leader can read, with the report it comes from (metrics/published.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from components.cards import kpi_card, published_texts
from metrics import cases, kpis, published
from metrics.filters import EVERYTHING, Filter, Scope

D = dt.date
TO_MAY = Filter("140700", D(2024, 1, 1), D(2025, 5, 31))
Y24 = Filter("140700", D(2024, 1, 1), D(2024, 12, 29))


def texts(component) -> list[str]:
    """Every string in a Dash component tree."""
    out = []
    children = getattr(component, "children", component)
    if isinstance(children, str):
        return [children]
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (int, float)):
            out += texts(child)
    return out


def computed(wh, p: published.Published):
    """The dashboard's value for a published figure's own view: a KPI's card value, or a case
    group's rate as the rectification page's group card shows it."""
    f = Filter(p.region, p.start, p.end)
    if p.figure in published.GROUP_RATES:
        row = cases.group_summary(cases.unit_table(wh, f, EVERYTHING)).set_index("case_group")
        r = row.loc[p.figure.removeprefix("rate_")]
        return r["rate"], r["rectified"], r["received"]
    v = kpis.compute(wh, [p.figure], f, EVERYTHING, with_previous=False)[p.figure]
    return v.value, v.numerator, v.denominator


def test_the_table_loads_and_names_known_figures_and_seeds():
    rows = published.figures()
    assert len(rows) >= 10
    for p in rows:
        assert p.figure in kpis.BY_KEY or p.figure in published.GROUP_RATES
        assert p.seed.endswith(".txt") and p.source
        assert p.region.isdigit() and len(p.region) == 6


def test_every_published_figure_is_reproduced_except_the_three_the_reports_get_wrong(demo_wh):
    differ = {}
    for p in published.figures():
        c = published.compare(p, *computed(demo_wh, p))
        if not c.agrees:
            differ[(p.figure, p.start, p.end)] = (p.text, c.computed_in_unit, c.computed_thing)
    assert differ == {
        ("rate_sweep", D(2024, 1, 1), D(2025, 5, 31)): ("99.53%", Decimal("99.52"), "%"),
        ("complaint_close_rate", D(2024, 1, 1), D(2025, 5, 31)): ("97.38%", Decimal("97.09"), "%"),
        # the report counts 6.77 万 people; the ledger counts households (67,700 户)
        ("refund_households", D(2024, 1, 1), D(2025, 5, 31)): ("6.77万人", None, "户"),
    }


def test_card_carries_the_note_with_source_and_date_in_both_languages(demo_wh):
    values = kpis.compute(
        demo_wh, ["complaint_close_rate", "refund_households", "refund_amount"], TO_MAY, EVERYTHING, with_previous=False
    )
    notes = published.notes(values, TO_MAY, EVERYTHING)
    assert set(notes) == {"complaint_close_rate", "refund_households"}  # 1.07 亿元 is reproduced: no note
    card = texts(kpi_card(values["complaint_close_rate"], "zh", published=notes["complaint_close_rate"]))
    assert "通报口径 97.38%，按台账计算 97.09%" in card
    source = next(t for t in card if t.startswith("来源："))
    assert "不让房屋“养老金”再“沉睡”" in source and "数据截至 2025-05" in source
    assert published_texts(notes["refund_households"], "zh")[0] == "通报口径 6.77万人，按台账计算 67,700 户"
    assert published_texts(notes["complaint_close_rate"], "en")[0] == "Reported 97.38%; from the ledgers 97.09%"
    assert (
        published_texts(notes["refund_households"], "en")[0]
        == "Reported 67,700 people; from the ledgers 67,700 households"
    )


def test_no_note_outside_the_reports_view_or_for_a_viewer_who_sees_part_of_the_region(demo_wh):
    def notes(f: Filter, scope: Scope = EVERYTHING):
        values = kpis.compute(demo_wh, ["complaint_close_rate"], f, scope, with_previous=False)
        return published.notes(values, f, scope)

    assert notes(TO_MAY)
    assert not notes(Filter("140700", D(2024, 1, 1), D(2025, 4, 30)))  # another period
    assert not notes(Filter("140702", D(2024, 1, 1), D(2025, 5, 31)))  # a county of the city
    assert not notes(Filter(None, D(2024, 1, 1), D(2025, 5, 31)))  # the province
    assert not notes(TO_MAY, Scope(("140702",)))  # a county officer sees his county's part only


def test_rectification_group_card_and_wall_tile_show_the_note(demo_wh):
    import app  # noqa: F401  (creates the Dash app and registers the pages)
    from pages import rectification, screen

    view = rectification.View.of({"region": "140700", "from": "2024-01-01", "to": "2025-05-31"})
    units = cases.unit_table(demo_wh, view.f, EVERYTHING)
    cards = {
        row.case_group: texts(rectification._group_card(view, row))
        for row in cases.group_summary(units).itertuples(index=False)
    }
    assert "通报口径 99.53%，按台账计算 99.52%" in cards["sweep"]
    assert "通报口径 97.38%，按台账计算 97.09%" in cards["complaints"]
    assert not any(t.startswith("通报口径") for t in cards["leads"])

    data = screen.screen_content(TO_MAY, "zh")[0]
    tiles = {t["key"]: t for t in data["kpis"]}
    assert tiles["complaint_close_rate"]["note"] == "通报口径 97.38%，按台账计算 97.09%"
    assert "不让房屋“养老金”再“沉睡”" in tiles["complaint_close_rate"]["source"]
    assert tiles["rectification_rate"]["note"] == ""
    en = {t["key"]: t for t in screen.screen_content(TO_MAY, "en")[0]["kpis"]}
    assert en["complaint_close_rate"]["note"] == "Reported 97.38%; from the ledgers 97.09%"


def test_a_leads_rate_of_2024_is_reproduced_and_gets_no_note(demo_wh):
    value, num, den = computed(demo_wh, published.for_view("rate_leads", Y24, EVERYTHING)[0])
    assert (num, den) == (733, 738)
    assert published.disagreement("rate_leads", Y24, EVERYTHING, value, num, den) is None
