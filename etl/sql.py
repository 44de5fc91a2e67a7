"""SQL text and its values: named parameters, composed fragments, and the one way of quoting.

Values a statement depends on (a viewer's filter and scope, a date, an id, a limit) travel as
DuckDB named parameters, `$name` in the text and the values in a dict; they are never written
into the text. A fragment — a condition, a CTE — that carries values is an `Sql`: its text and
the values of the names it uses. Composing is writing the fragments' text into a statement and
merging their values:

    region = region_sql("c.county", f, scope)           # Sql("starts_with(c.county, $region)", {...})
    Sql.of(f"SELECT … WHERE {region} AND c.received_on <= $at", region, at=at)

or `a + b`, `Sql.join(" AND ", parts)`. A name is one value in a statement: a fragment written
in twice binds its names to the same values (no clash); one name bound to two different values
raises ValueError rather than letting either win. DuckDB refuses a statement naming a value
that was not given, or given a value it does not name, so a fragment written into the text
without its values (or the reverse) fails at once.

Names and values written into the text — identifiers, the code's own constants (a status, an
action: the optimiser sees them), DDL — are quoted by `ident` and `literal` here, and nowhere else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def ident(name: str) -> str:
    """An identifier (a table or column name), double-quoted: `a"b` → `"a""b"`."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A string constant, single-quoted: `it's` → `'it''s'`."""
    return "'" + text.replace("'", "''") + "'"


def literals(values: Iterable[str]) -> str:
    """A parenthesised list of string constants for `IN`: `('a', 'b')`."""
    return "(" + ", ".join(literal(v) for v in values) + ")"


def _same(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and a == b)


def merged(*values: Mapping[str, Any]) -> dict[str, Any]:
    """The values of several fragments in one dict; a name bound to two different values raises."""
    out: dict[str, Any] = {}
    for mapping in values:
        for name, value in mapping.items():
            if name in out and not _same(out[name], value):
                raise ValueError(f"SQL parameter ${name} is bound to two values: {out[name]!r} and {value!r}")
            out[name] = value
    return out


@dataclass(frozen=True)
class Sql:
    """SQL text and the values of the named parameters (`$name`) it uses."""

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        bad = [name for name in self.params if not _NAME.fullmatch(name)]
        if bad:
            raise ValueError(f"not a parameter name: {bad}")
        object.__setattr__(self, "params", dict(self.params))  # its own copy

    @classmethod
    def of(cls, text: str, *parts: Sql, **values: Any) -> Sql:
        """`text` (into which `parts` were written) with the values of `parts` and `values`."""
        return cls(text, merged(*(p.params for p in parts), values))

    @classmethod
    def join(cls, sep: str, parts: Iterable[Sql], empty: str = "") -> Sql:
        """The parts' texts joined by `sep` (`empty` when there are none), their values merged."""
        parts = list(parts)
        return cls(sep.join(p.text for p in parts) if parts else empty, merged(*(p.params for p in parts)))

    def __str__(self) -> str:
        return self.text

    def __add__(self, other: Sql | str) -> Sql:
        if isinstance(other, str):
            return Sql(self.text + other, self.params)
        return Sql(self.text + other.text, merged(self.params, other.params))

    def __radd__(self, other: str) -> Sql:
        return Sql(other + self.text, self.params)


TRUE = Sql("TRUE")
FALSE = Sql("FALSE")


def insert_columns(con, table: str, columns: list[list]) -> None:
    """Insert rows given column by column (in the table's column order) in one statement."""
    if not columns or not columns[0]:
        return
    types = [r[1] for r in con.execute(f"DESCRIBE {table}").fetchall()]
    unnest = ", ".join(f"unnest($c{i}::{t}[])" for i, t in enumerate(types))
    con.execute(f"INSERT INTO {table} SELECT {unnest}", {f"c{i}": c for i, c in enumerate(columns)})
