"""`python -m etl escalate [--warehouse PATH] [--today DATE] [--json]`: the ladder's run for a day
(workflow/ladder.py), then the group robot (workflow/webhook.py) when WEBHOOK_URL is set. The
command line's parser is etl/cli.py's (one `--help`, one docs/cli.md); it hands the parsed
arguments here, the one place the ETL's command line reaches above its layer (pyproject.toml).

Run it once a working day from cron, after the day's ledgers are loaded; running it again the
same day proposes and issues nothing new. `--json` prints exactly
{"proposed": [...], "issued": [...]}; the robot's outcome goes to stderr. Exit codes: 0 done
(a robot that failed is reported and retried at the next run), 2 usage (a bad date, a rules file
with problems, a bad robot setting), 3 the warehouse is missing.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from etl.clock import beijing_now
from metrics import app_trail
from metrics.db import Warehouse, WarehouseMissing
from metrics.filters import Filter, Scope
from metrics.regions import region_names
from metrics.warnings import early_warnings
from security.roles import SYSTEM
from security.store import Store
from workflow import desk, ladder, register, webhook
from workflow.ladder_rules import LadderRulesError, read_rules


def main(warehouse: Path, today: str | None, as_json: bool) -> int:
    try:
        day = dt.date.fromisoformat(today) if today else beijing_now().date()
    except ValueError:
        print(f"日期“{today}”无效，应为 YYYY-MM-DD，如 2025-02-08", file=sys.stderr)
        return 2
    try:
        rules = read_rules()
    except LadderRulesError as exc:
        print(f"升级督办规则有误，未执行：{exc}", file=sys.stderr)
        return 2
    if not Path(warehouse).exists():
        print(f"仓库 {warehouse} 不存在：请先载入台账（scripts/etl load …）", file=sys.stderr)
        return 3
    store, wh = Store.for_warehouse(warehouse), Warehouse(warehouse)
    before = app_trail.current()
    app_trail.install(lambda ids: register.trail_steps(store, ids))  # the app's steps join the trail, as in the app
    try:
        outcome = ladder.run(store, wh, day, rules)
        made = outcome.proposed + outcome.issued
        desk._audit(
            SYSTEM,
            "escalate_run",
            f"python -m etl escalate {day}：建议 {len(outcome.proposed)} 项，自动下发 {len(outcome.issued)} 项",
            store,
        )
        robot = _robot(store, wh, made, day)
    except WarehouseMissing:
        print(f"仓库 {warehouse} 不存在：请先载入台账（scripts/etl load …）", file=sys.stderr)
        return 3
    except webhook.WebhookError as exc:
        print(f"群机器人设置有误：{exc}", file=sys.stderr)
        return 2
    finally:
        app_trail.install(before)
    if as_json:
        print(json.dumps(outcome.as_json(), ensure_ascii=False))
    else:
        print(_text(outcome, day, region_names(wh)))
    if robot:
        print(robot, file=sys.stderr)
    return 0


def _robot(store, wh, made: list[ladder.Escalation], day: dt.date) -> str:
    """Post the new warnings and escalations (when WEBHOOK_URL is set): what happened, in a line."""
    from settings import get

    if not get("WEBHOOK_URL"):
        return ""
    warnings = early_warnings(wh, Filter(end=day), Scope(None, personal_data=False))
    report = webhook.notify(store, warnings, made, region_names(wh), day)
    if report.error:
        return f"群机器人：{report.error}；未推送的 {report.new} 项新内容下次运行时重试"
    return f"群机器人：新增 {report.new} 项，已推送 {report.sent} 项"


def _text(outcome: ladder.Outcome, day: dt.date, names: dict[str, str]) -> str:
    lines = [
        f"{day} 升级督办：建议 {len(outcome.proposed)} 项（待领导或纪检监督在督办页确认），自动下发 {len(outcome.issued)} 项"
    ]
    for esc in outcome.issued:
        lines.append(
            f"  已下发 {esc.doc_no}：{esc.leads_to} → {names.get(esc.county, esc.county)}，{len(esc.cases)} 件；{esc.reason}"
        )
    for esc in outcome.proposed:
        lines.append(
            f"  建议 #{esc.id}：{esc.leads_to} → {names.get(esc.county, esc.county)}，{len(esc.cases)} 件；{esc.reason}"
        )
        if esc.note:
            lines.append(f"    {esc.note}")
    return "\n".join(lines)
