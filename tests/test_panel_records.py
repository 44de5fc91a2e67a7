"""A grid's rows (components/panel.py `records`), built column by column in plain Python, are
exactly what pandas' way gave (copy, dates as text, `where` missing, `to_dict`): the same keys,
values and Python types, on the frames ledgers make."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from components.panel import records


def by_pandas(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """The definition `records` had, kept as the reference."""
    out = frame[columns].copy()
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%Y-%m-%d")
        elif out[col].dtype == object:
            out[col] = [v.strftime("%Y-%m-%d") if isinstance(v, dt.date) else v for v in out[col]]
    return out.astype(object).where(out.notna(), None).to_dict("records")


FRAMES = {
    "mixed": pd.DataFrame(
        {
            "case_id": ["JZ1", "JZ2", None],
            "received": [3, 0, 7],
            "rate": [0.5, float("nan"), 1.0],
            "on": pd.to_datetime(["2024-01-02", None, "2024-03-04"]),
            "day": [dt.date(2024, 1, 1), None, dt.datetime(2024, 5, 6, 7, 8)],
            "flag": [True, False, True],
        }
    ),
    "nullable": pd.DataFrame(
        {
            "n": pd.array([1, None, 3], dtype="Int64"),
            "x": pd.array([1.5, None, 2.0], dtype="Float64"),
            "b": pd.array([True, None, False], dtype="boolean"),
            "s": pd.array(["a", None, "c"], dtype="string"),
        }
    ),
    "all_missing": pd.DataFrame({"a": [None, None], "b": [np.nan, np.nan], "c": pd.to_datetime([None, None])}),
    "categories": pd.DataFrame({"grade": pd.Categorical(["A", "B", None])}),
    "empty": pd.DataFrame({"a": pd.Series([], dtype=object), "b": pd.Series([], dtype="float64")}),
}


def typed(rows: list[dict]) -> str:
    """Rows with each value's type, so that 1 and 1.0 and True differ."""
    return json.dumps([[(k, type(v).__name__, v) for k, v in row.items()] for row in rows], default=str)


@pytest.mark.parametrize("name", sorted(FRAMES))
def test_records_are_pandas_records_with_dates_as_text_and_missing_as_none(name):
    frame = FRAMES[name]
    columns = list(frame.columns)
    assert typed(records(frame, columns)) == typed(by_pandas(frame, columns))
    # a subset of the columns, in another order
    assert typed(records(frame, columns[::-1][:2])) == typed(by_pandas(frame, columns[::-1][:2]))


def test_every_kind_of_missing_in_a_text_column_is_none():
    """(pandas' way failed on NaT in a text column: NaT is a date whose strftime raises)"""
    frame = pd.DataFrame({"a": [pd.NaT, pd.NA, np.nan, None, "x"], "b": np.arange(5, dtype="int32")})
    assert typed(records(frame, ["a", "b"])) == typed([{"a": None, "b": i} for i in range(4)] + [{"a": "x", "b": 4}])


def test_records_are_json_as_a_response_carries_them():
    rows = records(FRAMES["mixed"], list(FRAMES["mixed"].columns))
    assert json.loads(json.dumps(rows)) == rows  # nothing numpy, no NaN
    assert rows[1] == {"case_id": "JZ2", "received": 0, "rate": None, "on": None, "day": None, "flag": False}
    assert rows[2]["day"] == "2024-05-06" and rows[0]["on"] == "2024-01-02"
