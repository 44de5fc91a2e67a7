"""A case's deadline (整改时限): the one in its row, or else received_on plus the working days
of the deadline rules (`data/deadline_rules.csv`, or the file named by DEADLINE_RULES), by
China's official calendar (the warehouse's `calendar` table).

The one definition is the SQL of `rules_cte`, `rules_join` and `deadline_sql` here. A publish
writes it into the cases' `_due` column (`refresh_due`, called by etl/marts.py) and stamps the warehouse
with the rules it used (`fingerprint`); the metrics read that column while the rules file says
the same, and compute the same SQL at query time when an admin has edited the file since
(metrics/deadlines.py `deadlines`), so that an edit takes effect at once.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

import settings
from etl.sql import Sql
from vocab.schema import CASE_CATEGORIES, CASE_SOURCES

RULES_ENV = "DEADLINE_RULES"
DEFAULT_RULES = Path(__file__).resolve().parent.parent / "data" / "deadline_rules.csv"
ANY = "*"


class DeadlineRulesError(ValueError):
    """The deadline rules file cannot be used; the message names the row."""


@dataclass(frozen=True)
class DeadlineRule:
    source: str  # a case source, or * for any
    category: str  # a case category, or * for any
    working_days: int
    note: str = ""


def rules_path() -> Path:
    return Path(settings.get(RULES_ENV) or DEFAULT_RULES)


# (key, rules) of the last file read, swapped as one object: threads of the server read it
# while another replaces it.
_rules_cache: tuple[tuple, tuple[DeadlineRule, ...]] | None = None


def deadline_rules(path: Path | None = None) -> tuple[DeadlineRule, ...]:
    """The deadline rules (source, category, working_days; `*` for any), read from the CSV
    and checked; re-read when the file changes (its path, mtime and size are the key)."""
    global _rules_cache
    path = Path(path or rules_path())
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DeadlineRulesError(f"找不到整改时限规则文件 {path}") from None
    key = (str(path), st.st_mtime_ns, st.st_size)
    cached = _rules_cache
    if cached is not None and cached[0] == key:
        return cached[1]
    rules = _read_rules(path)
    _rules_cache = (key, rules)
    return rules


def _read_rules(path: Path) -> tuple[DeadlineRule, ...]:
    rules, seen = [], set()
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = {"source", "category", "working_days"} - set(reader.fieldnames or ())
        if missing:
            raise DeadlineRulesError(f"{path.name}：缺少列 {', '.join(sorted(missing))}")
        for n, row in enumerate(reader, start=2):
            source, category = (row["source"] or "").strip(), (row["category"] or "").strip()
            days = (row["working_days"] or "").strip()
            if source not in (ANY, *CASE_SOURCES):
                raise DeadlineRulesError(f"{path.name} 第 {n} 行：来源“{source}”不在 {'/'.join(CASE_SOURCES)} 或 * 中")
            if category not in (ANY, *CASE_CATEGORIES):
                raise DeadlineRulesError(
                    f"{path.name} 第 {n} 行：问题类别“{category}”不在 {'/'.join(CASE_CATEGORIES)} 或 * 中"
                )
            if not days.isdigit() or not 1 <= int(days) <= 365:
                raise DeadlineRulesError(f"{path.name} 第 {n} 行：工作日数“{days}”应为 1 到 365 的整数")
            if (source, category) in seen:
                raise DeadlineRulesError(f"{path.name} 第 {n} 行：来源“{source}”、类别“{category}”重复")
            seen.add((source, category))
            rules.append(DeadlineRule(source, category, int(days), (row.get("note") or "").strip()))
    return tuple(rules)


def rule_days(rules: tuple[DeadlineRule, ...], source: str, category: str) -> int | None:
    """The working days a case of this source and category has when its row gives no deadline:
    the rule for exactly this pair; else the shorter of the source's rule (source, *) and the
    category's rule (*, category); else the default (*, *); else none."""
    by = {(r.source, r.category): r.working_days for r in rules}
    if (source, category) in by:
        return by[(source, category)]
    partial = [by[k] for k in ((source, ANY), (ANY, category)) if k in by]
    if partial:
        return min(partial)
    return by.get((ANY, ANY))


def pairs(rules: tuple[DeadlineRule, ...]) -> list[tuple[str, str, int]]:
    """Every source × category of the contract that the rules give working days, with them."""
    days = [(s, c, rule_days(rules, s, c)) for s in CASE_SOURCES for c in CASE_CATEGORIES]
    return [(s, c, n) for s, c, n in days if n is not None]


def fingerprint(rules: tuple[DeadlineRule, ...]) -> str:
    """What the rules mean for the cases (their pairs, not the file's notes or order): the stamp
    a publish leaves beside the `_due` it computed, compared by the readers."""
    return json.dumps(pairs(rules), ensure_ascii=False)


def rules_cte(rules: tuple[DeadlineRule, ...] | None = None) -> Sql:
    """CTEs `rules` (every source × category of the contract with its working days) and
    `workday` (the day of each workday_index), with their values (`$rule_sources`, `$rule_categories`,
    `$rule_days`). `rules`: by default those of the file."""
    pairs_ = pairs(deadline_rules() if rules is None else rules)
    return Sql.of(
        """rules AS (SELECT unnest($rule_sources::VARCHAR[]) AS source, unnest($rule_categories::VARCHAR[]) AS category,
                              unnest($rule_days::INTEGER[]) AS days),
        workday AS (SELECT workday_index, day FROM calendar WHERE is_workday)""",
        rule_sources=[p[0] for p in pairs_],
        rule_categories=[p[1] for p in pairs_],
        rule_days=[p[2] for p in pairs_],
    )


def rules_join(c: str) -> str:
    """Joins giving `rd.day`, the rule's deadline for cases alias `c` (use with `rules_cte`)."""
    return f"""LEFT JOIN rules ru ON ru.source = {c}.source AND ru.category = {c}.category
        LEFT JOIN calendar rcal ON rcal.day = {c}.received_on
        LEFT JOIN workday rd ON rd.workday_index = rcal.workday_index + ru.days"""


def deadline_sql(c: str) -> str:
    """The deadline of cases alias `c`: its row's, else the rule's (needs `rules_cte` and `rules_join(c)`)."""
    return f"coalesce({c}.deadline, rd.day)"


# The stamp of the deadline rules a warehouse's `_due` was computed with when they could not be
# read (DeadlineRulesError): then `_due` holds the rows' own deadlines, and no reader's rules match
# it (they compute at query time, or say what is wrong with the file).
UNREADABLE = "unreadable"

# What the warehouse was built with (name → value: the deadline rules' fingerprint under
# `deadline_rules`; a demo's code under etl.demo.STAMP).
STAMPS = "mart_stamps"


def read_stamp(rows: Callable[[str, list], list[tuple]], name: str) -> str | None:
    """The value stamped under `name` (None: none, or a warehouse written before the stamps);
    `rows(sql, params)` runs a query (a reader's `Warehouse.rows`, or `connection_rows(con)`)."""
    sql = "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary"
    if not rows(sql, [STAMPS])[0][0]:
        return None
    found = rows(f"SELECT value FROM {STAMPS} WHERE name = ?", [name])
    return found[0][0] if found else None


def connection_rows(con: duckdb.DuckDBPyConnection) -> Callable[[str, list], list[tuple]]:
    """`rows(sql, params)` of a DuckDB connection (for `read_stamp`)."""
    return lambda sql, params: con.execute(sql, params).fetchall()


def put_stamp(con: duckdb.DuckDBPyConnection, name: str, value: str) -> None:
    """Stamp `value` under `name` (the table made when it is the first stamp)."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {STAMPS} (name VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute(f"INSERT OR REPLACE INTO {STAMPS} VALUES (?, ?)", [name, value])


def refresh_due(con: duckdb.DuckDBPyConnection, written: bool = False, everything: bool = False) -> bool:
    """Compute the cases' `_due` by this module's SQL and stamp the rules used (`mart_stamps`): for
    the cases this connection's loads wrote (`written`: recorded in `_changed`, etl/marts.py
    `track`); also for every case the rules decide (no deadline of its own) when the rules changed
    since the stamp; for every case with `everything`, or when there is no stamp yet. Returns
    whether the rules changed (or had no stamp)."""
    try:
        rules = deadline_rules()
        stamp = fingerprint(rules)
    except DeadlineRulesError:
        rules, stamp = (), UNREADABLE
    stamped = read_stamp(connection_rows(con), "deadline_rules")
    edited = stamped != stamp
    loaded = "c._case_no IN (SELECT case_no FROM _changed WHERE tbl = 'cases')"
    if everything or stamped is None:
        which = "TRUE"
    elif edited:
        which = f"c.deadline IS NULL OR {loaded}" if written else "c.deadline IS NULL"
    elif written:
        which = loaded
    else:
        return False
    cte = rules_cte(rules)
    con.execute(
        f"""UPDATE cases SET _due = d.due FROM (WITH {cte} SELECT c._case_no, {deadline_sql("c")} AS due
            FROM cases c {rules_join("c")} WHERE {which}) d WHERE cases._case_no = d._case_no""",
        cte.params,
    )
    if edited:  # else stamped as it is
        put_stamp(con, "deadline_rules", stamp)
    return edited
