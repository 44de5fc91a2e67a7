"""The data contract in code: every dataset, its canonical columns and their Chinese aliases.

This is the one table of column names the ETL, the warehouse DDL, the tests and the
label table of the pages read. `shared/design/data-contract.md` is its prose form.

The datasets are defined by family in vocab/datasets_master.py, vocab/datasets_cases.py,
vocab/datasets_funds.py, vocab/datasets_ratings.py and vocab/datasets_party.py on the parts in vocab/columns.py; this
module gathers them in DATASETS, in that order, and names everything the others import.
"""

from __future__ import annotations

from vocab import datasets_cases, datasets_funds, datasets_master, datasets_party, datasets_ratings
from vocab.columns import (
    AMOUNT,
    BOOL,
    COUNTY_ALIASES,
    DATE,
    DEADLINE,
    DECIMAL,
    ENUM,
    ID,
    INT,
    LINEAGE,
    NOTE,
    PHONE,
    RATE,
    REGION,
    SQL_TYPES,
    STARS,
    TEXT,
    USCC,
    YEAR,
    C,
    Column,
    Dataset,
)
from vocab.datasets_cases import CASE_ACTIONS, CASE_CATEGORIES, CASE_SOURCES, LEVEL_SYNONYMS, LEVELS
from vocab.datasets_master import MANAGEMENT_SYNONYMS, MANAGEMENT_TYPES

__all__ = [
    "TEXT",
    "NOTE",
    "ID",
    "USCC",
    "REGION",
    "DATE",
    "DEADLINE",
    "AMOUNT",
    "INT",
    "YEAR",
    "DECIMAL",
    "RATE",
    "ENUM",
    "BOOL",
    "STARS",
    "PHONE",
    "SQL_TYPES",
    "LINEAGE",
    "Column",
    "Dataset",
    "C",
    "COUNTY_ALIASES",
    "MANAGEMENT_TYPES",
    "MANAGEMENT_SYNONYMS",
    "CASE_SOURCES",
    "CASE_CATEGORIES",
    "LEVELS",
    "LEVEL_SYNONYMS",
    "CASE_ACTIONS",
    "DATASETS",
]

DATASETS: dict[str, Dataset] = {}


def _register(ds: Dataset) -> None:
    DATASETS[ds.name] = ds


for family in (datasets_master, datasets_cases, datasets_funds, datasets_ratings, datasets_party):
    for ds in family.FAMILY:
        _register(ds)
