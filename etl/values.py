"""Whether a cell holds a value. DuckDB hands nullable columns to pandas as nullable dtypes
(BooleanDtype, Int32Dtype…), whose empty cells are `pd.NA`: `v != v` (the NaN test) raises on it
("boolean value of NA is ambiguous"), as 评价's disclosure list did at province scale."""

from __future__ import annotations

import pandas as pd


def missing(value: object) -> bool:
    """No value: None, NaN, pandas' NA or NaT. Text, dates, numbers and components are values."""
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))
