"""Give a written body its level, its jurisdiction and its canonical name, from the plan it appears in.

The same words mean different bodies in different plans: 区卫健委 in 红旗区's plan is 红旗区卫生健康委员会,
省农业农村厅 in a 河北省 county's plan is 河北省农业农村厅, and 公安红旗分局 is the 新乡市 police bureau's
branch seated in 红旗区. A name without a prefix takes the prefix of the names before it in the same
parenthesis (县自然资源局、农业农村局), else the plan's own level.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from policygraph.loaders.agency_names import Surface
from policygraph.loaders.agency_vocab import Vocabulary
from policygraph.loaders.model import LEVEL_RANK, Jurisdiction, Level

#: Endings of place names and the level they show, longest first.
PLACE_LEVELS: tuple[tuple[str, Level], ...] = (
    ("自治区", "province"), ("自治州", "city"), ("自治县", "county"), ("地区", "city"), ("街道", "township"),
    ("省", "province"), ("市", "city"), ("州", "city"), ("盟", "city"),
    ("县", "county"), ("区", "county"), ("旗", "county"), ("乡", "township"), ("镇", "township"),
)


@dataclass(frozen=True)
class Placed:
    """Where a body sits: its level and the jurisdiction's name (None when the text does not say which)."""

    level: Level
    jurisdiction: str | None


def place_level(name: str, vocab: Vocabulary) -> Level | None:
    """The level a place name shows by its ending; a municipality (天津市) is a province."""
    if name in vocab.municipalities:
        return "province"
    for ending, level in PLACE_LEVELS:
        if name.endswith(ending):
            return level
    return None


def short_name(name: str, vocab: Vocabulary) -> str:
    """红旗区 → 红旗, 驻马店市 → 驻马店: the form used inside branch names. Two characters are kept whole."""
    for ending in vocab.name_endings:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return name


def place_words(plan: Jurisdiction, vocab: Vocabulary) -> dict[str, str]:
    """Every way a name may write the plan's places, mapped to the full place name."""
    words: dict[str, str] = {}
    for name in (plan.name, *plan.parents):
        words[name] = name
        words.setdefault(short_name(name, vocab), name)
    return words


def at_level(level: Level, plan: Jurisdiction, vocab: Vocabulary) -> Placed:
    """The jurisdiction a level prefix points to from this plan: 省 in a 河北省 county → 河北省."""
    if level == plan.level or level == "township":
        return Placed(level, plan.name)
    if plan.name in vocab.municipalities and level == "city":
        # 市科委 in 上海's own plan: the municipality's body, province level.
        return Placed("province", plan.name)
    if LEVEL_RANK[level] > LEVEL_RANK[plan.level]:
        return Placed(level, None)
    for parent in plan.parents:
        if place_level(parent, vocab) == level and parent not in vocab.municipalities:
            return Placed(level, parent)
    for parent in plan.parents:
        if parent in vocab.municipalities and level in ("city", "province"):
            return Placed("province", parent)
    return Placed(level, None)


def locate(surface: Surface, plan: Jurisdiction, carry: Placed | None, vocab: Vocabulary) -> Placed:
    """Level and jurisdiction of one body: explicit place, prefix, township kind, 厅, carried prefix, plan."""
    if surface.fixed_name is not None and surface.fixed_level is not None:
        return Placed(cast(Level, surface.fixed_level), surface.fixed_jurisdiction)
    if surface.branch_place is not None:
        seated = surface.branch_place in (plan.name, short_name(plan.name, vocab))
        return Placed("county", plan.name if seated else None)
    if surface.place is not None:
        full = place_words(plan, vocab).get(surface.place, surface.place)
        if surface.prefix is not None and full == plan.name:
            return _prefixed(surface.prefix, plan, vocab)
        if full == plan.name:
            return Placed(plan.level, plan.name)
        level = place_level(full, vocab) or plan.level
        return Placed(level, full)
    if surface.prefix is not None:
        return _prefixed(surface.prefix, plan, vocab)
    if surface.entry is not None and surface.entry.level is not None:
        return Placed("township", plan.name)
    if surface.core.endswith("厅") and plan.level != "province":
        return at_level("province", plan, vocab)
    if carry is not None:
        return carry
    return Placed(plan.level, plan.name)


def _prefixed(prefix: str, plan: Jurisdiction, vocab: Vocabulary) -> Placed:
    """A one-character prefix; 市 in 辛集市's own plan means 辛集市, whatever its level."""
    if plan.name.endswith(prefix) and plan.level != "province":
        return Placed(plan.level, plan.name)
    return at_level(vocab.prefixes[prefix], plan, vocab)


def canonical_name(surface: Surface, placed: Placed, plan: Jurisdiction, vocab: Vocabulary) -> str:
    """The body's full name in its jurisdiction: 区卫健委 → 红旗区卫生健康委员会."""
    entry = surface.entry
    if surface.fixed_name is not None:
        return surface.fixed_name
    if surface.branch_place is not None and entry is not None:
        city = _branch_city(surface, plan, vocab)
        unit = vocab.syntax.get("branch_unit_names", {}).get(surface.branch_unit, surface.branch_unit)
        return f"{city}{entry.name}{surface.branch_place}{unit}"
    where = placed.jurisdiction
    if where is None:
        where = ("各" if surface.each else "") + (surface.prefix or surface.place or "")
    body = surface.core
    if entry is not None and entry.template is not None:
        return entry.template.format(place=where) + (surface.suffix or "")
    if entry is not None and not (entry.collective and entry.level is None):
        body = _body_name(surface, placed, vocab)
    if surface.party or (entry is not None and entry.party):
        body = vocab.syntax["party_marker"] + body
        if placed.jurisdiction is not None:
            # 省委政法委 → 中共山东省委政法委员会: a local party organ's full name starts with 中共.
            where = vocab.syntax.get("party_name_prefix", "") + where
    return f"{where}{body}{surface.suffix or ''}"


def _body_name(surface: Surface, placed: Placed, vocab: Vocabulary) -> str:
    """Canonical body name, or the name as written when it is already a full name (自然资源和规划局)."""
    assert surface.entry is not None
    entry = surface.entry
    if placed.jurisdiction in vocab.municipalities and placed.level == "province":
        base = entry.municipal(placed.jurisdiction)
    else:
        base = entry.name_for(placed.level)
    written = surface.core
    if (entry.level is None and written not in (entry.name, entry.province_name) and written in entry.aliases
            and len(written) >= len(base)
            and written.endswith(tuple(vocab.syntax["generic_endings"]))):
        return written
    return base


def _branch_city(surface: Surface, plan: Jurisdiction, vocab: Vocabulary) -> str:
    """The city whose bureau owns a branch: the written place, else the nearest place above the plan."""
    if surface.place is not None:
        return place_words(plan, vocab).get(surface.place, surface.place)
    if surface.prefix is not None:
        placed = _prefixed(surface.prefix, plan, vocab)
        if placed.jurisdiction is not None and placed.jurisdiction != plan.name:
            return placed.jurisdiction
    if plan.level in ("county", "township") and plan.parents:
        return plan.parents[0]
    return plan.name if plan.level != "province" else (surface.prefix or "")
