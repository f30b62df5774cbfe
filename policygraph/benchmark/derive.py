"""How a lower plan re-words its parent: the edits a county office makes to the province's measures.

Each parent measure is dropped (about one in twelve) or taken over with some of: its later sentences reordered,
synonyms swapped (加强 ↔ 强化), an opening phrase about the place added ("结合{地}实际，"), each target raised,
kept or weakened, a supporting body dropped or added. The plan then mixes in a few measures of its own, taken
from seed measures the national plan did not use (so a local addition has no parent to be aligned to) or from
the vocabulary's local templates. Every choice comes from the ``random.Random`` passed in, which the caller
seeds from the run's seed and the plan's place and year: the same seed gives the same corpus.
"""
from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from policygraph.benchmark.model import Change, DraftPlan, DraftSection, DraftTask, Target
from policygraph.benchmark.seeds import SeedSection
from policygraph.benchmark.vocab import vocab

NATIONAL_SECTIONS = 16
NATIONAL_TASKS_PER_SECTION = 12
DROP = 0.08
REORDER = 0.4
SYNONYMS = 0.5
OPENER = 0.15
CHANGES: tuple[tuple[Change, float], ...] = (("raised", 0.3), ("kept", 0.5), ("weakened", 0.2))
ADDITIONS = (2, 6)


def national_plan(sections: Sequence[SeedSection], rng: random.Random) -> tuple[DraftPlan, list[DraftTask]]:
    """The national plan, drawn from the seed sections, and the seed measures it left for local additions."""
    usable = [s for s in sections if len(s.tasks) >= 2]
    chosen = set(rng.sample(range(len(usable)), min(NATIONAL_SECTIONS, len(usable))))
    plan: list[DraftSection] = []
    spare: list[DraftTask] = [t for s in sections if len(s.tasks) < 2 for t in s.tasks]
    for i, s in enumerate(usable):
        if i in chosen:
            plan.append(DraftSection(s.title, s.tasks[:NATIONAL_TASKS_PER_SECTION]))
            spare.extend(s.tasks[NATIONAL_TASKS_PER_SECTION:])
        else:
            spare.extend(s.tasks)
    return DraftPlan(tuple(plan)), spare


def derive_plan(parent: DraftPlan, spare: Sequence[DraftTask], rng: random.Random) -> DraftPlan:
    """A lower plan re-wording ``parent``: measures dropped, re-worded, reordered, and local ones mixed in."""
    sections: list[tuple[str, list[DraftTask]]] = []
    n = 0
    for section in parent.sections:
        tasks: list[DraftTask] = []
        for task in section.tasks:
            n += 1
            if rng.random() < DROP:
                continue
            tasks.append(derive_task(task, n, rng))
        if tasks:
            if len(tasks) >= 3 and rng.random() < 0.2:  # two neighbouring measures swap places
                i = rng.randrange(len(tasks) - 1)
                tasks[i], tasks[i + 1] = tasks[i + 1], tasks[i]
            sections.append((swap_synonyms(section.title, rng), tasks))
    if not sections:
        sections.append((rng.choice(vocab().local_sections), []))
    for _ in range(rng.randint(*ADDITIONS)):
        addition = local_addition(spare, rng)
        _, target = rng.choice(sections)
        target.insert(rng.randint(0, len(target)), addition)
    return DraftPlan(tuple(DraftSection(title, tuple(tasks)) for title, tasks in sections if tasks))


def derive_task(task: DraftTask, n: int, rng: random.Random) -> DraftTask:
    """``task`` (the ``n``-th of its plan) as a lower plan re-words it."""
    edits: list[str] = []
    sentences = list(task.sentences)
    if len(sentences) >= 3 and rng.random() < REORDER:
        rest = sentences[1:]
        rng.shuffle(rest)
        if rest != sentences[1:]:
            sentences[1:] = rest
            edits.append("reordered")
    if rng.random() < SYNONYMS:
        swapped = [swap_synonyms(s, rng) for s in sentences]
        if swapped != sentences:
            sentences = swapped
            edits.append("synonyms")
    openers = vocab().local_openers
    if rng.random() < OPENER and not sentences[0].startswith(tuple(o[:2] for o in openers)):
        sentences[0] = rng.choice(openers) + sentences[0]
        edits.append("place")
    elif any("{地}" in s for s in sentences):
        edits.append("place")
    targets = tuple(change_target(t, rng) for t in task.targets)
    if any(t.change != "kept" for t in targets):
        edits.append("targets")
    functions = list(task.functions)
    if len(functions) >= 3 and rng.random() < 0.15:
        functions.pop(rng.randrange(1, len(functions)))
        edits.append("bodies")
    elif rng.random() < 0.1:
        extra = [a.function for a in vocab().agencies if a.function not in functions]
        functions.append(rng.choice(extra))
        edits.append("bodies")
    return DraftTask(tuple(sentences), targets, tuple(functions), parent=n, origin="derived", edits=tuple(edits))


def change_target(t: Target, rng: random.Random) -> Target:
    """Raise (more ambitious), keep or weaken a target; a 100% floor cannot be raised and is kept or weakened."""
    change = rng.choices([c for c, _ in CHANGES], [w for _, w in CHANGES])[0]
    step = rng.choice((1, 2, 3, 5)) if t.unit in ("%", "‰") else rng.choice((1, 2, 5, 10))
    up = 1 if t.comparator == ">=" else -1  # raising a ceiling (控制在1%以内) lowers it
    value = t.value
    if change == "raised":
        value = t.value + up * step
    elif change == "weakened":
        value = t.value - up * step
    if t.unit == "%":
        value = min(100.0, max(0.0, value))
    value = max(value, 0.0)
    if value == t.value:
        change = "kept"
    elif (value - t.value) * up > 0:
        change = "raised"
    else:
        change = "weakened"
    return replace(t, value=value, parent_value=t.value, change=change)


@lru_cache(maxsize=1)
def _synonym_table() -> tuple[re.Pattern[str], dict[str, str]]:
    table: dict[str, str] = {}
    for a, b in vocab().synonyms:
        table.setdefault(a, b)
        table.setdefault(b, a)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(table, key=len, reverse=True)))
    return pattern, table


def swap_synonyms(text: str, rng: random.Random, p: float = 0.5) -> str:
    """Each synonym in ``text`` swapped for its pair with probability ``p`` (加强 → 强化)."""
    pattern, table = _synonym_table()
    return pattern.sub(lambda m: table[m.group()] if rng.random() < p else m.group(), text)


def local_addition(spare: Sequence[DraftTask], rng: random.Random) -> DraftTask:
    """A measure of the plan's own: a seed measure no higher plan has, or a local template."""
    v = vocab()
    if spare and rng.random() < 0.7:
        seed = rng.choice(spare)
        return replace(seed, parent=None, origin="local", edits=())
    text = rng.choice(v.local_additions)
    sentences = tuple(s + "。" for s in text.split("。") if s)
    functions = tuple(a.function for a in v.agencies if any(k in text for k in a.keywords)) or ("市场监管",)
    return DraftTask(sentences, (), functions[:4], parent=None, origin="local")
