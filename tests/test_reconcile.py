"""Every figure reconciles: for every KPI of the catalogue and a set of views (province, city,
county, township; whole period, a year, a month; each role with its scope), the card value
(kpis.compute), the sum of its breakdown rows (the scorecard's numerators and denominators and
the page's own breakdown), the Excel export (the pages' export callbacks, read back from the
file) and the wall tile (pages/screen.py) agree, and the numerator and denominator shown give
the rate shown.

Each test is one (view, role, KPI, check); its id names them, e.g.
`test_reconciles[city-2024|county|arrears_outstanding|export]`. Everything a view shows is read
once per (view, role) — within one published version of the demo warehouse — and cached.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import math
from typing import NamedTuple

import pandas as pd
import pytest

from metrics import kpis
from metrics.db import one_version
from metrics.filters import Filter
from security.roles import Viewer

D = dt.date


class View(NamedTuple):
    name: str
    region: str | None
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def f(self) -> Filter:
        return Filter(self.region, self.start, self.end)

    @property
    def params(self) -> dict:
        out = {
            "region": self.region,
            "from": self.start and self.start.isoformat(),
            "to": self.end and self.end.isoformat(),
        }
        return {k: v for k, v in out.items() if v}


VIEWS = {
    v.name: v
    for v in (
        View("province-all", None),
        View("city-2024", "140700", D(2024, 1, 1), D(2024, 12, 31)),
        View("city-campaign", "140700", D(2024, 1, 1), D(2025, 5, 31)),
        View("county-month", "140702", D(2025, 5, 1), D(2025, 5, 31)),
        View("township-all", "140702401"),
        View("county-sep2022", "140122", D(2022, 9, 1), D(2022, 9, 30)),  # 阳曲, before any case or fund row
        View("city-jincheng-all", "140500"),  # communities and credit only
    )
}
ROLES = {
    "leader": Viewer("leader", "leader"),
    "supervisor": Viewer("supervisor", "supervisor"),
    "admin": Viewer("admin", "admin"),
    "screen": Viewer("screen#1", "screen"),
    "county": Viewer("yuci", "county", "140702"),  # 榆次区's officer: his county and 晋中开发区 under it
}
COMBOS = (
    [(v, "leader") for v in VIEWS]
    + [(v, "county") for v in ("province-all", "city-2024", "county-month", "township-all")]
    + [("city-2024", r) for r in ("supervisor", "admin", "screen")]
)

KEYS = [k.key for k in kpis.CATALOGUE]
HEADLINE = [
    "rectification_rate",
    "complaint_close_rate",
    "overdue_cases",
    "arrears_recovery_rate",
    "arrears_outstanding",
    "refund_amount",
]  # pages/screen.HEADLINE (checked below)
RANKED = [
    "rectification_rate",
    "overdue_cases",
    "arrears_outstanding",
    "star_high_share",
    "credit_a_share",
    "settled_below_county_rate",
    "hotline_satisfaction_rate",
]
CHECKS = ("ratio", "scorecard", "breakdown", "export")


def _params():
    for view, role in COMBOS:
        for key in KEYS:
            for check in CHECKS + (("wall",) if key in HEADLINE or key in RANKED else ()):
                yield pytest.param(view, role, key, check, id=f"{view}|{role}|{key}|{check}")


# ---------------------------------------------------------------- reading what a view shows


def read_xlsx(data: bytes, columns: list[str]) -> pd.DataFrame:
    """The table of an export written by components.tables.to_excel: the rows under the header
    row (the first row after the blank line under the header lines), columns by position."""
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))
    blank = next(i for i, r in enumerate(rows) if not any(c is not None for c in r))
    body = [list(r[: len(columns)]) + [None] * (len(columns) - len(r)) for r in rows[blank + 2 :]]
    return pd.DataFrame(body, columns=columns)


def sent(download: dict) -> bytes:
    """The bytes of a dcc.send_bytes answer."""
    return base64.b64decode(download["content"])


class Shown(NamedTuple):
    cards: dict
    scorecard: pd.DataFrame  # kpis.scorecard over every KPI
    county_scorecard: pd.DataFrame  # the overview's (metrics.scorecard)
    breakdowns: dict  # kpi -> list of (name, numerator, denominator-or-None)
    exports: dict  # kpi -> list of (name, numerator, denominator-or-None)
    overview_export: pd.DataFrame
    tiles: dict
    rankings: dict  # kpi -> ranking rows as the wall lists them
    units_with_rows: dict  # kpi -> the units its facts have a row for


_cache: dict = {}


@pytest.fixture(scope="module")
def app_ready(demo_wh):
    import app  # noqa: F401  (creates the Dash app and registers the pages)

    return app.server


def shown(server, wh, view_name: str, role: str) -> Shown:
    key = (view_name, role)
    if key not in _cache:
        from flask import g

        with server.test_request_context():
            g.viewer = ROLES[role]
            with one_version():
                _cache[key] = _read(wh, VIEWS[view_name])
    return _cache[key]


def _sum(frame: pd.DataFrame, column: str) -> float:
    return float(pd.to_numeric(frame[column], errors="coerce").fillna(0).sum()) if len(frame) else 0.0


def _read(wh, view: View) -> Shown:
    from components.tables import to_excel
    from metrics import cases, funds
    from metrics.coverage import communities_by_unit
    from metrics.facts import latest_year
    from metrics.ratings import credit_by_unit, credit_distribution, star_by_unit, star_distribution
    from metrics.scorecard import SCORECARD_KPIS, county_scorecard
    from pages import funds as funds_page
    from pages import overview, rectification, screen
    from pages import ratings as ratings_page
    from security.web import current_scope

    assert screen.HEADLINE == HEADLINE and screen.MAP_KPIS == RANKED
    f, scope, params = view.f, current_scope(), view.params
    cards = kpis.compute(wh, KEYS, f, scope)  # as the pages call it
    table = kpis.scorecard(wh, KEYS, f, scope)
    county = county_scorecard(wh, f, scope)
    b: dict[str, list] = {k: [] for k in KEYS}
    e: dict[str, list] = {k: [] for k in KEYS}

    # 整改进度: per-unit facts, group cards, ageing; exports of the county rates and the drill-down
    units = cases.unit_table(wh, f, scope)
    groups = cases.group_summary(units).set_index("case_group")
    b["rectification_rate"] += [
        ("rectification units", _sum(units, "rectified_main"), _sum(units, "received_main")),
        (
            "rectification group cards",
            groups.loc[["sweep", "leads"], "rectified"].sum(),
            groups.loc[["sweep", "leads"], "received"].sum(),
        ),
    ]
    b["complaint_close_rate"] += [
        ("rectification units", _sum(units, "rectified_complaints"), _sum(units, "received_complaints")),
        ("rectification group cards", groups.loc["complaints", "rectified"], groups.loc["complaints", "received"]),
    ]
    b["overdue_cases"] += [
        ("rectification units", _sum(units, "overdue_cases"), None),
        ("rectification ageing", _sum(cases.ageing(wh, f, scope)[0], "overdue_cases"), None),
    ]
    rview = rectification.View.of(params)
    for name, columns in (("county", rectification.COUNTY_COLUMNS), ("drill", rectification.UNIT_COLUMNS)):
        rows = rectification.TABLES[name](rview)
        assert rows.columns == columns, name
        frame = pd.concat([rows.frame, pd.DataFrame([rows.total])], ignore_index=True) if rows.total else rows.frame
        data = to_excel(
            frame,
            rows.export_columns or rows.columns,
            rview.lang,
            rows.title,
            rectification._header_lines(rview, rows.notes),
            rectification.FORMATS,
        )
        got = read_xlsx(data, rows.export_columns or rows.columns)
        body, total = (got.iloc[:-1], got.iloc[-1]) if rows.total else (got, None)
        if name == "county":
            for kpi, num, den in (
                ("rectification_rate", "rectified_main", "received_main"),
                ("complaint_close_rate", "rectified_complaints", "received_complaints"),
            ):
                e[kpi].append(("rectification county export rows", _sum(body, num), _sum(body, den)))
                if total is not None:
                    e[kpi].append(("rectification county export total", float(total[num]), float(total[den])))
                    e[kpi].append(
                        (
                            "rectification county export total rate",
                            float(total[kpi] or 0) * float(total[den]),
                            float(total[den]),
                        )
                    )
        else:
            e["overdue_cases"].append(("rectification drill export rows", _sum(body, "overdue_cases"), None))
            if total is not None:
                e["overdue_cases"].append(("rectification drill export total", float(total["overdue_cases"]), None))

    # 维修资金: arrears by unit and by project, recoveries by month, ledger, refunds
    by_unit = funds.arrears_by_unit(wh, f, scope)
    projects = funds.arrears_projects(wh, f, scope)[0]
    for kpi in ("arrears_listed", "arrears_recovered", "arrears_outstanding", "arrears_suspended"):
        b[kpi] += [("funds arrears by unit", _sum(by_unit, kpi), None), ("funds projects", _sum(projects, kpi), None)]
    b["arrears_listed"].append(
        ("funds arrears summary", float(funds.arrears_summary(wh, f, scope)["amount"] or 0), None)
    )
    b["arrears_recovery_rate"] += [
        ("funds arrears by unit", _sum(by_unit, "arrears_recovered_to_date"), _sum(by_unit, "arrears_listed"))
    ]
    b["arrears_recovered"].append(
        ("funds recoveries by month", _sum(funds.recoveries_by_month(wh, f, scope), "amount"), None)
    )
    for by in ("unit", "year"):
        ledger = funds.ledger_breakdown(wh, f, scope, by)
        b["fund_usage_rate"].append(
            (f"funds ledger by {by}", _sum(ledger, "fund_used"), _sum(ledger, "fund_collected"))
        )
    refunds = funds.refunds_by_unit(wh, f, scope)
    kinds = funds.refunds_by_kind(wh, f, scope)
    for kpi in ("refund_amount", "refund_households"):
        b[kpi] += [
            ("funds refunds by unit", _sum(refunds, kpi), None),
            ("funds refunds by kind", _sum(kinds[kinds["level"] == "kind"], kpi), None),
            ("funds refunds total row", _sum(kinds[kinds["level"] == "total"], kpi), None),
        ]
    fview = funds_page.View.of(params)

    def funds_export(name: str) -> pd.DataFrame:
        build, columns, title = funds_page.EXPORTS[name]
        data = to_excel(build(fview), columns, fview.lang, title, funds_page._header_lines(fview), funds_page.FORMATS)
        return read_xlsx(data, columns)

    arrears_x, projects_x = funds_export("arrears-unit"), funds_export("projects")
    for kpi in ("arrears_listed", "arrears_recovered", "arrears_outstanding", "arrears_suspended"):
        e[kpi] += [
            ("funds arrears-unit export", _sum(arrears_x, kpi), None),
            ("funds projects export", _sum(projects_x, kpi), None),
        ]
    e["arrears_recovery_rate"].append(
        ("funds arrears-unit export", _sum(arrears_x, "arrears_recovered_to_date"), _sum(arrears_x, "arrears_listed"))
    )
    e["arrears_recovered"].append(
        ("funds recoveries-month export", _sum(funds_export("recoveries-month"), "amount"), None)
    )
    for name in ("ledger-unit", "ledger-year"):
        x = funds_export(name)
        e["fund_usage_rate"].append((f"funds {name} export", _sum(x, "fund_used"), _sum(x, "fund_collected")))
    units_x, kinds_x = funds_export("refunds-unit"), funds_export("refunds-kind")
    kinds_f = funds_page._kinds(fview)
    for kpi in ("refund_amount", "refund_households"):
        e[kpi] += [
            ("funds refunds-unit export", _sum(units_x, kpi), None),
            ("funds refunds-kind export total row", _sum(kinds_x[(kinds_f["level"] == "total").to_numpy()], kpi), None),
        ]

    # 评价: communities by unit, stars and credit by unit and year, the distributions
    communities = communities_by_unit(wh, f, scope)
    for kpi, num in (("service_coverage", "with_service"), ("committee_coverage", "with_committee")):
        b[kpi].append(("ratings communities by unit", _sum(communities, num), _sum(communities, "communities")))
    star_year, credit_year = latest_year(wh, "star_ratings", f), latest_year(wh, "credit_ratings", f)
    stars = star_by_unit(wh, f, scope)
    stars = stars[stars["year"] == star_year]
    credit = credit_by_unit(wh, f, scope)
    credit = credit[credit["year"] == credit_year]
    b["star_high_share"] += [("ratings stars by unit", _sum(stars, "star_high"), _sum(stars, "star_rated"))]
    dist = star_distribution(wh, f, scope)
    b["star_high_share"].append(
        ("star distribution (overview, wall)", _sum(dist[dist["stars"] >= 4], "projects"), _sum(dist, "projects"))
    )
    b["credit_a_share"] += [("ratings credit by unit", _sum(credit, "credit_a"), _sum(credit, "credit_rated"))]
    dist = credit_distribution(wh, f, scope)
    b["credit_a_share"].append(
        ("credit distribution (overview, wall)", _sum(dist[dist["grade"] == "A"], "companies"), _sum(dist, "companies"))
    )

    def ratings_export(key: str) -> pd.DataFrame:
        return read_xlsx(sent(ratings_page.EXPORTS[key](1, params)), ratings_page.TABLES[key][1])

    counties_x = ratings_export("counties")
    e["service_coverage"].append(("ratings counties export", _covered(counties_x), _sum(counties_x, "communities")))
    e["committee_coverage"].append(
        ("ratings counties export", _sum(counties_x, "with_committee"), _sum(counties_x, "communities"))
    )
    stars_x, credit_x = ratings_export("stars"), ratings_export("credit")
    stars_x, credit_x = stars_x[stars_x["year"] == star_year], credit_x[credit_x["year"] == credit_year]
    e["star_high_share"].append(("ratings stars export", _sum(stars_x, "star_high"), _sum(stars_x, "star_rated")))
    e["credit_a_share"].append(("ratings credit export", _sum(credit_x, "credit_a"), _sum(credit_x, "credit_rated")))

    # 信用: the actions due and carried out, their list and the per-kind table, exported
    from metrics import credit as credit_metrics
    from pages import credit as credit_page

    due = credit_metrics.due_actions(wh, f, scope)
    b["credit_action_rate"].append(("credit due actions", _sum(due, "done"), float(len(due))))
    kinds = credit_page.rows.kind_rows(wh, f)
    done = kinds[kinds["credit_status"] == "已落实"]
    b["credit_action_rate"].append(("credit actions by kind", _sum(done, "actions_due"), _sum(kinds, "actions_due")))
    for name in ("actions", "kinds"):
        x = read_xlsx(sent(credit_page.EXPORTS[name](1, params)), credit_page.rows.TABLES[name][1])
        x = x[x[x.columns[0]].notna()]
        if name == "actions":
            e["credit_action_rate"].append(
                ("credit actions export", float((x["credit_status"] == "已落实").sum()), float(len(x)))
            )
        else:
            yes = x[x["credit_status"] == "已落实"]
            e["credit_action_rate"].append(("credit kinds export", _sum(yes, "actions_due"), _sum(x, "actions_due")))
    # 党建引领 (评价), 12345 三率 (整改进度), 三级调处 (督办): each by county, drawn and exported
    from metrics import mediation
    from pages._escalations_mediation import MEDIATION
    from pages._escalations_mediation import export as mediation_export
    from pages._ratings_party import PARTY
    from pages._ratings_party import export as party_export
    from pages._rectification_hotline import HOTLINE
    from pages._rectification_hotline import export as hotline_export

    for spec, export in ((PARTY, party_export), (HOTLINE, hotline_export), (MEDIATION, mediation_export)):
        rows = spec.rows(wh, f, scope)
        got = read_xlsx(sent(export(1, params)), spec.columns)
        body, total = (got.iloc[:-1], got.iloc[-1]) if len(got) else (got, None)
        for key in spec.rates:
            kpi = kpis.BY_KEY[key]
            b[key].append((f"{spec.name} rows", _sum(rows, kpi.numerator), _sum(rows, kpi.denominator)))
            e[key].append((f"{spec.name} export rows", _sum(body, kpi.numerator), _sum(body, kpi.denominator)))
            if total is not None:
                e[key].append((f"{spec.name} export total", float(total[kpi.numerator]), float(total[kpi.denominator])))
    levels, months = mediation.by_level(wh, f, scope), mediation.by_month(wh, f, scope)
    below = levels[levels["level"].isin(mediation.BELOW_COUNTY)]
    b["settled_below_county_rate"] += [
        ("mediation by level", _sum(below, "settled"), _sum(levels, "settled")),
        ("mediation by month", _sum(months, "settled_below_county"), _sum(months, "settled")),
    ]

    # 数据状态: the board of who has reported (the reports due, those on time), and its export
    from pages import _data_status_reports as report_rows
    from pages import data_status

    board = report_rows.board_frame(f, "zh")
    due = board[board["report_state"] != "未到期"]
    b["reporting_on_time_rate"].append(
        ("reporting board", float((due["report_state"] == "按时").sum()), float(len(due)))
    )
    x = read_xlsx(sent(data_status.EXPORT_REPORTS(1, params)), report_rows.COLUMNS)
    x = x[x[x.columns[0]].notna() & (x["report_state"] != "未到期")]
    e["reporting_on_time_rate"].append(("reporting export", float((x["report_state"] == "按时").sum()), float(len(x))))

    # 总览: the scorecard export, read back
    columns = ["rank", "unit_name", *SCORECARD_KPIS]
    overview_x = read_xlsx(sent(overview.overview_export(1, params)), columns)

    # 大屏: the headline tiles and the rankings beside the map
    content = screen.screen_content(f, "zh")
    data = content[0]
    tiles = {t["key"]: t for t in data["kpis"]}
    frames = kpis.facts_for(wh, screen.HEADLINE + screen.MAP_KPIS, f, screen.screen_scope())
    unit_table = screen.unit_table(wh, screen.MAP_KPIS, f, screen.screen_scope(), frames)
    from metrics.screen import ranking

    rankings = {k: ranking(unit_table, k) for k in RANKED}
    facts = kpis.facts_for(wh, KEYS, f, scope)
    with_rows = {k: set(facts[kpis.BY_KEY[k].facts]["unit"]) for k in KEYS}
    return Shown(cards, table, county, b, e, overview_x, tiles, rankings, with_rows)


def _covered(frame: pd.DataFrame) -> float:
    """Communities with property service in the ratings counties export: all but those 无物业."""
    from metrics.coverage import MANAGEMENT_COLUMNS

    none = next(k for k, v in MANAGEMENT_COLUMNS.items() if v == "无物业")
    return _sum(frame, "communities") - _sum(frame, none)


# ---------------------------------------------------------------- the checks


def _number(v) -> float | None:
    """A cell of an export as a number; empty or 无数据 (no rows behind it) as None."""
    if v is None or v in ("无数据", "No data", "—"):
        return None
    return float(v)


def _none(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def close(a: float | None, b: float | None) -> bool:
    a, b = _none(a), _none(b)
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=0.005)


def agrees_with_card(card: kpis.KpiValue, num: float, den: float | None) -> str | None:
    """None, or what disagrees: the numerator, the denominator."""
    if not close(num, card.numerator):
        return f"numerator {num!r} ≠ card {card.numerator!r}"
    if card.kpi.denominator is not None and den is not None and not close(den, card.denominator):
        return f"denominator {den!r} ≠ card {card.denominator!r}"
    return None


@pytest.mark.parametrize(("view", "role", "key", "check"), list(_params()))
def test_reconciles(app_ready, demo_wh, view, role, key, check):
    from components.i18n import fmt_value
    from components.screen import fraction_text
    from metrics.scorecard import SCORECARD_KPIS

    s = shown(app_ready, demo_wh, view, role)
    card = s.cards[key]
    kpi = card.kpi
    where = f"{key} in {view} as {role}"

    if check == "ratio":
        if kpi.denominator is None and card.value is None:  # no rows at all: 无数据, not 0
            assert card.numerator == 0 and not s.units_with_rows[key], f"{where}: no value, yet rows behind it"
        elif kpi.denominator is None:
            assert close(card.value, card.numerator), f"{where}: value {card.value} ≠ numerator {card.numerator}"
        elif card.denominator:
            assert close(card.value, card.numerator / card.denominator), f"{where}: rate ≠ numerator / denominator"
            assert 0 <= card.numerator <= card.denominator, f"{where}: {card.numerator} / {card.denominator}"
        else:
            assert card.value is None, f"{where}: a rate of nothing is shown as {card.value}"
        return

    if check == "scorecard":
        t = s.scorecard
        problem = agrees_with_card(card, _sum(t, key + "__num"), _sum(t, key + "__den") if kpi.denominator else None)
        assert problem is None, f"{where}: scorecard rows: {problem}"
        for _, row in t.iterrows():  # each row's rate is its own numerator / denominator
            if kpi.denominator and row[key + "__den"]:
                assert close(row[key], row[key + "__num"] / row[key + "__den"]), f"{where}: unit {row['unit']}"
        if key in SCORECARD_KPIS:
            c = s.county_scorecard
            problem = agrees_with_card(
                card, _sum(c, key + "__num"), _sum(c, key + "__den") if kpi.denominator else None
            )
            assert problem is None, f"{where}: overview scorecard rows: {problem}"
        return

    if check == "breakdown":
        assert s.breakdowns[key], f"{where}: no breakdown checked"
        problems = [
            f"{name}: {p}"
            for name, num, den in s.breakdowns[key]
            if (p := agrees_with_card(card, num, den)) is not None
        ]
        assert not problems, f"{where}: " + "; ".join(problems)
        return

    if check == "export":
        rows = list(s.exports[key])
        if key in SCORECARD_KPIS:
            x = s.overview_export
            if kpi.denominator is None:
                rows.append(("overview scorecard export", _sum(x, key), None))
            else:  # a rate per unit: each equals the scorecard's
                by_name = dict(zip(s.county_scorecard["unit_name"], s.county_scorecard[key], strict=False))
                bad = [
                    (n, v, by_name.get(n))
                    for n, v in zip(x["unit_name"], x[key], strict=False)
                    if not close(_number(v), by_name.get(n))
                ]
                assert not bad, f"{where}: overview scorecard export rates differ: {bad[:3]}"
        assert rows or key in SCORECARD_KPIS, f"{where}: no export checked"
        problems = [f"{name}: {p}" for name, num, den in rows if (p := agrees_with_card(card, num, den)) is not None]
        assert not problems, f"{where}: " + "; ".join(problems)
        return

    if check == "wall":
        checked = False
        if key in HEADLINE:
            tile = s.tiles[key]
            assert tile["text"] == fmt_value(kpi.kind, card.value, "zh"), f"{where}: wall tile {tile['text']}"
            if kpi.denominator is not None:
                parts = fraction_text(kpi.parts, card.numerator, card.denominator, "zh")
                assert tile["parts"] == parts, f"{where}: wall tile parts {tile['parts']} ≠ {parts}"
            checked = True
        if key in RANKED:
            values = dict(zip(s.scorecard["unit"], s.scorecard[key], strict=False))
            ranked = s.rankings[key]
            bad = [
                (u, v, values.get(u))
                for u, v in zip(ranked["unit"], ranked["value"], strict=False)
                if not close(v, values.get(u))
            ]
            assert not bad, f"{where}: wall ranking values differ from the scorecard: {bad[:3]}"
            shown_units = {u for u, v in values.items() if v == v and len(u) in (6, 9)}
            differ = set(ranked["unit"]) ^ shown_units
            if differ and all(values.get(u) == 0 and u not in s.units_with_rows[key] for u in differ):
                pytest.xfail(
                    f"{where}: the scorecard gives 0 to {sorted(differ)}, units without a row for this KPI, "
                    "which the wall leaves out (issue 14 'no data is not zero': kpis.scorecard, other helper)"
                )
            assert not differ, f"{where}: wall ranking units differ from the scorecard's: {sorted(differ)}"
            if kpi.denominator is None and len(ranked):
                assert close(ranked["value"].sum(), card.value), (
                    f"{where}: wall ranking sums to {ranked['value'].sum()}"
                )
            checked = True
        assert checked


# ---------------------------------------------------------------- what the demo does not exercise

ARREARS = ["项目编号", "项目名称", "房地产开发企业", "县区", "欠缴金额", "建账日期"]
RECOVERIES = ["项目编号", "到账日期", "追缴金额", "方式"]


def test_arrears_outstanding_reconciles_with_an_overpaid_project(clerk, warehouse):
    """尚未追缴 on the card, the unit table, the developer list and the project list agree when one
    project has recovered more than was listed (the demo has no such project)."""
    from etl.pipeline import load_files
    from metrics import funds
    from metrics.db import Warehouse
    from metrics.filters import EVERYTHING

    files = [
        clerk.csv(
            "arrears.csv",
            ARREARS,
            [
                ["XM1", "锦绣苑", "甲房地产开发有限公司", "榆次区", "100000", "2024-01-05"],
                ["XM2", "阳光里", "甲房地产开发有限公司", "榆次区", "50000", "2024-01-05"],
            ],
            title="欠缴建账台账",
        ),
        clerk.csv(
            "recoveries.csv",
            RECOVERIES,
            [["XM1", "2024-03-01", "30000", "催缴"], ["XM2", "2024-03-02", "60000", "诉讼"]],  # 10,000 over
            title="追缴到账台账",
        ),
    ]
    assert all(f.rows_rejected == 0 for f in load_files(files, warehouse).files)
    wh = Warehouse(warehouse)
    f = Filter(end=D(2024, 12, 31))
    card = kpis.compute(wh, ["arrears_outstanding"], f, EVERYTHING, with_previous=False)["arrears_outstanding"].value
    by = {
        "unit table": _sum(funds.arrears_by_unit(wh, f, EVERYTHING), "arrears_outstanding"),
        "developer list": _sum(funds.arrears_by_developer(wh, f, EVERYTHING)[0], "arrears_outstanding"),
        "project list": _sum(funds.arrears_projects(wh, f, EVERYTHING)[0], "arrears_outstanding"),
    }
    differ = {k: v for k, v in by.items() if not close(v, card)}
    if differ:
        pytest.xfail(
            f"尚未追缴 card {card} ≠ {differ}: outstanding is floored at 0 per unit (facts, unit table), per "
            "developer and per project, so an overpaid project's surplus offsets other projects on the card "
            "but not in the project list (issue 14 'one definition, every grain': arrears_outstanding, "
            "other helper)"
        )
