"""Cases (问题线索 / 投诉举报 / 整改问题) for the rectification page (整改进度): groups, trends,
breakdowns, ageing and the drill-down from reporting unit to community to case.

The definitions are those of metrics/facts.py: the source groups (`CASE_GROUPS`: 排查,
线索, 投诉举报), "rectified" (`rectified_sql`: 已整改/已办结 and closed by the period's end),
the stock date (`as_of`); the county rates are the KPIs of metrics/kpis.py. Here they
are only cut differently. Working days count China's official holidays and adjusted
working days through the warehouse's `calendar` table: the working days in (a, b] are
workday_index(b) − workday_index(a).

A case counts in the period when it was received in it; the open stock (未办结) is
taken at the period's end, whenever the case was received, as on the overview. Counts
read `mart_cases` (cases counted by unit, source, category, status, level and dates;
etl/marts.py); the drill-down to communities and cases reads every case (`mart_case_spans`).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.sql import TRUE, Sql, literal, literals
from metrics import kpis
from metrics.db import Warehouse
from metrics.deadlines import Deadlines, deadlines
from metrics.facts import CASE_GROUPS, DONE, as_of, case_facts, rectified_by, rectified_sql
from metrics.filters import Filter, Scope, period_sql, region_prefix, region_sql, where
from metrics.regions import region_names

GROUPS = tuple(CASE_GROUPS)  # sweep, leads, complaints
COUNTY_RATES = ("rectification_rate", "complaint_close_rate")  # KPIs of the county chart
DIMENSIONS = ("status", "source", "category", "level")
CLOSED_AFTER_END = "closed_after_end"  # status 已整改/已办结, but not closed by the period's end
NOT_FILLED = "not_filled"  # a breakdown value the ledger left empty
NO_COMMUNITY = "-"  # the drill-down key of cases that name no community
# Ageing buckets of open cases, in working days: (lowest, highest); None = no upper bound.
AGE_BUCKETS = ((0, 5), (6, 10), (11, 20), (21, 30), (31, 60), (61, None))


def _group_sql(group: str | None, alias: str = "") -> Sql:
    """Cases of one source group (None: all cases)."""
    return TRUE if group is None else Sql(f"{alias}source IN {literals(CASE_GROUPS[group])}")


def _rates(frame: pd.DataFrame) -> pd.DataFrame:
    """rate_<group> = rectified / received (None where nothing was received)."""
    for name in GROUPS:
        den = frame[f"received_{name}"].astype("float64")
        frame[f"rate_{name}"] = (frame[f"rectified_{name}"] / den.where(den > 0)).astype("float64")
    return frame


def unit_in_region(unit: str | None, f: Filter) -> bool:
    """A drill-down unit only counts when it lies in the filter's region."""
    return bool(unit) and (not f.region or unit.startswith(region_prefix(f.region)))


def group_summary(units: pd.DataFrame) -> pd.DataFrame:
    """One row per source group: received, rectified (or closed) and the rate, summed over the units."""
    rows = []
    for name in GROUPS:
        received = int(units[f"received_{name}"].sum()) if len(units) else 0
        rectified = int(units[f"rectified_{name}"].sum()) if len(units) else 0
        rows.append(
            {
                "case_group": name,
                "received": received,
                "rectified": rectified,
                "rate": rectified / received if received else None,
            }
        )
    return pd.DataFrame(rows)


def unit_table(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Per reporting unit: received and rectified per source group and their rates, the county
    KPIs (问题整改率, 投诉办结率), open and overdue cases at the period's end (facts.case_facts)."""
    frame = case_facts(wh, f, scope)
    names = region_names(wh)
    frame.insert(1, "unit_name", [names.get(u, u) for u in frame["unit"]])
    frame = _rates(frame)
    for key in COUNTY_RATES:
        kpi = kpis.BY_KEY[key]
        den = frame[kpi.denominator].astype("float64")
        frame[key] = (frame[kpi.numerator] / den.where(den > 0)).astype("float64")
    return frame.sort_values("unit").reset_index(drop=True)


def _classified(f: Filter, scope: Scope, at: dt.date, d: Deadlines, alias: str = "c") -> Sql:
    """Columns classifying each case once: its source group (`grp`), received in the period (`inp`),
    rectified by the period's end (`done`), open at the stock date `at` (`open`), past its deadline then (`late`:
    the deadline of metrics/deadlines.py, the row's or else the rules': `d`, with its CTEs and join)."""
    a = f"{alias}."
    period = period_sql(f"{a}received_on", f)
    done = rectified_sql(f, alias)
    grp = " ".join(
        f"WHEN {a}source IN {literals(sources)} THEN {literal(name)}" for name, sources in CASE_GROUPS.items()
    )
    sql = f"""CASE {grp} END AS grp, coalesce({period}, false) AS inp, coalesce({done}, false) AS done,
        {a}received_on <= $at AND NOT coalesce({rectified_by("$at", alias)}, false) AS open,
        coalesce({d.due(alias)} < $at, false) AS late"""
    return Sql.of(sql, period, done, at=at)


def _pivot_columns() -> str:
    """Per-group received/rectified and open/overdue sums over a (grp, inp, done, open, late, n) count table."""
    cols = []
    for name in GROUPS:
        cols += [
            f"coalesce(sum(n) FILTER (WHERE grp = {literal(name)} AND inp), 0)::BIGINT AS received_{name}",
            f"coalesce(sum(n) FILTER (WHERE grp = {literal(name)} AND inp AND done), 0)::BIGINT AS rectified_{name}",
        ]
    cols += [
        "coalesce(sum(n) FILTER (WHERE open), 0)::BIGINT AS open_cases",
        "coalesce(sum(n) FILTER (WHERE open AND late), 0)::BIGINT AS overdue_cases",
    ]
    return ", ".join(cols)


def _unit_sql(unit: str | None) -> Sql:
    """Cases of one reporting unit (None: of every unit of the filter's region)."""
    return Sql.of("c.county = $unit", unit=unit) if unit else TRUE


def community_table(wh: Warehouse, f: Filter, scope: Scope, unit: str | None) -> pd.DataFrame:
    """Per community of one reporting unit (None: of the filter's region): the same counts as
    `unit_table`, with the cases received in the period or open at its end. Cases naming a
    community the warehouse does not know keep their row, with `community_name` empty (未匹配),
    and count in the totals."""
    d = deadlines(wh)
    classified = _classified(f, scope, as_of(wh, f, scope), d)
    cond = where(_unit_sql(unit), region_sql("c.county", f, scope))
    sql = f"""
        WITH {d.ctes}
        k AS (SELECT c.community_id, any_value(c.street) AS street, grp, inp, done, open, late, count(*) AS n
                   FROM (SELECT c.community_id, c.street, {classified} FROM mart_case_spans c {d.join("c")} WHERE {cond}) c
                   GROUP BY ALL),
        p AS (SELECT community_id, any_value(street) AS street, {_pivot_columns()} FROM k GROUP BY community_id)
        SELECT coalesce(p.community_id, {literal(NO_COMMUNITY)}) AS key, p.community_id, m.name AS community_name,
               coalesce(m.street, p.street) AS street, p.* EXCLUDE (community_id, street)
        FROM p LEFT JOIN communities m ON m.community_id = p.community_id
        WHERE p.received_sweep + p.received_leads + p.received_complaints + p.open_cases > 0
        ORDER BY community_name NULLS FIRST, p.community_id"""
    return _rates(wh.frame(Sql.of(sql, d.ctes, classified, cond)))


def _case_columns(f: Filter, at: dt.date, d: Deadlines) -> Sql:
    """The columns of a case list (never the reporter's phone), at the stock date `at`; the deadline is
    that of metrics/deadlines.py (`d`, with its CTEs and its join on the cases `c`)."""
    done = rectified_sql(f, "c")
    due = d.due("c")
    sql = f"""c.case_id, c.source, c.category, c.community_id, m.name AS community_name,
        coalesce(c.street, m.street) AS street, c.received_on, {due} AS deadline, c.level,
        CASE WHEN {done} THEN c.status WHEN c.status IN {literals(DONE)} THEN {literal(CLOSED_AFTER_END)}
             ELSE c.status END AS status_at_end,
        CASE WHEN {done} THEN c.closed_on END AS closed_on,
        coalesce(e.workday_index, (SELECT workday_index FROM calendar WHERE day = $at)) - r.workday_index AS workdays,
        coalesce(CASE WHEN {done} THEN c.closed_on > {due} ELSE {due} < $at END, false) AS overdue,
        c.description"""
    return Sql.of(sql, done, at=at)


def case_list(
    wh: Warehouse, f: Filter, scope: Scope, unit: str | None, community: str | None = None, group: str | None = None
) -> pd.DataFrame:
    """The cases of a unit (None: of the filter's region) and community received in the period: status at the period's end,
    working days taken (to closing, or to the period's end while open) and whether past the deadline."""
    d = deadlines(wh)
    cols = _case_columns(f, as_of(wh, f, scope), d)
    done = rectified_sql(f, "c")
    if community == NO_COMMUNITY:
        comm = Sql("c.community_id IS NULL")
    elif community:
        comm = Sql.of("c.community_id = $community", community=community)
    else:
        comm = TRUE
    cond = where(
        _unit_sql(unit),
        region_sql("c.county", f, scope),
        period_sql("c.received_on", f),
        comm,
        _group_sql(group, "c."),
    )
    sql = f"""WITH {d.ctes} c AS (SELECT * FROM mart_case_spans c WHERE {cond})
        SELECT {cols} FROM c {d.join("c")}
        LEFT JOIN communities m ON m.community_id = c.community_id
        LEFT JOIN calendar r ON r.day = c.received_on
        LEFT JOIN calendar e ON e.day = CASE WHEN {done} THEN c.closed_on END
        ORDER BY c.received_on DESC, c.case_id"""
    return wh.frame(Sql.of(sql, d.ctes, cols, done, cond))


def ageing(wh: Warehouse, f: Filter, scope: Scope, group: str | None = None) -> tuple[pd.DataFrame, dt.date]:
    """Open cases at the period's end by how many working days they have been open
    (bucket index into AGE_BUCKETS; -1 when a date lies outside the calendar), and how many are past their
    deadline (that of metrics/deadlines.py: the row's, else the rules'; `no_deadline`: neither gives one)."""
    at = as_of(wh, f, scope)
    cond = where(
        region_sql("c.county", f, scope),
        Sql.of("c.received_on <= $at", at=at),
        Sql.of(f"NOT coalesce({rectified_by('$at', 'c')}, false)", at=at),
        _group_sql(group, "c."),
    )
    bucket = (
        "CASE "
        + " ".join(f"WHEN age <= {hi} THEN {i}" for i, (_, hi) in enumerate(AGE_BUCKETS) if hi is not None)
        + f" WHEN age IS NOT NULL THEN {len(AGE_BUCKETS) - 1} ELSE -1 END"
    )
    d = deadlines(wh)
    sql = f"""
        WITH {d.ctes}
        o AS (
            SELECT (SELECT workday_index FROM calendar WHERE day = $at) - r.workday_index AS age,
                   {d.due("c")} AS deadline, c.n
            FROM mart_cases c LEFT JOIN calendar r ON r.day = c.received_on {d.join("c")} WHERE {cond})
        SELECT {bucket} AS bucket, sum(n) AS open_cases, coalesce(sum(n) FILTER (WHERE deadline < $at), 0) AS overdue_cases,
               coalesce(sum(n) FILTER (WHERE deadline IS NULL), 0) AS no_deadline
        FROM o GROUP BY 1 ORDER BY 1"""
    frame = wh.frame(Sql.of(sql, d.ctes, cond, at=at))
    full = pd.DataFrame({"bucket": list(range(len(AGE_BUCKETS)))})
    extra = frame[frame["bucket"] < 0]
    frame = pd.concat([full.merge(frame, on="bucket", how="left"), extra], ignore_index=True)
    for col in ("open_cases", "overdue_cases", "no_deadline"):
        frame[col] = frame[col].fillna(0).astype("int64")
    frame["within_deadline"] = frame["open_cases"] - frame["overdue_cases"]
    return frame, at


def breakdowns(
    wh: Warehouse, f: Filter, scope: Scope, group: str | None = None, dimensions: tuple[str, ...] = DIMENSIONS
) -> pd.DataFrame:
    """Cases received in the period by status (at the period's end), source, category and level
    (or some of them): one row per (dimension, value) with received, rectified and the rate."""
    unknown = set(dimensions) - set(DIMENSIONS)
    if unknown or not dimensions:
        raise ValueError(f"unknown dimensions: {sorted(unknown)}")
    done = rectified_sql(f)
    cond = where(region_sql("county", f, scope), period_sql("received_on", f), _group_sql(group))
    columns = {
        "status": f"CASE WHEN {done} THEN status WHEN status IN {literals(DONE)} THEN {literal(CLOSED_AFTER_END)} "
        "ELSE status END",
        "source": "source",
        "category": "category",
        "level": f"coalesce(level, {literal(NOT_FILLED)})",
    }
    select = ", ".join(f"{columns[d]} AS {d}" for d in dimensions)
    which = " ".join(f"WHEN grouping({d}) = 0 THEN {literal(d)}" for d in dimensions)
    sql = f"""
        WITH c AS (SELECT {select}, coalesce({done}, false) AS done, n FROM mart_cases WHERE {cond})
        SELECT CASE {which} END AS dimension, coalesce({", ".join(dimensions)}) AS value,
               sum(n)::BIGINT AS received, coalesce(sum(n) FILTER (WHERE done), 0)::BIGINT AS rectified
        FROM c GROUP BY GROUPING SETS ({", ".join(f"({d})" for d in dimensions)})"""
    frame = wh.frame(Sql.of(sql, done, cond))
    frame["rate"] = (frame["rectified"] / frame["received"].astype("float64")).astype("float64")
    frame["order"] = frame["dimension"].map({d: i for i, d in enumerate(DIMENSIONS)})
    frame = frame.sort_values(["order", "received"], ascending=[True, False]).drop(columns="order")
    return frame.reset_index(drop=True)


def _grain(start: dt.date, end: dt.date) -> str:
    days = (end - start).days
    return "day" if days <= 62 else "week" if days <= 200 else "month"


def cumulative(wh: Warehouse, f: Filter, scope: Scope, group: str | None = None) -> pd.DataFrame:
    """Cases received in the period, cumulated from its start to the end of each day, week or
    month (`day` is the bucket's last day, at most the period's end): received, and of them
    rectified by then; the last row gives the period's totals."""
    done = rectified_sql(f)
    cond = where(region_sql("county", f, scope), period_sql("received_on", f), _group_sql(group))
    empty = pd.DataFrame(columns=["day", "received", "rectified", "cumulative_received", "cumulative_rectified"])
    if f.start and f.end:
        start, end = f.start, f.end
    else:  # an open period runs from the first case received to the data's latest date
        span = Sql.of(f"SELECT min(received_on), max(received_on) FROM mart_cases WHERE {cond}", cond)
        first, last = wh.rows(span)[0]
        if first is None:
            return empty
        start, end = f.start or first, f.end or max(last, as_of(wh, f, scope))
    grain = _grain(start, end)  # one of three literals, never user text
    sql = f"""
        WITH c AS (SELECT received_on, CASE WHEN {done} THEN closed_on END AS done_on, n FROM mart_cases WHERE {cond}),
        b AS (SELECT unnest(generate_series(date_trunc({literal(grain)}, $first_day::DATE)::TIMESTAMP,
                                            date_trunc({literal(grain)}, $last_day::DATE)::TIMESTAMP, INTERVAL 1 {grain}))::DATE AS b),
        r AS (SELECT date_trunc({literal(grain)}, received_on)::DATE AS b, sum(n) AS n FROM c GROUP BY 1),
        k AS (SELECT date_trunc({literal(grain)}, greatest(done_on, $first_day::DATE))::DATE AS b, sum(n) AS n
              FROM c WHERE done_on IS NOT NULL GROUP BY 1)
        SELECT least((b.b + INTERVAL 1 {grain} - INTERVAL 1 DAY)::DATE, $last_day::DATE) AS day,
               coalesce(r.n, 0) AS received, coalesce(k.n, 0) AS rectified,
               sum(coalesce(r.n, 0)) OVER (ORDER BY b.b) AS cumulative_received,
               sum(coalesce(k.n, 0)) OVER (ORDER BY b.b) AS cumulative_rectified
        FROM b LEFT JOIN r USING (b) LEFT JOIN k USING (b) ORDER BY b.b"""
    frame = wh.frame(Sql.of(sql, done, cond, first_day=start, last_day=end))
    if frame.empty or not frame["cumulative_received"].iloc[-1]:
        return empty
    for col in ("received", "rectified", "cumulative_received", "cumulative_rectified"):
        frame[col] = frame[col].astype("int64")
    frame["day"] = pd.to_datetime(frame["day"]).dt.date
    return frame


def totals(frame: pd.DataFrame) -> dict:
    """The total row of a unit or community table: counts summed, rates recomputed from the sums."""
    counts = [
        c for c in frame.columns if c.startswith(("received_", "rectified_")) or c in ("open_cases", "overdue_cases")
    ]
    row = {c: int(frame[c].sum()) for c in counts}
    for name in GROUPS:
        if f"received_{name}" in row:
            den = row[f"received_{name}"]
            row[f"rate_{name}"] = row[f"rectified_{name}"] / den if den else None
    for key in COUNTY_RATES:
        kpi = kpis.BY_KEY[key]
        if kpi.numerator in row and kpi.denominator in row:
            row[key] = row[kpi.numerator] / row[kpi.denominator] if row[kpi.denominator] else None
    return row
