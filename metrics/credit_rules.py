"""The credit rules (信用评价规则) as versioned data: `data/credit_rules.csv` (or the file named by
CREDIT_RULES), read and checked here, as the targets are (metrics/targets.py).

A version is the rows of one region with one `valid_from`: per grade (A–D) the lowest score that
earns it (`min_score`) and the actions the grade triggers (`actions`, `|`-separated: 表彰,
招投标加分, 重点监管, 约谈, 限制招投标, 退出评估); and optionally a row `黑榜` saying how many
黑榜 listings (`blacklists`) within how many months (`months`) trigger its actions (退出评估).

Which version judges a rating: that of the most specific region covering the company's
registered county (a county's rows over its city's over the province-wide rows, region empty),
in force at the end of the rating year (the latest `valid_from` on or before 31 December). A
rating year before every version of its region triggers nothing: the rules were not yet
published. A 黑榜 listing is judged by the version in force on its date.

A file with a problem is not used: every problem is named (line, column, what to write), and
until it is fixed the last good version this process read stays in force (`current`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import settings
from etl.normalize import is_blank, parse_date
from etl.sql import Sql
from metrics.filters import region_prefix
from metrics.targets import DATA, TargetsError, _columns, _read, _tolerant
from vocab.datasets_ratings import CREDIT_ACTIONS

RULES_ENV = "CREDIT_RULES"
GRADES = ("A", "B", "C", "D")
BLACKLIST = "黑榜"
COLUMNS = {
    "region": ("地区", "区域"),
    "version": ("版本", "规则名称"),
    "valid_from": ("生效日期",),
    "trigger": ("触发条件", "等级"),
    "min_score": ("最低分", "分数下限"),
    "blacklists": ("黑榜次数",),
    "months": ("月数", "期限（月）"),
    "actions": ("措施", "奖惩措施"),
    "source": ("依据", "说明"),
}


@dataclass(frozen=True)
class CreditRule:
    """One row: a grade's band and actions, or the 黑榜 run and its actions, in a version."""

    region: str  # "" for every region
    version: str
    valid_from: dt.date
    trigger: str  # A, B, C, D or 黑榜
    min_score: float | None = None
    blacklists: int | None = None
    months: int | None = None
    actions: tuple[str, ...] = ()
    source: str = ""
    row: int = 0


def rules_path() -> Path:
    return Path(settings.get(RULES_ENV) or DATA / "credit_rules.csv")


def credit_rules(path: Path | None = None) -> tuple[CreditRule, ...]:
    """Every row of the rules file, checked (TargetsError names each problem); re-read when it changes."""
    return _read(Path(path or rules_path()), _parse)


def current() -> tuple[tuple[CreditRule, ...], str | None]:
    """The rules for the pages: the file's, or while it has problems the last good version read
    (none: nothing is due), with the message saying what to fix."""
    return _tolerant(rules_path(), _parse, ())


def _parse(path: Path, rows: list[dict[str, str]]) -> tuple[CreditRule, ...]:
    cols = _columns(path, rows, COLUMNS, {"version", "valid_from", "trigger"})
    problems, out = [], []
    for n, row in enumerate(rows, start=2):
        cell = lambda c, row=row: (row.get(cols[c]) or "").strip() if c in cols else ""  # noqa: E731
        where = f"{path.name} 第 {n} 行"
        region = cell("region")
        if region and not (region.isdigit() and len(region) in (6, 9)):
            problems.append(f"{where}：地区“{region}”应为 6 位或 9 位行政区划代码，或留空表示全省")
        day = parse_date(cell("valid_from"))[0] if not is_blank(cell("valid_from")) else None
        if day is None:
            problems.append(f"{where}：生效日期“{cell('valid_from')}”不是有效的日期")
        trigger = cell("trigger").upper().replace("级", "") if cell("trigger") != BLACKLIST else BLACKLIST
        if trigger not in (*GRADES, BLACKLIST):
            problems.append(f"{where}：触发条件“{cell('trigger')}”应为 A、B、C、D 或 黑榜")
        actions = tuple(a.strip() for a in cell("actions").split("|") if a.strip())
        unknown = [a for a in actions if a not in CREDIT_ACTIONS]
        if unknown:
            problems.append(f"{where}：措施“{'、'.join(unknown)}”不在 {'、'.join(CREDIT_ACTIONS)} 中")
        score = blacklists = months = None
        if trigger in GRADES:
            score = _number(cell("min_score"), 0, 100)
            if score is None:
                problems.append(f"{where}：{trigger} 级的最低分“{cell('min_score')}”应为 0 到 100 的数")
        elif trigger == BLACKLIST:
            blacklists, months = _number(cell("blacklists"), 1, 99), _number(cell("months"), 1, 120)
            if blacklists is None or months is None:
                problems.append(f"{where}：黑榜规则需写黑榜次数（1–99）和月数（1–120）")
        if day and trigger in (*GRADES, BLACKLIST):
            out.append(
                CreditRule(
                    region,
                    cell("version") or f"{region or '全省'} {day}",
                    day,
                    trigger,
                    score,
                    None if blacklists is None else int(blacklists),
                    None if months is None else int(months),
                    actions,
                    cell("source"),
                    n,
                )
            )
    problems += _version_problems(path, out)
    if problems:
        raise TargetsError("；\n".join(problems))
    return tuple(out)


def _number(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def _version_problems(path: Path, rules: list[CreditRule]) -> list[str]:
    """Each version gives every grade once, the better grade the higher lowest score."""
    problems = []
    for (region, day), rows in _versions(rules).items():
        grades = [r for r in rows if r.trigger in GRADES]
        name = f"{path.name}：{rows[0].version}（{region or '全省'}，{day} 起）"
        if sorted(r.trigger for r in grades) != list(GRADES):
            problems.append(f"{name} 应为 A、B、C、D 各写一行")
            continue
        scores = [next(r.min_score for r in grades if r.trigger == g) for g in GRADES]
        if scores != sorted(scores, reverse=True) or len(set(scores)) < len(scores):
            problems.append(f"{name} 的最低分应 A > B > C > D")
    return problems


def _versions(rules) -> dict[tuple[str, dt.date], list[CreditRule]]:
    out: dict[tuple[str, dt.date], list[CreditRule]] = {}
    for r in rules:
        out.setdefault((r.region, r.valid_from), []).append(r)
    return out


def rules_cte(rules: tuple[CreditRule, ...] | None = None) -> Sql:
    """CTE `credit_rule`: one row per rule and action (the action NULL for a rule that triggers
    none), with its version's region prefix (`prefix`, '' for the province) and `valid_from`."""
    rules = current()[0] if rules is None else rules
    flat = [(r, a) for r in rules for a in (r.actions or (None,))]
    return Sql.of(
        """credit_rule AS (SELECT unnest($cr_prefix::VARCHAR[]) AS prefix, unnest($cr_version::VARCHAR[]) AS version,
              unnest($cr_from::VARCHAR[])::DATE AS valid_from, unnest($cr_trigger::VARCHAR[]) AS trigger,
              unnest($cr_score::DOUBLE[]) AS min_score, unnest($cr_black::INTEGER[]) AS blacklists,
              unnest($cr_months::INTEGER[]) AS months, unnest($cr_action::VARCHAR[]) AS action)""",
        cr_prefix=[region_prefix(r.region) if r.region else "" for r, _ in flat],
        cr_version=[r.version for r, _ in flat],
        cr_from=[r.valid_from.isoformat() for r, _ in flat],
        cr_trigger=[r.trigger for r, _ in flat],
        cr_score=[r.min_score for r, _ in flat],
        cr_black=[r.blacklists for r, _ in flat],
        cr_months=[r.months for r, _ in flat],
        cr_action=[a for _, a in flat],
    )
