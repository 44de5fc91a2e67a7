"""The demo's ledger of credit actions (信用评价结果运用台账): what 晋城 and 晋中 did about each
grade, and about the companies black-listed three times in twelve months, as their clerks keep it."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from etl.demo.figures import SEED, TODAY
from etl.demo.helpers import Table, cn_date, slash_date, write_xlsx

# What each city's rules asked of a grade, by rating year (data/credit_rules.csv says the same:
# 晋城 from 2023, 晋中 from its 2024 campaign). B triggers nothing.
ASKED = {
    ("1405", 2023): {"A": ("表彰",), "C": ("重点监管",), "D": ("约谈",)},
    ("1405", 2024): {"A": ("表彰", "招投标加分"), "C": ("重点监管",), "D": ("约谈", "限制招投标")},
    ("1407", 2024): {"A": ("表彰", "招投标加分"), "C": ("重点监管",), "D": ("约谈", "限制招投标")},
}
# How clerks write an action and a status (the contract's aliases; vocab/datasets_ratings.py)
SPELLINGS = {
    "表彰": ("表彰", "通报表彰"),
    "招投标加分": ("招投标加分", "投标加分"),
    "重点监管": ("重点监管", "列入重点监管", "强化监督检查"),
    "约谈": ("约谈", "约谈负责人"),
    "限制招投标": ("限制招投标", "限制投标"),
    "退出评估": ("退出评估", "启动退出评估"),
}
DONE_SPELLINGS = ("已落实", "已落实", "已完成")
RESULTS = {
    "表彰": "在全市物业管理工作会上通报表彰",
    "招投标加分": "纳入招投标评分细则，信用分加 2 分",
    "重点监管": "列入重点监管名单，季度检查",
    "约谈": "约谈企业负责人，责令限期整改",
    "限制招投标": "一年内限制参与政府投资项目物业招投标",
}


class CreditActions:
    """Methods of DemoWorld (etl/demo/world.py)."""

    def story_credit_actions(self) -> None:
        """Most actions the rules asked for were carried out within months of the grades being
        published; some of 2024's are still under way, a few were not carried out, and a few
        never reached the ledger. 晋中's two repeat 黑榜 offenders each reached three listings
        in twelve months: the first was reviewed and cleared out (2025-04-18), the second's
        review is still open."""
        rng = random.Random(SEED + 20)
        self.credit_actions: list[tuple] = []  # (company, year, action, decided_on, status, result, document)
        for rows in (self.credit, self.jz_credit):
            for co, year, grade, *_ in rows:
                for action in ASKED.get((co.unit.code[:4], year), {}).get(grade, ()):
                    self._credit_action(rng, co, year, action)
        for co, third in self._exit_reviews():
            done = co.status == "已清退"
            self.credit_actions.append(
                (
                    co,
                    third.year,
                    "退出评估",
                    third + dt.timedelta(days=10),
                    "已落实" if done else "落实中",
                    f"经评估由业主大会解聘，{co.exited_on} 已清退" if done else "业主大会表决程序进行中",
                    f"市建房函〔{third.year}〕{rng.randint(10, 99)}号",
                )
            )
        self.credit_actions.sort(key=lambda r: (r[0].unit.code[:4], r[1], r[0].code, r[2]))

    def _credit_action(self, rng: random.Random, co, year: int, action: str) -> None:
        roll = rng.random()
        if roll < (0.03 if year == 2023 else 0.04):
            return  # never reached the ledger: 未登记
        decided = dt.date(year + 1, 4, 1) + dt.timedelta(days=rng.randint(0, 75))
        if year == 2024 and roll < 0.16:
            status, result = "落实中", "正在办理"
        elif roll < 0.07:
            status, result = "未落实", "企业经营异常，未能落实"
        else:
            status, result = rng.choice(DONE_SPELLINGS), RESULTS[action]
        city = "晋市建房" if co.unit.code.startswith("1405") else "市建房字"
        self.credit_actions.append(
            (co, year, action, min(decided, TODAY), status, result, f"{city}〔{year + 1}〕{rng.randint(10, 99)}号")
        )

    def _exit_reviews(self) -> list[tuple]:
        """(company, the listing that made three in twelve months) for each repeat offender."""
        out = []
        for co in self.repeat_offenders:
            days = sorted(d for c, d, kind, _ in self.lists if c is co and kind == "黑榜")
            third = next(d for i, d in enumerate(days) if i >= 2 and (d - days[i - 2]).days < 365)
            out.append((co, third))
        return out

    def write_credit_actions(self, path: Path) -> Path:
        header = [
            "序号",
            "企业名称",
            "统一社会信用代码",
            "评价年度",
            "措施",
            "实施日期",
            "落实情况",
            "处理结果",
            "文号",
        ]
        tables = []
        for sheet, prefix in (("晋城市", "1405"), ("晋中市", "1407")):
            rows = [
                [
                    i,
                    co.name,
                    co.code,
                    f"{year}年度" if i % 5 == 0 else year,
                    SPELLINGS[action][i % len(SPELLINGS[action])],
                    cn_date(day) if i % 3 == 0 else slash_date(day),
                    status,
                    result,
                    document,
                ]
                for i, (co, year, action, day, status, result, document) in enumerate(
                    (r for r in self.credit_actions if r[0].unit.code.startswith(prefix)), start=1
                )
            ]
            tables.append(
                Table(
                    header,
                    rows,
                    title=f"{sheet}物业服务企业信用评价结果运用台账",
                    subtitle="填报单位：住房和城乡建设局（物业管理科）    填报日期：2025年11月30日",
                    notes=["注：落实情况填写已落实、落实中或未落实；退出评估依据 12 个月内三次上黑榜。"],
                    sheet=sheet,
                    widths={1: 36, 2: 22, 7: 30, 8: 22},
                )
            )
        return write_xlsx(path, tables)
