"""The demo's party-building ledgers as the counties' 党建 clerks write them, and the 12345 platform's
columns of a 工单 (签收, 回访) as the case ledgers carry them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from etl.demo.helpers import Table, write_csv, write_xlsx
from etl.demo.model import Case

HOTLINE_HEADER = {
    "platform": ["签收时间", "回访时间", "是否解决", "回访结果"],
    "ledger": ["响应日期", "回访日期", "解决情况", "满意度"],
}
CITIES = (("1407", "晋中市"), ("1405", "晋城市"), ("1411", "孝义市"), ("1401", "阳曲县"))


def hotline_cells(k: Case, date: Callable[[dt.date], str]) -> list[str]:
    """A 工单's 签收 and 回访 cells (empty for a case the hotline did not send)."""
    return [
        date(k.responded) if k.responded else "",
        date(k.visited) if k.visited else "",
        k.resolved or "",
        k.satisfaction or "",
    ]


class WriteParty:
    """Methods of DemoWorld (etl/demo/world.py)."""

    def write_committee_party(self, path: Path) -> Path:
        """One sheet per city, the counties' rows with a 合计 row and a note, as the 党建 office collects them."""
        header = [
            "序号",
            "小区编号",
            "小区名称",
            "县(市、区)",
            "业委会(物管会)成员数",
            "其中：党员",
            "是否红色业委会",
            "认定日期",
        ]
        tables = []
        for prefix, city in CITIES:
            rows = [
                [
                    i,
                    c.id,
                    c.name,
                    c.unit.name,
                    members,
                    party,
                    "是" if red else "否",
                    f"{since:%Y.%m.%d}" if since else None,
                ]
                for i, (c, members, party, red, since) in enumerate(
                    (r for r in self.committee_party if r[0].unit.code.startswith(prefix)), start=1
                )
            ]
            red = sum(1 for r in rows if r[6] == "是")
            tables.append(
                Table(
                    header,
                    rows,
                    title=f"{city}红色业委会（物管会）建设情况统计表",
                    subtitle="填报单位：县(市、区)委社会工作部、住房和城乡建设局    填报日期：2025年11月30日",
                    total=[
                        "合计",
                        f"{len(rows)}个",
                        None,
                        None,
                        sum(r[4] for r in rows),
                        sum(r[5] for r in rows),
                        f"{red}个",
                    ],
                    notes=["注：红色业委会（物管会）指党员占比过半、由社区党组织推荐把关的业委会（物管会）。"],
                    sheet=city,
                    widths={2: 24, 7: 12},
                )
            )
        return write_xlsx(path, tables)

    def write_company_party(self, path: Path) -> Path:
        """The industry party committee's register of companies, exported as CSV (GB18030)."""
        header = [
            "企业名称",
            "统一社会信用代码",
            "注册地",
            "党员人数",
            "党组织形式",
            "党组织成立日期",
            "是否红色物业",
            "认定日期",
        ]
        rows = [
            [
                co.name,
                co.code,
                co.unit.name,
                members,
                org,
                f"{formed:%Y-%m-%d}" if formed else "",
                "是" if red else "否",
                f"{red_since:%Y-%m-%d}" if red_since else "",
            ]
            for co, members, org, formed, red, red_since in self.company_party
        ]
        return write_csv(path, Table(header, rows), "gb18030")
