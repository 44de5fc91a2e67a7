"""The counties' monthly reports (月报) of 晋中's 问题整改台账, as the reporting calendar asks for
them (data/reporting_calendar.csv: by the 5th of the next month, from September 2025), and when
each arrived: the demo replays them before its full ledgers, each run stamped with its arrival
time (`etl.pipeline.load_files(at=...)`), so that the load history tells who reported on time,
who was late and who had not reported by the demo's today.

A report holds the county's cases found in the month as the county knew them on the day it sent
it: a case rectified later is still 办理中 there; the full ledger loaded afterwards brings every
case to its state at the demo's today (the load history keeps the first arrival: `replacements`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from etl.demo.helpers import Table, write_csv
from etl.demo.write_master import SWEEP_HEADER, sweep_cells

PREFIX = "23_月报"  # after the full ledgers in the file list; loaded before them (etl/demo/__init__.py build)
MONTHS = ((2025, 9), (2025, 10))
# (year, month, county) -> (day of the next month, hour) it arrived; absent: not sent by the demo's today.
# Due by the 5th of the next month (data/reporting_calendar.csv).
LATE = {(2025, 9, "介休市"): (9, 10), (2025, 9, "灵石县"): (13, 15), (2025, 10, "祁县"): (7, 16)}
NOT_SENT = {(2025, 10, "榆次区"), (2025, 10, "和顺县")}


def arrival(year: int, month: int, county: str, order: int) -> dt.datetime | None:
    """When a county's report of a month arrived (Beijing time), or None: not sent."""
    if (year, month, county) in NOT_SENT:
        return None
    first = dt.date(year + month // 12, month % 12 + 1, 1)
    day, hour = LATE.get((year, month, county), (1 + order % 5, 9 + order % 7))
    return dt.datetime.combine(first.replace(day=day), dt.time(hour, 30))


class MonthlyReports:
    """Methods of DemoWorld (etl/demo/world.py)."""

    def report_files(self, out: Path) -> list[tuple[dt.datetime, Path]]:
        """Write the counties' monthly reports that arrived; (arrival, path) in arrival order."""
        # the county-level units; a unit under one (晋中开发区 under 榆次区) is in its county's report
        counties = sorted({k.unit.code: k.unit.name for k in self.sweeps if len(k.unit.code) == 6}.items())
        out_files = []
        for year, month in MONTHS:
            for order, (code, name) in enumerate(counties):
                at = arrival(year, month, name, order)
                cases = [
                    k
                    for k in self.sweeps
                    if k.unit.code[:6] == code and (k.received.year, k.received.month) == (year, month)
                ]
                if at is None or not cases:
                    continue
                path = out / f"{PREFIX}_{year}年{month:02d}月_{name}问题整改台账.csv"
                out_files.append(
                    (at, write_csv(path, Table(SWEEP_HEADER, [_row(k, at.date()) for k in cases]), "utf-8-sig"))
                )
        return sorted(out_files, key=lambda f: f[0])


def _row(k, sent: dt.date) -> list:
    """A case as its county knew it on the day the report was sent."""
    closed = k.closed if k.closed and k.closed <= sent else None
    return sweep_cells(k, k.status if closed or not k.closed else "办理中", closed)
