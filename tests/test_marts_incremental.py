"""A publish rebuilds only the mart rows its loads touched, and the marts stay exactly equal to a
full rebuild (issue 17, "Incremental publish"): on a copy of the demo warehouse, a sequence of
loads, corrections, county moves and re-keyed joins, each compared with every mart recomputed
from all rows."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from etl import deadlines, marts
from etl.pipeline import load_files


def _rows(path: Path, encoding: str) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding=encoding, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def _differences(con: duckdb.DuckDBPyConnection, name: str) -> tuple[int, int]:
    """(rows of the mart a full rebuild would not hold, rows a full rebuild holds that it lacks)."""
    mart = marts.MARTS[name]
    full = f"SELECT * FROM ({mart.select} {mart.tail})"
    extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {name} EXCEPT ALL {full})").fetchone()[0]
    missing = con.execute(f"SELECT count(*) FROM ({full} EXCEPT ALL SELECT * FROM {name})").fetchone()[0]
    return extra, missing


def _wrong_due(con: duckdb.DuckDBPyConnection) -> int:
    """Cases whose published deadline (`_due`) is not the one etl/deadlines.py computes now."""
    cte = deadlines.rules_cte()
    sql = f"""WITH {cte} SELECT count(*) FROM cases c {deadlines.rules_join("c")}
              WHERE c._due IS DISTINCT FROM {deadlines.deadline_sql("c")}"""
    return con.execute(sql, cte.params).fetchone()[0]


def _digest(con: duckdb.DuckDBPyConnection, name: str) -> str:
    rows = con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@pytest.fixture
def copy(demo_wh, tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(demo_wh.path, path)
    return path


def test_incremental_publish_equals_a_full_rebuild_after_every_load(demo_wh, copy: Path, tmp_path: Path) -> None:
    ledgers = Path(demo_wh.path).parent / "ledgers"
    cases_header, cases = _rows(ledgers / "09_晋中市物业问题线索受理转办台账.csv", "utf-8-sig")
    col = {name: i for i, name in enumerate(cases_header)}
    events_header, events = _rows(ledgers / "11_督办记录.csv", "utf-8-sig")
    communities_header, communities = _rows(ledgers / "03_晋城市住宅小区台账.csv", "gbk")
    recoveries_header, recoveries = _rows(ledgers / "14_维修资金追缴到账明细.csv", "gbk")

    def county_street(county: str) -> tuple[str, str]:
        return county, next(r[col["乡镇(街道)"]] for r in cases if r[col["县(区、市)"]] == county)

    # new cases: forty of the ledger's rows under new numbers
    new = [list(r) for r in cases[:40]]
    for i, r in enumerate(new):
        r[col["线索编号"]] = f"XS2025{i:08d}"
    # an existing case with a trail, and where its events are
    traced = {r[0] for r in events}
    old = next(list(r) for r in cases[100:] if r[col["线索编号"]] in traced and r[col["县(区、市)"]] != "平遥县")
    moved_new, closed_new = list(new[1]), list(new[0])
    moved_new[col["县(区、市)"]], moved_new[col["乡镇(街道)"]] = county_street("平遥县")
    closed_new[col["状态"]], closed_new[col["办结日期"]] = "已办结", "2025年6月30日"
    moved_old = list(old)
    moved_old[col["县(区、市)"]], moved_old[col["乡镇(街道)"]] = county_street("平遥县")
    moved_old[col["状态"]] = "办理中"
    moved_old[col["办结日期"]] = ""

    jincheng = [r for r in communities if r[2] == "晋城市城区" and r[7]][:3]
    zezhou_street = next(r[3] for r in communities if r[2] == "泽州县")
    star_header = ["小区编号", "物业企业统一社会信用代码", "评价年度", "星级", "得分"]
    stars = [[r[0], r[7], "2025年度", "三星", 80.5] for r in jincheng]
    communities_moved = [[*r[:2], "泽州县", zezhou_street, *r[4:]] for r in jincheng]

    with duckdb.connect(str(copy), read_only=True) as con:
        (company,) = con.execute(
            """SELECT c.company_code FROM companies c JOIN credit_ratings r USING (company_code)
            WHERE c.county = '140502' ORDER BY 1 LIMIT 1"""
        ).fetchone()  # 晋城市城区
        project, project_name, developer, project_county = con.execute(
            """SELECT a.project_id, a.project, a.developer, a.county FROM fund_arrears a
            JOIN fund_recoveries r USING (project_id) ORDER BY 1 LIMIT 1"""
        ).fetchone()
    other_county = "太谷区" if project_county != "140703" else "祁县"  # the ledger names the county

    steps: list[tuple[str, Path, set[str]]] = [
        ("new cases", _write(tmp_path / "和顺县新线索.csv", cases_header, new), {"mart_cases"}),
        (
            "corrected cases: one closed, one moved to another county, an old case moved and reopened",
            _write(tmp_path / "线索更正.csv", cases_header, [closed_new, moved_new, moved_old]),
            {"mart_cases", "mart_case_trail"},
        ),
        (
            "events of new and old cases",
            _write(
                tmp_path / "督办记录补充.csv",
                events_header,
                [
                    [new[0][col["线索编号"]], "2025-01-20", "约谈", "县级", "和顺县住房和城乡建设局", ""],
                    [moved_new[col["线索编号"]], "2025-02-03", "督办函", "市级", "晋中市住房和城乡建设局", ""],
                    [old[col["线索编号"]], "2025-03-01", "提醒函", "县级", "平遥县住房和城乡建设局", ""],
                    # a settled case moved up a level before its settlement: its stays change
                    [closed_new[col["线索编号"]], "2025-03-03", "上交", "县级", "和顺县住房和城乡建设局", ""],
                ],
            ),
            {"mart_case_trail", "mart_case_stays"},
        ),
        (
            "star ratings placed by their community",
            _write(tmp_path / "星级.csv", star_header, stars),
            {"mart_star_ratings"},
        ),
        (
            "communities moved to another county",
            _write(tmp_path / "晋城市小区更正.csv", communities_header, communities_moved),
            {"mart_communities", "mart_star_ratings"},
        ),
        (
            "a company re-registered in another county",
            _write(
                tmp_path / "企业名录更正.csv",
                ["企业名称", "统一社会信用代码", "注册地", "状态"],
                [["测试物业服务有限公司", company, "泽州县", "在营"]],
            ),
            {"mart_credit_ratings", "mart_credit_moves"},
        ),
        (
            "an arrears project moved and a recovery added",
            _write(
                tmp_path / "维修资金更正.csv",
                ["项目编号", "项目名称", "房地产开发企业", "县(区、市)", "欠缴金额（万元）", "建账日期"],
                [[project, project_name, developer, other_county, "88.5", "2025-02-07"]],
            ),
            {"mart_arrears", "mart_recoveries"},
        ),
        (
            "recoveries",
            _write(
                tmp_path / "追缴到账补充.csv",
                recoveries_header,
                [[project, project_name, "20250901", "12,000.00", "诉讼"]],
            ),
            {"mart_recoveries"},
        ),
    ]
    assert recoveries  # the demo's recoveries ledger is read (its header is reused)

    with duckdb.connect(str(copy), read_only=True) as con:
        digests = {name: _digest(con, name) for name in marts.MARTS}
    for step, ledger, expected in steps:
        result = load_files([ledger], copy, user="test")
        report = result.files[0]
        assert result.ok and report.rows_loaded == report.rows_read > 0, (step, report)
        with duckdb.connect(str(copy), read_only=True) as con:
            for name in marts.MARTS:
                assert con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] > 0, name
                assert _differences(con, name) == (0, 0), f"after '{step}', {name} differs from a full rebuild"
            assert _wrong_due(con) == 0, f"after '{step}', cases' deadlines differ from the rules'"
            now = {name: _digest(con, name) for name in marts.MARTS}
        changed = {name for name in marts.MARTS if now[name] != digests[name]}
        assert expected <= changed, f"'{step}' should have changed {expected - changed}"
        digests = now


def test_a_publish_that_touches_no_mart_leaves_them_as_they_were(demo_wh, copy: Path, tmp_path: Path) -> None:
    """A refunds ledger feeds no mart: every mart is the same, row for row, and still equal to a full rebuild."""
    with duckdb.connect(str(copy), read_only=True) as con:
        before = {name: _digest(con, name) for name in marts.MARTS}
    ledger = _write(
        tmp_path / "清退.csv",
        ["统一社会信用代码", "县区", "类别", "清退金额（元）", "涉及户数", "清退日期"],
        [["91140702MA0KQK1LX7", "榆次区", "物业费", 3000, 12, "2025-05-06"]],
    )
    assert load_files([ledger], copy, user="test").ok
    with duckdb.connect(str(copy), read_only=True) as con:
        assert {name: _digest(con, name) for name in marts.MARTS} == before


def test_a_warehouse_without_its_marts_is_rebuilt_in_full(tmp_path: Path, copy: Path) -> None:
    with duckdb.connect(str(copy)) as con:
        con.execute("DROP TABLE mart_recoveries")
        con.execute("DROP VIEW mart_late_cases")
        marts.refresh(con)
        assert _differences(con, "mart_recoveries") == (0, 0)
        assert con.execute("SELECT count(*) FROM mart_late_cases").fetchone()[0] > 0


def test_a_publish_after_the_deadline_rules_changed_rewrites_every_deadline_they_decide(
    copy: Path, tmp_path: Path, monkeypatch
) -> None:
    """The rules are an admin's file: edited between two loads, the next publish recomputes the
    deadline of every case the rules decide (not only of the cases it loaded) and mart_cases in
    full, equal to a full rebuild under the new rules."""
    rules = tmp_path / "rules.csv"
    rules.write_text("source,category,working_days\n*,*,2\n", encoding="utf-8")
    monkeypatch.setenv("DEADLINE_RULES", str(rules))
    with duckdb.connect(str(copy), read_only=True) as con:
        assert _wrong_due(con) > 0  # published under the shipped rules: the edit matters
        before = _digest(con, "mart_cases")
    ledger = _write(
        tmp_path / "清退.csv",  # a ledger no case mart reads
        ["统一社会信用代码", "县区", "类别", "清退金额（元）", "涉及户数", "清退日期"],
        [["91140702MA0KQK1LX7", "榆次区", "物业费", 3000, 12, "2025-05-06"]],
    )
    assert load_files([ledger], copy, user="test").ok
    with duckdb.connect(str(copy), read_only=True) as con:
        assert _wrong_due(con) == 0
        assert _differences(con, "mart_cases") == (0, 0)
        assert _digest(con, "mart_cases") != before
        assert con.execute("SELECT value FROM mart_stamps WHERE name = 'deadline_rules'").fetchall() == [
            (deadlines.fingerprint(deadlines.deadline_rules()),)
        ]
