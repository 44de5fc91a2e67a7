"""Star ratings of service projects and credit grades of companies."""

from __future__ import annotations

import pandas as pd

from metrics.db import Warehouse
from metrics.facts import latest_year
from metrics.filters import Filter, Scope, region_sql


def star_distribution(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Service projects per star level (1–5) in the latest rating year of the period: [year, stars, projects]."""
    year = latest_year(wh, "star_ratings", f)
    region, rp = region_sql("coalesce(s.county, c.county)", f, scope)
    return wh.frame(
        f"""SELECT s.year, s.stars, count(*) AS projects
        FROM star_ratings s LEFT JOIN communities c USING (community_id)
        WHERE s.year = ? AND {region} GROUP BY s.year, s.stars ORDER BY s.stars""",
        [year] + rp,
    )


def credit_distribution(wh: Warehouse, f: Filter, scope: Scope) -> pd.DataFrame:
    """Companies per credit grade (A–D) in the latest rating year of the period: [year, grade, companies]."""
    year = latest_year(wh, "credit_ratings", f)
    region, rp = region_sql("c.county", f, scope)
    return wh.frame(
        f"""SELECT r.year, r.grade, count(*) AS companies
        FROM credit_ratings r LEFT JOIN companies c USING (company_code)
        WHERE r.year = ? AND {region} GROUP BY r.year, r.grade ORDER BY r.grade""",
        [year] + rp,
    )
