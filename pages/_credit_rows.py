"""The rows of 信用 /credit (pages/credit.py), as its tables show them and its exports write them.
Definitions live in metrics/credit.py and metrics/credit_rules.py."""

from __future__ import annotations

import pandas as pd

from components.i18n import label
from etl.values import missing
from metrics import credit, credit_rules
from metrics.filters import Filter
from metrics.regions import region_names
from pages._ratings_rows import _clean, _with_names
from pages._view import scope

DIMENSION_COLUMNS = ["grade", "companies", "score", *credit.DIMENSIONS]
KIND_COLUMNS = ["action", "credit_status", "actions_due"]
ACTION_COLUMNS = [
    "company_name",
    "company_code",
    "unit_name",
    "year",
    "basis",
    "action",
    "credit_status",
    "decided_on",
    "result",
    "document",
    "version",
    "triggered_on",
]
DISCLOSURE_COLUMNS = [
    "company_name",
    "company_code",
    "unit_name",
    "year",
    "grade",
    "score",
    *credit.DIMENSIONS,
    "version",
    "actions",
    "in_band",
]
RULE_COLUMNS = [
    "region_name",
    "version",
    "valid_from",
    "trigger",
    "min_score",
    "blacklists",
    "months",
    "actions",
    "source",
]
STATUS_ORDER = ("已落实", "落实中", "未落实", credit.NOT_RECORDED)

# the tables behind the panels: key -> (title label, columns, formats); each has an Excel export
TABLES = {
    "dimensions": ("credit_dimensions", DIMENSION_COLUMNS, {"companies": "count"}),
    "kinds": ("credit_actions", KIND_COLUMNS, {"actions_due": "count"}),
    "actions": ("credit_actions", ACTION_COLUMNS, {}),
    "disclosure": ("credit_disclosure", DISCLOSURE_COLUMNS, {}),
}


def disclosure_rows(wh, f: Filter, lang: str, limit: int | None = None) -> pd.DataFrame:
    """The disclosure list (公示) with the county's name, 是/否 for a score in its grade's band (its
    first `limit` rows)."""
    rows = _with_names(credit.disclosure(wh, f, scope(), limit), wh, lang)
    rows["in_band"] = [None if missing(v) else label("yes" if v else "no", lang) for v in rows["in_band"]]
    return _clean(rows)


def dimension_rows(wh, f: Filter) -> pd.DataFrame:
    return credit.dimension_scores(wh, f, scope())


def action_rows(wh, f: Filter, lang: str, limit: int | None = None) -> pd.DataFrame:
    """Every due action with what the ledger says, those not carried out first (the first `limit`,
    with `total`)."""
    rows = _with_names(credit.due_actions(wh, f, scope(), limit), wh, lang)
    rows["credit_status"] = rows["status"]
    return _clean(rows)


def kind_rows(wh, f: Filter) -> pd.DataFrame:
    """Due actions per action and status, statuses in their order (done first)."""
    rows = credit.actions_by_kind(wh, f, scope())
    rows = rows.rename(columns={"status": "credit_status", "actions": "actions_due"})
    rows["order"] = [STATUS_ORDER.index(s) for s in rows["credit_status"]]
    return rows.sort_values(["action", "order"]).drop(columns="order").reset_index(drop=True)


def rule_rows(wh, lang: str) -> tuple[pd.DataFrame, str | None]:
    """Every version of the rules, one row per grade or 黑榜 rule, and the file's problem if any."""
    rules, problem = credit_rules.current()
    names = region_names(wh)
    frame = pd.DataFrame(
        [
            {
                "region_name": names.get(r.region, r.region) if r.region else label("all_regions", lang),
                "version": r.version,
                "valid_from": r.valid_from.isoformat(),
                "trigger": r.trigger,
                "min_score": r.min_score,
                "blacklists": r.blacklists,
                "months": r.months,
                "actions": "、".join(r.actions),
                "source": r.source,
            }
            for r in rules
        ],
        columns=RULE_COLUMNS,
    )
    return _clean(frame), problem


def table_frame(key: str, wh, f: Filter, lang: str) -> pd.DataFrame:
    if key == "dimensions":
        return dimension_rows(wh, f)
    if key == "actions":
        return action_rows(wh, f, lang)
    if key == "kinds":
        return kind_rows(wh, f)
    if key == "disclosure":
        return disclosure_rows(wh, f, lang)
    raise KeyError(key)
