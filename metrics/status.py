"""What the warehouse holds: rows per dataset and the loads behind them (数据状态)."""

from __future__ import annotations

import datetime as dt

from etl.sql import ident, literal
from metrics.db import Warehouse
from vocab.schema import DATASETS


def dataset_counts(wh: Warehouse) -> list[dict]:
    """One row per dataset: its Chinese name, rows held, and when it was last loaded."""
    union = " UNION ALL ".join(
        f"SELECT {literal(name)} AS dataset, count(*) AS n, max(_loaded_at) AS last FROM {ident(name)}"
        for name in DATASETS
    )
    rows = wh.rows(union)
    return [{"dataset": d, "label": DATASETS[d].label, "rows": n, "last_loaded": last} for d, n, last in rows]


def last_published(wh: Warehouse) -> dt.datetime | None:
    """When the newest load of the published warehouse was loaded (Beijing time), or None."""
    (at,) = wh.rows("SELECT max(loaded_at) FROM loads")[0]
    return at


def recent_loads(wh: Warehouse, limit: int = 50) -> list[dict]:
    rows = wh.rows(
        """SELECT load_id, file, sheet, dataset, rows_read, rows_loaded, rows_rejected, rows_replaced,
                  loaded_at, loaded_by FROM loads ORDER BY load_id DESC LIMIT ?""",
        [limit],
    )
    cols = (
        "load_id",
        "file",
        "sheet",
        "dataset",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "rows_replaced",
        "loaded_at",
        "loaded_by",
    )
    return [dict(zip(cols, r, strict=False)) for r in rows]


def rejects_of(wh: Warehouse, load_ids: list[int]) -> list[dict]:
    """The rejected rows of these loads, as `etl.rejects.read_run` gives them (etl.rejects.FIELDS
    dicts: load, run, file, sheet, dataset, row, column, reason, the raw row, the load's headers),
    by load, row and column; the rejects CSV (`etl.rejects.rejects_csv`) is written from them."""
    from etl.rejects import as_rows, rejects_sql

    ids = [int(i) for i in load_ids if isinstance(i, int) or str(i).isdigit()]
    if not ids:
        return []
    return as_rows(wh.rows(rejects_sql(ids)))
