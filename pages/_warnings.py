"""The early warnings (metrics/warnings.py) of a view, made into what components/alarms.py draws:
per kind its label, count and worst items as (text, link). 待办 and 督办 list them, the wall shows
their counts and worst item; one definition, in the metric."""

from __future__ import annotations

from components import query
from components.alarms import Group
from components.i18n import fmt_date, label
from metrics.filters import Filter, Scope
from metrics.warnings import Warnings, describe, early_warnings
from pages._view import warehouse
from vocab.ladder import DUE_SOON, RANK_DROP, SECOND_BLACK, STALLED, WARNING_KINDS, WORST


def warnings_of(f: Filter, scope: Scope) -> Warnings:
    return early_warnings(warehouse(), f, scope)


def groups(w: Warnings, lang: str, n: int = WORST, params: dict | None = None) -> list[Group]:
    """Per kind: (kind, label, count, the first `n` items as (text, link)); links keep the view's
    shared filter (`params`) when given, none on the wall."""
    out = []
    for kind in WARNING_KINDS:
        rows = w.of(kind).head(n).to_dict("records")
        shown = [(describe(kind, r, lang), _href(kind, r, params) if params is not None else None) for r in rows]
        out.append((kind, label(f"warning.{kind}", lang), len(w.of(kind)), shown))
    return out


def at_text(w: Warnings, lang: str) -> str:
    return label("warnings_at", lang).format(day=fmt_date(w.at))


def _href(kind: str, row: dict, params: dict) -> str:
    shared = query.shared(query.build(params))
    if kind == DUE_SOON:
        return "/escalations" + query.build({**shared, "case": row["case_id"]})
    if kind == SECOND_BLACK:
        return f"/company/{row['company_code']}" + query.build(shared)
    if kind == STALLED:
        return "/county" + query.build({**shared, "region": str(row["unit"])[:6], "project": row["project"]})
    if kind == RANK_DROP:
        return "/county" + query.build({**shared, "region": row["unit"]})
    return ""
