"""Score the loaders against a whole-document gold file such as ``shared/gold/real_layouts.json``.

That gold describes every task unit of a document, not a sample of them, so it can judge what the
example gold cannot: whether a plan is refused, whether its header was read, whether the structure is exact
(section count, the item-number sequence, the task-unit count), and how many responsibility statements were
read at all. The scoring follows the gold's ``about``:

- a gold unit is matched to the parsed task unit whose source span holds the snippet's last character (else its
  first); snippets are exact substrings of the file as written;
- an agency mention is *found* when its written form and role are right (multisets per unit); agencies on
  parsed units that no gold unit matched count as false positives; functions, canonical names and levels are
  then scored over the mentions found, a national body's name with or without the prefix 中华人民共和国;
- indicators match on comparator, value and unit with a metric that shares most of its characters with the
  gold's (metrics are free phrases, so demanding the exact wording would score the annotator, not the parser);
- citations match on title.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from policygraph.errors import InputError, PolicyGraphError
from policygraph.evaluation.extraction import compare_multisets
from policygraph.loaders.model import AgencyRef, Indicator, Measure, PlanTree
from policygraph.loaders.normalising import normalise
from policygraph.loaders.parse import parse_file

HEADER_FIELDS = ("title", "kind", "year", "jurisdiction", "level", "issuer")
_STATE_PREFIX = "中华人民共和国"
_METRIC_OVERLAP = 0.6


@dataclass
class F1:
    """True positives, predictions and expectations of one category; P, R and F1 follow."""

    true_pos: int = 0
    predicted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.true_pos / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_pos / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def merge(self, other: F1) -> None:
        self.true_pos += other.true_pos
        self.predicted += other.predicted
        self.expected += other.expected

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "true_pos": self.true_pos, "predicted": self.predicted, "expected": self.expected}


@dataclass
class Share:
    """How many of ``total`` were right."""

    right: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0

    def add(self, ok: bool) -> None:
        self.right += int(ok)
        self.total += 1

    def merge(self, other: Share) -> None:
        self.right += other.right
        self.total += other.total

    def as_dict(self) -> dict[str, float | int]:
        return {"rate": round(self.rate, 4), "right": self.right, "total": self.total}


@dataclass
class DocumentScore:
    """Everything measured on one document; ``problems`` says in words what went wrong, for the user."""

    doc: str
    refused: str | None = None
    header: Share = field(default_factory=Share)
    structure_exact: bool = False
    units_found: Share = field(default_factory=Share)
    agencies: F1 = field(default_factory=F1)
    functions: Share = field(default_factory=Share)
    names: Share = field(default_factory=Share)
    levels: Share = field(default_factory=Share)
    indicators: F1 = field(default_factory=F1)
    citations: F1 = field(default_factory=F1)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc, "refused": self.refused, "header": self.header.as_dict(),
            "structure_exact": self.structure_exact, "units_found": self.units_found.as_dict(),
            "agencies": self.agencies.as_dict(), "functions": self.functions.as_dict(),
            "names": self.names.as_dict(), "levels": self.levels.as_dict(),
            "indicators": self.indicators.as_dict(), "citations": self.citations.as_dict(),
            "problems": self.problems,
        }


@dataclass
class LayoutReport:
    """Per-document scores and their totals over the whole gold file."""

    documents: list[DocumentScore]

    def overall(self) -> DocumentScore:
        total = DocumentScore(doc="overall")
        for d in self.documents:
            total.header.merge(d.header)
            total.units_found.merge(d.units_found)
            for name in ("agencies", "indicators", "citations"):
                getattr(total, name).merge(getattr(d, name))
            for name in ("functions", "names", "levels"):
                getattr(total, name).merge(getattr(d, name))
        return total

    def as_dict(self) -> dict[str, Any]:
        overall = self.overall().as_dict()
        overall.pop("problems")
        overall.pop("refused")
        overall["refused"] = sum(1 for d in self.documents if d.refused)
        overall["structure_exact"] = sum(1 for d in self.documents if d.structure_exact)
        overall["documents"] = len(self.documents)
        return {"overall": overall, "documents": [d.as_dict() for d in self.documents]}


def is_layout_gold(gold: dict[str, Any]) -> bool:
    """Whole-document gold has ``documents``; the example gold has ``units``."""
    return isinstance(gold.get("documents"), list)


def evaluate_layouts(gold: dict[str, Any], corpus_dir: Path) -> LayoutReport:
    """Parse every document the gold names (a refusal is scored, not raised) and score it."""
    return LayoutReport([_score_document(doc, corpus_dir) for doc in gold["documents"]])


def _score_document(doc: dict[str, Any], corpus_dir: Path) -> DocumentScore:
    score = DocumentScore(doc=doc["doc"])
    try:
        tree = parse_file(corpus_dir / doc["doc"])
    except InputError as exc:
        score.refused = exc.problem if hasattr(exc, "problem") else str(exc)
        _score_refused(doc, score)
        return score
    except PolicyGraphError as exc:  # pragma: no cover - a store or config error is not a loader verdict
        raise exc
    _score_header(doc["header"], tree, score)
    _score_structure(doc, tree, score)
    _score_units(doc["units"], tree, score)
    return score


def _score_refused(doc: dict[str, Any], score: DocumentScore) -> None:
    """A refused plan gets nothing right and finds nothing."""
    for _ in HEADER_FIELDS:
        score.header.add(False)
    for unit in doc["units"]:
        score.units_found.add(False)
        score.agencies.expected += len(unit["agencies"])
        score.indicators.expected += len(unit["indicators"])
        score.citations.expected += len(unit["citations"])
    score.problems.append(f"refused: {score.refused}")


def _score_header(gold: dict[str, Any], tree: PlanTree, score: DocumentScore) -> None:
    plan = tree.plan
    got = {"title": plan.title, "kind": plan.kind, "year": plan.year, "jurisdiction": plan.jurisdiction.name,
           "level": plan.jurisdiction.level, "issuer": plan.issuer}
    for name in HEADER_FIELDS:
        ok = got[name] == gold.get(name)
        score.header.add(ok)
        if not ok:
            score.problems.append(f"header {name}: got {got[name]!r}, gold {gold.get(name)!r}")


def _label(number: str) -> str:
    return normalise(number).text


def _score_structure(doc: dict[str, Any], tree: PlanTree, score: DocumentScore) -> None:
    gold = doc["structure"]
    sections = sum(1 for m in tree.measures if m.kind == "section" and m.parent_id is None)
    items = [m.number or "" for m in tree.measures if m.kind == "item"]
    tasks = sum(1 for m in tree.measures if m.kind == "task")
    want_items = [_label(n) for n in gold["items"]]
    score.structure_exact = sections == gold["sections"] and items == want_items and tasks == gold["task_units"]
    if sections != gold["sections"]:
        score.problems.append(f"sections: got {sections}, gold {gold['sections']}")
    if items != want_items:
        score.problems.append(f"items: got {' '.join(items)} | gold {' '.join(want_items)}")
    if tasks != gold["task_units"]:
        score.problems.append(f"task units: got {tasks}, gold {gold['task_units']}")


def _locate(tree: PlanTree, snippet: str) -> int | None:
    """Source offset of the snippet's last character (the gold's anchor), or None when it is not in the file."""
    for candidate in (snippet, snippet.replace("\r\n", "\n"), snippet.replace("\n", "\r\n")):
        at = tree.text.find(candidate)
        if at >= 0:
            return at + len(candidate) - 1
    # The same words across line breaks or spaces (a hard-wrapped or re-flowed copy of the document).
    loose = re.compile(r"\s*".join(re.escape(ch) for ch in snippet if not ch.isspace()))
    m = loose.search(tree.text)
    return None if m is None else m.end() - 1


def _unit_at(tasks: list[Measure], offset: int) -> Measure | None:
    return next((m for m in tasks if m.span[0] <= offset < m.span[1]), None)


def _score_units(units: list[dict[str, Any]], tree: PlanTree, score: DocumentScore) -> None:
    tasks = [m for m in tree.measures if m.kind == "task"]
    matched: set[str] = set()
    for unit in units:
        where = f"«{unit['snippet'][:14]}»"
        anchor = _locate(tree, unit["snippet"])
        task = None if anchor is None else _unit_at(tasks, anchor)
        if task is None and anchor is not None:
            task = _unit_at(tasks, anchor - len(unit["snippet"]) + 1)
        score.units_found.add(task is not None and task.id not in matched)
        if task is None or task.id in matched:
            score.problems.append(f"{where}: no task unit of its own")
            task = None
        else:
            matched.add(task.id)
        _score_agencies(unit["agencies"], [] if task is None else task.agencies, score, where)
        _score_indicators(unit["indicators"], [] if task is None else task.indicators, score, where)
        _score_multiset(score.citations, [c["title"] for c in unit["citations"]],
                        [] if task is None else [c.title for c in task.citations], score, where, "citation")
    for task in tasks:
        if task.id in matched:
            continue
        for name, found in (("agencies", task.agencies), ("indicators", task.indicators),
                            ("citations", task.citations)):
            getattr(score, name).predicted += len(found)
            if found:
                score.problems.append(f"«{task.text[:14]}» (no gold unit): {len(found)} {name}")


def _score_multiset(target: F1, expected: Iterable[Hashable], predicted: Iterable[Hashable], score: DocumentScore,
                    where: str, what: str) -> None:
    expected, predicted = list(expected), list(predicted)
    matched, missing, unexpected = compare_multisets(expected, predicted)
    target.true_pos += matched
    target.expected += len(expected)
    target.predicted += len(predicted)
    score.problems.extend(f"{where}: missing {what} {key}" for key in missing)
    score.problems.extend(f"{where}: unexpected {what} {key}" for key in unexpected)


def _plain(name: str) -> str:
    return name.removeprefix(_STATE_PREFIX)


def _score_agencies(gold: list[dict[str, Any]], found: list[AgencyRef], score: DocumentScore, where: str) -> None:
    _score_multiset(score.agencies, [(a["as_written"], a["role"]) for a in gold],
                    [(a.as_written, a.role) for a in found], score, where, "agency")
    pool = list(found)
    for want in gold:
        have = next((a for a in pool if (a.as_written, a.role) == (want["as_written"], want["role"])), None)
        if have is None:
            continue
        pool.remove(have)
        checks = (
            (score.functions, sorted(have.functions) == sorted(want["functions"]), "functions",
             have.functions, want["functions"]),
            (score.names, _plain(have.name) == _plain(want["name"]), "name", have.name, want["name"]),
            (score.levels, have.level == want["level"], "level", have.level, want["level"]),
        )
        for share, ok, label, got, wanted in checks:
            share.add(ok)
            if not ok:
                score.problems.append(f"{where}: {want['as_written']} {label} {got} (gold {wanted})")


def _metric_close(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    common = sum((Counter(a) & Counter(b)).values())
    return common / max(len(a), len(b)) >= _METRIC_OVERLAP


def _score_indicators(gold: list[dict[str, Any]], found: list[Indicator], score: DocumentScore, where: str) -> None:
    pool = list(found)
    score.indicators.expected += len(gold)
    score.indicators.predicted += len(found)
    for want in gold:
        have = next((i for i in pool if i.comparator == want["comparator"] and abs(i.value - float(want["value"])) < 1e-9
                     and i.unit == want["unit"] and _metric_close(i.metric, want["metric"])), None)
        if have is None:
            score.problems.append(f"{where}: missing indicator {want['metric']} {want['comparator']} "
                                  f"{want['value']}{want['unit']}")
            continue
        pool.remove(have)
        score.indicators.true_pos += 1
    for extra in pool:
        score.problems.append(f"{where}: unexpected indicator {extra.metric} {extra.comparator} "
                              f"{extra.value:g}{extra.unit}")


def load_gold(path: Path) -> dict[str, Any]:
    """Read a gold file, with a one-line InputError naming it when it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(str(path), f"cannot read the gold file ({exc})") from exc
    if not isinstance(data, dict):
        raise InputError(str(path), "a gold file is a JSON object with 'units' or 'documents'")
    return data
