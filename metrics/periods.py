"""The filter bar's period presets (本月, 本季度, 本年, 近12个月, 全部): each a span that ends at
the data's last date (数据截至), never at today's date, so that a preset never shows a period the
ledgers have not reached yet; and the named campaign periods of the viewed region
(`campaign:<id>`, data/campaigns.csv: metrics/campaigns.py), from the campaign's first day to its
last, or to 数据截至 while it runs."""

from __future__ import annotations

import datetime as dt

from metrics import campaigns
from metrics.filters import EVERYTHING, Scope
from vocab.periods import ALL, CHOICES, CUSTOM, PRESETS

__all__ = ["ALL", "CHOICES", "CUSTOM", "PRESETS", "campaign_choices", "preset_of", "preset_range"]


def preset_range(key: str, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (both inclusive) of preset `key` ending at `as_of`."""
    if key.startswith(campaigns.PREFIX):
        found = campaigns.by_key(key.removeprefix(campaigns.PREFIX))
        if found is None:
            raise ValueError(f"not a campaign: {key}")
        return found.span(as_of)
    if key == "month":
        return as_of.replace(day=1), as_of
    if key == "quarter":
        return as_of.replace(month=(as_of.month - 1) // 3 * 3 + 1, day=1), as_of
    if key == "year":
        return as_of.replace(month=1, day=1), as_of
    if key == "last12":  # the twelve months up to as_of: from the day after the same date a year before
        try:
            before = as_of.replace(year=as_of.year - 1)
        except ValueError:  # 29 February
            before = as_of.replace(year=as_of.year - 1, day=28)
        return before + dt.timedelta(days=1), as_of
    raise ValueError(f"not a period preset: {key}")


def campaign_choices(region: str | None, scope: Scope = EVERYTHING) -> list[tuple[str, str]]:
    """The campaign periods of a view, (choice, name): the campaigns covering the viewed region or
    within it, in the viewer's scope, in date order."""
    return [(c.preset, c.name) for c in campaigns.for_view(region, scope)]


def preset_of(
    start: dt.date | None,
    end: dt.date | None,
    as_of: dt.date | None,
    region: str | None = None,
    scope: Scope = EVERYTHING,
) -> str:
    """Which choice a period is: ALL with no date, the first preset whose span it is (at `as_of`),
    then the first campaign of the view whose period it is, else CUSTOM."""
    if start is None and end is None:
        return ALL
    if as_of is not None:
        for key in (*PRESETS, *(k for k, _ in campaign_choices(region, scope))):
            if preset_range(key, as_of) == (start, end):
                return key
    return CUSTOM
