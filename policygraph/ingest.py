"""Ingestion, in one place: file → plan tree → graph fragment → store → alignment.

The CLI's ``load``, the API's upload and the benchmarks all go through here, so a document is written the same
way whichever door it came in by: parsed (``loaders``), turned into a fragment (``graph.model``), written whole
or not at all (``Store.write_fragment``; a load of many files commits them ``BATCH`` at a time with
``Store.write_fragments``), and aligned against the plans already there (``align``). A bad file is reported and
skipped while the others still load. Loading is idempotent because plan ids and measure ids are derived from
content and a document whose content hash is already stored is not written again. This module sits above
loaders, graph and align; none of them imports it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from policygraph.errors import InputError, NotFound
from policygraph.graph.model import build_fragment
from policygraph.graph.store import Store, WriteResult
from policygraph.loaders.decoding import SUPPORTED_SUFFIXES
from policygraph.loaders.model import PlanTree
from policygraph.loaders.parse import parse_file, parse_upload

if TYPE_CHECKING:
    from policygraph.align.run import AlignResult


#: Documents written per ``Store.write_fragments`` call by a load of many files.
BATCH = 16


def write_tree(store: Store, tree: PlanTree) -> WriteResult:
    """One parsed document into the store, in one transaction."""
    return store.write_fragment(build_fragment(tree))


def write_trees(store: Store, trees: Sequence[PlanTree]) -> list[WriteResult]:
    """Parsed documents into the store, each whole or not at all, committed together where the store can."""
    return store.write_fragments([build_fragment(t) for t in trees])


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
    """Load every file; parse errors skip the file, store errors stop the load (the store is unusable).

    Parsed documents are written ``BATCH`` at a time (``Store.write_fragments``): each is still whole or
    absent, and a store error keeps the documents written before it."""
    summary = LoadSummary()
    batch: list[PlanTree] = []
    for path in collect_files(paths):
        if progress:
            progress(path)
        try:
            batch.append(parse_file(path))
        except InputError as exc:
            summary.skipped.append(str(exc))
            continue
        if len(batch) >= BATCH:
            _write_batch(store, batch, summary)
            batch = []
    _write_batch(store, batch, summary)
    return summary


def _write_batch(store: Store, trees: list[PlanTree], summary: LoadSummary) -> None:
    for tree, result in zip(trees, write_trees(store, trees)):
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


class DocumentSummary(BaseModel):
    """What loading one document did."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "plan_id": "p-76e4e6bda031", "title": "XX县2024年食品安全重点工作安排", "status": "added",
        "jurisdiction": "XX县", "level": "county", "year": 2024, "source_format": "gb18030", "measures": 63,
        "tasks": 53, "agencies": 150, "indicators": 17, "citations": 12, "links": 54}]})
    plan_id: str
    title: str
    status: str = Field(description="added | replaced | unchanged")
    jurisdiction: str
    level: str
    year: int | None = None
    source_format: str
    measures: int
    tasks: int
    agencies: int
    indicators: int
    citations: int
    links: int = Field(description="DERIVES_FROM links the alignment wrote for this plan")


class Deleted(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"plan_id": "p-76e4e6bda031",
                                                                                "deleted": True}]})
    plan_id: str
    deleted: bool


def load_document(store: Store, data: bytes, filename: str) -> DocumentSummary:
    """Parse an uploaded file, write it, align it; raises InputError with the parser's message when unreadable."""
    return load_parsed(store, parse_upload(data, filename))


def load_parsed(store: Store, tree: PlanTree) -> DocumentSummary:
    """Write an already-parsed document and align it (the API parses uploads in a worker process, then calls this
    under the store lock, so reads never wait for a parse)."""
    from policygraph.align.run import align_plans  # the aligner is heavy; only uploads need it

    result = write_tree(store, tree)
    links = 0 if result.status == "unchanged" else align_plans(store, [tree.plan.id]).links
    tasks = [m for m in tree.measures if m.kind == "task"]
    j = tree.plan.jurisdiction
    return DocumentSummary(plan_id=tree.plan.id, title=tree.plan.title, status=result.status, jurisdiction=j.name,
                           level=j.level, year=tree.plan.year, source_format=tree.plan.source_format,
                           measures=len(tree.measures), tasks=len(tasks),
                           agencies=sum(len(m.agencies) for m in tasks),
                           indicators=sum(len(m.indicators) for m in tasks),
                           citations=sum(len(m.citations) for m in tasks), links=links)


def align_pending(store: Store) -> AlignResult:
    """Align every plan pair not aligned at its documents' current versions: the new documents' pairs, and
    whatever a killed load or alignment left undone (each pair is written and recorded in one transaction)."""
    from policygraph.align.run import align_plans  # the aligner is heavy; loads without it should not pay

    return align_plans(store, pending_only=True)


def delete_document(store: Store, plan_id: str) -> Deleted:
    """Remove a plan and everything it owns in one transaction (the store's ``delete_document``)."""
    if not store.delete_document(plan_id):
        raise NotFound(f"no document {plan_id!r}", listing="plans")
    return Deleted(plan_id=plan_id, deleted=True)
