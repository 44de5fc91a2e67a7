"""The demo's story: the particular facts the published reports tell."""

from __future__ import annotations

import datetime as dt
import random

from etl.demo.figures import SEED, TODAY


class Story:
    """Methods of DemoWorld (etl/demo/world.py)."""

    def tell_the_story(self) -> None:
        """Details that make the demo read like the real ledgers, each from a random generator of
        its own so that every published figure generated above stays as it is."""
        self.story_yangqu_2022()
        self.story_jinzhong_committees()
        self.story_cases_without_deadline()
        self.story_escalations_not_one_letter_each()
        self.story_jinzhong_credit()
        self.story_arrears_suspended()

    def story_yangqu_2022(self) -> None:
        """阳曲 (seed 003, early September 2022): of 131 communities only 29 had any service (the 29
        self-governed ones); the other 102 had none until the 红管家 campaign put them all under a
        company — 56 under the county's backstop company 全昌物业 (from 阳兴小区 in May), the
        rest under other companies — by the article's date. 109 红色业委会 formed in the campaign."""
        rng = random.Random(SEED + 2022)
        first = next(c for c in self.yq_communities if c.name == "阳兴小区")
        for c in self.yq_communities:
            if c.management in ("政府兜底(国企兜底)", "专业物业企业"):
                c.previous = "无物业"
                c.managed_since = dt.date(2022, 5, 16) + dt.timedelta(days=rng.randint(0, 105))  # to 2022-08-29
            if c.committee != "未组建":
                c.committee_formed_on = dt.date(2022, 4, 11) + dt.timedelta(days=rng.randint(0, 135))
        if first.management == "政府兜底(国企兜底)":
            first.managed_since = dt.date(2022, 5, 9)  # the first community 全昌物业 took over

    def story_jinzhong_committees(self) -> None:
        """晋中 formed an owners' committee in every community at least half occupied (seed 000);
        newer estates still filling up have none yet."""
        rng = random.Random(SEED + 3)
        young = sorted((c for c in self.jz_communities if c.built >= 2019 and c.households >= 120), key=lambda c: c.id)
        for c in rng.sample(young, min(len(young), 88)):
            c.occupancy = round(rng.uniform(0.18, 0.48), 2)
            c.committee, c.committee_formed_on = "未组建", None

    def story_cases_without_deadline(self) -> None:
        """Some 12345 and 媒体 leads were logged without a deadline of their own: the deadline rules
        (data/deadline_rules.csv: 5 and 10 working days) apply to them."""
        rng = random.Random(SEED + 14)
        self.no_deadline = {k.id for k in self.leads if k.source in ("12345", "媒体") and rng.random() < 0.3}

    def story_escalations_not_one_letter_each(self) -> None:
        """A reminder letter (提醒函) is not one per escalated case: cases handed down by the city's
        task force (督导检查, 审计, 媒体) that run late get a supervision letter (督办函) straight
        away, and a case sent back for redoing that runs late again gets a second reminder."""
        rng = random.Random(SEED + 15)
        for k in self.cases:
            reminders = [e for e in k.events if e[1] == "提醒函"]
            if not reminders:
                continue
            if k.source in ("督导检查", "审计", "媒体") and rng.random() < 0.6:
                k.events.remove(reminders[0])
                if not any(e[1] == "督办函" for e in k.events):
                    d, _, to, organ, _ = reminders[0]
                    k.events.append((d, "督办函", to, organ, "市级交办问题逾期，直接下发督办函"))
            elif k.status == "退回重办":
                back = max((e[0] for e in k.events if e[1] == "回访"), default=None)
                if back is not None:
                    day = back + dt.timedelta(days=rng.randint(5, 12))
                    if day <= TODAY:
                        d, _, to, organ, _ = reminders[0]
                        k.events.append((day, "提醒函", to, organ, "重办仍逾期，再次发提醒函"))

    def story_jinzhong_credit(self) -> None:
        """晋中's companies are credit-rated too (信用评价, 2023 and 2024): most of those serving
        communities take part; the two repeat 黑榜 offenders rate low."""
        rng = random.Random(SEED + 18)
        companies = sorted((co for cos in self.jz_companies.values() for co in cos), key=lambda co: co.code)
        low = {co.code for co in self.repeat_offenders}
        quality = {co.code: rng.gauss(0, 1) - (3.0 if co.code in low else 0.0) for co in companies}
        bands = {"A": (90.0, 99.0), "B": (80.0, 89.9), "C": (60.0, 79.9), "D": (40.0, 59.9)}
        shares = {"A": 0.17, "B": 0.39, "C": 0.40, "D": 0.04}
        self.jz_credit: list[tuple] = []
        for year in (2023, 2024):
            rated = [co for co in companies if rng.random() < 0.85 and not (co.exited_on and co.exited_on.year < year)]
            latent = {co.code: quality[co.code] + rng.gauss(0, 0.35) for co in rated}
            ranked = sorted(rated, key=lambda co: (-latent[co.code], co.code))
            counts = {g: round(len(ranked) * x) for g, x in shares.items()}
            counts["C"] = len(ranked) - counts["A"] - counts["B"] - counts["D"]
            start = 0
            for grade, n in counts.items():
                lo, hi = bands[grade]
                for i, co in enumerate(ranked[start : start + n]):
                    score = round(hi - (hi - lo) * (i + rng.random()) / max(n, 1), 1)
                    parts = [score * w for w in (0.2, 0.3, 0.25, 0.25)]
                    dims = [round(x * rng.uniform(0.95, 1.05), 1) for x in parts[:3]]
                    dims.append(round(score - sum(dims), 1))
                    self.jz_credit.append((co, year, grade, score, *dims))
                start += n
        self.jz_credit.sort(key=lambda r: (r[1], r[0].code))

    def story_arrears_suspended(self) -> None:
        """挂账: by the May 2025 ledger, three projects on which nothing was ever recovered were set
        aside as unrecoverable (the developer in bankruptcy, deregistered, or gone); every other
        project is 追缴中 as of that ledger. The amounts stay as listed (still owed)."""
        rng = random.Random(SEED + 13)
        paid = {a["id"]: a["recovered"] for a in self.arrears}
        never = [a for a in self.arrears if paid[a["id"]] == 0 and a["listed"] < dt.date(2025, 3, 1)]
        reasons = ("开发企业进入破产清算，已申报债权", "开发企业已注销，无可执行财产", "开发企业失联，经公告催缴无果")
        for a in self.arrears:
            a["status"] = "追缴中"
        for a, reason in zip(rng.sample(never, 3), reasons, strict=True):
            a["status"], a["suspended_reason"] = "挂账", reason
            a["suspended_on"] = dt.date(2025, 5, 1) + dt.timedelta(days=rng.randint(0, 25))

    # ------------------------------------------------------------ files
