"""`python -m bench etl`: the full validated load against DuckDB's bare CSV read.

Writes a clean cases ledger of N rows (UTF-8, the contract's Chinese headers, valid
credit codes), then alternately: (a) the floor, `CREATE TABLE AS SELECT * FROM
read_csv(file)` into a new DuckDB file, checkpointed; (b) `etl.pipeline.load_files`
into a new warehouse (read, map, normalise, validate, write, publish). Reports the
median seconds and rows per second of each and the ratio. Target: ratio <= 3.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from etl.normalize import USCC_CHARS, uscc_check_digit
from etl.pipeline import load_files

TARGET_RATIO = 3.0
COUNTIES = [
    "榆次区",
    "太谷区",
    "榆社县",
    "左权县",
    "和顺县",
    "昔阳县",
    "寿阳县",
    "祁县",
    "平遥县",
    "灵石县",
    "介休市",
    "晋中开发区",
]


def _codes(n: int) -> list[str]:
    out = []
    for i in range(n):
        body = f"91140700{i:09d}"[:17]
        body = "".join(c if c in USCC_CHARS else "0" for c in body)
        out.append(body + uscc_check_digit(body))
    return out


def write_cases_csv(path: Path, rows: int) -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE codes AS SELECT unnest(?) AS code, generate_subscripts(?, 1) AS i", [_codes(500)] * 2)
    counties = "[" + ", ".join(f"'{c}'" for c in COUNTIES) + "]"
    con.execute(
        f"""COPY (
        SELECT 'JZ' || lpad(i::VARCHAR, 8, '0') AS 线索编号,
               ['排查','投诉举报','12345','督导检查','信访','媒体','审计'][1 + i % 7] AS 来源,
               ['质价不符','违规收费','公共收益','设施维护','安全防范','装修保证金','不履约','其他'][1 + i % 8] AS 问题类别,
               {counties}[1 + (i * 7) % 12] AS 县区,
               'XQ' || lpad((i % 5000)::VARCHAR, 5, '0') AS 小区编号,
               (SELECT code FROM codes WHERE codes.i = 1 + i % 500) AS 统一社会信用代码,
               strftime(DATE '2024-01-01' + (i % 700)::INTEGER, '%Y-%m-%d') AS 受理日期,
               CASE WHEN i % 2 = 0 THEN '15' ELSE strftime(DATE '2024-02-01' + (i % 700)::INTEGER, '%Y-%m-%d') END AS 整改时限,
               ['社区','乡镇(街道)','县级','市级'][1 + i % 4] AS 当前层级,
               ['办理中','已整改','已办结','待受理'][1 + i % 4] AS 状态,
               CASE WHEN i % 4 IN (1, 2) THEN strftime(DATE '2024-01-01' + (i % 700 + 5 + i % 60)::INTEGER, '%Y-%m-%d') END AS 办结日期,
               CASE WHEN i % 10 = 0 THEN round((i % 100000) / 100.0, 2) END AS 退还金额,
               CASE WHEN i % 10 = 0 THEN 1 + i % 50 END AS 涉及户数,
               '小区' || (i % 5000) || '物业服务问题' AS 问题描述,
               '13' || lpad((i % 1000000000)::VARCHAR, 9, '0') AS 联系电话
        FROM range({rows}) t(i)) TO '{path}' (HEADER, DELIMITER ',')"""
    )
    con.close()


def _bare(csv: Path, db: Path) -> float:
    start = time.perf_counter()
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE cases AS SELECT * FROM read_csv(?)", [str(csv)])
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - start


def _etl(csv: Path, db: Path) -> float:
    start = time.perf_counter()
    result = load_files([csv], db, user="bench")
    elapsed = time.perf_counter() - start
    report = result.files[0]
    assert not report.refused, report.message
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert report.rows_rejected == 0, report.rejects[:3]
    return elapsed


def run(rows: int = 1_000_000, repeat: int = 3) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        csv = work / "cases.csv"
        write_cases_csv(csv, rows)
        print(f"cases CSV: {rows:,} rows, {csv.stat().st_size / 2**20:.0f} MiB")
        bare, etl = [], []
        for n in range(repeat):
            bare.append(_bare(csv, work / f"bare{n}.duckdb"))
            etl.append(_etl(csv, work / f"etl{n}.duckdb"))
        b, e = statistics.median(bare), statistics.median(etl)
        ratio = e / b
        print(
            f"bare read_csv -> table : median {b:.2f} s  ({rows / b:,.0f} rows/s)  runs {[round(x, 2) for x in bare]}"
        )
        print(f"validated ETL load     : median {e:.2f} s  ({rows / e:,.0f} rows/s)  runs {[round(x, 2) for x in etl]}")
        print(
            f"ratio ETL / bare       : {ratio:.2f}  (target <= {TARGET_RATIO})  {'PASS' if ratio <= TARGET_RATIO else 'FAIL'}"
        )
        return 0 if ratio <= TARGET_RATIO else 1
