"""The overview's head on the demo warehouse: the default period (1 January to 数据截至; a date in
the URL overrides it), the cards' targets from data/kpi_targets.csv, their changes against the
previous period and a year earlier equal to the catalogue computed on those periods (无可比数据
where the ledger does not cover one), their sparklines equal to the catalogue month by month, and
the thresholds file checked with a Chinese message naming every problem."""

from __future__ import annotations

import datetime as dt

import pytest
from dash_tree import by_class, by_id, spark, text, walk

from components.cards import difference
from components.i18n import fmt_value
from metrics import facts, kpis, targets
from metrics.filters import EVERYTHING, Filter, Scope, month_of, months_before
from pages._overview_headline import ROWS
from security import web

D = dt.date


@pytest.fixture
def overview(leader_pages):
    """The overview page's module, reading the demo warehouse as a leader."""
    from pages import overview

    return overview


def _store(layout) -> dict:
    return by_id(layout, "overview-query").data


def _headline(overview, params: dict) -> tuple[dict, list]:
    """The page's query for these URL parameters, and the cards it draws."""
    asked = _store(overview.layout(**params))
    return asked, overview.overview_cards(asked)


# ---------------------------------------------------------------- the period


def test_the_overview_opens_on_the_year_to_the_latest_data_and_the_url_overrides(overview, demo_wh):
    latest = facts.data_as_of(demo_wh)  # 数据截至 as the shell shows it
    page = overview.layout()
    assert _store(page) == {"from": f"{latest.year}-01-01", "to": latest.isoformat(), "period": "default"}
    line = text(by_id(page, "overview-period"))
    assert f"{latest.year}-01-01 至 {latest.isoformat()}" in line and "默认" in line
    # compared with the previous period of as many whole months, and the same months a year earlier
    assert f"上期 {latest.year - 1}-02-01 至 {latest.year - 1}-12-31" in line
    assert f"去年同期 {latest.year - 1}-01-01 至 {months_before(latest, 12).isoformat()}" in line

    # a date in the URL wins, and a single date is not completed by the default
    asked = _store(overview.layout(**{"region": "140700", "from": "2024-01-01", "to": "2025-05-31"}))
    assert asked == {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"}
    assert _store(overview.layout(**{"from": "2024-03-01"})) == {"from": "2024-03-01"}
    assert "默认" not in text(by_id(overview.layout(**{"from": "2024-03-01", "to": "2024-03-31"}), "overview-period"))


def test_a_county_officers_default_period_ends_at_his_countys_latest_data(overview, demo_wh, monkeypatch):
    own = Scope(("140702",))
    monkeypatch.setattr(web, "current_scope", lambda: own)
    latest = facts.data_as_of(demo_wh, Filter(), own)
    assert latest is not None
    asked = _store(overview.layout())
    assert (asked["from"], asked["to"]) == (f"{latest.year}-01-01", latest.isoformat())
    # his cards are his county's figures
    cards = overview.overview_cards(asked)
    f = Filter(None, D(latest.year, 1, 1), latest)
    mine = kpis.compute(demo_wh, ["overdue_cases"], f, own, with_previous=False)["overdue_cases"]
    assert text(by_class(by_id(cards, "kpi-overdue_cases"), "kpi-value")) == f"{mine.value:,.0f}"


# ---------------------------------------------------------------- the cards


def _changes(card) -> list[str]:
    return [text(c) for c in by_class(card, "kpi-change")]


def test_each_cards_changes_are_the_catalogue_on_the_previous_period_and_a_year_earlier(overview, demo_wh):
    asked, cards = _headline(overview, {"region": "140700"})
    f = Filter("140700", D.fromisoformat(asked["from"]), D.fromisoformat(asked["to"]))
    keys = overview.CARD_KPIS
    now = kpis.compute(demo_wh, keys, f, EVERYTHING, with_previous=False)
    checked = {"previous": 0, "year_ago": 0}
    for other, word in ((f.previous(), "较上期"), (f.year_ago(), "较去年同期")):
        then = kpis.compute(demo_wh, keys, other, EVERYTHING, with_previous=False)
        for key in keys:
            kpi = kpis.BY_KEY[key]
            line = next(t for t in _changes(by_id(cards, f"kpi-{key}")) if t.startswith(word + " "))
            before = then[key].value if kpis.comparable(demo_wh, key, other) else None
            if now[key].value is None or before is None:
                assert line == f"{word} 无可比数据", (key, line)  # never a change of 0 made up
                continue
            change = now[key].value - before
            if abs(change) < 1e-9:
                assert line == f"{word} ＝ 持平", (key, line)
                continue
            unit = "万元" if kpi.kind == "amount" else None
            assert line == f"{word} {'▲' if change > 0 else '▼'} {difference(kpi.kind, change, 'zh', unit)}", key
            checked["previous" if word == "较上期" else "year_ago"] += 1
    assert checked["previous"] >= 5 and checked["year_ago"] >= 5  # the cases' and rates' cards compare
    # the refund ledger starts in April 2024: no change against January–November 2024
    assert _changes(by_id(cards, "kpi-refund_amount")) == ["较上期 无可比数据", "较去年同期 无可比数据"]


def test_cards_show_their_target_and_the_light_of_the_thresholds_in_force(overview, demo_wh):
    asked, cards = _headline(overview, {"region": "140700", "from": "2024-01-01", "to": "2024-12-31"})
    f = Filter("140700", D(2024, 1, 1), D(2024, 12, 31))
    values = kpis.compute(demo_wh, ["rectification_rate", "overdue_cases"], f, EVERYTHING, with_previous=False)
    rate = by_id(cards, "kpi-rectification_rate")
    (target,) = by_class(rate, "kpi-target")
    gap = 0.95 - values["rectification_rate"].value
    assert text(target) == ("目标 ≥95.00% · 已达标" if gap <= 0 else f"目标 ≥95.00% · 差 {gap * 100:.2f} 个百分点")
    overdue = by_id(cards, "kpi-overdue_cases")
    assert text(by_class(overdue, "kpi-target")[0]) == f"目标 ≤0 · 超出 {values['overdue_cases'].value:,.0f}"
    # the light: overdue cases above the amber threshold of 10 is red
    assert values["overdue_cases"].value > 10 and "kpi-red" in by_class(overdue, "kpi-card")[0].className
    # a KPI without a row in the file has no target line and no light
    usage = by_id(cards, "kpi-fund_usage_rate")
    assert not by_class(usage, "kpi-target") and "kpi-none" in by_class(usage, "kpi-card")[0].className


def test_cards_sit_in_rows_of_one_unit_and_amounts_share_one(overview):
    _, cards = _headline(overview, {"region": "140700"})
    rates, more = cards  # the rates' row, then (beside 需要关注 on a wide screen) the amounts' and the counts'
    rows = {r.id: [c.id for c in walk(r) if str(getattr(c, "id", "")).startswith("kpi-")] for r in [*rates, *more]}
    assert rows == {f"overview-row-{kind}": [f"kpi-{k}" for k in keys] for kind, keys in ROWS.items()}
    amounts = [text(by_class(by_id(cards, card), "kpi-value")) for card in rows["overview-row-amount"]]
    units = {a.split()[-1] for a in amounts if a != "无数据"}
    assert len(units) == 1, amounts  # not 3.47 亿元 beside 9,969.00 万元
    assert text(by_id(cards, "overview-row-amount")).startswith(f"金额（{units.pop()}）")


def test_sparkline_points_are_the_catalogue_from_the_periods_start_to_each_month_end(overview, demo_wh):
    asked, cards = _headline(overview, {"region": "140700"})
    start, end = D.fromisoformat(asked["from"]), D.fromisoformat(asked["to"])
    months = [month_of(months_before(end.replace(day=1), i)) for i in range(11, -1, -1)]
    months = [(first, last) for first, last in months if last >= start]  # the period's months only
    assert len(months) == end.month  # the default period: 1 January to 数据截至
    for key in ("rectification_rate", "overdue_cases", "refund_amount", "arrears_recovered"):
        card_ = by_id(cards, f"kpi-{key}")
        expected = []
        for _, last in months:
            so_far = Filter("140700", start, min(last, end))
            value = kpis.compute(demo_wh, [key], so_far, EVERYTHING, with_previous=False)[key].value
            expected.append(value if kpis.comparable(demo_wh, key, so_far) else None)
        # the hover names every month (and its value in the card row's unit)
        (box,) = by_class(card_, "kpi-spark")
        for (first, _), value in zip(months, expected, strict=True):
            assert f"{first.isoformat()[:7]} " + ("无数据" if value is None else "") in box.title, (key, first)
        if key == "rectification_rate":
            assert f"{months[-1][0].isoformat()[:7]} {fmt_value('rate', expected[-1], 'zh')}" in box.title
        # the line drawn: a point per month with a value, evenly spaced, each the value's height
        pieces, dot = spark(card_)
        drawn = {round(x, 2): y for piece in pieces for x, y in piece}
        step = 100 / (len(months) - 1)
        known = [(i, v) for i, v in enumerate(expected) if v is not None]
        assert sorted(drawn) == [round(i * step, 2) for i, _ in known if _has_neighbour(expected, i)], key
        low, high = min(v for _, v in known), max(v for _, v in known)
        for i, v in known:  # the lowest value at the bottom (y 31), the highest at the top (y 3)
            if round(i * step, 2) in drawn:
                share = (v - low) / (high - low) if high > low else 0.5
                assert drawn[round(i * step, 2)] == pytest.approx(31 - 28 * share, abs=0.01), (key, i)
        card = kpis.compute(demo_wh, [key], Filter("140700", start, end), EVERYTHING, with_previous=False)[key]
        assert expected[-1] == card.value, key  # the line ends at the card's own figure
        assert dot[0] == pytest.approx(known[-1][0] * step, abs=0.01)  # the latest month marked


def _has_neighbour(values: list, i: int) -> bool:
    """Whether month `i` is on a line (a month alone between gaps draws nothing, as plotly's lines)."""
    return values[i] is not None and any(0 <= j < len(values) and values[j] is not None for j in (i - 1, i + 1))


def test_a_report_figure_of_the_urls_period_is_still_noted_on_the_card(overview):
    _, cards = _headline(overview, {"region": "140700", "from": "2024-01-01", "to": "2025-05-31"})
    assert "通报口径 97.38%，按台账计算 97.09%" in text(by_id(cards, "kpi-complaint_close_rate"))
    # the default period is not the report's: no note
    _, default = _headline(overview, {"region": "140700"})
    assert "通报口径" not in text(default)


# ---------------------------------------------------------------- thresholds as data

HEAD = "kpi,region,valid_from,target,green,amber,slip,set_by,note\n"


def test_the_shipped_thresholds_load_and_the_legend_shows_them(overview):
    rows = targets.targets()
    b = rows.bounds("rectification_rate", "140702", D(2025, 6, 30))
    assert (b.target, b.green, b.amber, b.slip) == (0.95, 0.95, 0.85, pytest.approx(0.03))
    legend = text(overview.overview_thresholds({"region": "140700"}))
    assert "问题整改率≥95.00%85.00%–95.00%<85.00%≥95.00%2024-01-01" in legend
    assert "超期未办结≤0" in legend and "维修资金使用率未设定" in legend


def test_versions_and_regions_pick_the_row_in_force(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        HEAD + "问题整改率,,2024-01-01,95%,95%,85%,3,市局,\n"
        "rectification_rate,榆次区,2025-01-01,0.97,97,90,2个百分点,县局,提高\n"
        "rectification_rate,晋中市,2025/7/1,96%,96%,88%,,市局,\n",
        encoding="utf-8",
    )
    rows = targets.targets(path)
    pick = lambda region, at: rows.bounds("rectification_rate", region, at)  # noqa: E731
    assert pick("140702", D(2024, 6, 30)).green == 0.95  # the county's row is not yet in force
    assert pick("140702", D(2025, 8, 31)).green == 0.97  # the county's own over its city's
    assert pick("140703", D(2025, 8, 31)).green == 0.96  # another county of the city: the city's
    assert pick("140703", D(2025, 6, 30)).green == 0.95
    assert pick(None, D(2025, 8, 31)).green == 0.95  # the province: the province-wide row
    assert pick("140702", D(2023, 1, 1)).valid_from == "2024-01-01"  # before the first row: the earliest
    assert pick("140702", D(2025, 8, 31)).slip == pytest.approx(0.02)


def test_a_bad_thresholds_file_is_refused_naming_every_problem_in_chinese(tmp_path):
    path = tmp_path / "kpi_targets.csv"
    path.write_text(
        HEAD + "整改率,,2024-01-01,95%,95%,85%,,,\n"  # not a KPI
        "rectification_rate,,2024-01-01,95%,80%,85%,,,\n"  # green below amber where higher is better
        "overdue_cases,,2024-01-01,0,10,0,,,\n"  # green above amber where lower is better
        "complaint_close_rate,,2024-13-01,95%,95%,85%,,,\n"  # no such date
        "service_coverage,榆茨区,2024-01-01,100%,120%,90%,,,\n"  # no such county, a rate over 100%
        "refund_amount,,2024-01-01,一千万,,,,,\n"  # not an amount
        "committee_coverage,,2024-01-01,,80%,,,,\n"  # green without amber
        "star_high_share,,2024-01-01,30%,30%,10%,,,\n"
        "star_high_share,,2024-01-01,30%,30%,10%,,,\n",  # twice
        encoding="utf-8",
    )
    with pytest.raises(targets.TargetsError) as caught:
        targets.targets(path)
    message = str(caught.value)
    assert message.startswith("kpi_targets.csv 有 9 处错误，未采用：")
    for said in (
        "第 2 行 kpi“整改率”不是指标目录中的指标（可填写：问题整改率、",
        "第 3 行：问题整改率越高越好，green不能低于amber",
        "第 4 行：超期未办结越低越好，green不能高于amber",
        "第 5 行 valid_from“2024-13-01”不是有效的日期",
        "第 6 行 region“榆茨区”不存在，是否为“榆次区”？",
        "第 6 行 green“120%”应在 0 到 100% 之间",
        "第 7 行 target“一千万”应为不小于 0 的金额",
        "第 8 行：green与amber须同时填写",
        "第 10 行：与第 9 行的指标、地区和生效日期相同，请删去一行",
    ):
        assert said in message, said


def test_an_admins_excel_csv_in_gb18030_with_chinese_headers_loads(tmp_path):
    path = tmp_path / "阈值.csv"
    path.write_bytes(
        "指标,地区,生效日期,目标,绿灯,黄灯,回落提示,设定人,说明\n投诉办结率,晋中市,2025年1月1日,96%,96%,90%,3,市局,\n".encode(
            "gb18030"
        )
    )
    (b,) = targets.targets(path).rows
    assert (b.kpi, b.region, b.valid_from, b.green, b.amber) == (
        "complaint_close_rate",
        "140700",
        "2025-01-01",
        0.96,
        0.9,
    )


def test_while_the_file_is_bad_the_last_good_version_stays_and_the_legend_says_why(overview, tmp_path, monkeypatch):
    path = tmp_path / "kpi_targets.csv"
    path.write_text(HEAD + "rectification_rate,,2024-01-01,95%,95%,85%,3,,\n", encoding="utf-8")
    monkeypatch.setenv("KPI_TARGETS", str(path))
    assert targets.current() == (targets.targets(path), None)
    path.write_text(HEAD + "rectification_rate,,2024-01-01,95%,95%,八成五,3,,\n", encoding="utf-8")
    rows, problem = targets.current()
    assert rows.bounds("rectification_rate", None, None).amber == 0.85 and "第 2 行 amber“八成五”应为比例" in problem
    legend = text(overview.overview_thresholds({}))
    assert "阈值表有误，仍按上一版有效的阈值显示：kpi_targets.csv 有 1 处错误" in legend
    assert "问题整改率≥95.00%" in legend


def test_the_attention_rules_file_is_checked_too(tmp_path):
    path = tmp_path / "attention_rules.csv"
    path.write_text("rule,value,valid_from,set_by,note\narrears_stalled_months,0,2024-01-01,,\n", encoding="utf-8")
    with pytest.raises(
        targets.TargetsError, match="第 2 行 value“0”应为 1 到 60 的整数（欠缴项目连续无追缴到账的月数）"
    ):
        targets.rules(path)
    path.write_text("rule,value,valid_from\narrears_stalled_months,6,2024-01-01\narrears_stalled_months,3,2025-01-01\n")
    assert targets.rules(path)["arrears_stalled_months"].value == 3  # the latest version


def test_the_scorecard_map_and_distributions_are_drawn_only_once_scrolled_near(overview):
    """The scorecard with the map, and the star and credit charts, sit screens below the cards in
    lazy panels (components/loading.lazy): the page's first screen is drawn without them;
    assets/lazy.js sets their stores once they come near the screen, and then they are drawn."""
    from dash.exceptions import PreventUpdate

    layout = overview.layout(region="140700", **{"from": "2024-01-01", "to": "2024-12-29"})
    panels = by_class(layout, "lazy-panel")
    assert sorted(p.to_plotly_json()["props"]["data-seen-store"] for p in panels) == [
        "overview-credit-seen",
        "overview-scorecard-seen",
        "overview-stars-seen",
    ]
    assert by_id(layout, "overview-stars-seen").data is False
    assert by_id(layout, "overview-scorecard-seen").data is False
    asked = _store(layout)
    with pytest.raises(PreventUpdate):
        overview.overview_scorecard(asked, False)
    grid, figure = overview.overview_scorecard(asked, True)
    assert by_id(grid, "overview-scorecard-grid") is not None
    assert "choropleth" in {t["type"] for t in figure["data"]}  # the counties coloured, their names over them
    with pytest.raises(PreventUpdate):
        overview.overview_mix(asked, False, False)
    stars, credit = overview.overview_mix(asked, True, False)
    assert [t["type"] for t in stars["data"]] and [t["type"] for t in credit["data"]]
