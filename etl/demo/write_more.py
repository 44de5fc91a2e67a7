"""The demo's ledger files, as clerks write them: 孝义's cases, events, funds and ratings."""

from __future__ import annotations

from pathlib import Path

from etl.demo.figures import XIAOYI
from etl.demo.helpers import Table, wan, write_csv, write_xlsx, yuan, yuan_grouped
from etl.demo.write_party import HOTLINE_HEADER, hotline_cells


class WriteMore:
    """Methods of DemoWorld (etl/demo/world.py)."""

    def write_xiaoyi_cases(self, path: Path) -> Path:
        header = [
            "序号",
            "编号",
            "来源",
            "县区",
            "乡镇(街道)",
            "小区编号",
            "统一社会信用代码",
            "问题类别",
            "问题描述",
            "登记日期",
            "办理时限",
            "办理层级",
            "状态",
            "办结日期",
            "联系电话",
            *HOTLINE_HEADER["ledger"],
        ]
        cases = [k for k in self.cases if k.unit is XIAOYI]
        rows = [
            [
                i,
                k.id,
                k.source,
                k.unit.name,
                k.community.street,
                k.community_id,
                k.company.code if k.company else None,
                k.category,
                k.description,
                k.received,
                f"{k.deadline_days}个工作日" if i % 3 else k.deadline_days,
                k.level,
                k.status,
                k.closed,
                k.phone,
                *hotline_cells(k, lambda d: d),
            ]
            for i, k in enumerate(cases, start=1)
        ]
        table = Table(
            header,
            rows,
            title="孝义市物业纠纷三级调处台账",
            subtitle="填报单位：孝义市物业管理服务中心（投诉处理股）    填报日期：2025年11月30日",
            total=["合计", f"共{len(rows)}件"],
            notes=["注：社区一级调处、乡镇(街道)二级调处、物业管理服务中心三级调处；办理时限按工作日计。"],
        )
        return write_xlsx(path, [table])

    def write_events(self, path: Path) -> Path:
        header = ["编号", "日期", "措施", "移交层级", "承办单位", "备注"]
        rows, seen = [], set()
        for k in self.cases:
            for d, action, to, organ, note in sorted(k.events, key=lambda e: e[0]):
                key = (k.id, d, action)
                if key in seen:
                    continue
                seen.add(key)
                rows.append([k.id, d.isoformat(), action, to or "", organ or "", note or ""])
        return write_csv(path, Table(header, rows), "utf-8-sig")

    def write_refunds(self, path: Path) -> Path:
        header = ["序号", "企业名称", "统一社会信用代码", "县区", "清退类别", "清退金额（元）", "涉及户数", "清退日期"]
        rows = [
            [i, co.name, co.code, unit.name, kind, cents / 100, hh, d]
            for i, (co, unit, kind, cents, hh, d) in enumerate(self.refunds, start=1)
        ]
        total = ["合计", None, None, None, None, sum(r[3] for r in self.refunds) / 100, sum(r[4] for r in self.refunds)]
        table = Table(
            header,
            rows,
            title="晋中市物业服务企业违规收费清退台账",
            subtitle="填报单位：晋中市住房和城乡建设局    填报日期：2025年11月30日",
            total=total,
            notes=["注：清退类别包括装修保证金、水电费、物业费、电梯运行费、卫生费及其他。"],
            widths={1: 36, 2: 22},
        )
        return write_xlsx(path, [table])

    def write_arrears(self, path: Path) -> Path:
        header = [
            "序号",
            "项目编号",
            "项目名称",
            "房地产开发企业",
            "县(区、市)",
            "欠缴金额（万元）",
            "建账日期",
            "追缴措施",
            "处理状态",
            "挂账日期",
            "挂账原因",
        ]
        rows = [
            [
                i,
                a["id"],
                a["project"],
                a["developer"],
                a["unit"].name,
                wan(a["cents"]),
                f"{a['listed']:%Y.%m.%d}",
                a["measure"],
                "挂账处理" if a["status"] == "挂账" and i % 2 else a["status"],
                f"{a['suspended_on']:%Y.%m.%d}" if a.get("suspended_on") else None,
                a.get("suspended_reason"),
            ]
            for i, a in enumerate(self.arrears, start=1)
        ]
        total = [
            "合计",
            None,
            None,
            f"{len({a['developer'] for a in self.arrears})}家",
            "9个县(区、市)",
            wan(sum(a["cents"] for a in self.arrears)),
        ]
        table = Table(
            header,
            rows,
            title="晋中市住宅专项维修资金逾期未追缴清单",
            subtitle="填报单位：晋中市住房和城乡建设局、晋中市审计局    填报日期：2025年5月31日",
            total=total,
            notes=["注：金额单位为万元。"],
            widths={2: 22, 3: 34, 7: 40},
        )
        return write_xlsx(path, [table])

    def write_recoveries(self, path: Path) -> Path:
        header = ["项目编号", "项目名称", "到账日期", "追缴金额", "追缴方式"]
        rows = [
            [a["id"], a["project"], f"{d:%Y%m%d}", yuan_grouped(cents), channel]
            for a, d, cents, channel in self.recoveries
        ]
        return write_csv(path, Table(header, rows), "gb18030")

    def write_ledger(self, path: Path) -> Path:
        header = ["县(区、市)", "年度", "归集金额（万元）", "使用金额（万元）"]
        rows = [[u.name, f"{y}年", wan(c), wan(s)] for u, y, c, s in self.ledger]
        total = ["合计", "2008—2025年", wan(sum(r[2] for r in self.ledger)), wan(sum(r[3] for r in self.ledger))]
        table = Table(
            header,
            rows,
            title="晋中市住宅专项维修资金归集与使用情况（2008—2025年）",
            subtitle="填报单位：晋中市住房和城乡建设局    填报日期：2025年11月30日",
            total=total,
            notes=["注：2025年为截至11月底数据。"],
        )
        return write_xlsx(path, [table])

    def write_usages(self, path: Path) -> Path:
        header = ["申请编号", "小区编号", "小区名称", "县区", "用途", "应急使用", "拨付金额", "申请日期", "审核日期"]
        rows = [
            [
                u["id"],
                u["community_id"],
                u["community"].name,
                u["unit"].name,
                u["purpose"],
                "是" if u["emergency"] else "否",
                yuan(u["cents"]),
                u["applied"].isoformat(),
                u["approved"].isoformat() if u["approved"] else "",
            ]
            for u in self.usages
        ]
        return write_csv(path, Table(header, rows), "utf-8-sig")

    def write_stars(self, path: Path) -> Path:
        header = [
            "序号",
            "小区编号",
            "小区名称",
            "物业企业名称",
            "物业企业统一社会信用代码",
            "县区",
            "评价年度",
            "星级",
            "得分",
        ]
        spell = {
            1: ("★", "一星", "1星"),
            2: ("★★", "二星", "2星"),
            3: ("★★★", "三星", "3星"),
            4: ("★★★★", "四星", "4星"),
            5: ("★★★★★", "五星", "5星"),
        }
        rows = [
            [
                i,
                cid,
                c.name,
                co.name,
                co.code,
                c.unit.short if i % 4 == 0 else c.unit.name,
                f"{year}年度",
                spell[stars][i % 3],
                score,
            ]
            for i, (cid, c, co, year, stars, score) in enumerate(self.stars, start=1)
        ]
        for row, (_, c, *_rest) in zip(rows, self.stars, strict=False):
            if c.unit.short == "开发区":
                row[5] = c.unit.name
        table = Table(
            header,
            rows,
            title="晋中市物业服务项目星级评价结果（2023—2025年度）",
            subtitle="填报单位：晋中市物业管理协会    填报日期：2025年11月30日",
            notes=["注：星级评价按年度开展，分为一至五星。"],
        )
        return write_xlsx(path, [table])

    def write_credit(self, path: Path) -> Path:
        header = [
            "企业名称",
            "统一社会信用代码",
            "评价年度",
            "信用等级",
            "总分",
            "从业资格",
            "经营业绩",
            "社会信誉",
            "市场行为",
        ]
        rows = [
            [co.name, co.code, year, f"{grade}级", f"{score:.1f}", *(f"{d:.1f}" for d in dims)]
            for co, year, grade, score, *dims in self.credit
        ]
        return write_csv(path, Table(header, rows), "gb18030")

    def write_jz_credit(self, path: Path) -> Path:
        header = [
            "序号",
            "企业名称",
            "统一社会信用代码",
            "注册地",
            "评价年度",
            "信用等级",
            "总分",
            "从业资格",
            "经营业绩",
            "社会信誉",
            "市场行为",
        ]
        rows = [
            [i, co.name, co.code, co.unit.name, year, grade, score, *dims]
            for i, (co, year, grade, score, *dims) in enumerate(self.jz_credit, start=1)
        ]
        table = Table(
            header,
            rows,
            title="晋中市物业服务企业信用评价结果",
            subtitle="填报单位：晋中市住房和城乡建设局    填报日期：2025年3月20日",
            notes=["注：按从业资格、经营业绩、社会信誉、市场行为评为 A、B、C、D 四个等级。"],
        )
        return write_xlsx(path, [table])
