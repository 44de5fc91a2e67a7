"""Times as people in Shanxi read them: Beijing time (Asia/Shanghai, UTC+8, no daylight saving).

Timestamps are stored in UTC without a zone (the access store, the warehouse's `loads.loaded_at`
and `_loaded_at`, the kept checks): `utc_now()` makes them. Everything shown to a person — pages,
the command line, the load report, exports — goes through `beijing()`, whatever the machine's
time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")
FORMAT = "%Y-%m-%d %H:%M:%S"


def utc_now() -> dt.datetime:
    """Now, in UTC, without a zone (what the stores keep)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def to_beijing(value: dt.datetime) -> dt.datetime:
    """A stored timestamp as an aware Beijing time: a naive one is taken as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(BEIJING)


def beijing(value: Optional[dt.datetime | str], fmt: str = FORMAT, missing: str = "—") -> str:
    """A timestamp written in Beijing time (`2025-06-03 17:00:00` for 09:00 UTC); `missing`
    for none. A string is read as ISO 8601 (as the kept checks write it)."""
    if value is None or value == "":
        return missing
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):  # a date has no time to convert
        return value.strftime(fmt.split(" ")[0])
    return to_beijing(value).strftime(fmt)


def beijing_today() -> dt.date:
    """Today's date in Beijing (08:00 there is still yesterday in UTC)."""
    return dt.datetime.now(BEIJING).date()
