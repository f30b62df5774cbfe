"""Precision and recall of agencies, indicators and citations against ``extraction_examples.json``.

The gold file names each unit by a snippet taken from the start of its text; we find the task unit of the
parsed document whose text starts with it (or, failing that, contains it) and compare multisets of keys:
agencies by (functions, role), indicators by (metric, comparator, value, unit), citations by title.
A category absent from a gold unit is not scored for that unit, so partial gold does not count as misses.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policygraph.errors import InputError
from policygraph.loaders.model import Measure, PlanTree
from policygraph.loaders.normalising import normalise
from policygraph.loaders.parse import parse_file


@dataclass
class Score:
    """Counts for one category; precision and recall follow from them."""

    true_pos: int = 0
    predicted: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_pos / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.expected if self.expected else 1.0

    def add(self, predicted: list[Hashable], expected: list[Hashable], where: str) -> None:
        matched, missing, unexpected = compare_multisets(expected, predicted)
        self.true_pos += matched
        self.predicted += len(predicted)
        self.expected += len(expected)
        self.misses.extend(f"{where}: missing {key}" for key in missing)
        self.misses.extend(f"{where}: unexpected {key}" for key in unexpected)


def compare_multisets(expected: Iterable[Hashable], predicted: Iterable[Hashable]
                      ) -> tuple[int, list[Hashable], list[Hashable]]:
    """How many predictions match the gold (as multisets), and the gold left unmatched and the predictions left over."""
    e, p = Counter(expected), Counter(predicted)
    return sum((e & p).values()), list((e - p).elements()), list((p - e).elements())


def _agency_key(a: dict[str, Any]) -> Hashable:
    return (tuple(sorted(a["functions"])), a["role"])


def _indicator_key(i: dict[str, Any]) -> Hashable:
    return (i["metric"], i["comparator"], float(i["value"]), i["unit"])


def _citation_key(c: dict[str, Any]) -> Hashable:
    return c["title"]


CATEGORIES: dict[str, Callable[[dict[str, Any]], Hashable]] = {
    "agencies": _agency_key,
    "indicators": _indicator_key,
    "citations": _citation_key,
}


def find_unit(tree: PlanTree, snippet: str) -> Measure | None:
    """The task unit whose text starts with ``snippet`` (else the first one containing it).

    Snippets are exact substrings of the raw file ("昆仑 2020"), so they are normalised like the text first.
    """
    snippet = normalise(snippet).text
    tasks = [m for m in tree.measures if m.kind == "task"]
    for m in tasks:
        if m.text.startswith(snippet):
            return m
    return next((m for m in tasks if snippet in m.text), None)


def evaluate_extraction(gold_path: Path, corpus_dir: Path) -> dict[str, Score]:
    """Score every category over every gold unit; a unit that cannot be found counts all its gold as missed."""
    try:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(gold_path), f"cannot read the gold file ({exc})") from exc
    trees: dict[str, PlanTree] = {}
    scores = {name: Score() for name in CATEGORIES}
    for unit in gold["units"]:
        doc = unit["doc"]
        if doc not in trees:
            trees[doc] = parse_file(corpus_dir / doc)
        measure = find_unit(trees[doc], unit["snippet"])
        where = f"{doc} «{unit['snippet']}»"
        for name, key in CATEGORIES.items():
            if name not in unit:
                continue
            expected = [key(x) for x in unit[name]]
            found: list[Any] = [] if measure is None else [x.model_dump() for x in getattr(measure, name)]
            scores[name].add([key(x) for x in found], expected, where)
    return scores
