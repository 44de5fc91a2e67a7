"""The demo world: its random state, regions, companies, communities and cases; the generation
and the ledgers it writes are its mixins' (etl/demo/gen_*.py, story.py, write_*.py)."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence

from etl.demo.figures import SEED, Unit
from etl.demo.gen_cases import Cases
from etl.demo.gen_credit import CreditActions
from etl.demo.gen_funds import FundsAndRatings
from etl.demo.gen_master import MasterData
from etl.demo.gen_party import PartyAndHotline
from etl.demo.helpers import make_uscc
from etl.demo.model import Case, Community, Company
from etl.demo.names import COMPANY_KINDS, DORMITORIES, PLACE_SUFFIXES, PLACE_WORDS, TRADE_WORDS
from etl.demo.reports import MonthlyReports
from etl.demo.story import Story
from etl.demo.write_master import WriteMaster
from etl.demo.write_more import WriteMore
from etl.demo.write_party import WriteParty


class DemoWorld(
    MasterData,
    Cases,
    FundsAndRatings,
    Story,
    CreditActions,
    PartyAndHotline,
    WriteMaster,
    WriteMore,
    WriteParty,
    MonthlyReports,
):
    """Master data and facts, generated in a fixed order from one random generator."""

    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.companies: list[Company] = []
        self.company_names: set[str] = set()
        self.codes: set[str] = set()
        self.communities: list[Community] = []
        self.cases: list[Case] = []
        self.case_ids: set[str] = set()

    # ------------------------------------------------------------ companies

    def new_code(self, area: str) -> str:
        while True:
            code = make_uscc(self.rng, area)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def new_company(self, unit: Unit, name: str | None = None, **kw) -> Company:
        rng = self.rng
        while name is None or name in self.company_names:
            local = unit.name if unit.short == "开发区" else unit.short
            place = rng.choice(
                ("山西", "山西省", local + ("市" if unit.name.endswith("市") else ""), local, self.city_of(unit))
            )
            name = place + rng.choice(TRADE_WORDS) + rng.choice(COMPANY_KINDS)
        self.company_names.add(name)
        company = Company(self.new_code(unit.code), name, unit, **kw)
        self.companies.append(company)
        return company

    @staticmethod
    def city_of(unit: Unit) -> str:
        return {"1407": "晋中", "1405": "晋城", "1411": "孝义", "1401": "阳曲"}[unit.code[:4]]

    # ------------------------------------------------------------ communities

    def community_names(self, unit: Unit, n: int, fixed: Sequence[str] = ()) -> list[str]:
        rng, names, seen = self.rng, list(fixed), set(fixed)
        while len(names) < n:
            if rng.random() < 0.14:
                name = rng.choice(DORMITORIES)
            else:
                suffix = rng.choice(PLACE_SUFFIXES)
                name = (
                    rng.choice(PLACE_WORDS)
                    + suffix
                    + ("" if suffix.endswith(("小区", "区")) or rng.random() < 0.6 else "小区")
                )
            if name not in seen:
                seen.add(name)
                names.append(name)
        return names[:n]

    def add_communities(self, unit: Unit, managements: list[str], fixed: Sequence[str] = ()) -> list[Community]:
        rng = self.rng
        names = self.community_names(unit, len(managements), fixed)
        out = []
        for i, (name, mt) in enumerate(zip(names, managements, strict=False), start=1):
            dorm = name.endswith(("宿舍", "家属院"))
            households = int(min(3200, max(24, rng.lognormvariate(math.log(90 if dorm else 420), 0.7))))
            community = Community(
                id=f"XQ{unit.code}{i:04d}",
                name=name,
                unit=unit,
                street=rng.choice(unit.streets),
                households=households,
                occupancy=round(min(1.0, max(0.3, rng.gauss(0.86, 0.1))), 2),
                management=mt,
                built=rng.randint(1985, 2003) if dorm else rng.randint(1998, 2022),
            )
            out.append(community)
        self.communities.extend(out)
        return out

    def assign_companies(self, communities: list[Community], companies: list[Company]) -> None:
        """Each community with a company gets one, big companies serving many (Zipf)."""
        weights = [1 / (k + 1) ** 0.8 for k in range(len(companies))]
        for c in communities:
            if c.management == "专业物业企业":
                c.company = self.rng.choices(companies, weights=weights)[0]

    def committees(self, communities: list[Community], formed: int | None = None) -> None:
        """业委会/物管会: every community at least half occupied has one (晋中), or exactly `formed`."""
        rng = self.rng
        if formed is None:
            chosen = [c for c in communities if c.occupancy >= 0.5 or rng.random() < 0.5]
        else:
            chosen = rng.sample(communities, formed)
        ids = {c.id for c in chosen}
        for c in communities:
            if c.id in ids:
                c.committee = "业委会" if c.households >= 300 and rng.random() < 0.6 else "物管会"
                c.committee_formed_on = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randint(0, 1420))
            else:
                c.committee = "未组建"

    # ------------------------------------------------------------ the generation

    def generate(self) -> None:
        self.gen_jinzhong_master()
        self.gen_jincheng_master()
        self.gen_xiaoyi_master()
        self.gen_yangqu_master()
        self.gen_company_lists()
        self.gen_jinzhong_cases()
        self.gen_xiaoyi_cases()
        self.gen_refunds()
        self.gen_arrears()
        self.gen_recoveries()
        self.gen_usages()
        self.gen_ledger()
        self.gen_star_ratings()
        self.gen_credit_ratings()
        self.tell_the_story()
        self.story_credit_actions()
        self.gen_party()
        self.gen_hotline()
