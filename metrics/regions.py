"""Regions for the filter bar and for naming reporting units (from the `regions` table)."""

from __future__ import annotations

import pandas as pd

from metrics.db import Warehouse
from metrics.filters import Scope


def region_names(wh: Warehouse) -> dict[str, str]:
    """code -> name for every region the warehouse knows (read once per published version;
    shared: do not change it)."""
    return wh.memo("region_names", lambda: dict(wh.rows("SELECT code, name FROM regions")))


def region_options(wh: Warehouse, scope: Scope) -> list[dict]:
    """Cities and county-level units (and township-level units that report on their own)
    that hold data, within the scope, for the region dropdown: [{code, name, level, parent}]."""
    rows = wh.rows(
        """WITH used AS (
            SELECT DISTINCT county AS code FROM cases UNION SELECT DISTINCT county FROM communities
            UNION SELECT DISTINCT county FROM fund_arrears UNION SELECT DISTINCT county FROM fund_ledger
            UNION SELECT DISTINCT county FROM refunds UNION SELECT DISTINCT county FROM companies)
        SELECT r.code, r.name, r.level, r.parent_code FROM regions r
        WHERE r.code IN (SELECT code FROM used)
           OR (r.level = 'city' AND EXISTS (SELECT 1 FROM used WHERE starts_with(used.code, left(r.code, 4))))
        ORDER BY r.code"""
    )
    out = [{"code": c, "name": n, "level": lv, "parent": p} for c, n, lv, p in rows]
    # Only regions inside the scope: a county officer is offered the county and its townships,
    # not the city above it (whose figures would be the county's under another name).
    return [o for o in out if scope.allows(o["code"])]


def named_by_unit(wh: Warehouse, frame: pd.DataFrame) -> pd.DataFrame:
    """A per-unit frame with the unit's name beside its code (`unit_name`), in the order of the codes."""
    names = region_names(wh)
    frame = frame.copy()
    frame.insert(1, "unit_name", [names.get(u, u) for u in frame["unit"]])
    return frame.sort_values("unit").reset_index(drop=True)
