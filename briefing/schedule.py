"""Who gets which briefing when, as data (data/briefing_schedule.csv, or BRIEFING_SCHEDULE): one
row per recipient and frequency — `monthly` on a day of the month (the month before), `weekly`
on a weekday, 1 = Monday (the ISO week before) — at a time of day, Beijing time. `due(now)` says
which briefing each row owes at `now`: the one of its latest occurrence; `run_due` writes those
not archived yet (briefing/archive.py keys them, so a second run writes nothing)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import settings
from briefing import archive
from briefing.model import BriefingError
from briefing.period import Period, of_day
from metrics import facts
from metrics.filters import Filter

DEFAULT = Path(__file__).resolve().parent.parent / "data" / "briefing_schedule.csv"
COLUMNS = ("recipient", "region", "frequency", "weekday", "day", "time")


@dataclass(frozen=True)
class Row:
    recipient: str
    region: str | None
    frequency: str  # monthly, weekly
    weekday: int | None  # 1 = Monday
    day: int | None
    at: dt.time
    line: int


def path() -> Path:
    return Path(str(settings.get("BRIEFING_SCHEDULE") or DEFAULT))


def read(file: Path | None = None) -> list[Row]:
    """The schedule's rows; a row that cannot be read is refused with its line, in Chinese."""
    file = file or path()
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise BriefingError(f"{file.name} 缺少列：{'、'.join(sorted(missing))}")
        return [_row(file.name, n, r) for n, r in enumerate(reader, start=2) if (r.get("recipient") or "").strip()]


def _row(name: str, n: int, r: dict) -> Row:
    def number(key: str, low: int, high: int) -> int:
        text = (r.get(key) or "").strip()
        if not text.isdigit() or not low <= int(text) <= high:
            raise BriefingError(f"{name} 第 {n} 行：{key} 应为 {low} 到 {high} 的整数，现为“{text}”")
        return int(text)

    frequency = (r.get("frequency") or "").strip()
    if frequency not in ("monthly", "weekly"):
        raise BriefingError(f"{name} 第 {n} 行：frequency 应为 monthly 或 weekly，现为“{frequency}”")
    try:
        at = dt.time.fromisoformat((r.get("time") or "").strip())
    except ValueError:
        raise BriefingError(f"{name} 第 {n} 行：time 应写作 08:00，现为“{r.get('time')}”") from None
    return Row(
        r["recipient"].strip(),
        (r.get("region") or "").strip() or None,
        frequency,
        number("weekday", 1, 7) if frequency == "weekly" else None,
        number("day", 1, 28) if frequency == "monthly" else None,
        at,
        n,
    )


def latest(row: Row, now: dt.datetime) -> dt.datetime:
    """The row's latest occurrence at or before `now`."""
    if row.frequency == "monthly":
        this = dt.datetime.combine(now.date().replace(day=row.day), row.at)
        if this > now:
            last = now.date().replace(day=1) - dt.timedelta(days=1)
            this = dt.datetime.combine(last.replace(day=row.day), row.at)
        return this
    back = (now.isoweekday() - row.weekday) % 7
    this = dt.datetime.combine(now.date() - dt.timedelta(days=back), row.at)
    return this if this <= now else this - dt.timedelta(days=7)


def period_of(row: Row, occurrence: dt.datetime) -> Period:
    """The period a briefing sent at `occurrence` covers: the month or ISO week before it."""
    kind = "month" if row.frequency == "monthly" else "week"
    day = occurrence.date()
    before = day.replace(day=1) - dt.timedelta(days=1) if kind == "month" else day - dt.timedelta(days=7)
    return of_day(before, kind)


def due(rows: list[Row], now: dt.datetime) -> list[tuple[Row, dt.datetime, Period]]:
    return [(r, (at := latest(r, now)), period_of(r, at)) for r in rows]


def run_due(store, wh, now: dt.datetime, rows: list[Row] | None = None, folder: Path | None = None) -> list[str]:
    """Write each due briefing not yet archived; one line per schedule row saying what was done."""
    lines = []
    for row, at, period in due(rows if rows is not None else read(), now):
        what = f"{row.recipient} {row.frequency} {period.key}"
        try:
            viewer = archive.viewer_named(store, row.recipient)
            region = archive.content.region_of(viewer, row.region)
            as_of = facts.data_as_of(wh, Filter(region), viewer.scope)
            if as_of is None or as_of < period.start:
                lines.append(f"未生成 {what}：数据截至 {as_of or '无'}，尚未覆盖该期")
                continue
            done = archive.generate(
                store,
                wh,
                viewer,
                period,
                region,
                origin=row.frequency,
                issued_on=at.date(),
                by="scheduler",
                folder=folder,
            )
        except BriefingError as exc:
            lines.append(f"未生成 {what}（第 {row.line} 行）：{exc}")
            continue
        lines.append(f"{'已生成' if done.created else '已存在'} {what}：{done.title}（编号 {done.id}）")
    return lines
