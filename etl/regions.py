"""The region table (province → city → county → township) and name resolution.

The table ships as `data/regions.csv` (see `data/regions.md` for its source); every
publish copies it into the warehouse's `regions` table. A clerk writes a county as
`榆次区`, `榆次`, `晋中市榆次区` or `140702`; all resolve to the code `140702`.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import settings
from etl.normalize import LOOKS_SAME, fold, looks_same, suggest

REGIONS_CSV = Path(__file__).resolve().parent.parent / "data" / "regions.csv"
REGION_COLUMNS = ("code", "name", "short_name", "level", "parent_code", "aliases")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    short_name: str
    level: str
    parent_code: str
    aliases: tuple[str, ...]

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00"


def read_regions(path: Path | None = None) -> list[Region]:
    path = path or Path(settings.get("REGIONS_CSV") or REGIONS_CSV)
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [
            Region(
                r["code"].strip(),
                r["name"].strip(),
                (r.get("short_name") or r["name"]).strip(),
                r["level"].strip(),
                (r.get("parent_code") or "").strip(),
                tuple(a.strip() for a in (r.get("aliases") or "").split("|") if a.strip()),
            )
            for r in csv.DictReader(f)
        ]


class RegionIndex:
    """Resolves what a clerk wrote in a region column to a region code."""

    def __init__(self, regions: Iterable[Region]):
        self.by_code: dict[str, Region] = {}
        self._by_name: dict[str, list[Region]] = {}
        for region in regions:
            self.by_code[region.code] = region
            for name in {region.name, region.short_name, *region.aliases}:
                self._by_name.setdefault(fold(name), []).append(region)
        # Prefixes a clerk may put before a county: province and city names.
        self._prefixes = sorted(
            {fold(n) for r in self.by_code.values() if r.level in ("province", "city") for n in (r.name, r.short_name)},
            key=len,
            reverse=True,
        )

    @classmethod
    def shipped(cls) -> RegionIndex:
        return cls(read_regions())

    def candidates(self, raw: object) -> list[Region]:
        s = re.sub(r"\s+", "", fold(raw))
        if re.fullmatch(r"\d{6}|\d{9}|\d{12}", s):
            code = s[:9] if len(s) == 12 and s[6:] != "000000" else s[:6] if s.endswith("000000") else s
            region = self.by_code.get(code)
            return [region] if region else []
        found = self._by_name.get(s)
        if found:
            return found
        rest = s
        while True:  # strip 山西省 / 晋中市 prefixes one at a time
            for prefix in self._prefixes:
                if rest.startswith(prefix) and len(rest) > len(prefix):
                    rest = rest[len(prefix) :]
                    break
            else:
                break
            found = self._by_name.get(rest)
            if found:
                city = s[: len(s) - len(rest)]
                narrowed = [r for r in found if self._city_name_in(r, city)]
                return narrowed or found
        return []

    def _city_name_in(self, region: Region, prefix: str) -> bool:
        city = self.by_code.get(region.city_code)
        return bool(city) and (fold(city.name) in prefix or fold(city.short_name) in prefix)

    def resolve_many(self, raws: Iterable[object]) -> dict[object, tuple[str | None, str | None]]:
        """Resolve distinct raw values together: an ambiguous name (城区) takes the
        city most of the other values of the same file belong to."""
        raws = list(raws)
        found = {raw: self.candidates(raw) for raw in raws}
        cities = Counter(c[0].city_code for c in found.values() if len(c) == 1)
        out: dict[object, tuple[str | None, str | None]] = {}
        for raw, cands in found.items():
            if len(cands) == 1:
                out[raw] = (cands[0].code, None)
            elif cands:
                ranked = sorted(cands, key=lambda r: -cities.get(r.city_code, 0))
                if cities.get(ranked[0].city_code, 0) > cities.get(ranked[1].city_code, 0):
                    out[raw] = (ranked[0].code, None)
                else:
                    options = "、".join(f"{self.full_name(r.code)}（{r.code}）" for r in cands)
                    out[raw] = (None, f"有多个同名单位：{options}，请填写 6 位区划代码")
            else:
                out[raw] = (None, self._unknown(raw))
        return out

    def _unknown(self, raw: object) -> str:
        s = fold(raw)
        if re.fullmatch(r"\d+", s):
            return "不是已知的行政区划代码（县级为 6 位，乡镇级为 9 位）"
        same = next((n for n in self._by_name if looks_same(s, n)), None)
        if same:
            return LOOKS_SAME.format(self._by_name[same][0].name)
        close = suggest(s, list(self._by_name), cutoff=0.6)
        if close:
            return f"不存在，是否为“{self._by_name[close][0].name}”？"
        return "不存在于行政区划表中，请填写县区全称或 6 位区划代码"

    def full_name(self, code: str) -> str:
        region = self.by_code[code]
        parent = self.by_code.get(region.parent_code)
        if parent and parent.level in ("city", "county"):
            return self.full_name(parent.code) + region.name
        return region.name
