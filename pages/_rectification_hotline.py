"""12345 三率 on 整改进度 /rectification (pages/rectification.py lays it out): response, resolution
and satisfaction of the hotline's 工单 by county, with the return visits' results. Definitions in
metrics/hotline.py; the KPIs are the catalogue's."""

from __future__ import annotations

from components.panel import Panels
from metrics import hotline
from pages._rates_panel import UnitRates, register, section

# registered as 整改进度's own: the guard lets a viewer call them when he may open the page
panels = Panels("pages.rectification", "rectification")

HOTLINE = UnitRates(
    "hotline-unit",
    hotline.hotline_by_unit,
    ("hotline_response_rate", "hotline_resolution_rate", "hotline_satisfaction_rate"),
    hotline.COUNTS,
)
draw, export = register(panels, HOTLINE)


def hotline_section(lang: str):
    """The section's layout."""
    return section(panels, HOTLINE, "hotline_section", "hotline_note", lang)
