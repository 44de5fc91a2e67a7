"""Labels and number formats for what the pages draw.

The label table is vocabulary, at the bottom (vocab/labels.py: `label`, `has_label`,
`lang_of`, re-exported here); this module adds the number formats: amounts as a Chinese
reader expects (万元, 亿元), rates with two decimals.
"""

from __future__ import annotations

import datetime as dt
import math

from vocab.labels import LANGS as LANGS
from vocab.labels import has_label as has_label
from vocab.labels import label as label
from vocab.labels import lang_of as lang_of


def fmt_amount(yuan: float | None, lang: str = "zh", unit: str | None = None) -> str:
    """Yuan as a Chinese reader expects: 亿元 from 1 亿, else 万元; two decimals (English: millions).
    `unit` (万元 or 亿元, see `amount_unit`) fixes the unit, so that figures side by side share one."""
    if yuan is None or (isinstance(yuan, float) and math.isnan(yuan)):
        return "—"
    if lang == "en":  # an English reader counts in millions
        return f"{yuan / 1e6:,.2f} M yuan" if unit or abs(yuan) >= 1e6 else f"{yuan:,.0f} yuan"
    if unit == "亿元" or (unit is None and abs(yuan) >= 1e8):
        return f"{yuan / 1e8:,.2f} 亿元"
    return f"{yuan / 1e4:,.2f} 万元"


def amount_unit(values) -> str:
    """The one unit of amounts shown side by side: 亿元 when every non-zero one reaches 1 亿, else 万元."""
    shown = [abs(v) for v in values if v is not None and v == v and v != 0]
    return "亿元" if shown and min(shown) >= 1e8 else "万元"


def fmt_rate(rate: float | None) -> str:
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "—"
    return f"{rate * 100:.2f}%"


def fmt_count(n: float | None) -> str:
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "—"
    return f"{int(round(n)):,}"


def fmt_value(kind: str, value: float | None, lang: str = "zh", unit: str | None = None) -> str:
    """A KPI's value by its kind: a rate, a count, an amount (in `unit` when given)."""
    return {"rate": fmt_rate, "count": fmt_count}.get(kind, lambda v: fmt_amount(v, lang, unit))(value)


def fmt_date(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"
