"""The demo's master data: communities, companies and their lists, per city."""

from __future__ import annotations

import datetime as dt

from etl.demo.figures import (
    JC_MANAGEMENT,
    JINCHENG,
    JINZHONG,
    JZ_NO_SERVICE_AT_START,
    XIAOYI,
    XY_COMPANIES,
    XY_MARKET,
    YANGQU,
    YQ_COMMITTEES,
    YQ_MANAGEMENT,
)
from etl.demo.helpers import split_total, workday_on_or_before
from etl.demo.model import Community, Company


class MasterData:
    """Methods of DemoWorld (etl/demo/world.py)."""

    def gen_jinzhong_master(self) -> None:
        rng = self.rng
        self.jz_companies: dict[str, list[Company]] = {}
        self.jz_backstop: dict[str, Company] = {}
        for unit in JINZHONG:
            n = max(6, round(unit.communities / 4.2))
            self.jz_companies[unit.name] = [self.new_company(unit) for _ in range(n)]
            self.jz_backstop[unit.name] = self.new_company(
                unit,
                f"{self.city_of(unit) if unit.short == '开发区' else unit.short}城发物业服务有限公司",
                state_owned=True,
            )
        # companies already gone: cleared out (已清退) or deregistered (注销) in the campaign
        self.jz_gone = []
        for unit in JINZHONG[:8]:
            for status in ("已清退", "注销"):
                gone = self.new_company(
                    unit, status=status, exited_on=dt.date(2024, 3, 1) + dt.timedelta(days=rng.randint(0, 540))
                )
                self.jz_gone.append(gone)
        # 911 communities without property service at 2024-01-01, all covered during 2024
        shares = split_total(
            rng, JZ_NO_SERVICE_AT_START, len(JINZHONG), minimum=0, weights=[u.communities for u in JINZHONG]
        )
        self.jz_communities: list[Community] = []
        for unit, no_service in zip(JINZHONG, shares, strict=False):
            rest = unit.communities - no_service
            before = rng.choices(["专业物业企业", "社区(村)托管", "单位自管", "业主自管"], [74, 9, 11, 6], k=rest)
            after = rng.choices(
                ["政府兜底(国企兜底)", "社区(村)托管", "专业物业企业", "业主自管"], [35, 33, 25, 7], k=no_service
            )
            fixed = (
                ("太铁花园", "首创国际学园", "嘉和园", "良辰和山名邸", "新晋世家", "宜佳名都")
                if unit.code == "140702"
                else ()
            )
            communities = self.add_communities(unit, before + after, fixed)
            self.assign_companies(communities, self.jz_companies[unit.name])
            for c in communities[rest:]:
                c.previous = "无物业"
                c.managed_since = dt.date(2024, 1, 2) + dt.timedelta(days=rng.randint(0, 364))
                c.built = min(c.built, 2004)
                if c.management == "政府兜底(国企兜底)":
                    c.company = self.jz_backstop[unit.name]
            for c in communities[:rest]:
                if c.company and rng.random() < 0.3:  # the date the current company took over
                    c.managed_since = dt.date(max(c.built, 2008), 1, 1) + dt.timedelta(days=rng.randint(0, 5000))
                    c.managed_since = min(c.managed_since, dt.date(2023, 12, 31))
                    c.previous = "专业物业企业" if rng.random() < 0.7 else None
            self.committees(communities)
            for c in communities:
                if c.company:
                    c.fee = round(rng.uniform(0.35, 1.8), 2)
            self.jz_communities.extend(communities)
        # 太铁花园 (榆次) is an old railway estate with lifts: it keeps a professional company
        taitie = self.community("太铁花园")
        taitie.households, taitie.management, taitie.previous, taitie.managed_since = 1260, "专业物业企业", None, None
        taitie.company = self.jz_companies["榆次区"][0]
        taitie.built = 2009

    def community(self, name: str, unit_code: str = "140702") -> Community:
        return next(c for c in self.communities if c.name == name and c.unit.code == unit_code)

    def gen_jincheng_master(self) -> None:
        rng = self.rng
        self.jc_companies: list[Company] = []
        for unit in JINCHENG:
            n = round(unit.communities / 6.0)
            self.jc_companies.extend(self.new_company(unit) for _ in range(n))
        managements = [m for m, n in JC_MANAGEMENT.items() for _ in range(n)]
        rng.shuffle(managements)
        start = 0
        for unit in JINCHENG:
            chunk = managements[start : start + unit.communities]
            start += unit.communities
            communities = self.add_communities(unit, chunk)
            local = [c for c in self.jc_companies if c.unit is unit]
            self.assign_companies(communities, local + [c for c in self.jc_companies if c.unit is not unit][:3])
            self.committees(communities)
            for c in communities:
                if c.company:
                    c.fee = round(rng.uniform(0.4, 1.6), 2)

    def gen_xiaoyi_master(self) -> None:
        rng = self.rng
        market = [
            "孝义市留义物业服务有限公司",
            "孝义市嘉顺物业管理有限公司",
            "孝义市金龙物业服务有限公司",
            "山西胜溪湖物业服务有限公司",
            "孝义市德润物业服务有限公司",
            "孝义市安居物业管理有限公司",
        ]
        self.xy_companies = [self.new_company(XIAOYI, name, in_market=True) for name in market]
        self.xy_companies += [self.new_company(XIAOYI, in_market=False) for _ in range(XY_COMPANIES - XY_MARKET)]
        managements = rng.choices(
            ["专业物业企业", "社区(村)托管", "单位自管", "业主自管"], [62, 18, 12, 8], k=XIAOYI.communities
        )
        communities = self.add_communities(XIAOYI, managements)
        order = self.xy_companies[:]
        rng.shuffle(order)
        self.assign_companies(communities, order)
        neighbourhoods = (
            "府前社区",
            "建设社区",
            "振兴社区",
            "新义社区",
            "胜溪社区",
            "崇文社区",
            "中阳社区",
            "金龙社区",
            "乐安社区",
            "东许社区",
            "城西社区",
            "北关社区",
        )
        for c in communities:
            c.neighbourhood = rng.choice(neighbourhoods)
        self.committees(communities)
        self.xy_communities = communities

    def gen_yangqu_master(self) -> None:
        rng = self.rng
        quanchang = self.new_company(YANGQU, "阳曲县全昌物业管理有限公司", state_owned=True)
        others = [self.new_company(YANGQU) for _ in range(8)]
        managements = [m for m, n in YQ_MANAGEMENT.items() for _ in range(n)]
        rng.shuffle(managements)
        communities = self.add_communities(
            YANGQU, managements, ("工行宿舍", "阳兴小区", "供储宿舍", "丽阳小区", "药材宿舍", "城市假日")
        )
        self.assign_companies(communities, others)
        for c in communities:
            if c.management == "政府兜底(国企兜底)":
                c.company = quanchang
                c.previous = "无物业"
                c.managed_since = dt.date(2023, 5, 8) + dt.timedelta(days=rng.randint(0, 120))
                c.fee = 20.0  # 元/月·户 for old estates, written in the note
        self.committees(communities, YQ_COMMITTEES)
        self.yq_communities = communities

    # ------------------------------------------------------------ red and black lists

    def gen_company_lists(self) -> None:
        """Monthly 红榜/黑榜 in 晋中; two companies get three 黑榜 entries within twelve months."""
        rng = self.rng
        served: dict[str, list[Community]] = {}
        for c in self.jz_communities:
            if c.company and not c.company.state_owned:
                served.setdefault(c.company.code, []).append(c)
        serving = sorted((cs[0].company for cs in served.values()), key=lambda co: co.code)
        # repeat offenders: small companies whose communities had service before 2024
        small = [
            co
            for co in serving
            if len(served[co.code]) <= 2 and all(c.previous is None and c.name != "太铁花园" for c in served[co.code])
        ]
        repeat_x, repeat_y = small[0], small[1]
        repeat = {
            repeat_x.code: ("2024-05-10", "2024-09-10", "2025-02-10"),
            repeat_y.code: ("2024-11-08", "2025-03-10", "2025-08-11"),
        }
        black_reasons = (
            "物业服务不履约不到位，群众投诉集中",
            "违规收取装修保证金拒不退还",
            "擅自提高收费标准",
            "公共收益未公示",
            "整改期限内未完成整改",
            "消防安全隐患整改不力",
        )
        red_reasons = (
            "服务规范、群众满意度高",
            "主动退还违规收费",
            "星级评价五星",
            "应急抢险表现突出",
            "老旧小区接管服务成效明显",
        )
        self.lists: list[tuple] = []  # (company, date, list, reason)
        blacks_so_far: dict[str, int] = {}
        others = [co for co in serving if co.code not in repeat]
        month = dt.date(2024, 4, 1)
        while month <= dt.date(2025, 10, 1):
            day = workday_on_or_before(month.replace(day=10), month)
            reds = rng.sample(others, 5)
            for co in reds:
                self.lists.append((co, day, "红榜", rng.choice(red_reasons)))
            fixed = [
                (co, dt.date.fromisoformat(d))
                for co in (repeat_x, repeat_y)
                for d in repeat[co.code]
                if dt.date.fromisoformat(d).replace(day=1) == month
            ]
            pool = [co for co in others if blacks_so_far.get(co.code, 0) < 2 and co not in reds]
            chosen = [(co, day) for co in rng.sample(pool, 3 - len(fixed))]
            for co, listed in fixed + chosen:
                if co.code not in repeat:
                    blacks_so_far[co.code] = blacks_so_far.get(co.code, 0) + 1
                self.lists.append((co, listed, "黑榜", rng.choice(black_reasons)))
            month = (month + dt.timedelta(days=32)).replace(day=1)
        self.lists.sort(key=lambda r: (r[1], r[2], r[0].code))
        # the first repeat offender was cleared out after review; its communities changed company
        repeat_x.status, repeat_x.exited_on = "已清退", dt.date(2025, 4, 18)
        for c in served[repeat_x.code]:
            successor = next(co for co in self.jz_companies[c.unit.name] if co is not repeat_x)
            c.former_company, c.company = repeat_x, successor
            c.previous, c.managed_since = "专业物业企业", dt.date(2025, 5, 1)
        self.repeat_offenders = (repeat_x, repeat_y)

    # ------------------------------------------------------------ cases
