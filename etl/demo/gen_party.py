"""The demo's party building (党建引领) and the 12345 platform's record of its 工单 (三率, 回访).

Each from a random generator of its own, after everything else is generated, so that every
published figure generated before stays as it is."""

from __future__ import annotations

import datetime as dt
import random

from etl.demo.figures import SEED, TODAY, UNITS
from etl.demo.model import Community, Company
from vocab.datasets_cases import HOTLINE_SOURCES

YQ_CAMPAIGN_END = dt.date(2022, 9, 4)  # the 阳曲 article (seed 003): 109 红色业委会 by then
JZ_FULL_COVERAGE = dt.date(2024, 12, 20)  # 晋中 (seed 000): party work in every company and committee
# per city: (share of committees named red, share of party members on a committee, red from, red to)
RED_COMMITTEES = {
    "1407": (0.62, 0.52, dt.date(2024, 3, 1), dt.date(2025, 10, 31)),
    "1405": (0.45, 0.55, dt.date(2023, 6, 1), dt.date(2025, 9, 30)),
    "1411": (0.55, 0.50, dt.date(2022, 9, 1), dt.date(2025, 8, 31)),
}
# 12345: calendar days from receipt to 签收 (mostly the same or the next day), and a few counties slower
RESPONSE_DAYS = ((0, 1, 2, 3, 5), (62, 31, 4, 2, 1))
SLOW_UNITS = ("太谷区", "介休市")
VISIT_RESULTS = (("满意", "基本满意", "不满意", "联系不上"), (70, 17, 8, 5))


class PartyAndHotline:
    """Methods of DemoWorld (etl/demo/world.py)."""

    # ------------------------------------------------------------ party building

    def gen_party(self) -> None:
        """红色业委会: 阳曲's 109 committees, all formed and named red in the 2022 campaign (seed 003);
        elsewhere a share of the committees named red since the campaigns began, with their members
        and the party members among them (晋城 asks for at least half: seed 004). Companies: a party
        organisation of their own or a joint one, else an instructor (党建指导员); in 晋中 every company
        in operation has one or the other by the end of 2024 (seed 000); 全昌物业, 阳曲's backstop
        company, is its 红色物业."""
        rng = random.Random(SEED + 20)
        self.committee_party: list[tuple[Community, int, int, bool, dt.date | None]] = []
        for c in sorted(self.communities, key=lambda c: c.id):
            if c.committee == "未组建":
                continue
            members = rng.choice((5, 5, 7, 7, 7, 9, 9, 11))
            if c.unit.code == "140122":
                party = max(3, round(members * rng.uniform(0.55, 0.8)))
                since = min(c.committee_formed_on + dt.timedelta(days=rng.randint(0, 20)), YQ_CAMPAIGN_END)
                self.committee_party.append((c, members, party, True, since))
                continue
            share, lean, first, last = RED_COMMITTEES[c.unit.code[:4]]
            party = min(members, max(0, round(members * rng.gauss(lean, 0.15))))
            red = party * 2 >= members and rng.random() < share / 0.7
            since = None
            if red:
                start = max(first, c.committee_formed_on or first)
                since = start + dt.timedelta(days=rng.randint(0, max(0, (last - start).days)))
            self.committee_party.append((c, members, party, red, since))
        self.company_party: list[tuple[Company, int, str, dt.date | None, bool, dt.date | None]] = []
        for co in sorted(self.companies, key=lambda co: co.code):
            if co.status != "在营" and (co.exited_on is None or co.exited_on < dt.date(2025, 1, 1)):
                continue  # gone before 2025: no party record kept
            self.company_party.append(self._company_party(rng, co))

    def _company_party(self, rng: random.Random, co: Company) -> tuple:
        city = co.unit.code[:4]
        members = max(0, int(rng.lognormvariate(1.3, 0.8)))
        if co.name == "阳曲县全昌物业管理有限公司":
            return (co, 12, "党支部", dt.date(2022, 4, 20), True, dt.date(2022, 6, 1))
        own = members >= 3 and rng.random() < (0.85 if city == "1407" else 0.6)
        joint = not own and rng.random() < (0.6 if city == "1407" else 0.3)
        org = ("党总支" if members >= 30 else "党支部") if own else "联合党支部" if joint else None
        if org is None:
            org = "党建指导员" if city == "1407" or rng.random() < 0.5 else "未建立"
        last = JZ_FULL_COVERAGE if city == "1407" else TODAY
        formed = dt.date(2021, 3, 1) + dt.timedelta(days=rng.randint(0, (last - dt.date(2021, 3, 1)).days))
        formed = formed if org != "未建立" else None
        red = org in ("党总支", "党支部") and rng.random() < 0.3
        red_since = formed + dt.timedelta(days=rng.randint(30, 400)) if red and formed else None
        if red_since and red_since > TODAY:
            red, red_since = False, None
        return (co, members, org, formed, red, red_since)

    # ------------------------------------------------------------ 12345: response and return visits

    def gen_hotline(self) -> None:
        """The platform's record of each 12345 or 投诉举报 工单: answered on the day or the next mostly
        (slower in two counties); a return visit after closing for most, whose result is the 回访 of
        the 督办记录 where the trail has one (a case sent back for redoing was found 不满意)."""
        rng = random.Random(SEED + 21)
        slow = {UNITS[name].code for name in SLOW_UNITS}
        for k in self.cases:
            if k.source not in HOTLINE_SOURCES:
                continue
            if k.status != "待受理":
                days = rng.choices(*RESPONSE_DAYS)[0] + (rng.random() < 0.25 and k.unit.code in slow) * 2
                k.responded = min(k.received + dt.timedelta(days=days), k.closed or TODAY, TODAY)
            visit = next((e for e in sorted(k.events, key=lambda e: e[0]) if e[1] == "回访"), None)
            if visit is not None:
                k.visited = visit[0]
                k.satisfaction = visit[4] if visit[4] in VISIT_RESULTS[0] else "不满意"
            elif k.closed and rng.random() < 0.85:
                day = k.closed + dt.timedelta(days=rng.randint(1, 5))
                if day <= TODAY:
                    k.visited, k.satisfaction = day, rng.choices(*VISIT_RESULTS)[0]
            k.resolved = {
                "满意": "已解决" if rng.random() < 0.97 else "部分解决",
                "基本满意": "已解决" if rng.random() < 0.85 else "部分解决",
                "不满意": "未解决" if rng.random() < 0.6 else "部分解决",
            }.get(k.satisfaction or "")
