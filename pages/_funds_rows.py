"""The rows behind the charts of 维修资金 /funds, as its tables show them and its exports write
them: one function a chart, taking the page's view. Definitions live in metrics/funds.py."""

from __future__ import annotations

import pandas as pd

from components.i18n import fmt_date, has_label, label
from components.theme import PALETTE
from metrics import funds, kpis
from metrics.regions import region_names
from pages._view import View, scope, warehouse


class FundsView(View):
    path = "/funds"


SCREEN_ROWS = 500  # longest list sent to the browser; the export has every row


TOP = 15  # bars in a ranking chart


ARREARS = [
    "arrears_listed",
    "arrears_recovered",
    "arrears_recovered_to_date",
    "arrears_outstanding",
    "arrears_suspended",
]


UNIT_COLUMNS = ["unit_name", "arrears_projects", "funds_developers", *ARREARS, "arrears_recovery_rate"]


DEVELOPER_COLUMNS = ["developer", "funds_unit_names", "arrears_projects", *ARREARS]


PROJECT_COLUMNS = ["project_id", "project", "developer", "unit_name", "funds_listed_on", *ARREARS, "measure"]


MONTH_COLUMNS = ["funds_month", "funds_channel", "amount", "funds_recoveries"]


CHANNEL_COLUMNS = ["funds_channel", "amount", "funds_recoveries", "funds_share"]


LEDGER_UNIT_COLUMNS = ["unit_name", "fund_collected", "fund_used", "fund_usage_rate"]


LEDGER_YEAR_COLUMNS = ["year", "fund_collected", "fund_used", "fund_usage_rate"]


APPROVAL_COLUMNS = ["funds_days_bucket", "funds_emergency", "funds_ordinary"]


EMERGENCY_COLUMNS = [
    "funds_community_name",
    "unit_name",
    "purpose",
    "funds_usage_amount",
    "applied_on",
    "approved_on",
    "funds_days",
    "application_id",
    "community_id",
]


KIND_COLUMNS = ["funds_kind", "refund_amount", "funds_companies", "refund_households", "refund_rows"]


REFUND_UNIT_COLUMNS = [
    "unit_name",
    "funds_kind",
    "refund_amount",
    "funds_companies",
    "refund_households",
    "refund_rows",
]


COMPANY_COLUMNS = [
    "funds_company_name",
    "company_code",
    "funds_unit_names",
    "funds_kinds",
    "refund_amount",
    "refund_households",
    "refund_rows",
]


FORMATS = {
    c: "amount"
    for c in (*ARREARS, "fund_collected", "fund_used", "refund_amount", "amount", "funds_usage_amount", "cumulative")
}
FORMATS.update({c: "rate" for c in ("fund_usage_rate", "arrears_recovery_rate", "funds_share")})
FORMATS.update(
    {
        c: "count"
        for c in (
            "arrears_projects",
            "funds_developers",
            "funds_companies",
            "refund_households",
            "refund_rows",
            "funds_recoveries",
            "funds_days",
            "funds_emergency",
            "funds_ordinary",
        )
    }
)


WIDTHS = {
    "project": 170,
    "developer": 230,
    "measure": 260,
    "funds_company_name": 230,
    "company_code": 180,
    "funds_unit_names": 130,
    "funds_kinds": 150,
    "funds_community_name": 120,
    "application_id": 120,
    "community_id": 130,
    "funds_listed_on": 110,
    "applied_on": 110,
    "approved_on": 110,
    "project_id": 150,
    "unit_name": 110,
    "purpose": 120,
    "funds_usage_amount": 100,
    "funds_days": 100,
    "funds_kind": 130,
}


CHANNEL_COLORS = {
    "催缴": PALETTE[0],
    "行政处罚": PALETTE[1],
    "纪检": PALETTE[2],
    "公安": PALETTE[3],
    "诉讼": PALETTE[4],
    funds.NO_CHANNEL: PALETTE[6],
}


KIND_COLORS = {
    "装修保证金": PALETTE[0],
    "水电费": PALETTE[1],
    "物业费": PALETTE[2],
    "电梯运行费": PALETTE[4],
    "卫生费": PALETTE[5],
    "其他": PALETTE[6],
}


def _names(prefix: str, values: pd.Series, lang: str) -> pd.Series:
    """Enumerated values (方式, 类别, 用途) in the reader's language; unknown values as written."""
    names = {v: label(f"{prefix}.{v}", lang) if has_label(f"{prefix}.{v}") else v for v in values.dropna().unique()}
    return values.map(names)


def _unit_names(frame: pd.DataFrame) -> pd.DataFrame:
    names = region_names(warehouse())
    return frame.assign(unit_name=frame["unit"].map(lambda u: names.get(u, u)))


def _sum_row(frame: pd.DataFrame, columns: list[str], first: str, lang: str) -> dict:
    row = {c: float(frame[c].sum()) for c in columns if FORMATS.get(c) in ("amount", "count") and c in frame}
    row[first] = label("funds_total", lang)
    return row


def _arrears_units(view: FundsView) -> pd.DataFrame:
    frame = _unit_names(funds.arrears_by_unit(warehouse(), view.f, scope()))
    frame["arrears_recovery_rate"] = kpis.rate_of("arrears_recovery_rate", frame).astype("float64")
    return frame.rename(columns={"developers": "funds_developers"})


def _developers(view: FundsView, limit: int | None) -> tuple[pd.DataFrame, int]:
    frame, total = funds.arrears_by_developer(warehouse(), view.f, scope(), limit)
    return frame.rename(columns={"unit_names": "funds_unit_names"}), total


def _projects(view: FundsView, limit: int | None) -> tuple[pd.DataFrame, int]:
    frame, total = funds.arrears_projects(warehouse(), view.f, scope(), limit)
    return _unit_names(frame).rename(columns={"listed_on": "funds_listed_on"}), total


def _months(view: FundsView) -> pd.DataFrame:
    frame = funds.recoveries_by_month(warehouse(), view.f, scope())
    frame["funds_channel"] = _names("channel", frame["channel"], view.lang)
    return frame.rename(columns={"month": "funds_month", "recoveries": "funds_recoveries"})


def _ledger(view: FundsView, by: str) -> pd.DataFrame:
    frame = funds.ledger_breakdown(warehouse(), view.f, scope(), by)
    return _unit_names(frame) if by == "unit" else frame


def _approvals(view: FundsView) -> pd.DataFrame:
    """Applications per approval-time bucket, emergency and ordinary side by side, every bucket shown."""
    frame = funds.approval_times(warehouse(), view.f, scope())
    wide = frame.pivot_table(index="bucket", columns="emergency", values="applications", aggfunc="sum", fill_value=0)
    buckets = [*range(len(funds.DAY_BUCKETS)), funds.PENDING]
    wide = wide.reindex(index=buckets, columns=[True, False], fill_value=0)
    out = pd.DataFrame(
        {"bucket": buckets, "funds_emergency": wide[True].to_numpy(), "funds_ordinary": wide[False].to_numpy()}
    )
    out["funds_days_bucket"] = [_bucket_name(b, view.lang) for b in buckets]
    return out


def _bucket_name(bucket: int, lang: str) -> str:
    if bucket == funds.PENDING:
        return label("funds_pending", lang)
    lo, hi = funds.DAY_BUCKETS[bucket]
    days = label("funds_days_unit", lang)
    return f"≤{hi}{days}" if lo == 0 else f"{lo}–{hi}{days}" if hi is not None else f"≥{lo}{days}"


def _emergency(view: FundsView, limit: int | None) -> tuple[pd.DataFrame, int]:
    frame, total = funds.emergency_usages(warehouse(), view.f, scope(), limit)
    frame = _unit_names(frame)
    frame["funds_community_name"] = frame["community_name"].fillna(label("unmatched", view.lang))
    frame["purpose"] = _names("purpose", frame["purpose"], view.lang)
    return frame.rename(columns={"amount": "funds_usage_amount", "approval_days": "funds_days"}), total


def _kinds(view: FundsView) -> pd.DataFrame:
    frame = funds.refunds_by_kind(warehouse(), view.f, scope())
    lang = view.lang
    names = _names("kind", frame["kind"], lang)
    subtotal = frame["kind_group"].map(
        {"deposit": label("funds_subtotal_deposit", lang), "other": label("funds_subtotal_other", lang)}
    )
    frame["funds_kind"] = names.where(
        frame["level"] == "kind", subtotal.where(frame["level"] == "group", label("funds_total", lang))
    )
    return frame.rename(columns={"companies": "funds_companies"})


def _refund_units(view: FundsView) -> pd.DataFrame:
    frame = _unit_names(funds.refunds_by_unit(warehouse(), view.f, scope()))
    frame["funds_kind"] = _names("kind", frame["kind"], view.lang)
    return frame.rename(columns={"companies": "funds_companies"})


def _companies(view: FundsView, limit: int | None) -> tuple[pd.DataFrame, int]:
    frame, total = funds.refunds_by_company(warehouse(), view.f, scope(), limit)
    lang = view.lang
    frame["funds_company_name"] = frame["company_name"].fillna(label("unmatched", lang))
    sep = "、" if lang == "zh" else ", "
    kind_names = {k: label(f"kind.{k}", lang) if has_label(f"kind.{k}") else k for k in funds.KINDS}
    frame["funds_kinds"] = [sep.join(kind_names.get(k, k) for k in ks) for ks in frame["kinds"]]
    return frame.rename(columns={"unit_names": "funds_unit_names"}), total


def _channels_of(months: pd.DataFrame) -> pd.DataFrame:
    frame = months.groupby("channel", sort=False, as_index=False).agg(
        funds_channel=("funds_channel", "first"), amount=("amount", "sum"), funds_recoveries=("funds_recoveries", "sum")
    )
    order = {c: i for i, c in enumerate((*funds.CHANNELS, funds.NO_CHANNEL))}
    frame = frame.assign(_o=frame["channel"].map(order).fillna(99)).sort_values("_o").drop(columns="_o")
    total = frame["amount"].sum()
    frame["funds_share"] = frame["amount"] / total if total else None
    return frame.reset_index(drop=True)


def _header_lines(view: FundsView) -> list[str]:
    lang = view.lang
    names = region_names(warehouse())
    region = names.get(view.f.region, view.f.region) if view.f.region else label("all_regions", lang)
    return [
        f"{label('region', lang)}：{region}",
        f"{label('from', lang)}：{fmt_date(view.f.start)}　{label('to', lang)}：{fmt_date(view.f.end)}",
        label("funds_amount_unit", lang),
    ]


def _export_month(view: FundsView) -> pd.DataFrame:
    frame = _months(view)
    return frame.assign(funds_month=frame["funds_month"].map(lambda d: f"{d:%Y-%m}"))


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO text in an export."""
    cols = {c: pd.to_datetime(frame[c]).dt.strftime("%Y-%m-%d") for c in frame.columns if c.endswith("_on")}
    return frame.assign(**cols)


EXPORTS = {
    "arrears-unit": (lambda v: _arrears_units(v), UNIT_COLUMNS, "funds_arrears_by_unit"),
    "arrears-developer": (lambda v: _developers(v, None)[0], DEVELOPER_COLUMNS, "funds_arrears_by_developer"),
    "projects": (lambda v: _dated(_projects(v, None)[0]), PROJECT_COLUMNS, "funds_arrears_projects"),
    "recoveries-month": (_export_month, MONTH_COLUMNS, "funds_recoveries_by_month"),
    "recoveries-channel": (lambda v: _channels_of(_months(v)), CHANNEL_COLUMNS, "funds_recoveries_by_channel"),
    "ledger-unit": (lambda v: _ledger(v, "unit"), LEDGER_UNIT_COLUMNS, "funds_ledger_by_unit"),
    "ledger-year": (lambda v: _ledger(v, "year"), LEDGER_YEAR_COLUMNS, "funds_ledger_by_year"),
    "approvals": (_approvals, APPROVAL_COLUMNS, "funds_approval_times"),
    "emergency": (lambda v: _dated(_emergency(v, None)[0]), EMERGENCY_COLUMNS, "funds_emergency_list"),
    "refunds-kind": (_kinds, KIND_COLUMNS, "funds_refunds_by_kind"),
    "refunds-unit": (_refund_units, REFUND_UNIT_COLUMNS, "funds_refunds_by_unit"),
    "refunds-company": (lambda v: _companies(v, None)[0], COMPANY_COLUMNS, "funds_refunds_by_company"),
}
