"""Who has reported (报送情况): the reporting calendar as data — `data/reporting_calendar.csv` (or
the file named by REPORTING_CALENDAR), read and checked here as the targets are — and the board of
what each county owes, computed from the warehouse's load history.

A calendar row says that every county under `region` (a city: each of its counties; a county: that
one) owes the ledger `dataset` (a dataset name of vocab/schema.py, or its Chinese name), optionally
only its rows of one `source` (来源: the county's 排查 ledger, not the city's 12345 orders), for each
`cycle` (月/季/年) from `valid_from` on, by day `due_day` of the month after the period.

A county has reported a period when rows of that ledger for the county (its own code or a unit
under it) dated in the period have been loaded; when it reported is the first load that brought
any of them (the row's own load, or the older load a corrected version replaced: `replacements`).
The board is as of a day (数据截至, as the rest of the dashboard): a load after that day is not yet
seen, a period whose due day is after it is 未到期. States: 按时 (first arrival by the due day),
逾期 (after it), 未报 (none by the day although due), 未到期 (not due yet and none yet).
按时报送率 (vocab/kpis.py `reporting_on_time_rate`) is 按时 over the reports due in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import settings
from etl.normalize import fold, is_blank, parse_date
from etl.regions import RegionIndex
from etl.sql import Sql, ident, literal
from metrics.db import Warehouse
from metrics.filters import Filter, Scope, region_prefix, region_sql
from metrics.targets import DATA, _columns, _lines, _problems, _read, _region, _tolerant
from vocab.schema import DATASETS

CALENDAR_ENV = "REPORTING_CALENDAR"
COLUMNS = {
    "region": ("地区", "报送单位"),
    "dataset": ("台账", "台账类型"),
    "source": ("来源",),
    "cycle": ("周期", "报送周期"),
    "due_day": ("截止日", "每期截止日"),
    "valid_from": ("起始期", "生效日期"),
    "note": ("说明", "依据"),
}
CYCLES = {"月": 1, "月报": 1, "month": 1, "季": 3, "季报": 3, "quarter": 3, "年": 12, "年报": 12, "year": 12}
# The ledgers a board can check: the column giving the county and the date that places a row in a period.
REPORTABLE = {"cases": ("county", "received_on"), "refunds": ("county", "refunded_on")}
STATES = ("on_time", "late", "missing", "pending")
STATES_SHOWN = ("missing", "late", "pending", "on_time")  # the board's order within a period: what needs chasing first


@dataclass(frozen=True)
class Duty:
    region: str  # the city or county code the row is for
    dataset: str
    source: str
    months: int  # 1, 3 or 12
    due_day: int
    valid_from: dt.date
    note: str = ""
    row: int = 0


def calendar_path() -> Path:
    return Path(settings.get(CALENDAR_ENV) or DATA / "reporting_calendar.csv")


def calendar(path: Path | None = None) -> tuple[Duty, ...]:
    """Every row of the calendar, checked (TargetsError names each problem by line)."""
    return _read(Path(path or calendar_path()), _parse)


def current() -> tuple[tuple[Duty, ...], str | None]:
    """The calendar for the pages, or while it has problems the last good version read."""
    return _tolerant(calendar_path(), _parse, ())


def _parse(path: Path, rows: list[dict[str, str]]) -> tuple[Duty, ...]:
    cols = _columns(path, rows, COLUMNS, {"region", "dataset", "cycle", "due_day", "valid_from"})
    regions = RegionIndex.shipped()
    by_label = {fold(d.label): name for name, d in DATASETS.items()}
    out, problems = [], []
    for n, cell, said, bad in _lines(rows, cols):
        region = _region(regions, cell["region"], bad) if not is_blank(cell["region"]) else ""
        if not region and not said:
            bad("region", "应为市或县（市、区）的名称或行政区划代码")
        dataset = cell["dataset"] if cell["dataset"] in DATASETS else by_label.get(fold(cell["dataset"]))
        if dataset not in REPORTABLE:
            names = "、".join(f"{DATASETS[d].label}（{d}）" for d in REPORTABLE)
            bad("dataset", f"不是可按县区和期间核对报送的台账（可填写：{names}）")
        months = CYCLES.get(fold(cell["cycle"]).strip())
        if months is None:
            bad("cycle", "应为 月、季 或 年")
        due = int(cell["due_day"]) if cell["due_day"].isdigit() else 0
        if not 1 <= due <= 28:
            bad("due_day", "应为 1 到 28 的整数（下一期第几日前报送）")
        start, problem = parse_date(cell["valid_from"]) if not is_blank(cell["valid_from"]) else (None, "为空（必填）")
        if problem:
            bad("valid_from", problem)
        elif months and (start.day != 1 or (start.month - 1) % months):
            bad("valid_from", "应为一期的第一天（月报：某月 1 日；季报：1、4、7、10 月 1 日；年报：1 月 1 日）")
        if said:
            problems += said
            continue
        out.append(Duty(region, dataset, cell.get("source", ""), months, due, start, cell.get("note", ""), n))
    if problems:
        raise _problems(path, problems)
    return tuple(out)


# ---------------------------------------------------------------- the board


def _add_months(day: dt.date, months: int) -> dt.date:
    m = day.month - 1 + months
    return dt.date(day.year + m // 12, m % 12 + 1, 1)


def periods_of(duty: Duty, until: dt.date) -> list[tuple[dt.date, dt.date, dt.date]]:
    """(first day, last day, due day) of each period of a duty that began by `until`."""
    out, first = [], duty.valid_from
    while first <= until:
        nxt = _add_months(first, duty.months)
        out.append((first, nxt - dt.timedelta(days=1), nxt.replace(day=duty.due_day)))
        first = nxt
    return out


def _counties(wh: Warehouse, f: Filter, scope: Scope) -> dict[str, str]:
    region = region_sql("code", f, scope)
    rows = wh.rows(Sql.of(f"SELECT code, name FROM regions WHERE level = 'county' AND {region} ORDER BY code", region))
    return dict(rows)


def _arrivals(wh: Warehouse, duty: Duty, counties: list[str], seen_until: dt.datetime) -> pd.DataFrame:
    """Per county and month of the row's date: the first load that brought a row (its own or one it replaced)."""
    county_col, date_col = REPORTABLE[duty.dataset]
    table = ident(duty.dataset)
    source = "AND source = $source" if duty.source else ""
    sql = f"""
        WITH r AS (
            SELECT substr({county_col}, 1, 6) AS county, date_trunc('month', {date_col})::DATE AS month,
                   _load_id, {_key_text(duty.dataset)} AS k
            FROM {table}
            WHERE substr({county_col}, 1, 6) IN (SELECT unnest($counties::VARCHAR[])) AND {date_col} >= $since {source}),
        firsts AS (
            SELECT r.county, r.month, r._load_id AS load_id FROM r
            UNION ALL
            SELECT r.county, r.month, x.old_load_id FROM r
            JOIN replacements x ON x.dataset = $dataset AND x.key = r.k)
        SELECT county, month, min(l.loaded_at) AS first_at
        FROM firsts JOIN loads l ON l.load_id = firsts.load_id AND l.loaded_at < $seen_until
        GROUP BY county, month"""
    return wh.frame(
        Sql.of(
            sql,
            counties=counties,
            since=duty.valid_from,
            dataset=duty.dataset,
            seen_until=seen_until,
            **({"source": duty.source} if duty.source else {}),
        )
    )


def _key_text(dataset: str) -> str:
    """A row's key as `replacements.key` writes it (etl/versions.py): `case_id=PC…`, parts joined by ', '."""
    parts = [f"{literal(k)} || '=' || coalesce({ident(k)}::VARCHAR, '')" for k in DATASETS[dataset].key]
    return " || ', ' || ".join(parts) or "''"


def board(wh: Warehouse, f: Filter, scope: Scope, as_of: dt.date | None) -> pd.DataFrame:
    """One row per county, ledger and period owed in the view (its region; periods that began by
    `as_of`, and whose due day lies in the filter's dates when it has some): county, name, dataset,
    period, due, first_at (the first arrival seen by `as_of`), state."""
    cols = ["county", "county_name", "dataset", "source", "period_start", "period_end", "due", "first_at", "state"]
    if as_of is None:
        return pd.DataFrame(columns=cols)
    key = ("reporting.board", f, scope, as_of, current()[0])
    return wh.kept(key, lambda: _board(wh, f, scope, as_of, cols)).copy()


def _board(wh: Warehouse, f: Filter, scope: Scope, as_of: dt.date, cols: list[str]) -> pd.DataFrame:
    seen_until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    names = _counties(wh, Filter(f.region), scope)
    out = []
    for duty in current()[0]:
        owing = [c for c in names if c.startswith(region_prefix(duty.region))]
        if not owing:
            continue
        found = _arrivals(wh, duty, owing, seen_until)
        arrived = {
            (r.county, r.month.date() if hasattr(r.month, "date") else r.month): r.first_at for r in found.itertuples()
        }
        for first, last, due in periods_of(duty, as_of):
            if f.start and due < f.start or f.end and due > f.end:
                continue
            for county in owing:
                months = [_add_months(first, i) for i in range(duty.months)]
                times = [arrived[(county, m)] for m in months if (county, m) in arrived]
                at = min(times) if times else None
                if at is not None:
                    state = "on_time" if at.date() <= due else "late"
                else:
                    state = "missing" if due < as_of else "pending"
                out.append((county, names[county], duty.dataset, duty.source, first, last, due, at, state))
    frame = pd.DataFrame(out, columns=cols)
    # periods already due first (the latest first), within one what needs chasing first; periods not yet due last
    frame["rank"] = frame["state"].map({s: i for i, s in enumerate(STATES_SHOWN)})
    frame["later"] = frame["state"] == "pending"
    keys = ["later", "period_start", "rank", "county"]
    frame = frame.sort_values(keys, ascending=[True, False, True, True], ignore_index=True)
    return frame.drop(columns=["rank", "later"])


def reporting_facts(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per county (the catalogue's unit): the reports due in the period (due day within it, by
    数据截至) and those that arrived by their due day — the facts of 按时报送率."""
    from metrics.facts import data_as_of

    rows = board(wh, f, scope, data_as_of(wh, Filter(f.region), scope))
    due = rows[rows["state"] != "pending"]
    if due.empty:
        return pd.DataFrame({"unit": [], "reports_due": [], "reports_on_time": []})
    grouped = due.groupby("county")["state"]
    return pd.DataFrame(
        {
            "unit": grouped.size().index,
            "reports_due": grouped.size().to_numpy(dtype=float),
            "reports_on_time": grouped.apply(lambda s: float((s == "on_time").sum())).to_numpy(),
        }
    )
