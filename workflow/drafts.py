"""What a document says and to whom: the issuing body, its code and the addressee of a county
(from the region table and vocab/workflow.py), and the cases as its attachment lists them, with
their trail so far (metrics/case_trail.py, read in the issuer's scope)."""

from __future__ import annotations

from dataclasses import dataclass

from etl.regions import read_regions
from metrics import case_trail
from security.roles import Viewer
from vocab.workflow import ADDRESSEE, BODY, BODY_CODE
from workflow.letters import LetterCase


class WorkflowError(ValueError):
    """What was asked of the loop cannot be done; the message says why, in Chinese."""


@dataclass(frozen=True)
class Addressee:
    county: str  # county-level code
    county_name: str
    body: str
    body_code: str
    addressee: str


def addressee_of(county: str) -> Addressee:
    """Who issues to a county, and to whom: the city's task force and the county's authority."""
    by_code = {r.code: r for r in read_regions()}
    region = by_code.get(county)
    city = by_code.get(region.parent_code) if region else None
    if region is None or city is None:
        raise WorkflowError(f"行政区划 {county} 不在区划表中，无法确定发文机关和主送单位")
    return Addressee(
        county,
        region.name,
        BODY.format(city=city.name),
        BODY_CODE.format(city_short=city.short_name),
        ADDRESSEE.format(county=region.name),
    )


def draft_cases(wh, viewer: Viewer, case_ids: list[str]) -> dict[str, list[LetterCase]]:
    """The cases as a letter lists them, by county-level code; WorkflowError for a case that is
    not there (or not in the viewer's scope) or already closed."""
    by_county: dict[str, list[LetterCase]] = {}
    for case_id in case_ids:
        head = case_trail.case_header(wh, case_id, viewer.scope)
        if head.empty:
            raise WorkflowError(f"线索 {case_id} 不存在或不在您的范围内")
        case = head.iloc[0]
        if case["done"]:
            raise WorkflowError(f"线索 {case_id} 已办结，无需下发")
        trail = case_trail.case_timeline(wh, case_id, viewer.scope)
        lines = tuple(
            f"{pd_date(r.happened_on)} {r.action}"
            + (f"（{r.organ}）" if _text(r.organ) else "")
            + (f"：{r.note}" if _text(r.note) else "")
            for r in trail.itertuples()
        )
        by_county.setdefault(str(case["county"])[:6], []).append(
            LetterCase(
                case_id,
                _text(case["community_name"]),
                _text(case["company_name"]),
                _text(case["category"]),
                _text(case["description"]),
                pd_date(case["received_on"], as_text=False),
                pd_date(case["deadline"], as_text=False),
                lines,
            )
        )
    return by_county


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def pd_date(value, as_text: bool = True):
    """A date cell (Timestamp, date, NaT or None) as a date, or as its ISO text ('' when missing)."""
    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return "" if as_text else None
    day = pd.Timestamp(value).date()
    return day.isoformat() if as_text else day
