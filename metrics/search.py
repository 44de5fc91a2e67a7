"""The navbar's search (搜索): a case id, a county, a community, a property company, a developer
or an arrears project, by a part of its name or id, within the viewer's scope.

A match is ranked exact, then at the start, then anywhere (case-insensitive for ids written
in Latin letters), then by kind (county, case, community, company, developer, project) and the
shorter name first; at most `limit` results. The text is a parameter, compared with
`contains`/`starts_with` (no pattern characters to escape). Pinyin initials are not searched.
"""

from __future__ import annotations

import pandas as pd

from etl.sql import Sql
from metrics.db import Warehouse
from metrics.filters import Filter, Scope, region_sql

KINDS = ("county", "case", "community", "company", "developer", "project")
LIMIT = 20
PER_KIND = 8  # the most results of one kind, so that one kind cannot crowd out the others
MAX_TEXT = 50
COLUMNS = ["kind", "key", "name", "detail", "county", "unit_name"]


def _match(*columns: str) -> str:
    """The best match quality over `columns` (0 exact, 1 at the start, 2 anywhere, NULL none)
    for the lower-cased text `$q`."""
    parts = [
        f"CASE WHEN lower({c}) = $q THEN 0 WHEN starts_with(lower({c}), $q) THEN 1 WHEN contains(lower({c}), $q) THEN 2 END"
        for c in columns
    ]
    return parts[0] if len(parts) == 1 else f"least({', '.join(parts)})"


def cleaned(text: str | None) -> str:
    """The text searched: spaces collapsed, at most MAX_TEXT characters, lower case."""
    return " ".join(str(text or "").split())[:MAX_TEXT].lower()


def too_short(text: str | None) -> bool:
    """One Latin letter or digit names too much to search (one Chinese character does not)."""
    q = cleaned(text)
    return len(q) < 2 and q.isascii()


def find(wh: Warehouse, text: str | None, scope: Scope, limit: int = LIMIT) -> pd.DataFrame:
    """What the text names, best first: kind (one of KINDS), key (what its page is opened by:
    a region code, case id, community id, credit code, developer name or project id), name,
    detail (a second line: the case's community, the developer's project count, …), county
    and unit_name. Empty for empty text, or text of one Latin letter or digit."""
    q = cleaned(text)
    if not q or too_short(q):
        return pd.DataFrame(columns=COLUMNS)
    everywhere = Filter()
    selects: list[Sql] = []

    def add(sql: str, columns: tuple[str, ...], scope_column: str) -> None:
        region = region_sql(scope_column, everywhere, scope)
        selects.append(
            Sql.of(
                f"(SELECT * FROM ({sql.format(match=_match(*columns), region=region)}) WHERE quality IS NOT NULL "
                f"ORDER BY quality, length(name), key LIMIT {PER_KIND})",
                region,
            )
        )

    add(
        """SELECT 'county' AS kind, code AS key, name, NULL AS detail, code AS county, {match} AS quality
           FROM regions WHERE level = 'county' AND {region}""",
        ("name", "short_name"),
        "code",
    )
    add(
        """SELECT 'case' AS kind, c.case_id AS key, c.case_id AS name, m.name AS detail, c.county, {match} AS quality
           FROM cases c LEFT JOIN communities m USING (community_id) WHERE {region}""",
        ("c.case_id",),
        "c.county",
    )
    add(
        """SELECT 'community' AS kind, community_id AS key, name, street AS detail, county, {match} AS quality
           FROM communities WHERE {region}""",
        ("name", "community_id"),
        "county",
    )
    add(
        """SELECT 'company' AS kind, company_code AS key, name, company_code AS detail, county, {match} AS quality
           FROM companies WHERE {region}""",
        ("name", "company_code"),
        "county",
    )
    add(
        """SELECT 'developer' AS kind, developer AS key, developer AS name, count(*)::VARCHAR AS detail,
                  mode(county) AS county, min({match}) AS quality
           FROM fund_arrears WHERE developer IS NOT NULL AND {region} GROUP BY developer""",
        ("developer",),
        "county",
    )
    add(
        """SELECT 'project' AS kind, project_id AS key, project AS name, developer AS detail, county,
                  {match} AS quality
           FROM fund_arrears WHERE {region}""",
        ("project", "project_id"),
        "county",
    )
    order = "CASE kind " + " ".join(f"WHEN '{k}' THEN {i}" for i, k in enumerate(KINDS)) + " END"
    union = Sql.join(" UNION ALL ", selects)
    sql = f"""SELECT r.kind, r.key, r.name, r.detail, r.county, g.name AS unit_name
        FROM ({union}) r LEFT JOIN regions g ON g.code = r.county
        ORDER BY r.quality, {order}, length(r.name), r.key LIMIT $limit"""
    return wh.frame(Sql.of(sql, union, q=q, limit=limit))
