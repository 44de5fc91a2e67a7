"""The demo's cases and their trails (督办记录)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

from etl.demo.figures import (
    CAMPAIGN_TO,
    COMPLAINTS_TO_MAY,
    LEADS_2024,
    SWEEP_2024,
    SWEEP_TO_MAY,
    TODAY,
    XIAOYI,
    Y2024_FROM,
    Y2024_TO,
)
from etl.demo.helpers import fake_mobile, pick_dates
from etl.demo.model import (
    COMPLAINT_CATEGORIES,
    LEAD_CATEGORIES,
    LEAD_SOURCES,
    PROBLEMS,
    SWEEP_CATEGORIES,
    Case,
    Community,
    Company,
)


class Cases:
    """Methods of DemoWorld (etl/demo/world.py)."""

    def new_case_id(self, prefix: str, d: dt.date) -> str:
        while True:
            case_id = f"{prefix}{d:%Y%m%d}{self.rng.randint(0, 9999):04d}"
            if case_id not in self.case_ids:
                self.case_ids.add(case_id)
                return case_id

    def pick_communities(self, pool: list[Community], k: int) -> list[Community]:
        return self.rng.choices(pool, weights=[math.sqrt(c.households) for c in pool], k=k)

    def describe(self, category: str, community: Community | None, source: str) -> str:
        text = self.rng.choice(PROBLEMS[category])
        where = f"{community.name}" if community else "该小区"
        if source in ("投诉举报", "12345", "信访"):
            return f"业主反映：{where}{text}。"
        if source == "排查":
            return f"排查发现：{where}{text}。"
        return f"{source}发现：{where}{text}。"

    def jz_cases(
        self,
        source_of: Callable[[], str],
        categories: dict[str, int],
        n: int,
        start: dt.date,
        end: dt.date,
        month_weight: Callable[[dt.date], float],
        prefix: str,
    ) -> list[Case]:
        rng = self.rng
        received = pick_dates(rng, n, start, end, month_weight)
        communities = self.pick_communities(self.jz_communities, n)
        cats = rng.choices(list(categories), weights=list(categories.values()), k=n)
        out = []
        for r, c, cat in zip(received, communities, cats, strict=False):
            source = source_of()
            if source == "排查":
                level = rng.choices(["县级", "乡镇(街道)"], [6, 4])[0]
                deadline = r + dt.timedelta(days=30)
            elif source in ("督导检查", "审计", "媒体"):
                level = rng.choices(["县级", "市级"], [8, 2])[0]
                deadline = r + dt.timedelta(days=30)
            else:
                level = rng.choices(["乡镇(街道)", "县级", "社区"], [5, 4, 1])[0]
                deadline = r + dt.timedelta(days=21)  # 15 working days
            company = c.former_company if c.former_company and r < c.managed_since else c.company
            case = Case(
                self.new_case_id(prefix, r),
                source,
                cat,
                c,
                c.unit,
                r,
                deadline,
                level,
                company=company,
                community_id=c.id,
                description=self.describe(cat, c, source),
            )
            if source in ("投诉举报", "12345", "信访"):
                case.phone = fake_mobile(rng)
            out.append(case)
        return out

    def close(
        self,
        cases: list[Case],
        median: float,
        by: dt.date | None = None,
        closed_by: int | None = None,
        stuck: float = 0.004,
    ) -> None:
        """Set closed dates: a lognormal duration with a long tail; with `by`, exactly
        `closed_by` of the cases are closed on or before `by`, the rest later or not yet."""
        rng = self.rng

        def duration() -> int:
            if rng.random() < 0.05:
                return int(rng.lognormvariate(math.log(median * 7), 0.6))
            return int(rng.lognormvariate(math.log(median), 0.8))

        late: set[int] = set()
        if by is not None:
            k = len(cases) - closed_by
            order = sorted(range(len(cases)), key=lambda i: (cases[i].received, i), reverse=True)
            recent = order[: max(k * 3, 1)]
            n_recent = round(k * 0.75)
            late.update(rng.sample(recent, n_recent))
            older = [i for i in order if i not in late]
            late.update(rng.sample(older, k - n_recent))
        for i, case in enumerate(cases):
            if by is not None and i in late:
                if rng.random() < 0.55:
                    closed = by + dt.timedelta(days=rng.randint(1, 45))
                    case.closed = closed if closed <= TODAY else None
                continue
            closed = case.received + dt.timedelta(days=duration())
            if by is not None and case.received <= by < closed:
                closed = case.received + dt.timedelta(days=rng.randint(0, (by - case.received).days))
            if by is None and (closed > TODAY or rng.random() < stuck):
                continue
            case.closed = closed
        for case in cases:
            if case.closed:
                case.status = "已整改" if case.source in ("排查", "督导检查") else "已办结"
            else:
                case.status = (
                    "待受理" if (TODAY - case.received).days <= 2 else rng.choices(["办理中", "退回重办"], [85, 15])[0]
                )

    def gen_jinzhong_cases(self) -> None:
        rng = self.rng

        def sweep_season(d: dt.date) -> float:
            if d.year == 2024:
                return (0.2, 0.2, 0.6, 1.5, 1.8, 1.6, 1.2, 1.0, 0.9, 0.8, 0.7, 0.5)[d.month - 1]
            return (0.6, 0.8, 2.2, 2.4, 1.6, 0.9, 0.7, 0.6, 0.5, 0.4, 0.4, 0.4)[d.month - 1]

        def complaint_season(d: dt.date) -> float:
            base = (1.1, 0.8, 0.9, 1.0, 1.0, 1.1, 1.2, 1.2, 1.0, 1.0, 1.3, 1.4)[d.month - 1]
            return base * (1.25 if d >= dt.date(2024, 5, 1) else 1.0)

        def lead_season(d: dt.date) -> float:
            return 0.4 if d < dt.date(2024, 4, 1) else 1.0

        def lead_source() -> str:
            return rng.choices(list(LEAD_SOURCES), weights=list(LEAD_SOURCES.values()))[0]

        def sweep() -> str:
            return "排查"

        def complaint() -> str:
            return "投诉举报"

        day_after = Y2024_TO + dt.timedelta(days=1)
        # 排查: 511 in 2024, all rectified by 2024-12-29; 3,276 more to 2025-05-31, 3,258 rectified by then
        a = self.jz_cases(sweep, SWEEP_CATEGORIES, SWEEP_2024[0], Y2024_FROM, Y2024_TO, sweep_season, "PC")
        self.close(a, 12, Y2024_TO, SWEEP_2024[1])
        b = self.jz_cases(
            sweep, SWEEP_CATEGORIES, SWEEP_TO_MAY[0] - SWEEP_2024[0], day_after, CAMPAIGN_TO, sweep_season, "PC"
        )
        self.close(b, 12, CAMPAIGN_TO, SWEEP_TO_MAY[1] - SWEEP_2024[1])
        c = self.jz_cases(sweep, SWEEP_CATEGORIES, 620, CAMPAIGN_TO + dt.timedelta(days=1), TODAY, sweep_season, "PC")
        self.close(c, 12)
        self.sweeps = a + b + c
        # 线索: 738 in 2024, 733 rectified by 2024-12-29
        a = self.jz_cases(lead_source, LEAD_CATEGORIES, LEADS_2024[0], Y2024_FROM, Y2024_TO, lead_season, "XS")
        self.close(a, 10, Y2024_TO, LEADS_2024[1])
        b = self.jz_cases(lead_source, LEAD_CATEGORIES, 560, day_after, TODAY, lead_season, "XS")
        self.close(b, 10)
        self.leads = a + b
        # 投诉举报: 9,309 to 2025-05-31, 9,038 closed by then
        a = self.jz_cases(
            complaint, COMPLAINT_CATEGORIES, COMPLAINTS_TO_MAY[0], Y2024_FROM, CAMPAIGN_TO, complaint_season, "TS"
        )
        self.close(a, 6, CAMPAIGN_TO, COMPLAINTS_TO_MAY[1])
        b = self.jz_cases(
            complaint, COMPLAINT_CATEGORIES, 2900, CAMPAIGN_TO + dt.timedelta(days=1), TODAY, complaint_season, "TS"
        )
        self.close(b, 6)
        self.complaints = a + b
        jz = self.sweeps + self.leads + self.complaints
        # a few cases name a community or company the master files do not know (shown as 未匹配)
        for case, n in zip(rng.sample(self.complaints, 4), range(4), strict=False):
            case.community_id = f"XQ{case.unit.code}{9901 + n:04d}"
            case.description = case.description.replace(case.community.name, "新建安置小区")
        for case in rng.sample(self.leads, 2):
            case.company = Company(self.new_code(case.unit.code), "未备案物业企业", case.unit)
        for case in jz:
            self.escalate(case)
        self.special_trails(jz)
        self.cases.extend(jz)

    def organs(self, case: Case) -> dict[str, str]:
        unit, c = case.unit, case.community
        county = "晋中开发区管委会规划建设局" if unit.short == "开发区" else f"{unit.name}住房和城乡建设局"
        street = c.street if c else unit.streets[0]
        street = street + (
            "办事处" if street.endswith("街道") else "人民政府" if street.endswith(("镇", "乡")) else "管理办公室"
        )
        return {
            "县级": county,
            "乡镇(街道)": street,
            "市级": "晋中市住房和城乡建设局",
            "社区": (c.neighbourhood or c.street + c.name[:2] + "社区") + "居委会" if c else "社区居委会",
        }

    def escalate(self, case: Case) -> None:
        """The 督办 trail: 转办 on receipt, 提醒函/督办函/约谈/上交/通报 as a case runs late, 回访 after."""
        rng, org = self.rng, self.organs(case)
        ev = case.events
        end = case.closed or TODAY
        if case.source != "排查" or rng.random() < 0.4:
            if case.source in ("督导检查", "审计", "媒体"):
                ev.append((case.received, "转办", "县级", org["县级"], "市级专班交办，限期整改"))
                case.level = "县级" if case.level == "市级" else case.level
            else:
                to = case.level if case.level != "市级" else "县级"
                ev.append((case.received, "转办", to, org[to], None))
        over = (end - case.deadline).days
        steps = [
            (2, "提醒函", "县级", "逾期未办结，发提醒函"),
            (17, "督办函", "县级", "向属地政府下发督办函"),
            (35, "约谈", "县级", "约谈物业企业负责人及属地住建部门"),
            (60, "上交", "市级", "县级未能办结，上交市级工作专班"),
            (85, "通报", "市级", "全市通报"),
        ]
        for offset, action, to, note in steps:
            day = case.deadline + dt.timedelta(days=offset + rng.randint(0, 3))
            if over > offset + 3 and day <= end and day > case.received:
                ev.append((day, action, to, org[to], note))
                if action == "上交" and not case.closed:
                    case.level = "市级"
        if case.status == "退回重办":
            day = max((e[0] for e in ev), default=case.received) + dt.timedelta(days=rng.randint(1, 10))
            if day <= TODAY:
                ev.append((day, "回访", None, org["县级"], "回访不满意，退回重办"))
        if case.closed:
            p = 0.55 if case.source in ("投诉举报", "12345", "信访") else 0.3
            day = case.closed + dt.timedelta(days=rng.randint(1, 5))
            if day <= TODAY and rng.random() < p:
                ev.append((day, "回访", None, org["县级"], rng.choice(("满意", "满意", "基本满意", "不满意"))))

    def special_trails(self, cases: list[Case]) -> None:
        """A few trails go all the way: referral to 城管, 纪检 or 公安, and what followed."""
        rng = self.rng
        money = [
            c
            for c in cases
            if c.category in ("违规收费", "装修保证金", "公共收益", "不履约")
            and ((c.closed or TODAY) - c.received).days > 120
            and c.unit.code[:4] == "1407"
        ]
        money.sort(key=lambda c: c.id)
        chosen = rng.sample(money, min(9, len(money)))
        endings = [
            ("移送城管", "立案", "{county}城市管理局（综合行政执法局）", "城管部门立案，拟作出行政处罚"),
            ("移送纪检", "问责", "晋中市纪委监委驻市住建局纪检监察组", "对监管不力的相关人员问责"),
            ("移送公安", "立案", "晋中市公安局{short}分局", "涉嫌挪用，公安机关立案侦查"),
        ]
        for n, case in enumerate(chosen):
            refer, after, organ, note = endings[n % 3]
            organ = organ.format(
                county=case.unit.name if case.unit.short != "开发区" else "晋中开发区", short=case.unit.short
            )
            last = max(e[0] for e in case.events) if case.events else case.received
            end = case.closed or TODAY
            if (end - last).days < 12:
                continue
            d1 = last + dt.timedelta(days=rng.randint(3, max(3, (end - last).days // 3)))
            d2 = d1 + dt.timedelta(days=rng.randint(2, max(2, (end - d1).days // 2)))
            if d2 > end:
                continue
            if not any(e[1] == "通报" for e in case.events):
                d0 = d1 - dt.timedelta(days=1)
                if d0 > last:
                    case.events.append((d0, "通报", "市级", "晋中市住房和城乡建设局", "全市通报，限期整改"))
            case.events.append((d1, refer, None, organ, f"{case.category}问题线索{refer}"))
            case.events.append((d2, after, None, organ, note))
            if not case.closed:
                case.level = "市级"

    def gen_xiaoyi_cases(self) -> None:
        """孝义: 社区 → 乡镇(街道) → 市物业管理服务中心, three levels of dispute handling."""
        rng = self.rng
        n = 380
        received = pick_dates(rng, n, dt.date(2024, 1, 2), TODAY)
        communities = self.pick_communities(self.xy_communities, n)
        for r, c in zip(received, communities, strict=False):
            source = rng.choices(["投诉举报", "12345", "信访"], [60, 30, 10])[0]
            cat = rng.choices(list(COMPLAINT_CATEGORIES), weights=list(COMPLAINT_CATEGORIES.values()))[0]
            days = rng.choice((10, 15, 15, 20))
            case = Case(
                self.new_case_id("XY", r),
                source,
                cat,
                c,
                XIAOYI,
                r,
                r + dt.timedelta(days=days * 7 // 5),
                "社区",
                company=c.company,
                community_id=c.id,
                description=self.describe(cat, c, source),
                phone=fake_mobile(rng),
                deadline_days=days,
            )
            org = self.organs(case)
            org["县级"] = "孝义市物业管理服务中心"
            case.events.append((r, "转办", "社区", org["社区"], "物业服务大厅登记，分类转办社区一级调处"))
            day = r
            levels = rng.choices([1, 2, 3], [55, 30, 15])[0]
            for level, to in ((2, "乡镇(街道)"), (3, "县级")):
                if levels >= level:
                    day = day + dt.timedelta(days=rng.randint(3, 8))
                    if day > TODAY:
                        break
                    note = (
                        "社区无法调处，划转乡镇(街道)二级调处"
                        if to == "乡镇(街道)"
                        else "乡镇(街道)无法调处，由物业管理服务中心三级调处，牵头职能部门协商办理"
                    )
                    case.events.append((day, "上交", to, org[to], note))
                    case.level = to
            closed = day + dt.timedelta(days=int(rng.lognormvariate(math.log(5), 0.7)))
            if closed <= TODAY:
                case.closed, case.status = closed, "已办结"
                if closed + dt.timedelta(days=2) <= TODAY and rng.random() < 0.5:
                    case.events.append((closed + dt.timedelta(days=2), "回访", None, org[case.level], "满意"))
            else:
                case.status = "办理中"
            self.cases.append(case)

    # ------------------------------------------------------------ refunds
