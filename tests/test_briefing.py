"""简报 (briefing/) on the demo warehouse: the leader's 晋中 briefing of May 2025 read back from its
.docx, every figure of its text found among the metrics layer's figures for the same scope and
period, and its tables row by row against the scorecard and the 督办 lists; a county officer's
briefing names no other county and carries no phone number; the PDF drawn to PNG (pdftoppm) with
its Chinese text extractable (an embedded CJK font); periods parsed and refused in Chinese."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import pytest
from docx import Document as Docx

from briefing import archive, content, period, sections
from briefing import phrasing as say
from briefing.model import BriefingError
from etl.regions import read_regions
from metrics import kpis, published, scorecard, targets
from metrics.attention import overdue_high, second_black_list, slipping, stalled
from metrics.escalations import escalation_counts
from metrics.filters import Filter
from security.roles import Viewer

LEADER = Viewer("leader", "leader")
YUCI = Viewer("county_140702", "county", "140702")
MAY = period.parse("2025-05")
ISSUED = dt.date(2025, 6, 1)
# a figure of the text: a number with the unit the briefing writes after it (dates, ranks and
# item numbers carry none of these)
FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(个百分点|%|万元|亿元|件|户|次|起|个(?!月))")


def docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    import io

    doc = Docx(io.BytesIO(data))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return "\n".join(p.text for p in doc.paragraphs), tables


@pytest.fixture(scope="module")
def leader_briefing(demo_warehouse):
    from metrics.db import Warehouse

    wh = Warehouse(demo_warehouse)
    b, docx, pdf = archive.make(wh, LEADER, MAY, "140700", ISSUED)
    return wh, b, docx, pdf


def expected_figures(wh, viewer: Viewer, region: str) -> set[str]:
    """Every figure the briefing may state, computed here from the metrics layer."""
    scope, f = viewer.scope, Filter(region, MAY.start, MAY.end)
    out: set[str] = set()

    def add(key: str, *values) -> None:
        out.update(say.value(key, v) for v in values)

    def moved(key: str, now, before) -> None:
        text = say.change(key, now, before)
        out.add(re.sub(r"^(提高|下降|增加|减少)", "", text))

    values = kpis.compute(wh, content.HEADLINE, f, scope, with_year_ago=True)
    for key, v in values.items():
        add(key, v.value, v.previous, v.year_ago)
        moved(key, v.value, v.previous)
        moved(key, v.value, v.year_ago)
    rect, comp = values["rectification_rate"], values["complaint_close_rate"]
    out |= {say.count(rect.numerator, "个"), say.count(rect.denominator, "个")}
    out |= {say.count(comp.numerator, "件"), say.count(comp.denominator, "件")}
    since = Filter(region, content.campaign_start(region, scope, MAY.end), MAY.end)
    cum = kpis.compute(wh, content.CUMULATIVE, since, scope, with_previous=False)
    for key, v in cum.items():
        add(key, v.value)
        out |= {p.text for p in published.for_view(key, since, scope)}  # a reconciliation note quotes them
    out |= {
        say.count(cum["rectification_rate"].numerator, "个"),
        say.count(cum["rectification_rate"].denominator, "个"),
    }
    out |= {
        say.count(cum["complaint_close_rate"].numerator, "件"),
        say.count(cum["complaint_close_rate"].denominator, "件"),
    }
    ytd = kpis.compute(wh, ["arrears_recovered", "arrears_listed"], Filter(region, dt.date(2025, 1, 1), MAY.end), scope)
    out |= {say.amount(ytd["arrears_recovered"].value), say.amount(ytd["arrears_listed"].value)}
    months = sections.campaign_months(wh, f, scope, content.campaign_start(region, scope, MAY.end))
    out.add(say.amount(max(v for _, v in months)))
    table = scorecard.county_scorecard(wh, f, scope)
    out.add(say.count(table["rank"].notna().sum(), "个"))
    out |= {say.rate(x) for x in table["rectification_rate"]} | {say.rate(x) for x in table["complaint_close_rate"]}
    high = overdue_high(wh, f, scope)
    out |= {say.count(n, "件") for n in high["cases"]}
    out |= {say.count(high[high["level"] == lv]["cases"].sum(), "件") for lv in ("市级", "县级")}
    counts = escalation_counts(wh, f, scope)
    out |= {f"{counts['interview']}次", f"{counts['reminder']}件", f"{counts['supervision']}件"}
    out |= {f"{counts['accountability']}起", f"{counts['referral']}件", say.count(counts["escalated_cases"], "件")}
    for r in slipping(wh, f, scope, targets.current()[0]).itertuples():
        add(r.kpi, r.value, r.previous)
        moved(r.kpi, r.value, r.previous)
    for r in stalled(wh, f, scope, 6).itertuples():
        out |= {f"{r.projects}个", say.amount(r.arrears_outstanding), say.amount(r.project_outstanding)}
    for r in scorecard.standing(wh, f, region).itertuples() if viewer.role == "county" else ():
        add(r.kpi, r.value, r.median)
        out.add(f"{r.ranked}个")
    out |= {f"{n}次" for n in second_black_list(wh, f, scope)["black_lists"]}
    return out


def test_every_figure_of_the_leaders_briefing_is_the_metrics_layers(leader_briefing):
    wh, b, docx, _ = leader_briefing
    text, _ = docx_text(docx)
    expected = expected_figures(wh, LEADER, "140700")
    stated = {m[1] + m[2] for m in FIGURE.finditer(text)}
    assert len(stated) > 40, stated  # the briefing states its figures
    assert stated - expected == set(), f"figures not from the metrics layer: {sorted(stated - expected)}"
    # the headline sentences, as the reports word them
    v = kpis.compute(wh, ["rectification_rate"], Filter("140700", MAY.start, MAY.end), LEADER.scope)
    rect = v["rectification_rate"]
    assert f"问题整改率{say.rate(rect.value)}" in text
    assert f"较上月（{say.rate(rect.previous)}）" in text
    assert "2025年5月，晋中市新受理排查问题和线索791个，已整改748个" in text


def test_the_briefings_tables_are_the_scorecard_and_the_overdue_list(leader_briefing):
    wh, _, docx, _ = leader_briefing
    _, tables = docx_text(docx)
    f = Filter("140700", MAY.start, MAY.end)
    board = scorecard.county_scorecard(wh, f, LEADER.scope)
    ranking = next(t for t in tables if t[0][0] == "排名")
    assert len(ranking) - 1 == len(board)
    for row, r in zip(ranking[1:], board.itertuples(), strict=True):
        assert row[1] == r.unit_name
        assert row[2:5] == [
            say.rate(r.rectification_rate),
            say.rate(r.complaint_close_rate),
            say.count(r.overdue_cases),
        ]
    high = overdue_high(wh, f, LEADER.scope)
    overdue = next(t for t in tables if t[0][0] == "督办层级")
    assert [tuple(row) for row in overdue[1:]] == [(r.level, r.unit_name, str(r.cases)) for r in high.itertuples()]
    main = next(t for t in tables if t[0][0] == "指标")
    assert main[0][2] == "上月" and len(main) - 1 == len(content.HEADLINE)


def test_a_published_figure_that_differs_carries_its_reconciliation_note(leader_briefing):
    _, _, docx, _ = leader_briefing
    text, _ = docx_text(docx)
    assert "通报口径97.38%，按台账计算97.09%" in text  # 投诉办结率 since the campaign (seed 001)
    assert "通报为6.77万人，台账按户计为67,700户，二者口径不同" in text
    assert "问题整改率：排查问题与线索中，期内受理且在期末前已整改或办结的比例。" in text  # the catalogue's definition


def test_the_ranking_names_the_best_the_worst_and_the_counties_without_data(demo_warehouse):
    from metrics.db import Warehouse

    wh = Warehouse(demo_warehouse)
    b = content.build(wh, LEADER, period.parse("2025-W45"), "140700", ISSUED)
    ranking = next(s for s in b.sections if s.heading.startswith("二"))
    board = scorecard.county_scorecard(wh, Filter("140700", b.period.start, b.period.end), LEADER.scope)
    silent = list(board[board["rank"].isna()]["unit_name"])
    assert silent, "the week has counties without data"
    assert f"{'、'.join(silent)}本期无数据" in ranking.paragraphs[0]
    best = board[board["rank"].notna()].iloc[0]
    assert f"前3位是{best.unit_name}（{say.rate(best.rectification_rate)}）" in ranking.paragraphs[0]
    assert b.period.previous_word == "上周" and "较上周" in b.text()


def test_a_county_officers_briefing_holds_only_his_county(demo_warehouse, tmp_path):
    from metrics.db import Warehouse

    wh = Warehouse(demo_warehouse)
    b, docx, pdf = archive.make(wh, YUCI, MAY, None, ISSUED)
    text, tables = docx_text(docx)
    text += "\n".join(c for t in tables for row in t for c in row)
    (tmp_path / "b.pdf").write_bytes(pdf)
    pdf_text = subprocess.run(["pdftotext", str(tmp_path / "b.pdf"), "-"], capture_output=True, text=True).stdout
    assert "榆次区物业服务管理专项整治工作简报" in text and "全市中位数" in text
    others = {r.name for r in read_regions() if r.level == "county" and r.code != "140702"}
    for body in (text, pdf_text.replace("\n", "")):
        named = sorted(n for n in others if n in body)
        assert not named, f"another county named: {named}"
        assert not re.search(r"1[3-9]\d{9}|\d{3}\*{4}\d{4}", body), "a phone number"
    stated = {m[1] + m[2] for m in FIGURE.finditer(text)}
    assert stated - expected_figures(wh, YUCI, "140702") == set()
    with pytest.raises(BriefingError, match="只含本县"):
        content.region_of(YUCI, "140703")


def test_the_pdf_draws_in_a_cjk_font_with_its_charts(leader_briefing, tmp_path):
    _, b, _, pdf = leader_briefing
    assert all(c.png for s in b.sections for c in s.charts) and sum(len(s.charts) for s in b.sections) == 2
    path = tmp_path / "b.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "p")], check=True)
    page = next(tmp_path.glob("p-*1.png"))
    assert page.stat().st_size > 20_000  # a drawn page, not a blank one
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "CJK" in fonts and "yes" in fonts  # the Chinese font embedded
    words = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "晋中市物业服务管理专项整治工作简报" in words and "一、总体情况" in words


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("2025-05", "2025-05-01", "2025-05-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2025-W19", "2025-05-05", "2025-05-11"),
    ],
)
def test_a_period_is_a_month_or_an_iso_week(text, start, end):
    p = period.parse(text)
    assert (p.start.isoformat(), p.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["2025-13", "2025-W54", "May 2025", ""])
def test_a_period_that_is_neither_is_refused_in_chinese(text):
    with pytest.raises(period.PeriodError, match="月度简报写作 2025-05"):
        period.parse(text)
