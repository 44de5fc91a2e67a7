"""A warehouse published by an older version of the contract: after the dashboard is upgraded, the
panels that need a table or column the file lacks say so in Chinese (and are not errors), the others
are drawn; `python -m etl upgrade` publishes it again under the current contract, and then every
panel is drawn. Tested on a copy of the demo from which a table and a column are taken away, as an
older version would have written it."""

from __future__ import annotations

import duckdb
import pytest
from dash_tree import text

from etl import cli
from etl.warehouse import contract_missing, version
from metrics import access, credit
from metrics.db import Warehouse, WarehouseOutdated
from metrics.filters import EVERYTHING, Filter
from security import web


@pytest.fixture
def older(copy_demo, tmp_path, monkeypatch):
    """A copy of the demo as an older version wrote it (no ledger of credit actions), installed as
    the pages' warehouse, read as a leader."""
    path = copy_demo(tmp_path / "old")
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE credit_actions")
    import app  # noqa: F401  (the pages registered)

    wh = Warehouse(path)
    monkeypatch.setattr(access, "warehouse", lambda: wh)
    monkeypatch.setattr(web, "current_scope", lambda: EVERYTHING)
    return path


def test_an_older_file_is_named_as_such_by_what_it_lacks(older):
    with duckdb.connect(str(older)) as con:
        con.execute("ALTER TABLE fund_arrears DROP COLUMN status")  # and arrears without their handling status
    with duckdb.connect(str(older), read_only=True) as con:
        assert contract_missing(con) == ["fund_arrears.status", "credit_actions"]
    with pytest.raises(WarehouseOutdated) as raised:
        credit.due_actions(access.warehouse(), Filter(), EVERYTHING)
    assert raised.value.missing == ["fund_arrears.status", "credit_actions"]


def test_its_panels_say_so_and_the_others_are_drawn_until_an_upgrade_publishes_it_again(older, capsys):
    from pages import credit as credit_page
    from pages import overview

    params = {"region": "140500", "from": "2024-01-01", "to": "2024-12-31"}
    said = text(credit_page.credit_cards(params))
    assert "旧版本" in said and "python -m etl upgrade" in said
    cards, _ = overview.overview_cards(params)  # the overview needs nothing the older file lacks
    assert "旧版本" not in text(cards) and "问题整改率" in text(cards)

    before = version(older)
    assert cli.main(["upgrade", "--warehouse", str(older)]) == 0
    assert "补上 1 项（credit_actions）" in capsys.readouterr().out
    assert version(older) != before
    with duckdb.connect(str(older), read_only=True) as con:
        assert contract_missing(con) == []
    drawn = text(credit_page.credit_cards(params))
    assert "旧版本" not in drawn and "%" in drawn

    # up to date: nothing to publish
    published = version(older)
    assert cli.main(["upgrade", "--warehouse", str(older)]) == 0
    assert "已是当前版本" in capsys.readouterr().out and version(older) == published
