"""The filter bar's period presets end at the data's last date."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics.periods import ALL, CUSTOM, PRESETS, preset_of, preset_range

D = dt.date


@pytest.mark.parametrize(
    "key, as_of, expected",
    [
        ("month", D(2025, 5, 31), (D(2025, 5, 1), D(2025, 5, 31))),
        ("quarter", D(2025, 5, 20), (D(2025, 4, 1), D(2025, 5, 20))),
        ("quarter", D(2025, 12, 31), (D(2025, 10, 1), D(2025, 12, 31))),
        ("year", D(2025, 11, 30), (D(2025, 1, 1), D(2025, 11, 30))),
        ("last12", D(2025, 5, 31), (D(2024, 6, 1), D(2025, 5, 31))),
        ("last12", D(2024, 2, 29), (D(2023, 3, 1), D(2024, 2, 29))),
    ],
)
def test_each_preset_ends_at_the_data_date(key, as_of, expected):
    assert preset_range(key, as_of) == expected


def test_a_period_is_named_by_its_preset_or_is_custom():
    at = D(2025, 11, 30)
    for key in PRESETS:
        assert preset_of(*preset_range(key, at), at) == key
    assert preset_of(None, None, at) == ALL
    assert preset_of(D(2024, 1, 1), D(2025, 5, 31), at) == CUSTOM
    assert preset_of(D(2025, 1, 1), None, at) == CUSTOM
    with pytest.raises(ValueError):
        preset_range("week", at)
