"""The rows of 督办 /escalations (pages/escalations.py), as its lists show them and its exports
write them, and the view of its URL. Definitions live in metrics/escalations.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd

from components.i18n import fmt_date, has_label, label
from components.panel import ROW_CAP
from metrics import case_trail
from metrics import escalations as esc
from metrics.filters import Filter
from metrics.regions import region_names
from pages._view import View, scope, warehouse
from security import audit

LEVEL_CHOICES = (*esc.LEVELS, esc.NOT_FILLED)
OPEN_SHOWN = 1000  # rows of the open-case list on screen (the export has all)
WATCH_SHOWN = 200  # rows of each watch list on screen (the export has all)


@dataclass(frozen=True)
class EscalationsView(View):
    """The shared filter and this page's own: `level`, `overdue=1`, `company` (a credit code), `case`."""

    level: str | None = None
    overdue: bool = False
    company: str | None = None
    case: str | None = None

    path = "/escalations"

    @classmethod
    def read(cls, params: dict, f: Filter) -> dict:
        company = str(params.get("company") or "").strip().upper()
        return {
            "level": params.get("level") if params.get("level") in LEVEL_CHOICES else None,
            "overdue": params.get("overdue") == "1",
            "company": company if len(company) == 18 and company.isalnum() else None,
            "case": str(params.get("case") or "").strip()[:64] or None,
        }


def _audit_phones(what: str, view: View, phones) -> None:
    """A `personal_data_view` audit record when the viewer's scope shows phones unmasked and
    some were sent (the open-case list, a case's header, their exports)."""
    shown = sum(1 for p in phones if isinstance(p, str) and p)
    if shown and scope().personal_data:
        params = {k: v for k, v in view.params.items() if k != "lang"}
        audit.record(
            "personal_data_view",
            f"{what}: {shown} phone(s); filter: " + json.dumps(params, ensure_ascii=False, sort_keys=True),
        )


class Rows(NamedTuple):
    frame: pd.DataFrame  # display values, one column per label key
    columns: list  # the columns shown and exported, in order
    title: str  # label key
    key: str | None = None  # the column a click reads (kept in rowData, not shown)
    notes: tuple = ()  # extra header lines of the export
    total: int | None = None  # rows before a display limit


# The counts of a watch list (companies, counties) over its twelve months.
WATCH_COUNTS = [
    "esc_escalations",
    "escalated_cases",
    "reminders",
    "supervisions",
    "interviews",
    "referrals",
    "accountabilities",
    "esc_overdue_12m",
]
FORMATS = {
    c: "count"
    for c in (
        "days_at_level",
        "workdays_overdue",
        *WATCH_COUNTS,
        "workdays_to_outcome",
        "black_lists",
        "red_lists",
        "exit_review_companies",
        "workdays_since_previous",
        "days_since_previous",
    )
}


WIDTHS = {
    "rank": 80,
    "action": 150,
    "to_level": 115,
    "level_after": 115,
    "referral": 110,
    "case_id": 165,
    "category": 110,
    "level": 105,
    "status": 100,
    "last_escalation": 110,
    "unit_name": 110,
    "community_name": 130,
    "company_name": 220,
    "organ": 230,
    "note": 260,
    "description": 320,
    "black_dates": 200,
    "reporter_phone": 125,
    "received_on": 110,
    "deadline": 110,
    "at_level_since": 110,
    "happened_on": 120,
    "doc_no": 190,
    "doc_addressee": 200,
    "doc_days_left": 150,
    "doc_signed": 190,
    "origin": 80,
    "referred_on": 110,
    "outcome_on": 110,
    "company_code": 180,
}


def _dates(frame: pd.DataFrame, *cols: str) -> None:
    for c in cols:
        values = pd.to_datetime(frame[c])
        frame[c] = values.dt.strftime("%Y-%m-%d").where(values.notna(), None)


def _named(frame: pd.DataFrame, col: str, prefix: str, lang: str) -> None:
    """Values of an enumerated column in the reader's words (level.社区 → Community)."""
    frame[col] = frame[col].map(
        lambda v: label(f"{prefix}.{v}", lang) if isinstance(v, str) and has_label(f"{prefix}.{v}") else v
    )


def _yes_no(frame: pd.DataFrame, col: str, lang: str) -> None:
    frame[col] = frame[col].map({True: label("esc_yes", lang), False: label("esc_no", lang)})


def _unmatched(frame: pd.DataFrame, col: str, lang: str) -> None:
    frame[col] = frame[col].where(frame[col].notna(), label("unmatched", lang))


OPEN_COLUMNS = [
    "case_id",
    "unit_name",
    "community_name",
    "company_name",
    "source",
    "category",
    "level",
    "at_level_since",
    "days_at_level",
    "deadline",
    "esc_overdue",
    "workdays_overdue",
    "esc_escalations",
    "last_escalation",
    "status",
    "received_on",
    "reporter_phone",
]


def _open_rows(view: EscalationsView, limit: int | None = OPEN_SHOWN) -> Rows:
    lang = view.lang
    frame = esc.open_cases(
        warehouse(),
        view.f,
        scope(),
        level=view.level,
        overdue_only=view.overdue,
        company=view.company,
        limit=limit,
    )
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    _dates(frame, "at_level_since", "deadline", "received_on")
    frame["deadline"] = [
        d + label("esc_rule_deadline", lang) if d and b == "rule" else d
        for d, b in zip(frame["deadline"], frame["deadline_basis"], strict=True)
    ]
    for col, prefix in (
        ("source", "source"),
        ("category", "category"),
        ("level", "level"),
        ("status", "status"),
        ("last_escalation", "action"),
    ):
        _named(frame, col, prefix, lang)
    _yes_no(frame, "overdue", lang)
    for col in ("community_name", "company_name"):
        _unmatched(frame, col, lang)
    frame = frame.rename(columns={"overdue": "esc_overdue", "escalations": "esc_escalations"})
    return Rows(frame, OPEN_COLUMNS, "esc_open_list", key="case_id", notes=_open_notes(view), total=total)


def _open_notes(view: EscalationsView) -> tuple:
    lang = view.lang
    notes = [label("esc_as_of", lang).format(date=fmt_date(esc.watch_window(warehouse(), view.f, scope())[1]))]
    if view.level:
        notes.append(label("esc_level", lang).format(level=label(f"level.{view.level}", lang)))
    if view.overdue:
        notes.append(label("esc_overdue_only", lang))
    return tuple(notes)


REFERRAL_COLUMNS = [
    "referred_on",
    "referral",
    "organ",
    "outcome",
    "outcome_on",
    "workdays_to_outcome",
    "case_id",
    "unit_name",
    "company_name",
    "category",
    "case_closed",
]


def _referral_rows(view: EscalationsView, frame: pd.DataFrame | None = None) -> Rows:
    """The referrals of the view as the list shows them (`frame`: those already read, e.g. the first
    ROW_CAP of `_referral_lists`) and its export writes them (all)."""
    lang = view.lang
    frame = esc.referrals(warehouse(), view.f, scope(), company=view.company) if frame is None else frame.copy()
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    _dates(frame, "referred_on", "outcome_on")
    for col, prefix in (("referral", "action"), ("outcome", "outcome"), ("category", "category")):
        _named(frame, col, prefix, lang)
    _yes_no(frame, "case_closed", lang)
    _unmatched(frame, "company_name", lang)
    return Rows(frame, REFERRAL_COLUMNS, "esc_referrals", key="case_id", total=total)


def _referral_lists(view: EscalationsView) -> tuple[pd.DataFrame, Rows]:
    """The referrals per organ and outcome (all of them) and the list on screen (the first ROW_CAP)."""
    rows, summary = esc.referral_lists(warehouse(), view.f, scope(), company=view.company, limit=ROW_CAP)
    return summary, _referral_rows(view, rows)


ACCOUNTABILITY_COLUMNS = ["happened_on", "case_id", "unit_name", "company_name", "organ", "note"]


def _accountability_rows(view: EscalationsView, shown: bool = False) -> Rows:
    """问责 of the view (`shown`: the first ROW_CAP on screen, with the total; else all, for the export)."""
    frame = esc.accountability(warehouse(), view.f, scope(), company=view.company, limit=ROW_CAP if shown else None)
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    _dates(frame, "happened_on")
    _unmatched(frame, "company_name", view.lang)
    return Rows(frame, ACCOUNTABILITY_COLUMNS, "esc_accountability", key="case_id", total=total)


COMPANY_COLUMNS = [
    "rank",
    "company_name",
    "unit_name",
    "exit_review",
    "black_lists",
    "black_dates",
    *WATCH_COUNTS,
    "red_lists",
    "company_status",
    "company_code",
]


def _company_rows(view: EscalationsView, limit: int | None = None) -> Rows:
    lang = view.lang
    wh = warehouse()
    frame = esc.company_watch(wh, view.f, scope(), limit)
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    _yes_no(frame, "exit_review", lang)
    _named(frame, "company_status", "company_status", lang)
    _unmatched(frame, "company_name", lang)
    frame = frame.rename(columns={"escalations": "esc_escalations", "overdue_cases": "esc_overdue_12m"})
    return Rows(
        frame, COMPANY_COLUMNS, "esc_watch_companies", key="company_code", notes=(_window_text(view),), total=total
    )


COUNTY_COLUMNS = [
    "rank",
    "unit_name",
    *WATCH_COUNTS,
    "black_lists",
    "exit_review_companies",
]


def _county_rows(view: EscalationsView, limit: int | None = None) -> Rows:
    frame = esc.county_watch(warehouse(), view.f, scope(), limit)
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    frame = frame.rename(columns={"escalations": "esc_escalations", "overdue_cases": "esc_overdue_12m"})
    return Rows(frame, COUNTY_COLUMNS, "esc_watch_counties", key="county", notes=(_window_text(view),), total=total)


TIMELINE_COLUMNS = [
    "happened_on",
    "origin",
    "action",
    "to_level",
    "organ",
    "note",
    "level_after",
    "workdays_since_previous",
    "days_since_previous",
]


def _timeline_rows(view: EscalationsView, events: pd.DataFrame | None = None) -> Rows:
    """The case's steps (or the `events` already read) as its trail's table shows them."""
    lang = view.lang
    frame = case_trail.case_timeline(warehouse(), view.case or "", scope()) if events is None else events.copy()
    _dates(frame, "happened_on")
    _named(frame, "action", "action", lang)
    _named(frame, "origin", "origin", lang)
    for col in ("to_level", "level_after"):
        _named(frame, col, "level", lang)
    return Rows(frame, TIMELINE_COLUMNS, "esc_timeline", notes=(f"{label('case_id', lang)}：{view.case}",))


LISTS = {
    "open": _open_rows,
    "referrals": _referral_rows,
    "accountability": _accountability_rows,
    "companies": _company_rows,
    "counties": _county_rows,
    "timeline": _timeline_rows,
}


def _window_text(view: EscalationsView) -> str:
    first, last = esc.watch_window(warehouse(), view.f, scope())
    return label("esc_watch_window", view.lang).format(first=fmt_date(first), last=fmt_date(last))


def _header_lines(view: EscalationsView, rows: Rows) -> list[str]:
    lang = view.lang
    region = view.f.region
    name = region_names(warehouse()).get(region, region) if region else label("all_regions", lang)
    lines = [
        f"{label('region', lang)}：{name}" + (f"（{region}）" if region else ""),
        f"{label('from', lang)}：{view.params.get('from') or '—'}　{label('to', lang)}：{view.params.get('to') or '—'}",
    ]
    if view.company:
        lines.append(label("esc_company", lang).format(name=view.company))
    return lines + list(rows.notes)
