"""A case's deadline (整改时限): the one in its row, or else received_on plus the working days
of the deadline rules (`data/deadline_rules.csv`, or the file named by DEADLINE_RULES), by
China's official calendar (the warehouse's `calendar` table). One definition for the
overview's overdue KPI (metrics/facts.py) and the 督办 page (metrics/escalations.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

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


def rules_cte() -> Sql:
    """CTEs `rules` (every source × category of the contract with its working days) and
    `workday` (the day of each workday_index), with their values (`$rule_sources`, `$rule_categories`,
    `$rule_days`)."""
    rules = deadline_rules()
    pairs = [(s, c, rule_days(rules, s, c)) for s in CASE_SOURCES for c in CASE_CATEGORIES]
    pairs = [p for p in pairs if p[2] is not None]
    return Sql.of(
        """rules AS (SELECT unnest($rule_sources::VARCHAR[]) AS source, unnest($rule_categories::VARCHAR[]) AS category,
                              unnest($rule_days::INTEGER[]) AS days),
        workday AS (SELECT workday_index, day FROM calendar WHERE is_workday)""",
        rule_sources=[p[0] for p in pairs],
        rule_categories=[p[1] for p in pairs],
        rule_days=[p[2] for p in pairs],
    )


def rules_join(c: str) -> str:
    """Joins giving `rd.day`, the rule's deadline for cases alias `c` (use with `_rules_cte`)."""
    return f"""LEFT JOIN rules ru ON ru.source = {c}.source AND ru.category = {c}.category
        LEFT JOIN calendar rcal ON rcal.day = {c}.received_on
        LEFT JOIN workday rd ON rd.workday_index = rcal.workday_index + ru.days"""


def deadline_sql(c: str) -> str:
    return f"coalesce({c}.deadline, rd.day)"


def deadline_basis_sql(c: str) -> str:
    return f"CASE WHEN {c}.deadline IS NOT NULL THEN 'row' WHEN rd.day IS NOT NULL THEN 'rule' END"


# ---------------------------------------------------------------- working days of the official calendar


class CalendarError(ValueError):
    """A date outside the warehouse's calendar (etl/warehouse.py CALENDAR_YEARS)."""


def add_workdays(wh, day, n: int):
    """The `n`-th working day after `day` by China's official calendar (the warehouse's `calendar`:
    holidays and adjusted working weekends): a document issued on Friday 2025-01-24 with 5 working
    days is due on 2025-02-07, after the Spring Festival. `n` = 0: `day` itself."""
    if n == 0:
        return day
    rows = wh.rows(
        Sql.of(
            """SELECT w.day FROM calendar d JOIN calendar w ON w.workday_index = d.workday_index + $n AND w.is_workday
               WHERE d.day = $day""",
            day=day,
            n=n,
        )
    )
    if not rows:
        raise CalendarError(f"{day} 之后第 {n} 个工作日不在工作日历的年份内")
    return rows[0][0]


def workdays_between(wh, start, end) -> int:
    """Working days in (start, end]: 0 when `end` is `start`, negative when `end` lies before it
    (a deadline passed: that many working days overdue)."""
    rows = wh.rows(
        Sql.of(
            """SELECT max(workday_index) FILTER (WHERE day = $end) - max(workday_index) FILTER (WHERE day = $start)
               FROM calendar WHERE day IN ($start, $end)""",
            start=start,
            end=end,
        )
    )
    if not rows or rows[0][0] is None:
        raise CalendarError(f"{start} 或 {end} 不在工作日历的年份内")
    return int(rows[0][0])
