"""The parts of the data contract: column kinds and their SQL types, the lineage columns,
`Column`, `Dataset` and `C` (a column, briefly). The datasets themselves are in
etl/datasets_*.py, gathered in etl/schema.py's DATASETS."""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds. Each kind has one normaliser (etl/normalize.py) and one SQL type.
TEXT = "text"  # free text, trimmed, full-width folded
NOTE = "note"  # free text kept as written (descriptions, notes)
ID = "id"  # an identifier written by the clerk (小区编号, 线索编号)
USCC = "uscc"  # 18-character unified social credit code, check digit verified
REGION = "region"  # a region name, short name or code, stored as its code
DATE = "date"
DEADLINE = "deadline"  # a date, or a number of working days after received_on
AMOUNT = "amount"  # money in 元/万元/亿元, stored in yuan
INT = "int"
YEAR = "year"
DECIMAL = "decimal"  # a score
RATE = "rate"  # a share: 85%, 0.85 or 85 -> 0.85
ENUM = "enum"
BOOL = "bool"
STARS = "stars"
PHONE = "phone"  # personal data: stored, masked by the metrics layer

SQL_TYPES = {
    TEXT: "VARCHAR",
    NOTE: "VARCHAR",
    ID: "VARCHAR",
    USCC: "VARCHAR",
    REGION: "VARCHAR",
    DATE: "DATE",
    DEADLINE: "DATE",
    AMOUNT: "DECIMAL(18,2)",
    INT: "INTEGER",
    YEAR: "INTEGER",
    DECIMAL: "DOUBLE",
    RATE: "DOUBLE",
    ENUM: "VARCHAR",
    BOOL: "BOOLEAN",
    STARS: "INTEGER",
    PHONE: "VARCHAR",
}

# Lineage columns every fact row carries.
LINEAGE = (
    ("_load_id", "INTEGER"),
    ("_source_file", "VARCHAR"),
    ("_sheet", "VARCHAR"),
    ("_source_row", "INTEGER"),
    ("_loaded_at", "TIMESTAMP"),
)


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # the Chinese name used in messages when the file's own header is unknown
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict)  # accepted spellings of a choice

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]

    @property
    def names(self) -> tuple[str, ...]:
        """Every header text that means this column (canonical name, label, aliases)."""
        return (self.name, self.label, *self.aliases)


@dataclass(frozen=True)
class Dataset:
    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # a newer row with the same key replaces the older
    # A ledger with no id of its own (refunds, recoveries): (owner column, date column). A
    # file is then a new version of the rows of the same owners in the months it covers,
    # and replaces them whole; `key` only finds a row written twice within one file.
    ledger: tuple[str, str] | None = None

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


def C(name, label, kind, *aliases, req=False, choices=(), synonyms=None):  # noqa: N802
    return Column(name, label, kind, req, tuple(aliases), tuple(choices), dict(synonyms or {}))


COUNTY_ALIASES = (
    "县区",
    "县(区、市)",
    "县(市、区)",
    "县(市区)",
    "县市区",
    "区县",
    "所属县区",
    "县区名称",
    "区域",
    "行政区划",
)
