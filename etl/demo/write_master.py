"""The demo's ledger files, as clerks write them: master data, sweeps, complaints and leads."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from etl.demo.figures import JINCHENG, SEED, XIAOYI, Unit
from etl.demo.helpers import Table, cn_date, slash_date, write_csv, write_xlsx
from etl.demo.write_party import HOTLINE_HEADER, hotline_cells

# the 问题整改台账's columns after 序号, as 晋中's task force keeps them (the counties' monthly reports too)
SWEEP_HEADER = [
    "编号",
    "县(区、市)",
    "乡镇(街道)",
    "小区编号",
    "小区名称",
    "物业企业名称",
    "物业企业统一社会信用代码",
    "来源",
    "问题类别",
    "问题描述",
    "发现日期",
    "整改时限",
    "当前层级",
    "整改状态",
    "整改完成日期",
]


def sweep_cells(k, status: str, closed) -> list:
    """A case's cells under SWEEP_HEADER, with its status and date of rectification as known."""
    return [
        k.id,
        k.unit.name,
        k.community.street if k.community else None,
        k.community_id,
        k.community.name if k.community else None,
        k.company.name if k.company else None,
        k.company.code if k.company else None,
        k.source,
        k.category,
        k.description,
        k.received,
        k.deadline,
        k.level,
        status,
        closed,
    ]


class WriteMaster:
    """Methods of DemoWorld (etl/demo/world.py)."""

    def files(self, out: Path) -> list[Path]:
        """Write every ledger; the paths in load order (master data first)."""
        return [
            self.write_companies(out / "01_物业服务企业名录.xlsx"),
            self.write_jz_communities(out / "02_晋中市住宅小区基础信息台账.xlsx"),
            self.write_communities_csv(out / "03_晋城市住宅小区台账.csv", JINCHENG, "gb18030"),
            self.write_communities_csv(out / "04_孝义市住宅小区台账.csv", (XIAOYI,), "utf-8-sig"),
            self.write_yq_communities(out / "05_阳曲县住宅小区台账.xlsx"),
            self.write_lists(out / "06_晋中市物业服务企业红黑榜.csv"),
            self.write_sweeps(out / "07_晋中市物业服务问题整改台账.xlsx"),
            self.write_complaints(out / "08_12345热线物业投诉举报工单.csv"),
            self.write_leads(out / "09_晋中市物业问题线索受理转办台账.csv"),
            self.write_xiaoyi_cases(out / "10_孝义市物业纠纷三级调处台账.xlsx"),
            self.write_events(out / "11_督办记录.csv"),
            self.write_refunds(out / "12_违规收费清退台账.xlsx"),
            self.write_arrears(out / "13_维修资金逾期未追缴台账.xlsx"),
            self.write_recoveries(out / "14_维修资金追缴到账明细.csv"),
            self.write_ledger(out / "15_维修资金归集使用情况.xlsx"),
            self.write_usages(out / "16_维修资金使用申请.csv"),
            self.write_stars(out / "17_物业服务项目星级评价.xlsx"),
            self.write_credit(out / "18_晋城市物业服务企业信用评价.csv"),
            self.write_jz_credit(out / "19_晋中市物业服务企业信用评价.xlsx"),
            self.write_credit_actions(out / "20_物业服务企业信用评价结果运用台账.xlsx"),
            self.write_committee_party(out / "21_红色业委会（物管会）建设情况统计表.xlsx"),
            self.write_company_party(out / "22_物业服务企业党建工作情况.csv"),
        ]

    def write_companies(self, path: Path) -> Path:
        header = ["序号", "企业名称", "统一社会信用代码", "注册地", "状态", "退出日期", "物业超市"]
        groups = (("晋中市", "1407"), ("晋城市", "1405"), ("孝义市、阳曲县", "1411", "1401"))
        tables = []
        for sheet, *prefixes in groups:
            companies = [co for co in self.companies if co.unit.code[:4] in prefixes]
            rows = [
                [
                    i,
                    co.name,
                    co.code,
                    co.unit.name,
                    co.status,
                    co.exited_on,
                    None if co.in_market is None else ("是" if co.in_market else "否"),
                ]
                for i, co in enumerate(companies, start=1)
            ]
            tables.append(
                Table(
                    header,
                    rows,
                    title=f"{sheet}物业服务企业名录",
                    sheet=sheet,
                    subtitle="填报单位：住房和城乡建设局（物业管理科）    填报日期：2025年11月30日",
                    notes=["注：状态分为在营、已清退、注销；物业超市一栏仅孝义市填写。"],
                    widths={1: 36, 2: 22, 3: 12},
                )
            )
        return write_xlsx(path, tables)

    def write_jz_communities(self, path: Path) -> Path:
        header = [
            "序号",
            "小区编号",
            "小区名称",
            "县(区、市)",
            "乡镇(街道)",
            "总户数",
            "入住率",
            "管理方式",
            "物业企业名称",
            "物业企业统一社会信用代码",
            "物业服务起始日期",
            "原管理方式",
            "业委会(物管会)",
            "组建日期",
            "收费标准（元/㎡·月）",
        ]
        rows = []
        for i, c in enumerate(self.jz_communities, start=1):
            rows.append(
                [
                    i,
                    c.id,
                    c.name,
                    c.unit.name,
                    c.street,
                    c.households,
                    f"{round(c.occupancy * 100)}%",
                    c.management,
                    c.company.name if c.company else None,
                    c.company.code if c.company else None,
                    c.managed_since,
                    c.previous,
                    c.committee,
                    c.committee_formed_on,
                    c.fee,
                ]
            )
        total = ["合计", f"{len(rows)}个小区", None, None, None, sum(c.households for c in self.jz_communities)]
        table = Table(
            header,
            rows,
            title="晋中市住宅小区基础信息台账",
            subtitle="填报单位：晋中市住房和城乡建设局    填报日期：2025年6月3日",
            total=total,
            notes=[
                "注：管理方式按专业物业企业、社区(村)托管、单位自管、业主自管、政府兜底(国企兜底)、无物业填写。",
                "说明：“物业服务起始日期”为现管理方式开始之日，2024年由无物业转为有物业服务的小区填写原管理方式。",
                "填表人：王某某    审核人：李某某    联系电话：0354-3000000",
            ],
            widths={2: 18, 8: 34, 9: 22},
        )
        return write_xlsx(path, [table])

    def write_communities_csv(self, path: Path, units: Sequence[Unit], encoding: str) -> Path:
        header = [
            "小区编号",
            "小区名称",
            "县区",
            "街道",
            "户数",
            "入住率",
            "物业管理模式",
            "统一社会信用代码",
            "业主组织",
            "组建日期",
            "收费标准(元/㎡·月)",
        ]
        codes = {u.code for u in units}
        rows = [
            [
                c.id,
                c.name,
                c.unit.name,
                c.street,
                c.households,
                f"{c.occupancy:.2f}",
                c.management,
                c.company.code if c.company else "",
                c.committee,
                c.committee_formed_on.isoformat() if c.committee_formed_on else "",
                c.fee if c.fee else "",
            ]
            for c in self.communities
            if c.unit.code in codes
        ]
        return write_csv(path, Table(header, rows), encoding)

    def write_yq_communities(self, path: Path) -> Path:
        header = [
            "小区编号",
            "小区名称",
            "县区",
            "乡镇(街道)",
            "户数",
            "管理方式",
            "物业企业名称",
            "物业企业统一社会信用代码",
            "物业服务起始日期",
            "原管理方式",
            "业委会(物管会)",
            "组建日期",
            "收费标准（元/月·户）",
        ]
        rows = [
            [
                c.id,
                c.name,
                c.unit.name,
                c.street,
                c.households,
                c.management,
                c.company.name if c.company else None,
                c.company.code if c.company else None,
                c.managed_since,
                c.previous,
                c.committee,
                c.committee_formed_on,
                c.fee,
            ]
            for c in self.yq_communities
        ]
        return write_xlsx(path, [Table(header, rows, sheet="阳曲县")])

    def write_lists(self, path: Path) -> Path:
        header = ["发布日期", "榜单", "企业名称", "统一社会信用代码", "县区", "事由"]
        rows = [[d.isoformat(), kind, co.name, co.code, co.unit.name, reason] for co, d, kind, reason in self.lists]
        return write_csv(path, Table(header, rows), "utf-8-sig")

    def write_sweeps(self, path: Path) -> Path:
        header = ["序号", *SWEEP_HEADER]
        rows = [[i, *sweep_cells(k, k.status, k.closed)] for i, k in enumerate(self.sweeps, start=1)]
        total = [
            "合计",
            f"共{len(rows)}条",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            f"已整改{sum(1 for k in self.sweeps if k.closed)}条",
        ]
        table = Table(
            header,
            rows,
            title="晋中市物业服务问题整改台账",
            subtitle="填报单位：晋中市物业服务管理专项整治工作专班    填报日期：2025年11月30日",
            total=total,
            notes=["注：整改时限为整改期限届满之日；整改状态为已整改的须填写整改完成日期。"],
            widths={10: 48},
        )
        return write_xlsx(path, [table])

    def write_complaints(self, path: Path) -> Path:
        """The 12345 platform's export: GB18030, dates with times, deadlines as dates."""
        header = [
            "工单号",
            "来源",
            "县区",
            "街道",
            "小区编号",
            "统一社会信用代码",
            "问题类别",
            "问题内容",
            "受理日期",
            "办理时限",
            "层级",
            "办理状态",
            "办结日期",
            "来电号码",
            *HOTLINE_HEADER["platform"],
        ]
        rng = random.Random(SEED + 8)
        rows = []
        for k in self.complaints:
            t = f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
            rows.append(
                [
                    k.id,
                    k.source,
                    k.unit.name,
                    k.community.street if k.community else "",
                    k.community_id or "",
                    k.company.code if k.company else "",
                    k.category,
                    k.description,
                    f"{slash_date(k.received)} {t}",
                    slash_date(k.deadline),
                    k.level,
                    k.status,
                    slash_date(k.closed) if k.closed else "",
                    k.phone,
                    *hotline_cells(k, slash_date),
                ]
            )
        return write_csv(path, Table(header, rows), "gb18030")

    def write_leads(self, path: Path) -> Path:
        header = [
            "线索编号",
            "线索来源",
            "县(区、市)",
            "乡镇(街道)",
            "小区编号",
            "物业企业统一社会信用代码",
            "问题类别",
            "主要问题",
            "受理日期",
            "办理时限",
            "当前层级",
            "状态",
            "办结日期",
            "联系电话",
            *HOTLINE_HEADER["ledger"],
        ]
        rows = [
            [
                k.id,
                k.source,
                k.unit.name,
                k.community.street if k.community else "",
                k.community_id or "",
                k.company.code if k.company else "",
                k.category,
                k.description,
                cn_date(k.received),
                "" if k.id in self.no_deadline else cn_date(k.deadline),
                k.level,
                k.status,
                cn_date(k.closed) if k.closed else "",
                k.phone or "",
                *hotline_cells(k, cn_date),
            ]
            for k in self.leads
        ]
        return write_csv(path, Table(header, rows), "utf-8-sig")
