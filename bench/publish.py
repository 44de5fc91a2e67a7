"""`python -m bench publish`: a county's 1,000-row daily ledger, published at growing scale.

A clerk's daily load must cost what the load holds, not what the warehouse holds. For each
scale (the demo, 100×, and with `--province` the province, all spread over the 117
county-level units by `bench scale`), three different 1,000-row case ledgers are loaded one
after another with the real `etl.pipeline.load_files` (read, validate, write, marts,
publish); the median is reported with its ratio to the demo's. Target (issue 17): under 3 s
at province scale.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from bench.etl import write_cases_csv
from bench.scale import scale
from etl.pipeline import load_files

TARGET_S = 3.0
ROWS = 1_000


def _ledger(path: Path, n: int) -> Path:
    """A 1,000-row cases ledger whose ids are new (the n-th day's)."""
    write_cases_csv(path, ROWS)
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * REPLACE ('D{n}-' || 线索编号 AS 线索编号) FROM read_csv(?, all_varchar = true)) "
        f"TO '{path.with_suffix('.day.csv')}' (HEADER)",
        [str(path)],
    )
    con.close()
    return path.with_suffix(".day.csv")


def _publish(ledger: Path, warehouse: Path) -> float:
    start = time.perf_counter()
    result = load_files([ledger], warehouse, user="bench", today=None)
    took = time.perf_counter() - start
    report = result.files[0]
    assert not report.refused, report.message
    assert report.rows_loaded == ROWS, (report.rows_loaded, report.rejects[:3])
    return took


def run(factor: int = 100, province: int | None = None, repeat: int = 3) -> int:
    from etl import demo

    factors = [1, factor] + ([province] if province else [])
    medians: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        base = work / "demo.duckdb"
        demo.build(base, out_dir=work / "ledgers")
        for n in factors:
            target = work / f"x{n}" / "warehouse.duckdb"
            target.parent.mkdir()
            if n == 1:
                target.write_bytes(base.read_bytes())
            else:
                scale(base, target, n)
            with duckdb.connect(str(target), read_only=True) as con:
                cases = con.execute("SELECT count(*) FROM cases").fetchone()[0]
            size = target.stat().st_size / 2**20
            runs = [_publish(_ledger(work / f"x{n}" / f"day{d}.csv", d), target) for d in range(repeat)]
            medians[n] = statistics.median(runs)
            print(
                f"x{n:<4} {cases:>11,} cases {size:8,.0f} MB   publish of {ROWS:,} rows: median {medians[n]:6.2f} s"
                f"  ratio to 1x {medians[n] / medians[1]:6.1f}   runs {[round(r, 2) for r in runs]}",
                flush=True,
            )
            target.unlink()
    top = max(factors)
    ok = medians[top] < TARGET_S
    print(
        f"\npublish of {ROWS:,} rows at x{top}: {medians[top]:.2f} s (target < {TARGET_S:.0f} s)  {'PASS' if ok else 'FAIL'}"
    )
    return 0 if ok else 1
