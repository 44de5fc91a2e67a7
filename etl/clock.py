"""Beijing time (Asia/Shanghai), the only clock the dashboard shows.

The warehouse stores naive timestamps in Beijing time (`loads.loaded_at`, lineage's
`_loaded_at`, `replacements.replaced_at`): a county clerk in Shanxi reads `2024-05-06 09:30`
as his morning, whatever zone the server runs in. The access store (security/store.py) keeps
UTC, as security logs do; `from_utc` turns its times into Beijing time for display.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_now() -> dt.datetime:
    """Now in Beijing time, naive (as the warehouse stores it)."""
    return dt.datetime.now(BEIJING).replace(tzinfo=None)


def from_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A naive UTC timestamp (the access store's) as naive Beijing time."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC).astimezone(BEIJING).replace(tzinfo=None)
