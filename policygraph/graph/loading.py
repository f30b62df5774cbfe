"""Load files and folders into a store: parse, build the fragment, write it in one transaction per document.

A bad file is reported and skipped while the others still load; the summary says what happened to each.
Loading is idempotent because plan ids and measure ids are derived from content and a document whose
content hash is already stored is not written again.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from policygraph.errors import InputError
from policygraph.graph.model import build_fragment
from policygraph.graph.store import Store, WriteResult
from policygraph.loaders.decoding import SUPPORTED_SUFFIXES
from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_file


@dataclass
class LoadSummary:
    """Counts for the end-of-load report, and the one-line reason for every skipped file."""

    documents: int = 0
    unchanged: int = 0
    measures: int = 0
    agencies: int = 0
    indicators: int = 0
    citations: int = 0
    written: list[WriteResult] = field(default_factory=list)
    trees: list[PlanTree] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.documents} documents loaded ({self.unchanged} unchanged), {self.measures} measures, "
                f"{self.agencies} agency mentions, {self.indicators} indicators, {self.citations} citations; "
                f"{len(self.skipped)} files skipped")


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly, plus supported files under folders (recursively), in a stable order."""
    out: list[Path] = []
    for p in paths:
        try:
            is_dir = p.is_dir()
        except OSError:  # a name too long for the file system: reported and skipped by the parser, one line
            is_dir = False
        if is_dir:
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            out.append(p)
    return out


def load_paths(store: Store, paths: Iterable[Path],
               progress: Callable[[Path], None] | None = None) -> LoadSummary:
    """Load every file; parse errors skip the file, store errors stop the load (the store is unusable)."""
    summary = LoadSummary()
    for path in collect_files(paths):
        if progress:
            progress(path)
        try:
            tree = parse_file(path)
        except InputError as exc:
            summary.skipped.append(str(exc))
            continue
        result = store.write_fragment(build_fragment(tree))
        summary.written.append(result)
        summary.trees.append(tree)
        summary.documents += 1
        if result.status == "unchanged":
            summary.unchanged += 1
        tasks = [m for m in tree.measures if m.kind == "task"]
        summary.measures += len(tree.measures)
        summary.agencies += sum(len(m.agencies) for m in tasks)
        summary.indicators += sum(len(m.indicators) for m in tasks)
        summary.citations += sum(len(m.citations) for m in tasks)
    return summary
