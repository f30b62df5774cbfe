"""Generate a national cascade of plans with ground truth: ``policygraph bench generate --size S|M|L --seed N OUT``.

One national plan is drawn from the sample corpus's real measures; every province re-words it, every city its
province's plan, every county its city's (or its province's, for 上海市's 区 and the 省直辖 counties), each in a
layout and file format of its own (``render``, ``formats``), and every task's origin is written to the truth file
(``truth``). The walk is depth first and keeps only the chain above the current plan, so a corpus of any size
streams to disk; every random choice comes from a generator seeded by the run's seed and the plan's place and
year, so the same seed gives the same bytes.

    >>> summary = generate("S", 0, Path("/tmp/pg-bench-S"))          # doctest: +SKIP
    >>> summary.plans, summary.tasks                                  # doctest: +SKIP
    (99, 6295)
"""
from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from policygraph.benchmark.derive import derive_plan, national_plan
from policygraph.benchmark.formats import choose_file_layout, write_document
from policygraph.benchmark.model import DraftPlan, DraftTask
from policygraph.benchmark.places import Place, provinces, years
from policygraph.benchmark.render import PlanVoice, choose_style, render
from policygraph.benchmark.seeds import seed_sections
from policygraph.benchmark.truth import (
    MANIFEST_FILE,
    TRUTH_FILE,
    TruthAgency,
    TruthJurisdiction,
    TruthLayout,
    TruthPlan,
    TruthRef,
    TruthTarget,
    TruthTask,
)
from policygraph.errors import InputError

NATIONAL_CODE = "100000"
GENERATOR_VERSION = 1


@dataclass(frozen=True)
class Summary:
    """What a run wrote."""

    size: str
    seed: int
    plans: int
    tasks: int
    bytes: int
    seconds: float


@dataclass(frozen=True)
class _Written:
    id: str
    file: str


def generate(size: str, seed: int, out: Path, corpus: Path = Path("data/corpus"),
             progress: Callable[[int], None] | None = None) -> Summary:
    """Write the documents under ``out/docs`` and the truth to ``out/truth.jsonl``; ``out`` must be new or empty."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(str(out), "exists and is not an empty folder; give a new folder for the corpus")
    sections = seed_sections(Path(corpus))
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(out / TRUTH_FILE, "w", encoding="utf-8") as truth:
        writer = _Writer(out, truth, seed, progress)
        for year in years(size):
            national, spare = national_plan(sections, random.Random(f"{seed}|{year}|national"))
            spares = {"province": spare[0::3], "city": spare[1::3], "county": spare[2::3]}
            root = writer.write(national, None, year, None)
            for province in provinces(size, seed):
                writer.descend(province, national, root, year, spares)
    summary = Summary(size=size, seed=seed, plans=writer.plans, tasks=writer.tasks, bytes=writer.bytes,
                      seconds=round(time.perf_counter() - started, 2))
    manifest = {"generator_version": GENERATOR_VERSION, "corpus": str(corpus), "years": list(years(size)),
                **asdict(summary)}
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return summary


class _Writer:
    """Renders and writes one plan at a time, and its lines of truth."""

    def __init__(self, out: Path, truth: IO[str], seed: int, progress: Callable[[int], None] | None) -> None:
        self.out, self.truth, self.seed, self.progress = out, truth, seed, progress
        self.plans = self.tasks = self.bytes = 0

    def descend(self, place: Place, parent: DraftPlan, parent_ref: _Written, year: int,
                spares: Mapping[str, Sequence[DraftTask]]) -> None:
        rng = random.Random(f"{self.seed}|{year}|{place.code}|derive")
        draft = derive_plan(parent, spares[place.jurisdiction.level], rng)
        ref = self.write(draft, place, year, parent_ref)
        for child in place.children:
            self.descend(child, draft, ref, year, spares)

    def write(self, draft: DraftPlan, place: Place | None, year: int, parent: _Written | None) -> _Written:
        rng = random.Random(f"{self.seed}|{year}|{place.code if place else NATIONAL_CODE}|layout")
        voice = PlanVoice(place, year)
        style = choose_style(rng)
        layout = choose_file_layout(style, rng)
        written = render(draft, voice, style, rng)
        code = place.code if place else NATIONAL_CODE
        folders = [*reversed(place.parent_codes), code] if place and place.jurisdiction.level != "county" \
            else [*reversed(place.parent_codes)] if place else []
        rel = Path("docs", str(year), *folders, code + layout.suffix)
        self.bytes += write_document(written, layout, self.out / rel)
        plan_id = f"{year}/{code}"
        j = place.jurisdiction if place else None
        record = TruthPlan(
            id=plan_id, file=rel.as_posix(), format=layout.format, level=voice.level, year=year, title=written.title,
            layout=TruthLayout(numbering=style.numbering, responsibility=style.form, mixed_forms=style.mixed,
                               run_on=style.run_on, wrap=layout.wrap, one_line=layout.one_line,
                               blank_lines=layout.blank_lines, crlf=layout.crlf),
            jurisdiction=TruthJurisdiction(name=j.name if j else "中国", level=voice.level, code=code,
                                           parents=list(j.parents) if j else [],
                                           parent_codes=list(place.parent_codes) if place else []),
            parent_plan=parent.id if parent else None, tasks=len(written.tasks),
        )
        lines = [record.model_dump_json()]
        for t in written.tasks:
            task = TruthTask(
                plan=plan_id, task=t.n, section=t.section, item=t.item, snippet=t.text[:24],
                origin=t.draft.origin, edits=list(t.draft.edits),
                derives_from=[TruthRef(plan=parent.id, file=parent.file, task=t.draft.parent)]
                if parent and t.draft.parent is not None else [],
                targets=[TruthTarget(metric=g.metric, comparator=g.comparator, value=g.value, unit=g.unit,
                                     phrase=g.phrase(), parent_value=g.parent_value, change=g.change)
                         for g in t.draft.targets],
                agencies=[TruthAgency(name=a.name, function=a.function, level=voice.level, role=a.role)
                          for a in t.agencies],
            )
            lines.append(task.model_dump_json())
        self.truth.write("\n".join(lines) + "\n")
        self.plans += 1
        self.tasks += len(written.tasks)
        if self.progress:
            self.progress(self.plans)
        return _Written(plan_id, rel.as_posix())
