"""Where each stored plan sits: its level and its place with the enclosing places — read from the store.

Used by the aligner (which plans a plan is aligned with) and by the read layer (which plans a province is measured
over), so it lives below both and imports neither.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policygraph.graph.store import Store
from policygraph.loaders.model import LEVEL_RANK, Jurisdiction, PlanTree


@dataclass(frozen=True)
class PlanPlace:
    """Where a stored plan sits: its level and its place with the enclosing places, nearest first."""

    level: str
    name: str
    parents: tuple[str, ...]


def contains(higher: PlanPlace | Jurisdiction, lower: PlanPlace | Jurisdiction) -> bool:
    """True when the lower place is the higher one or lies inside it; the nation contains every place (no
    plan names 中国 among its parents)."""
    if higher.level == "national":
        return True
    return higher.name == lower.name or higher.name in lower.parents


def scope_of(higher: PlanTree, lower: PlanTree) -> str:
    """``within`` when the lower plan's place is the higher plan's place or lies inside it."""
    return "within" if contains(higher.plan.jurisdiction, lower.plan.jurisdiction) else "cross"


def province_of(level: str, name: str, parents: Sequence[str]) -> str | None:
    """The province a place lies in: itself for a province, the outermost enclosing place below the nation for
    the rest (``parents`` run nearest first), None for the nation or a place whose parents are unknown."""
    if level == "province":
        return name
    if level == "national" or not parents:
        return None
    return parents[-1]


def plan_places(store: Store) -> dict[str, PlanPlace]:
    """Every stored plan's place, read in three queries (plans, ISSUED_BY edges, Jurisdiction nodes) rather
    than a plan tree each."""
    places = {n.id: n for n in store.find_nodes("Jurisdiction")}
    issued = {e.source: e.target for e in store.edges("ISSUED_BY")}
    out = {}
    for p in store.plans():
        level = p.plan.level
        if level not in LEVEL_RANK:
            continue
        j = places.get(issued.get(p.id, ""))
        name = j.place.name if j else p.plan.jurisdiction
        parents = tuple(j.place.parents) if j else ()
        out[p.id] = PlanPlace(level, name, parents)
    return out


