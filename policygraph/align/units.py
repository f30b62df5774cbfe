"""What the aligner compares: flat, typed units cut from a plan tree, each with a clean scoring text.

A higher plan's *link targets* are its measures as an auditor cites them ("河北省 measure 24"); a lower
plan's *sources* are its task units (one run of sentences closed by a responsibility parenthesis). The
scoring text drops the item number and the parenthesis: "区市场监管局负责" says who does the work, not what
the work is, and would make every 市场监管 task look alike.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from policygraph.loaders.model import Measure, PlanTree

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# A trailing responsibility parenthesis, possibly followed by punctuation or blank space:
# "…守住底线。（区市场监管局负责）". Page breaks can put newlines inside it (003: "按职责分\n\n工负责").
_TRAILING_PAREN = re.compile(r"（[^（）]*）[\s。；，]*$")
_ROLE_WORDS = re.compile(r"负责|牵头|配合|协助|参与|按职责")
# Bodies that name everyone or a whole government say nothing about the kind of work.
_UNSPECIFIC_FUNCTIONS = frozenset({"有关部门", "有关单位", "成员单位", "人民政府", "乡镇政府", "街道办事处", "乡镇党委",
                                   "街道党工委", "管委会"})


@dataclass(frozen=True)
class AlignUnit:
    """One side of a DERIVES_FROM link, ready for scoring.

    ``span`` is the half-open range of ``text`` inside the measure's ``text`` field, so an evidence span
    ``(a, b)`` over ``text`` is ``(span[0] + a, span[0] + b)`` in ``Measure.text``.
    """

    id: str
    plan_id: str
    number: str | None
    text: str
    title: str
    section_title: str
    functions: tuple[str, ...]
    metrics: tuple[str, ...]
    citations: tuple[str, ...]
    span: tuple[int, int]


@lru_cache(maxsize=1)
def function_keywords() -> dict[str, tuple[str, ...]]:
    """Function name → words that show a measure's text involves that function (data/keyphrases.toml)."""
    with open(DATA_DIR / "keyphrases.toml", "rb") as fh:
        data = tomllib.load(fh)
    return {name: tuple(words) for name, words in data.get("functions", {}).items()}


def functions_in_text(text: str) -> tuple[str, ...]:
    """Functions a text mentions (province measures name no agencies): '农药兽药残留' → 农业农村."""
    return tuple(sorted(f for f, words in function_keywords().items() if any(w in text for w in words)))


def scoring_text(measure: Measure) -> tuple[str, tuple[int, int]]:
    """The measure's text without its closing responsibility parenthesis, and its span in ``measure.text``."""
    text = measure.text
    end = len(text.rstrip())
    m = _TRAILING_PAREN.search(text[:end])
    if m and (measure.agencies or _ROLE_WORDS.search(m.group(0))):
        end = m.start()
    start = len(text) - len(text.lstrip())
    end = max(start, end)
    return text[start:end], (start, end)


def _index(tree: PlanTree) -> tuple[dict[str, Measure], dict[str, list[Measure]]]:
    by_id = {m.id: m for m in tree.measures}
    children: dict[str, list[Measure]] = {}
    for m in tree.measures:
        if m.parent_id is not None:
            children.setdefault(m.parent_id, []).append(m)
    return by_id, children


def _ancestor(m: Measure, by_id: dict[str, Measure], kind: str) -> Measure | None:
    cur: Measure | None = m
    while cur is not None:
        if cur.kind == kind:
            return cur
        cur = by_id.get(cur.parent_id) if cur.parent_id else None
    return None


def _tasks_under(m: Measure, children: dict[str, list[Measure]]) -> list[Measure]:
    out: list[Measure] = []
    for c in children.get(m.id, []):
        out.extend([c] if c.kind == "task" else _tasks_under(c, children))
    return out


def _unit(tree: PlanTree, target: Measure, source: Measure, by_id: dict[str, Measure], with_agencies: bool) -> AlignUnit:
    """Build a unit whose id is ``target``'s and whose text and facts come from task ``source``."""
    text, span = scoring_text(source)
    item = _ancestor(target, by_id, "item")
    section = _ancestor(target, by_id, "section")
    if with_agencies:
        funcs = {f for a in source.agencies if not a.collective for f in a.functions} - _UNSPECIFIC_FUNCTIONS
        functions = tuple(sorted(funcs))
    else:
        functions = functions_in_text(text)
    return AlignUnit(
        id=target.id,
        plan_id=tree.plan.id,
        number=item.number if item else target.number,
        text=text,
        title=item.title if item else source.title,
        section_title=section.title if section else "",
        functions=functions,
        metrics=tuple(sorted({i.metric for i in source.indicators})),
        citations=tuple(sorted({c.title for c in source.citations})),
        span=span,
    )


def higher_units(tree: PlanTree) -> list[AlignUnit]:
    """Link targets of a higher plan, in document order.

    An item with exactly one task unit is one target (the measure as cited: "measure 24"); an item with
    several task units gives one target per task, since each carries its own obligation; a section without
    items gives its task units.
    """
    by_id, children = _index(tree)
    units: list[AlignUnit] = []
    for m in tree.measures:
        if m.kind == "item" and not any(c.kind == "item" for c in children.get(m.id, [])):
            tasks = _tasks_under(m, children)
            if len(tasks) <= 1:  # an item the loader found no task in still is a measure
                units.append(_unit(tree, m, tasks[0] if tasks else m, by_id, with_agencies=False))
            else:
                units.extend(_unit(tree, t, t, by_id, with_agencies=False) for t in tasks)
        elif m.kind == "task" and _ancestor(m, by_id, "item") is None:
            units.append(_unit(tree, m, m, by_id, with_agencies=False))
    return [u for u in units if u.text]


def lower_units(tree: PlanTree) -> list[AlignUnit]:
    """Every task unit of a lower plan, with the functions of the agencies its parenthesis names."""
    by_id, _ = _index(tree)
    units = [_unit(tree, m, m, by_id, with_agencies=True) for m in tree.measures if m.kind == "task"]
    return [u for u in units if u.text]
