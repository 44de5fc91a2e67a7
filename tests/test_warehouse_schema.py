"""The warehouse is the contract: DESCRIBE of every dataset table in a fresh warehouse equals
etl/schema.py's columns and types, followed by the lineage columns (and, for cases, the two
columns the marts read: etl.marts.CASES_DERIVED)."""

from __future__ import annotations

import pytest

from etl.pipeline import load_files
from vocab.schema import AMOUNT, DATASETS, DATE, DEADLINE, LINEAGE


@pytest.fixture
def fresh(warehouse, query):
    """A warehouse created by a load of nothing; returns its `query`."""
    load_files([], warehouse)
    assert warehouse.exists()
    return query


def described(query, table: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, *_ in query(f'DESCRIBE "{table}"')]


@pytest.mark.parametrize("name", list(DATASETS))
def test_table_matches_the_contract(fresh, name):
    from etl.marts import CASES_DERIVED

    expected = [(c.name, c.sql_type) for c in DATASETS[name].columns] + list(LINEAGE)
    expected += list(CASES_DERIVED) if name == "cases" else []

    assert described(fresh, name) == expected


def test_every_dataset_has_a_table_and_no_other_tables_exist(fresh):
    tables = {name for (name,) in fresh("SELECT table_name FROM information_schema.tables")}

    from etl.deadlines import STAMPS
    from etl.marts import MARTS, VIEWS

    assert tables == (
        set(DATASETS)
        | {"loads", "rejects", "replacements", "regions", "calendar", "layout"}
        | set(MARTS)
        | set(VIEWS)
        | {STAMPS}
    )


def test_amounts_are_decimal_yuan_and_dates_are_dates(fresh):
    types = {(ds, name): kind for ds in DATASETS for name, kind in described(fresh, ds)}
    amounts = [(ds.name, c.name) for ds in DATASETS.values() for c in ds.columns if c.kind == AMOUNT]
    dates = [(ds.name, c.name) for ds in DATASETS.values() for c in ds.columns if c.kind in (DATE, DEADLINE)]

    assert ("fund_arrears", "amount_due") in amounts and ("cases", "received_on") in dates
    assert {types[a] for a in amounts} == {"DECIMAL(18,2)"}
    assert {types[d] for d in dates} == {"DATE"}
