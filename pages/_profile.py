"""What the three profiles (pages/county.py, company.py, community.py), the search and the case
lists elsewhere share: the links to a profile and to a case's trail, a list's grid with its
links, and the page a viewer gets for a profile he may not see or that does not exist.

Holds no literal component id (a shared helper: tests/test_layers.py); the pages pass theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pandas as pd
from dash import Input, Output, html

from components import query
from components.i18n import fmt_count, fmt_date, label
from components.loading import unless_seen
from components.panel import Panels, Sheet, Size, Table, table
from etl.values import missing
from metrics.county_profile import FORBIDDEN, OK
from metrics.db import WarehouseMissing
from metrics.filters import Filter
from pages._view import TEXT, View, missing_warehouse, reason_of, scope, warehouse

# The columns each list's rows carry for their links (assets/links.js keeps the view's filter).
LINKS = {
    "case_id": "case_href",
    "community_name": "community_href",
    "company_name": "company_href",
    "unit_name": "county_href",
}


def _shared(params: dict | None) -> dict:
    return {k: v for k, v in (params or {}).items() if k in query.SHARED}


def county_href(code: str, params: dict | None = None) -> str:
    """The county profile, which reads its county from the region filter."""
    return "/county" + query.build({**_shared(params), "region": code})


def company_href(code: str, params: dict | None = None) -> str:
    return "/company/" + quote(str(code), safe="") + query.build(_shared(params))


def community_href(community_id: str, params: dict | None = None) -> str:
    return "/community/" + quote(str(community_id), safe="") + query.build(_shared(params))


def case_href(case_id: str, params: dict | None = None) -> str:
    """A case's trail: the 督办 page with the case's dialog open."""
    return "/escalations" + query.build({**_shared(params), "case": case_id})


def search_href(kind: str, key: str, county: str | None, params: dict | None = None) -> str:
    """Where a search result opens (metrics.search.KINDS): a profile, a case's trail, or for a
    developer or an arrears project the county profile's arrears list showing it."""
    if kind == "county":
        return county_href(key, params)
    if kind == "case":
        return case_href(key, params)
    if kind == "community":
        return community_href(key, params)
    if kind == "company":
        return company_href(key, params)
    where = {**_shared(params), "region": _county_of(county) or (params or {}).get("region")}
    return "/county" + query.build({**where, "developer" if kind == "developer" else "project": key})


def _county_of(code) -> str | None:
    code = str(code or "")
    return code[:6] if code.isdigit() and len(code) in (6, 9) and not code[:6].endswith("00") else None


def with_links(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows with the links of their cases, communities, companies and counties (bare paths:
    a grid's link keeps the view's filter in the browser). A row whose community or company
    the register does not know (no name) gets no link."""
    out = frame.copy()
    if "case_id" in out:
        out["case_href"] = [case_href(c) if isinstance(c, str) else None for c in out["case_id"]]
    for column, make in (("community_id", community_href), ("company_code", company_href)):
        name = "community_name" if column == "community_id" else "company_name"
        if column in out and name in out:
            out[LINKS[name]] = [
                make(k) if isinstance(k, str) and isinstance(n, str) else None
                for k, n in zip(out[column], out[name], strict=True)
            ]
    if "county" in out and "unit_name" in out:
        out["county_href"] = [county_href(c) if c else None for c in map(_county_of, out["county"])]
    return out


def list_table(
    grid_id: str,
    frame: pd.DataFrame,
    columns: list[str],
    lang: str,
    formats: dict[str, str],
    total: int | None = None,
    max_height: int = 460,
):
    """A profile's list: its grid (links in the columns of LINKS, the first column kept in view),
    and a note when it shows the first rows of more."""
    how = Table(
        formats=formats,
        links={c: h for c, h in LINKS.items() if c in columns},
        pin_first={"pinned": "left", "minWidth": 130},
    )
    shown = len(frame)
    grid = table(grid_id, with_links(frame) if shown else frame, columns, lang, how, Size(110, 0, max_height))
    if total and total > shown:
        note = label("profile_shown_of", lang).format(shown=fmt_count(shown), total=fmt_count(total))
        return html.Div([grid, html.P(note, className="text-muted small mt-1")])
    return grid


class EntityView(View):
    """A profile of one thing named in the path (`/company/<code>`): the shared filter's period,
    and its id (`code`; upper case where `upper`, as credit codes are written)."""

    upper = False

    @classmethod
    def of_path(cls, code: str | None, params: dict):
        return cls.of({k: v for k, v in {**params, "code": code}.items() if isinstance(v, str)})

    @property
    def code(self) -> str:
        code = str(self.params.get("code") or "").strip()[:64]
        return code.upper() if self.upper else code

    @property
    def period(self) -> Filter:
        """The period over every region (a company's or community's record is its own)."""
        return Filter(start=self.f.start, end=self.f.end)


def opened(view: EntityView, access: Callable, header: Callable) -> tuple[pd.Series | None, object]:
    """(its register row, None) when the viewer may see it; else (None, what the page shows
    instead: no warehouse yet, the 'no permission' page, or 'not found')."""
    try:
        status = access(warehouse(), view.code, scope())
        head = header(warehouse(), view.code, scope()) if status == OK else None
    except WarehouseMissing as missing:
        return None, html.P(label(reason_of(missing), view.lang), className="text-muted py-4")
    if status != OK:
        return None, refusal(status, view.code, view.lang)
    return head.iloc[0], None


def register_lists(panels: Panels, view_cls: type[View], names, draw: Callable, seen: str | None = None) -> None:
    """A callback per list `name`, drawing `draw(view, name)` into `<page>-<name>-table`; with
    `seen` (the store of the lazy section the lists sit in: components/loading.lazy_section),
    once the section has come near the screen."""

    def callback_of(name: str):
        @missing_warehouse(TEXT)
        def list_(params, seen_=True):
            unless_seen(seen_)
            return draw(view_cls.of(params), name)

        list_.__doc__ = f"The list `{name}` of the profile."
        return list_

    inputs = [Input(panels.store, "data"), *([Input(seen, "data")] if seen else [])]
    options = {"prevent_initial_call": True} if seen else {}  # a lazy list asks nothing before it is seen
    for name in names:
        panels.callback(f"{panels.page}_{name}", Output(panels.id(f"{name}-table"), "children"), *inputs, **options)(
            callback_of(name)
        )


def register_exports(
    panels: Panels, view_cls: type[EntityView], rows: Callable, columns: dict, titles: dict, formats: dict, id_key: str
) -> None:
    """Each list's export (`<page>-<name>.xlsx`): `rows(view, name)`, with the thing's id and the
    period in its header lines."""

    def sheet_of(name: str):
        def sheet(params) -> Sheet:
            view = view_cls.of(params)
            lang = view.lang
            lines = [
                f"{label(id_key, lang)}：{view.code}",
                f"{label('from', lang)}：{fmt_date(view.f.start)}　{label('to', lang)}：{fmt_date(view.f.end)}",
            ]
            return Sheet(rows(view, name), columns[name], lang, label(titles[name], lang), lines, formats)

        return sheet

    for name in columns:
        panels.export(name, sheet_of(name))


def refusal(status: str, key: str, lang: str):
    """The app's own 'no permission' page for a profile outside the viewer's scope (as for a
    page his role may not open), or a sentence saying what was not found."""
    if status == FORBIDDEN:
        from security.web import refusal_layout

        return refusal_layout("forbidden", lang)
    return html.Div(html.P(label("profile_not_found", lang).format(key=key), className="text-muted"), className="py-4")


def yes_no(values: pd.Series, lang: str) -> list:
    return [None if missing(v) else label("esc_yes" if v else "esc_no", lang) for v in values]


def dates(values: pd.Series) -> list:
    """Dates as ISO text (a grid shows a Timestamp with its time), missing ones as None."""
    return [None if pd.isna(v) else pd.Timestamp(v).strftime("%Y-%m-%d") for v in values]
