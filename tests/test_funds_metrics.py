"""Fund metrics on small hand-made ledgers: recoveries of projects the arrears ledger does not list."""

from __future__ import annotations

import datetime as dt

from etl.pipeline import load_files
from metrics import facts, funds
from metrics.db import Warehouse
from metrics.filters import EVERYTHING, Filter, Scope

ARREARS = ["项目编号", "项目名称", "房地产开发企业", "县区", "欠缴金额", "建账日期"]
RECOVERIES = ["项目编号", "到账日期", "追缴金额", "方式"]


def test_a_recovery_of_an_unlisted_project_is_named_unmatched_and_counted_in_no_unit(clerk, warehouse):
    files = [
        clerk.csv(
            "arrears.csv",
            ARREARS,
            [["XM1", "锦绣苑", "某房地产开发有限公司", "榆次区", "100000", "2024-01-05"]],
            title="欠缴建账台账",
        ),
        clerk.csv(
            "recoveries.csv",
            RECOVERIES,
            [
                ["XM1", "2024-03-01", "30000", "催缴"],
                ["XM9", "2024-03-02", "5000", "行政处罚"],
                ["XM9", "2023-03-02", "7000", "行政处罚"],
            ],
            title="追缴到账台账",
        ),
    ]
    result = load_files(files, warehouse)
    assert all(f.rows_rejected == 0 for f in result.files)
    wh = Warehouse(warehouse)
    f = Filter(start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31))
    assert funds.unmatched_recoveries(wh, f, EVERYTHING) == {"recoveries": 1, "amount": 5000.0}
    assert funds.unmatched_recoveries(wh, Filter(), EVERYTHING) == {"recoveries": 2, "amount": 12000.0}
    # a county officer is not told of recoveries that may be another county's
    assert funds.unmatched_recoveries(wh, f, Scope(("140702",))) == {"recoveries": 0, "amount": 0.0}
    arrears = facts.arrears_facts(wh, f, EVERYTHING)
    assert arrears["arrears_recovered"].sum() == 30000.0  # only the listed project's recovery
    assert funds.recoveries_by_month(wh, f, EVERYTHING)["amount"].sum() == 30000.0
