"""The demo's refunds, fund arrears, recoveries, usages and ledger; star and credit ratings."""

from __future__ import annotations

import datetime as dt
import math

from etl.demo.figures import (
    ARREARS_CENTS,
    ARREARS_PROJECTS,
    CAMPAIGN_TO,
    DEPOSIT_REFUND_CENTS,
    DEPOSIT_REFUND_COMPANIES,
    FUND_COLLECTED_CENTS,
    FUND_USED_CENTS,
    JC_CREDIT,
    JINZHONG,
    JZ_STAR_RATED_2024,
    OTHER_REFUND_CENTS,
    OTHER_REFUND_COMPANIES,
    RECOVERIES_BY_MONTH,
    REFUND_CUMULATIVE_CENTS,
    REFUND_HOUSEHOLDS_2024,
    REFUND_HOUSEHOLDS_CUMULATIVE,
    TODAY,
    UNITS,
    Y2024_TO,
)
from etl.demo.helpers import pick_dates, split_total, workday_on_or_before
from etl.demo.model import Company
from etl.demo.names import TRADE_WORDS


class FundsAndRatings:
    """Methods of DemoWorld (etl/demo/world.py)."""

    def gen_refunds(self) -> None:
        rng = self.rng
        self.refunds: list[tuple] = []  # (company, unit, kind, cents, households, date)
        yuci = [u for u in JINZHONG if u.code in ("140702", "140702401")]
        pool = [co for u in yuci for co in self.jz_companies[u.name]]
        pool.sort(key=lambda co: co.code)
        deposit = rng.sample(pool, DEPOSIT_REFUND_COMPANIES)
        households_2024 = split_total(rng, REFUND_HOUSEHOLDS_2024, 2, weights=[29866, 10836])
        rows = []
        for co in deposit:
            for _ in range(rng.choice((1, 1, 2, 3))):
                rows.append((co, co.unit, "装修保证金"))
        self._refund_rows(rows, DEPOSIT_REFUND_CENTS, households_2024[0], dt.date(2024, 4, 15), Y2024_TO)
        rows = []
        taken = {co.code for co in deposit}
        for name, k in OTHER_REFUND_COMPANIES.items():
            unit = UNITS[name]
            local = sorted([co for co in self.jz_companies[name] if co.code not in taken], key=lambda co: co.code)
            for co in rng.sample(local, k):
                for kind in rng.sample(["水电费", "物业费", "电梯运行费", "卫生费"], rng.choice((1, 1, 2))):
                    rows.append((co, unit, kind))
        self._refund_rows(rows, OTHER_REFUND_CENTS, households_2024[1], dt.date(2024, 5, 6), Y2024_TO)
        # 2025 to the end of May: the cumulative total reaches 1.07 亿元 and 67,700 households
        cents_2025 = REFUND_CUMULATIVE_CENTS - DEPOSIT_REFUND_CENTS - OTHER_REFUND_CENTS
        rows = []
        for _ in range(88):
            unit = rng.choices(JINZHONG, weights=[u.communities for u in JINZHONG])[0]
            co = rng.choice(self.jz_companies[unit.name])
            kind = rng.choices(
                ["装修保证金", "物业费", "水电费", "电梯运行费", "卫生费", "其他"], [45, 20, 15, 8, 7, 5]
            )[0]
            rows.append((co, unit, kind))
        stranger = Company(self.new_code("140702"), "未备案物业企业", UNITS["榆次区"])  # not in the master file: 未匹配
        rows.append((stranger, UNITS["榆次区"], "装修保证金"))
        self._refund_rows(
            rows, cents_2025, REFUND_HOUSEHOLDS_CUMULATIVE - REFUND_HOUSEHOLDS_2024, dt.date(2025, 1, 6), CAMPAIGN_TO
        )
        # and the campaign goes on after the published figures
        rows = []
        for _ in range(36):
            unit = rng.choices(JINZHONG, weights=[u.communities for u in JINZHONG])[0]
            rows.append(
                (rng.choice(self.jz_companies[unit.name]), unit, rng.choice(["装修保证金", "物业费", "水电费", "其他"]))
            )
        self._refund_rows(rows, 8_126_553_19, 5_412, dt.date(2025, 6, 3), dt.date(2025, 10, 31))
        self.refunds.sort(key=lambda r: (r[5], r[1].code, r[0].code, r[2], r[3]))

    def _refund_rows(self, rows: list[tuple], cents: int, households: int, start: dt.date, end: dt.date) -> None:
        rng = self.rng
        per_household = {
            "装修保证金": 2400,
            "水电费": 260,
            "物业费": 420,
            "电梯运行费": 300,
            "卫生费": 120,
            "其他": 200,
        }
        weights = [rng.lognormvariate(0, 0.7) for _ in rows]
        hh = split_total(rng, households, len(rows), weights=weights)
        amount_weights = [
            h * per_household[kind] * rng.uniform(0.8, 1.25) for h, (_, _, kind) in zip(hh, rows, strict=False)
        ]
        amounts = split_total(rng, cents, len(rows), weights=amount_weights, minimum=50_000)
        dates = pick_dates(rng, len(rows), start, end, weekend=0.05)
        rng.shuffle(dates)
        for (co, unit, kind), a, h, d in zip(rows, amounts, hh, dates, strict=False):
            self.refunds.append((co, unit, kind, a, h, d))

    # ------------------------------------------------------------ maintenance fund

    def gen_arrears(self) -> None:
        rng = self.rng
        self.arrears: list[dict] = []
        developer_names: set[str] = set()
        units = [UNITS[name] for name in ARREARS_PROJECTS]
        weights = [
            rng.lognormvariate(0, 0.9) * (1.6 if u.name == "太谷区" else 1.0)
            for u, (p, _) in zip(units, ARREARS_PROJECTS.values(), strict=False)
            for _ in range(p)
        ]
        amounts = split_total(rng, ARREARS_CENTS // 10_000, len(weights), weights=weights, minimum=500)
        k = 0
        measures = (
            "下达催缴通知书",
            "约谈开发企业负责人",
            "移交城管部门行政处罚",
            "移送纪检监察机关",
            "公安机关介入协助追缴",
            "提起诉讼",
            "纳入信用惩戒",
        )
        for unit in units:
            projects, developers = ARREARS_PROJECTS[unit.name]
            devs = []
            while len(devs) < developers:
                name = (
                    rng.choice((unit.short, "晋中", "山西", "晋中市"))
                    + rng.choice(TRADE_WORDS)
                    + rng.choice(("房地产开发有限公司", "置业有限公司", "房地产开发有限责任公司"))
                )
                if name not in developer_names:
                    developer_names.add(name)
                    devs.append(name)
            owners = devs + [rng.choice(devs) for _ in range(projects - developers)]
            names = self.community_names(unit, projects)
            for i, (dev, name) in enumerate(zip(owners, names, strict=False), start=1):
                listed = (
                    dt.date(2024, 7, 1) + dt.timedelta(days=rng.randint(0, 150))
                    if rng.random() < 0.27
                    else dt.date(2025, 1, 6) + dt.timedelta(days=rng.randint(0, 105))
                )
                self.arrears.append(
                    {
                        "id": f"WXZJ-{unit.code}-{i:03d}",
                        "project": name + ("项目" if rng.random() < 0.5 else ""),
                        "developer": dev,
                        "unit": unit,
                        "cents": amounts[k] * 10_000,
                        "listed": workday_on_or_before(listed, listed - dt.timedelta(days=3)),
                        "measure": "；".join(rng.sample(measures, rng.choice((1, 1, 2, 3)))),
                        "recovered": 0,
                    }
                )
                k += 1

    def gen_recoveries(self) -> None:
        rng = self.rng
        self.recoveries: list[tuple] = []  # (project, date, cents, channel)
        for (year, month), total in RECOVERIES_BY_MONTH.items():
            cents = int(total.replace(".", "")) * 10_000
            first = dt.date(year, month, 1)
            last = min((first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1), TODAY)
            n = max(3, round(int(total.split(".")[0]) / 75))
            parts = split_total(rng, cents, n, minimum=1_000_000)
            dates = pick_dates(rng, n, first, last, weekend=0.05)
            rng.shuffle(dates)
            if (year, month) == (2025, 5):
                channels = {"公安": 35, "纪检": 30, "催缴": 20, "行政处罚": 15}
            elif year == 2025:
                channels = {"催缴": 55, "行政处罚": 20, "纪检": 15, "诉讼": 10}
            else:
                channels = {"催缴": 80, "诉讼": 20}
            for cents_i, d in zip(sorted(parts, reverse=True), dates, strict=False):
                open_ = [a for a in self.arrears if a["listed"] <= d and a["cents"] - a["recovered"] >= cents_i]
                if not open_:
                    raise AssertionError(f"no project can take a recovery of {cents_i} on {d}")
                project = rng.choices(open_, weights=[a["cents"] - a["recovered"] for a in open_])[0]
                project["recovered"] += cents_i
                channel = rng.choices(list(channels), weights=list(channels.values()))[0]
                self.recoveries.append((project, d, cents_i, channel))
        self.recoveries.sort(key=lambda r: (r[1], r[0]["id"], r[2]))

    def gen_usages(self) -> None:
        rng = self.rng
        self.usages: list[dict] = []
        candidates = [c for c in self.jz_communities if c.built <= 2012 and c.management != "无物业"]
        candidates.sort(key=lambda c: c.id)
        purposes = {"电梯": 28, "屋面防水": 30, "外墙": 15, "消防": 10, "给排水": 12, "其他": 5}
        applied = pick_dates(rng, 118, dt.date(2022, 3, 1), dt.date(2025, 11, 10), weekend=0.02)
        taitie = self.community("太铁花园")
        for n, d in enumerate(applied, start=1):
            c = rng.choice(candidates)
            while c is taitie:
                c = rng.choice(candidates)
            purpose = rng.choices(list(purposes), weights=list(purposes.values()))[0]
            emergency = rng.random() < (0.05 if d.year < 2025 else 0.22)
            base = {"电梯": 260_000, "屋面防水": 120_000, "外墙": 180_000, "消防": 90_000, "给排水": 80_000}.get(
                purpose, 50_000
            )
            cents = int(base * rng.lognormvariate(0, 0.45)) * 100
            wait = rng.randint(2, 9) if emergency else int(rng.lognormvariate(math.log(55), 0.5))
            approved = d + dt.timedelta(days=wait)
            self.usages.append(
                {
                    "id": f"SQ{d.year}{n:04d}",
                    "community": c,
                    "community_id": c.id,
                    "unit": c.unit,
                    "purpose": purpose,
                    "emergency": emergency,
                    "cents": cents,
                    "applied": d,
                    "approved": approved if approved <= TODAY else None,
                }
            )
        # 太铁花园: the lift that stood still for months, repaired within ten days once the emergency use opened
        self.usages.append(
            {
                "id": "SQ20250119",
                "community": taitie,
                "community_id": taitie.id,
                "unit": taitie.unit,
                "purpose": "电梯",
                "emergency": True,
                "cents": 428_650_00,
                "applied": dt.date(2025, 4, 7),
                "approved": dt.date(2025, 4, 14),
            }
        )
        stranger = self.usages[len(self.usages) // 2]
        stranger["community_id"] = f"XQ{stranger['unit'].code}9950"  # not in the master file: 未匹配
        self.usages.sort(key=lambda u: (u["applied"], u["id"]))
        ids = [u["id"] for u in self.usages]
        assert len(ids) == len(set(ids))

    def gen_ledger(self) -> None:
        """归集与使用 by county and year, 2008–2025, in units of 100 yuan (万元 with two decimals)."""
        rng = self.rng
        years = list(range(2008, 2026))
        year_collect = {
            y: w
            for y, w in zip(
                years,
                (0.35, 0.45, 0.6, 0.75, 0.85, 1.0, 1.05, 1.0, 1.1, 1.25, 1.35, 1.4, 1.3, 1.25, 0.95, 0.8, 0.7, 0.55),
                strict=False,
            )
        }
        year_use = {
            y: w
            for y, w in zip(
                years,
                (0.01, 0.01, 0.02, 0.03, 0.04, 0.05, 0.08, 0.1, 0.14, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0, 1.3, 1.8, 2.4),
                strict=False,
            )
        }
        counties = [u for u in JINZHONG if u.short != "开发区"]
        size = {u.code: u.communities + (180 if u.code == "140702" else 0) for u in counties}
        cells = [(u, y) for u in counties for y in years]
        collected = split_total(
            rng,
            FUND_COLLECTED_CENTS // 100 // 100,
            len(cells),
            weights=[size[u.code] * year_collect[y] * rng.uniform(0.8, 1.2) for u, y in cells],
        )
        used_min = {}
        for usage in self.usages:
            if usage["approved"] and usage["unit"].short != "开发区":
                key = (usage["unit"].code, usage["approved"].year)
                used_min[key] = used_min.get(key, 0) + usage["cents"]
        usage_min = [-(-used_min.get((u.code, y), 0) // 10_000) for u, y in cells]  # in 100 yuan, rounded up
        used = split_total(
            rng,
            FUND_USED_CENTS // 100 // 100,
            len(cells),
            minimum=usage_min,
            weights=[size[u.code] * year_use[y] * rng.uniform(0.5, 1.5) for u, y in cells],
        )
        self.ledger = [(u, y, c * 10_000, s * 10_000) for (u, y), c, s in zip(cells, collected, used, strict=False)]

    # ------------------------------------------------------------ ratings

    def gen_star_ratings(self) -> None:
        rng = self.rng
        rated = [c for c in self.jz_communities if c.company or c.former_company]
        self.stars: list[tuple] = []  # (community_id, community, company, year, stars, score)
        year_cut = {2023: dt.date(2022, 12, 31), 2024: dt.date(2024, 9, 30), 2025: dt.date(2025, 9, 30)}
        counts = {2023: 690, 2024: JZ_STAR_RATED_2024, 2025: 1188}
        for year in (2023, 2024, 2025):
            eligible = []
            for c in rated:
                company = c.former_company if c.former_company and year < 2025 else c.company
                new = c.previous == "无物业" and c.managed_since and c.managed_since > year_cut[year]
                if company and not new and not (company.exited_on and company.exited_on.year < year):
                    eligible.append((c, company))
            chosen = rng.sample(eligible, counts[year])
            chosen.sort(key=lambda x: x[0].id)
            for c, company in chosen:
                stars = rng.choices([1, 2, 3, 4, 5], [7, 18, 40, 27, 8])[0]
                score = round(
                    rng.uniform(50, 60) if stars == 1 else rng.uniform(50 + 10 * stars - 10, 50 + 10 * stars), 1
                )
                self.stars.append((c.id, c, company, year, stars, min(score, 100.0)))
        c, company, _ = self.stars[-1][1], self.stars[-1][2], None
        self.stars.append((f"XQ{c.unit.code}9960", c, company, 2025, 3, 72.5))  # 未匹配 community

    def gen_credit_ratings(self) -> None:
        """晋城 信用评价: 2024 202 companies (A 32, B 77, C 92, D 1), 2023 for year-on-year movement."""
        rng = self.rng
        companies = sorted(self.jc_companies, key=lambda co: co.code)
        quality = {co.code: rng.gauss(0, 1) for co in companies}
        rated_2024 = rng.sample(companies, sum(JC_CREDIT[2024].values()))
        others = [co for co in companies if co not in rated_2024]
        rated_2023 = rng.sample(rated_2024, 175) + rng.sample(others, sum(JC_CREDIT[2023].values()) - 175)
        self.credit: list[tuple] = []
        bands = {"A": (90.0, 99.0), "B": (80.0, 89.9), "C": (60.0, 79.9), "D": (40.0, 59.9)}
        for year, rated in ((2023, rated_2023), (2024, rated_2024)):
            latent = {co.code: quality[co.code] + rng.gauss(0, 0.35) for co in rated}
            ranked = sorted(rated, key=lambda co: (-latent[co.code], co.code))
            start = 0
            for grade, n in JC_CREDIT[year].items():
                group = ranked[start : start + n]
                start += n
                lo, hi = bands[grade]
                for i, co in enumerate(group):
                    score = round(hi - (hi - lo) * (i + rng.random()) / max(n, 1), 1)
                    parts = [score * w for w in (0.2, 0.3, 0.25, 0.25)]
                    dims = [round(p * rng.uniform(0.95, 1.05), 1) for p in parts[:3]]
                    dims.append(round(score - sum(dims), 1))
                    self.credit.append((co, year, grade, score, *dims))
        self.credit.sort(key=lambda r: (r[1], r[0].code))

    # ------------------------------------------------------------ the story, told after the rest
