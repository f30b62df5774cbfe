"""Readable references: ``河北省#24``, ``西平县2020#（十七）``, a plan by place and year — resolved, never guessed.

A reference that matches nothing raises ``NotFound``; one that matches several raises ``Ambiguous`` with the
candidates (as references the caller can send back). Measure numbers match as written first (``一`` is section
一、 and ``（一）`` is item （一） in 西平县's plan), then with brackets dropped (``十七`` finds item （十七）).
"""
from __future__ import annotations

import re

from policygraph.errors import Ambiguous, InputError, NotFound
from policygraph.graph.model import Node
from policygraph.queries.snapshot import Snapshot

_PLACE_YEAR = re.compile(r"^(?P<place>.*?)(?P<year>(19|20)\d\d)?(年)?$")
_BRACKETS = str.maketrans("", "", "（）()、.．　 ")


def resolve_plan(snap: Snapshot, ref: str) -> str:
    """The plan id a reference names: a plan id, or a jurisdiction name with an optional year.

    >>> resolve_plan(snap, "西平县2020")   # doctest: +SKIP
    'p-e336768d4ab9'
    """
    ref = ref.strip()
    plans = snap.nodes("Plan")
    if ref in plans:
        return ref
    m = _PLACE_YEAR.match(ref)
    place, year = (m.group("place"), m.group("year")) if m else (ref, None)
    hits = [pid for pid, p in plans.items()
            if p.plan.jurisdiction == place and (year is None or str(p.plan.year) == year)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        known = sorted({snap.plan_label(pid) for pid in plans})
        raise NotFound(f"no plan matches {ref!r}; known plans: {', '.join(known) or 'none loaded'}")
    raise Ambiguous(f"{ref!r} names {len(hits)} plans; give the year or the plan id",
                    [f"{snap.plan_label(h)} ({h})" for h in hits])


def resolve_measure(snap: Snapshot, ref: str) -> Node:
    """The measure a reference names: a measure id, or ``<plan>#<number>``.

    >>> resolve_measure(snap, "河北省#24").measure.title   # doctest: +SKIP
    '完善农产品质量安全追溯体系'
    """
    ref = ref.strip()
    node = snap.measure(ref)
    if node is not None:
        return node
    if "#" not in ref:
        raise NotFound(f"no measure {ref!r}: give a measure id (m-…) or <plan>#<number>, e.g. 河北省#24")
    plan_part, number = (s.strip() for s in ref.rsplit("#", 1))
    if not plan_part or not number:
        raise InputError(ref, "a measure reference is <plan>#<number>, e.g. 河北省#24 or 西平县2020#（十七）")
    plan_id = resolve_plan(snap, plan_part)
    numbered = [m for m in snap.measures_of(plan_id) if m.measure.number]
    hits = [m for m in numbered if m.measure.number == number]
    if not hits:
        hits = [m for m in numbered if _bare(str(m.measure.number)) == _bare(number)]
    unit = _UNIT.match(number)
    if not hits and unit:  # <item>.<k> or <item>-<k>: the item's k-th task unit (Snapshot.measure_ref)
        item = resolve_measure(snap, f"{plan_part}#{unit.group(1)}")
        units = [m for m in snap.measures_of(plan_id) if m.measure.parent_id == item.id and m.measure.kind == "task"
                 and m.measure.order == int(unit.group(2)) - 1]
        if len(units) == 1:
            return units[0]
        raise NotFound(f"{snap.plan_label(plan_id)}#{unit.group(1)} has no task unit {unit.group(2)}")
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise NotFound(f"plan {snap.plan_label(plan_id)} has no measure numbered {number!r}")
    raise Ambiguous(f"{ref!r} matches {len(hits)} measures; use one of the candidates",
                    [f"{snap.plan_label(plan_id)}#{m.measure.number} ({m.id})" for m in hits])


def resolve_agency(snap: Snapshot, ref: str) -> Node:
    """An agency by id (``a-…``) or by its canonical name (``XX县市场监督管理局``)."""
    node = snap.node("Agency", ref)
    if node is not None:
        return node
    hits = snap.store.find_nodes("Agency", name=ref)
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise Ambiguous(f"{ref!r} names {len(hits)} agencies", [a.id for a in hits])
    raise NotFound(f"no agency {ref!r}: give an agency id (a-…) or its full name", listing="agencies")


_UNIT = re.compile(r"^(.+?)[.-]([1-9][0-9]{0,3})$")


def _bare(number: str) -> str:
    return number.translate(_BRACKETS)
