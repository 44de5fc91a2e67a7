"""python -m briefing --recipient NAME --period 2025-05 --out DIR [--region CODE] [--date DAY] [--warehouse PATH]
python -m briefing due [--now 2025-06-01T08:00] [--warehouse PATH]

The first writes one briefing (.docx and PDF) for a user of the app into DIR; the second writes
every briefing the schedule (data/briefing_schedule.csv) owes at `now` (Beijing time; default:
now) into the archive, each once — run it from cron every few minutes. Both are audited. Exit
code 0 on success, 1 when a briefing could not be made (the message says why), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

import settings
from briefing import archive, schedule
from briefing.model import BriefingError
from briefing.period import PeriodError, parse
from etl.clock import beijing_now
from etl.warehouse import DEFAULT_WAREHOUSE
from metrics.db import Warehouse
from security.store import Store
from workflow.letters import LetterError


def _warehouse(args) -> Path:
    return Path(args.warehouse or settings.get("WAREHOUSE") or DEFAULT_WAREHOUSE)


def write(args) -> int:
    path = _warehouse(args)
    store = Store.for_warehouse(path)
    viewer = archive.viewer_named(store, args.recipient)
    period = parse(args.period)
    today = dt.date.fromisoformat(args.date) if args.date else beijing_now().date()
    region = archive.content.region_of(viewer, args.region)
    b, docx, pdf = archive.make(Warehouse(path), viewer, period, region, today)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{b.title}（{period.key}）-{viewer.name}"
    for ext, data in (("docx", docx), ("pdf", pdf)):
        (out / f"{stem}.{ext}").write_bytes(data)
        print(out / f"{stem}.{ext}")
    archive.audit(
        store, getpass.getuser(), viewer, "briefing_generate", f"{b.title}（{b.issue}）→ {viewer.name} 命令行 {out}"
    )
    return 0


def due(args) -> int:
    path = _warehouse(args)
    now = dt.datetime.fromisoformat(args.now) if args.now else beijing_now().replace(tzinfo=None)
    lines = schedule.run_due(Store.for_warehouse(path), Warehouse(path), now)
    print("\n".join(lines) or "日程表中没有收件人")
    return 1 if any(line.startswith("未生成") and "尚未覆盖" not in line for line in lines) else 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m briefing", description="简报：按收件人和期别生成 Word 和 PDF")
    parser.add_argument("--warehouse", help="DuckDB 仓库文件（默认 WAREHOUSE 或 data/warehouse.duckdb）")
    if argv[:1] == ["due"]:
        parser.add_argument("--now", help="按此时刻（北京时间，如 2025-06-01T08:00）判断到期，默认现在")
        args, run = parser.parse_args(argv[1:]), due
    else:
        parser.add_argument("--recipient", required=True, help="收件人：看板用户名，如 leader、county_140702")
        parser.add_argument("--period", required=True, help="期别：月 2025-05，或周 2025-W19")
        parser.add_argument("--region", help="区划代码（领导可选，如 140700 晋中市；县区用户只能是本县）")
        parser.add_argument("--out", required=True, help="输出目录")
        parser.add_argument("--date", help="落款日期（YYYY-MM-DD），默认今天（北京时间）")
        args, run = parser.parse_args(argv), write
    try:
        return run(args)
    except (BriefingError, PeriodError, LetterError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
